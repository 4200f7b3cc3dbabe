"""Split HTML into text, tags, comments and raw text, as a browser's tokenizer would.

:mod:`renderer.placeholders` needs to know *where* in a rendered page a
placeholder word landed (element content, an attribute value and which one,
a comment, the raw text of a ``<script>``), so that trusted HTML goes back
only where it stands as whole element content. The pages it reads come out
of Markdown and the sanitizer, but with ``raw_html = "allow"`` they hold
whatever the author typed, so the scanner follows the HTML5 tokenizer's
rules for where a tag, a quoted attribute value and a comment end rather
than assuming tidy markup. Pure string work: identical on every Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

TEXT, TAG, COMMENT, RAW = "text", "tag", "comment", "raw"

# Elements whose content the tokenizer reads as text up to their end tag (HTML's raw text and
# escapable raw text elements, and the legacy ones browsers still treat so).
RAW_TEXT = frozenset(("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
                      "noscript", "plaintext"))

_TAG_NAME = re.compile(r"</?([A-Za-z][^\s/>]*)")
_SPACE = " \t\n\r\f"


@dataclass(frozen=True)
class Piece:
    """A span of the page: ``kind`` (TEXT, TAG, COMMENT or RAW) and its source text."""

    kind: str
    text: str


def _walk_tag(html: str, start: int) -> tuple[int, list[tuple[str, int, int]]]:
    """Read the tag opened at ``start`` as the HTML5 tokenizer does (its attribute name and value
    states): the index just past its ``>`` (or the end of ``html``), and each attribute's lower-cased
    name with the span of its value."""
    n = len(html)
    i = start + 1
    while i < n and html[i] not in _SPACE + "/>":  # the tag's name
        i += 1
    spans: list[tuple[str, int, int]] = []
    state, name_start, name = "before-name", i, ""
    while i < n:
        c = html[i]
        if state == "before-name":
            if c == ">":
                return i + 1, spans
            if c not in _SPACE + "/":
                state, name_start = "name", i  # any other character starts a name, even = " '
        elif state == "name":
            if c in _SPACE + "/=>":
                name = html[name_start:i].lower()
                if c == ">":
                    return i + 1, spans
                state = "before-value" if c == "=" else "after-name"
        elif state == "after-name":
            if c == ">":
                return i + 1, spans
            if c == "=":
                state = "before-value"
            elif c == "/":
                state = "before-name"
            elif c not in _SPACE:
                state, name_start = "name", i
        elif state == "before-value":
            if c in "\"'":
                close = html.find(c, i + 1)
                if close < 0:
                    return n, spans
                spans.append((name, i + 1, close))
                i, state = close + 1, "before-name"
                continue
            if c == ">":
                return i + 1, spans
            if c not in _SPACE:
                state, name_start = "unquoted", i
        elif state == "unquoted":
            if c in _SPACE + ">":
                spans.append((name, name_start, i))
                if c == ">":
                    return i + 1, spans
                state = "before-name"
        i += 1
    if state == "unquoted":
        spans.append((name, name_start, n))
    return n, spans


def scan(html: str) -> Iterator[Piece]:
    """The pieces of ``html`` in order; joined, they give ``html`` back."""
    i, n = 0, len(html)
    while i < n:
        lt = html.find("<", i)
        if lt < 0:
            yield Piece(TEXT, html[i:])
            return
        if lt > i:
            yield Piece(TEXT, html[i:lt])
        if html.startswith("<!--", lt):
            end = html.find("-->", lt + 4)
            end = n if end < 0 else end + 3
            yield Piece(COMMENT, html[lt:end])
            i = end
            continue
        nxt = html[lt + 1:lt + 2]
        if nxt in ("!", "?") or (nxt == "/" and not html[lt + 2:lt + 3].isalpha() and lt + 2 < n):
            end = html.find(">", lt)  # a bogus comment: a doctype, a processing instruction, "</ >"
            end = n if end < 0 else end + 1
            yield Piece(COMMENT, html[lt:end])
            i = end
            continue
        m = _TAG_NAME.match(html, lt)
        if m is None:  # "<" that opens nothing is text
            yield Piece(TEXT, "<")
            i = lt + 1
            continue
        end, _ = _walk_tag(html, lt)
        yield Piece(TAG, html[lt:end])
        i = end
        name = m.group(1).lower()
        if not m.group(0).startswith("</") and name in RAW_TEXT:
            close = re.compile(r"</" + re.escape(name) + r"(?=[\s/>])", re.IGNORECASE)
            found = close.search(html, i) if name != "plaintext" else None
            stop = found.start() if found else n
            if stop > i:
                yield Piece(RAW, html[i:stop])
            i = stop


def attribute_spans(tag: str) -> list[tuple[str, int, int]]:
    """The attributes of the tag ``tag`` (one TAG piece): each one's lower-cased name and the span of its value."""
    return _walk_tag(tag, 0)[1]
