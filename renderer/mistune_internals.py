"""Everything wasmblog reads or replaces of mistune beyond its public API, for one version.

Two of mistune's private functions answer differently on the two engines,
because the host's CPython (3.11) and the guest's (3.14) know different
Unicode versions:

- ``mistune.list_parser._get_list_bullet`` writes an ordered-list marker as
  ``\\d``, which also matches the digits of scripts Unicode added lately
  (Garay digits, U+10D40, are digits to 3.14 and not to 3.11), so the engines
  built different lists;
- ``mistune._inline.emphasis._is_punctuation``, ``_can_open_emphasis`` and
  ``_can_close_emphasis`` ask ``str.isalnum()`` of the characters around a
  ``*`` or ``_``, and a character assigned after Unicode 14.0 is a letter to
  one engine and not to the other (``*X*a`` was emphasis on one only).

mistune has no public hook for either: its list rule and its emphasis pass
are module functions that call these by their global names (the public
``BlockParser.register`` could replace the whole list rule, but only with a
copy of mistune's 300-line list parser; the ``InlineParser`` takes no
flanking rule). Rebinding the module globals changed mistune for every
caller in the process, so this module does not: it makes *private copies*
of the two modules' functions whose globals hold wasmblog's versions
(``list_parser`` and ``emphasis`` below), and wasmblog's own parsers call
those copies from two public override points, ``BlockParser.parse_list``
and ``InlineParser.finalize_tokens`` (``renderer.markdown``). mistune's own
modules, and any other ``mistune.Markdown`` in the process, are untouched.

The inline parser's fast text scan is also replaced, through the method it
calls (``InlineParser._find_fast_text_end``, overridden in
``renderer.markdown``), for speed only: see :func:`fast_text_trigger`.

``tests/internals/test_mistune_internals.py`` checks each replaced function
against mistune's original on ASCII input, that the copies are the ones
wasmblog's parser uses, and that importing ``renderer`` leaves mistune as it
was. This module refuses a mistune it was not written for.
"""

from __future__ import annotations

import re
import types
from typing import Any

import mistune
import mistune._inline.emphasis
import mistune.inline_parser
import mistune.list_parser
from mistune.plugins.url import URL_LINK_PATTERN

from .ucd import unassigned

SUPPORTED = ((3, 4), (3, 5))  # mistune versions this module was written and tested for: >= 3.4, < 3.5
VERSION = mistune.__version__  # not importlib.metadata: the guest bundles no distribution metadata

if not SUPPORTED[0] <= tuple(int(part) for part in VERSION.split(".")[:2]) < SUPPORTED[1]:
    raise ImportError(f"wasmblog's Markdown replaces private functions of mistune 3.4 "
                      f"(renderer/mistune_internals.py) but mistune {VERSION} is installed: "
                      f"install mistune==3.4.0 (as pyproject.toml pins it) or port that module")

# What this module replaces, by module: each must exist in the installed mistune.
REPLACED = {
    "mistune.list_parser": ("_get_list_bullet",),
    "mistune._inline.emphasis": ("_is_punctuation", "_can_open_emphasis", "_can_close_emphasis"),
}
# What the fast text scan (``fast_text_end``) reads of ``mistune.InlineParser``: private attributes and methods.
READ = ("_get_fast_trigger_chars", "_find_linebreak_start", "_rule_start_chars", "_fast_trigger_chars")


def _copy(module: types.ModuleType, replacements: dict[str, Any]) -> types.SimpleNamespace:
    """The functions of ``module`` re-created over a private copy of its globals in
    which ``replacements`` stand for the module's own names; ``module`` is unchanged."""
    missing = set(replacements) - set(vars(module))
    if missing:
        raise ImportError(f"mistune {VERSION} has no {', '.join(sorted(missing))} in {module.__name__}: "
                          f"renderer/mistune_internals.py needs porting")
    namespace: dict[str, Any] = dict(vars(module))
    for name, value in vars(module).items():
        if isinstance(value, types.FunctionType) and value.__module__ == module.__name__:
            clone = types.FunctionType(value.__code__, namespace, value.__name__, value.__defaults__,
                                       value.__closure__)
            clone.__kwdefaults__ = value.__kwdefaults__
            clone.__qualname__ = value.__qualname__
            namespace[name] = clone
    namespace.update(replacements)
    return types.SimpleNamespace(**namespace)


# CommonMark ordered-list markers are ASCII digits.
def _ascii_list_bullet(c: str) -> str:
    return mistune.list_parser._get_list_bullet(c).replace(r"\d", "[0-9]")


