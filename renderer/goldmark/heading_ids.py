"""Hugo's heading ids (``markup/goldmark/autoid.go``): ``markup.goldmark.parser.autoIDType``.

- ``github`` (Hugo's default): the heading's plain text, trimmed; each
  letter, digit or ``_`` lower-cased, each space or ``-`` a ``-``, anything
  else dropped (``📚 Further reading`` is ``-further-reading``);
- ``github-ascii``: the same after accents are removed, non-ASCII dropped;
- ``blackfriday``: runs of letters and numbers joined by single ``-``.

An empty id is ``heading``; an id already used on the page gets ``-1``,
``-2``... (the first free one). Ids given with ``{#id}`` are taken first
as they come, in document order, and are never changed. Every heading
gets one, in blockquotes and lists too.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Iterator

from ..ucd import mask_unassigned
from .attributes import ATTRS
from .unicode import is_digit, is_letter, is_number

HEADING_ID_TYPES = ("github", "github-ascii", "blackfriday")


def _lower(c: str) -> str:
    low = c.lower()  # Go's unicode.ToLower maps one rune to one rune
    return low if len(low) == 1 else c


def slug(text: str, kind: str) -> str:
    """The id Hugo makes of a heading's plain ``text`` with ``autoIDType = kind`` (before de-duplication)."""
    text = mask_unassigned(text, "\ufffd")  # the same on both engines (renderer.ucd)
    if kind == "blackfriday":
        out: list[str] = []
        dash = False
        for c in text:
            if is_letter(c) or is_number(c):
                if dash and out:
                    out.append("-")
                dash = False
                out.append(_lower(c))
            else:
                dash = True
        return "".join(out)
    if kind == "github-ascii":
        text = unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", text)
                                                    if unicodedata.category(c) != "Mn"))
    text = text.strip(" \t\n\v\f\r\x85\xa0")
    chars: list[str] = []
    for c in text:
        if kind == "github-ascii" and not c.isascii():
            continue
        if c in "- ":
            chars.append("-")
        elif c == "_" or is_letter(c) or is_digit(c):
            chars.append(_lower(c))
    return "".join(chars)


class Ids:
    """The ids used on one page (Hugo's idFactory)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.used: set[str] = set()

    def put(self, ident: str) -> None:
        self.used.add(ident)

    def generate(self, text: str) -> str:
        base = slug(text, self.kind) or "heading"
        ident, n = base, 0
        while ident in self.used:
            n += 1
            ident = f"{base}-{n}"
        self.used.add(ident)
        return ident

    def heading(self, tok: dict[str, Any], plain: str) -> str:
        """The id of heading token ``tok`` whose plain text is ``plain``: the one its ``{#id}`` gives
        (renderer.goldmark.attributes), else a new one; "" for a heading without text (Hugo gives it none)."""
        given: list[str] = [value for name, value in tok.get("attrs", {}).get(ATTRS, []) if name == "id"]
        if given:
            self.put(given[-1])
            return given[-1]
        # A setext heading of several lines: Hugo makes the id of its last line.
        return self.generate(plain.strip().rsplit("\n", 1)[-1]) if plain else ""


def all_headings(tokens: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every heading token, in blockquotes and lists too, in document order."""
    for tok in tokens:
        if tok["type"] == "heading":
            yield tok
        elif isinstance(tok.get("children"), list):
            yield from all_headings(tok["children"])
