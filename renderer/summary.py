"""Summaries, word counts and reading time, computed from rendered HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_TAG_RE = re.compile(r"<[^>]*>")
_WORD_RE = re.compile(r"\S+")
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
# Inline tags do not separate words: "**two**," and "[three](/x/)." are one word each.
_INLINE = frozenset("a abbr b bdi bdo cite code data del dfn em i ins kbd mark q s samp small span strong "
                    "sub sup time u var".split())
_INLINE_TAG_RE = re.compile(r"</?(?:" + "|".join(sorted(_INLINE, key=len, reverse=True)) + r")\b[^>]*>",
                            re.IGNORECASE)
# Top-level blocks that make a good summary; code, tables, headings do not.
_SUMMARY_BLOCKS = frozenset(("p", "ul", "ol", "blockquote"))


def word_count(html_text: str) -> int:
    """Words in the visible text of an HTML fragment."""
    return len(_WORD_RE.findall(_TAG_RE.sub(" ", _INLINE_TAG_RE.sub("", html_text))))


def reading_minutes(words: int, per_minute: int) -> int:
    """Whole minutes to read ``words``, at least one."""
    return max(1, -(-words // per_minute))


class _Cutter(HTMLParser):
    """Copies top-level summary blocks until ``limit`` words, then closes tags."""

    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=False)
        self.limit = limit
        self.words = 0
        self.out: list[str] = []
        self.stack: list[str] = []
        self.skipping = False  # inside a top-level block we leave out
        self.done = False
        self.cut = False
        self.glued = False  # the last text ended inside a word (no block boundary since)

    def _emit(self, text: str) -> None:
        if not self.skipping and not self.done:
            self.out.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag not in _INLINE:
            self.glued = False
        if not self.stack and tag not in _VOID:
            self.skipping = tag not in _SUMMARY_BLOCKS
        if not self.stack and tag in _VOID:
            return  # stray top-level image or rule: not summary material
        self._emit(self.get_starttag_text() or "")
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stack:
            self._emit(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag not in _INLINE:
            self.glued = False
        if self.done or tag in _VOID or tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            self._emit(f"</{top}>")
            if top == tag:
                break
        if not self.stack:
            if not self.skipping and self.words >= self.limit:
                self.done = True
            self.skipping = False

    def handle_data(self, data: str) -> None:
        if self.done or not self.stack or self.skipping:
            return
        room = self.limit - self.words
        words = list(_WORD_RE.finditer(data))
        # The first "word" may go on with the word before an inline tag: "**two**,".
        continued = int(bool(words) and self.glued and words[0].start() == 0)
        self.glued = not data[-1].isspace()
        if len(words) - continued <= room:
            self.words += len(words) - continued
            self._emit(data)
            return
        # Cut inside this text: keep `room` more words, close what is open.
        keep = room + continued
        end = words[keep - 1].end() if keep > 0 else 0
        self._emit(data[:end].rstrip() + "\u2026")
        self.words = self.limit
        self.cut = True
        for top in reversed(self.stack):
            self._emit(f"</{top}>")
        self.stack.clear()
        self.done = True

    def handle_entityref(self, name: str) -> None:
        if not self.skipping and self.stack:
            self._emit(f"&{name};")
            self.glued = True

    def handle_charref(self, name: str) -> None:
        if not self.skipping and self.stack:
            self._emit(f"&#{name};")
            self.glued = True

    def handle_comment(self, data: str) -> None:
        pass


def auto_summary(html_text: str, limit: int, words: int | None = None) -> tuple[str, bool]:
    """The first paragraphs of ``html_text`` up to ``limit`` words.

    Whole paragraphs are kept while they fit; the one that crosses the limit
    is cut at a word boundary and every open tag is closed. Returns the
    summary and whether anything of the content was left out. ``words`` is
    ``word_count(html_text)`` when the caller has it (a post's parse counts
    its words anyway: counting them twice was 0.1 s of 1,000 posts).
    """
    cutter = _Cutter(limit)
    # Feed the HTML a piece at a time and stop once the summary is complete:
    # a summary needs the first few hundred words, not the whole post.
    step = 2048
    for start in range(0, len(html_text), step):
        cutter.feed(html_text[start:start + step])
        if cutter.done:
            break
    else:
        cutter.close()
    summary = "".join(cutter.out).strip()
    truncated = cutter.cut or word_count(summary) < (word_count(html_text) if words is None else words)
    return summary, truncated