ASCII_LIST_PATTERN = mistune.list_parser.LIST_PATTERN.replace(r"\d", "[0-9]")


# mistune 3.4's three flanking functions with ``isalnum`` answering as Unicode 14.0 does (renderer.ucd).
def _alnum(c: str) -> bool:
    return c.isalnum() and (c.isascii() or not unassigned(c))


def _is_punctuation(char: str) -> bool:
    return not char.isspace() and not _alnum(char)


def _can_open_emphasis(text: str, start: int, size: int, marker: str) -> bool:
    previous = text[start - 1] if start > 0 else "\n"
    next_char = text[start + size] if start + size < len(text) else "\n"
    if marker == "_" and _alnum(previous) and _alnum(next_char):
        return False
    if next_char.isspace():
        return False
    if _is_punctuation(next_char) and not previous.isspace() and not _is_punctuation(previous):
        return False
    return True


def _can_close_emphasis(text: str, start: int, size: int, marker: str) -> bool:
    previous = text[start - 1] if start > 0 else "\n"
    next_char = text[start + size] if start + size < len(text) else "\n"
    if marker == "_" and _alnum(previous) and _alnum(next_char):
        return False
    if previous.isspace():
        return False
    if _is_punctuation(previous) and not next_char.isspace() and not _is_punctuation(next_char):
        return False
    return True


# The private copies wasmblog's parsers call (renderer.markdown).
list_parser = _copy(mistune.list_parser, {"_get_list_bullet": _ascii_list_bullet})
emphasis = _copy(mistune._inline.emphasis, {
    "_is_punctuation": _is_punctuation,
    "_can_open_emphasis": _can_open_emphasis,
    "_can_close_emphasis": _can_close_emphasis,
})


def parse_list(block: mistune.BlockParser, m: Any, state: Any) -> int:
    """mistune's list rule with ASCII-only ordered markers (for ``BlockParser.parse_list``)."""
    end: int = list_parser.parse_list(block, m, state)
    return end


def finalize_emphasis(tokens: list[dict[str, Any]], enabled: bool, remaining: int) -> list[dict[str, Any]]:
    """mistune's emphasis pass with Unicode-14 flanking (for ``InlineParser.finalize_tokens``)."""
    out: list[dict[str, Any]] = emphasis.finalize_emphasis_tokens(tokens, enabled, remaining)
    return out


# The inline parser's fast text scan, without a 1-character text token at every "h".
#
# mistune 3.4 reads plain text up to the next character that may start an inline rule, then
# tries its rules there; a character where none matches becomes a 1-character text token, and
# the text tokens are joined again when emphasis is resolved. The url plugin's rule starts at
# "h", so every "h" of the prose ("the", "which") stopped the scan: 240,000 scans, rule
# matches and tokens for 1,000 posts, and each scan sorted the trigger set again (0.4 s of
# sorting alone in a cProfile of a cold build). The url rule only matches at "http://" or
# "https://" (URL_LINK_PATTERN), so where no other rule starts at "h", an "h" stops the scan
# only when "ttp" follows; the text tokens differ only in where plain text was cut, which the
# emphasis pass joins the same way (an "h" never begins an entity after an "&": mistune cut it
# off as a 1-character token), so the HTML is the same.
def fast_text_trigger(inline: mistune.InlineParser) -> re.Pattern[str] | None:
    """The pattern that finds where plain text may end in ``inline``'s text, or None: no fast scan."""
    chars = inline._get_fast_trigger_chars()
    if chars is None:
        return None
    pattern = "[" + re.escape("".join(sorted(chars))) + "]"
    known = mistune.inline_parser._KNOWN_RULE_START_CHARS
    others: set[str] = set()
    for name in inline.rules:
        if name != "url_link":
            others.update(inline._rule_start_chars.get(name, known.get(name)) or ())
    if "h" in chars and "h" not in others and inline.specification.get("url_link") == URL_LINK_PATTERN:
        pattern = "[" + re.escape("".join(sorted(chars - {"h"}))) + "]|h(?=ttps?://)"
    return re.compile(pattern)


def fast_text_end(inline: mistune.InlineParser, trigger: re.Pattern[str], src: str, pos: int) -> int:
    """mistune's ``InlineParser._find_fast_text_end`` with ``trigger`` from :func:`fast_text_trigger`."""
    m = trigger.search(src, pos)
    if m is None:
        return len(src)
    start = m.start()
    if src[start] == "\n":
        end: int = inline._find_linebreak_start(src, pos, start)
        return end
    return start
