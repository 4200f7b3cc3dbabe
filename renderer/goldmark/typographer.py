"""goldmark's typographer (``extension/typographer.go``) as a mistune inline rule.

Quotes are curled, ``--`` and ``---`` become dashes, ``...`` an ellipsis and
``<<``/``>>`` guillemets, written as goldmark writes them (HTML entities).
The rule is the last inline rule, so whatever another rule takes first
(code spans, raw HTML, autolinks, backslash escapes, URLs) is never touched,
as in goldmark where the typographer is the inline parser of lowest
priority. Quote decisions follow goldmark's code line by line: the
delimiter flanking of ``parser.ScanDelimiter``, the special cases
(``'90s``, ``'twas``, ``Alice's``, ``I've``, ``Smiths'``, ``"Monitor 21""``)
and the count of quotes left open, reset for each block.
"""

from __future__ import annotations

import re
from typing import Any

import mistune

from .unicode import (is_ascii_punct, is_ascii_space, is_digit, is_letter, is_punct, is_punct_or_symbol,
                      is_space)

# goldmark's default substitutions (Hugo's markup.goldmark.extensions.typographer defaults).
LSQUO, RSQUO, LDQUO, RDQUO = "&lsquo;", "&rsquo;", "&ldquo;", "&rdquo;"
NDASH, MDASH, HELLIP, LAQUO, RAQUO = "&ndash;", "&mdash;", "&hellip;", "&laquo;", "&raquo;"
APOSTROPHE = "&rsquo;"

PATTERN = r"---|--|\.\.\.|<<|>>|['\"]"
_FIXED = {"---": MDASH, "--": NDASH, "...": HELLIP, "<<": LAQUO, ">>": RAQUO}
COUNTER = "goldmark_typographer"  # state.env key: quotes left open in the current block


def _rune(line: bytes, pos: int) -> str:
    """goldmark's util.ToRune: the character whose UTF-8 bytes include ``line[pos]``."""
    start = pos
    while start > 0 and (line[start] & 0xC0) == 0x80:
        start -= 1
    end = start + 1
    while end < len(line) and (line[end] & 0xC0) == 0x80:
        end += 1
    return line[start:end].decode("utf-8", "replace")[:1] or "\ufffd"


def _flanking(after: str, before: str) -> tuple[bool, bool]:
    """(can open, can close) of a run of quotes between ``before`` and ``after`` (parser.ScanDelimiter)."""
    before_punct, before_space = is_punct_or_symbol(before), is_space(before)
    after_punct, after_space = is_punct_or_symbol(after), is_space(after)
    left = not after_space and (not after_punct or before_space or before_punct)
    right = not before_space and (not before_punct or after_space or after_punct)
    return left, right


def _quote(line: bytes, after: str, before: str, counter: dict[str, int]) -> str | None:
    """What goldmark writes for the quote starting ``line`` (its first bytes: goldmark looks at five at
    most) whose run of quotes is followed by ``after``; None to keep it as text."""
    can_open, can_close = _flanking(after, before)
    n = len(line)
    if line[0] == ord("'"):
        if can_open and not can_close and n > 3 and 0x30 <= line[1] <= 0x39 and 0x30 <= line[2] <= 0x39 \
                and line[3] == ord("s"):  # decades: '90s
            after = _rune(line, 4) if n > 4 else " "
            if is_space(after) or is_punct_or_symbol(after):
                return APOSTROPHE
        if n > 1 and (is_punct(before) or is_space(before)) and line[1] in b"tenl":  # 'twas, 'em, 'net
            return APOSTROPHE
        if n > 1 and (is_digit(before) or is_letter(before)) and is_letter(_rune(line, 1)):
            return APOSTROPHE
        if can_open and not can_close:
            closes = (n > 1 and line[1] in b"smtd" and (n < 3 or is_ascii_punct(line[2]) or
                                                         is_ascii_space(line[2])))  # Alice's, I'm
            closes = closes or (n > 2 and line[1:3] in (b"ve", b"ll", b"re") and
                                (n < 4 or is_ascii_punct(line[3]) or is_ascii_space(line[3])))  # I've
            if not closes:
                counter["single"] += 1
            return RSQUO if closes else LSQUO
        first = _rune(line, 0)
        # goldmark's precedence: (n > 1 and space) or (punct and (n > 2 and not digit))
        if (n > 1 and is_space(first)) or (is_punct(first) and n > 2 and not is_digit(_rune(line, 1))):
            return RSQUO  # Smiths', doin'
        if counter["single"] > 0 and _closes(line, can_open, can_close):
            counter["single"] -= 1
            return RSQUO
        return None
    if can_open and not can_close:
        counter["double"] += 1
        return LDQUO
    if counter["double"] > 0 and _closes(line, can_open, can_close):
        if n > 1 and line[1] == ord('"') and is_digit(before):  # "Monitor 21""
            return None
        counter["double"] -= 1
        return RDQUO
    return None


def _closes(line: bytes, can_open: bool, can_close: bool) -> bool:
    n = len(line)
    maybe = (can_close and can_open and n > 1 and is_punct(_rune(line, 1)) and
             (n == 2 or (n > 2 and is_ascii_punct(line[2])) or is_ascii_space(line[2])))
    return (can_close and not can_open) or maybe


_HEAD = 16  # characters of the line the rules look at (goldmark reads 5 bytes at most, a character 4)
_RUN = "goldmark_typographer_run"  # the inline state's memo: (text, quote, where its run ends)


def _run_end(state: Any, src: str, pos: int) -> int:
    """Where the run of quotes around ``pos`` ends: found once per run, so a run of n quotes costs n, not n²."""
    memo = state.__dict__.get(_RUN)
    if memo is not None and memo[0] is src and memo[1] == src[pos] and pos < memo[2]:
        end: int = memo[2]
        return end
    end = pos
    while end < len(src) and src[end] == src[pos]:
        end += 1
    state.__dict__[_RUN] = (src, src[pos], end)
    return end


def parse_typographer(inline: mistune.InlineParser, m: re.Match[str], state: Any) -> int | None:
    text: str = m.group(0)
    entity = _FIXED.get(text)
    if entity is None:
        pos = m.start()
        src: str = state.src
        # The line from here as goldmark's rules read it: its first bytes (up to its newline, which
        # goldmark's line includes) and what follows the run of quotes; each found once per run.
        head = src[pos:pos + _HEAD]
        newline = head.find("\n")
        line = (head[:newline + 1] if newline >= 0 else head).encode("utf-8", "surrogatepass")
        run_end = _run_end(state, src, pos)
        after = src[run_end] if run_end < len(src) else " "
        before = src[pos - 1] if pos > 0 else "\n"
        counter = state.env.setdefault(COUNTER, {"single": 0, "double": 0})
        entity = _quote(line, after, before, counter)
        if entity is None:
            return None
    state.append_token({"type": "typographer", "raw": entity})
    return m.end()


def render_typographer(renderer: Any, text: str) -> str:
    return text


def typographer(md: mistune.Markdown) -> None:
    """The plugin: registered last, so it sees only what no other inline rule took."""
    md.inline.register("typographer", PATTERN, parse_typographer, start_chars=tuple("'\"-.<>"))
    if md.renderer and md.renderer.NAME == "html":
        md.renderer.register("typographer", render_typographer)


def reset(env: Any) -> None:
    """Forget the quotes left open: goldmark resets its count for each block."""
    env.pop(COUNTER, None)
