"""Trusted HTML set aside while a post's Markdown is parsed and its raw HTML sanitized.

Shortcode output and highlighted code are made by wasmblog (or by the site's
own templates), not typed by the post's author, so they must reach the page
as they are. Each is replaced by a placeholder word, which Markdown and the
sanitizer leave alone, and put back at the end; a placeholder alone in a
paragraph takes the paragraph's place, as Hugo does, so a block shortcode
is not wrapped in ``<p>``.

Two rules keep this from being a way around the sanitizer:

- **Markup only as whole element content.** A fragment of HTML goes back
  as markup only where its word stands in the text between tags. Where
  Markdown put the word somewhere else (an image's alt text, a link's
  title, a destination, a code fence's info string, a comment, a
  ``<script>``'s text), it is not markup there: in a quoted attribute that
  holds text (``alt``, ``title``...) it becomes its own plain text,
  escaped; a fragment that holds no markup or quote at all (what ``ref``,
  ``relref`` and ``param`` give, or a site shortcode that prints a URL)
  goes into a quoted attribute as it is, where a URL attribute must then
  still pass the link rule as a whole (:func:`renderer.sanitize.safe_url`);
  anywhere else, and never in an event handler or a style, it is left out,
  with a warning at the shortcode's line.
- **Words no author can spell.** A word is ``WB``, 24 capital letters and
  the fragment's number in letters, ending in ``Z``: nothing Markdown or the
  sanitizer rewrites (no digits, entities or punctuation). The 24 letters
  come from a SHA-256 of the whole text of the document, so a word cannot
  be written into that text ahead of time, in any encoding: writing it
  changes the text and so the word. (Should the text still contain the
  letters, in any case, they are drawn again.)
"""

from __future__ import annotations

import hashlib
import html as _html
import re
from dataclasses import dataclass, field
from functools import partial
from typing import Callable

from .htmlscan import COMMENT, RAW, TAG, TEXT, Piece, attribute_spans, scan
from .sanitize import LINK_SCHEMES, safe_url

# Attributes whose value is text shown to (or read aloud for) the reader: a fragment that lands in
# one becomes its plain text there. Any other attribute (URLs, event handlers, style, class...) gets nothing.
TEXT_ATTRIBUTES = frozenset(("alt", "title", "aria-label", "aria-description", "placeholder", "label",
                             "summary", "abbr"))

# Attributes whose value is a URL: what goes in must leave a URL the link rule allows.
URL_ATTRIBUTES = frozenset(("href", "src", "cite", "action", "formaction", "poster", "background", "data",
                            "srcset", "xlink:href", "ping", "longdesc", "manifest", "codebase", "archive",
                            "usemap", "icon", "profile", "lowsrc", "dynsrc"))
# The markers ref and relref leave until the site is planned (renderer.refs): URLs of the core's.
_URL_SCHEMES = (*LINK_SCHEMES, "wasmblog-ref", "wasmblog-absref")
_MARKUP = re.compile(r"[<>\"'`]")

_NUMBER = re.compile("([A-P]+)Z")  # what follows a word's prefix: the fragment's number, then Z
_DIGITS = "ABCDEFGHIJKLMNOP"  # a fragment's number, in base 16 written with letters
_KEY_LETTERS = 24


def _letters(digest: bytes, count: int) -> str:
    return "".join(chr(ord("A") + b % 26) for b in digest[:count])


def _number(index: int) -> str:
    out = ""
    while True:
        out = _DIGITS[index % 16] + out
        index //= 16
        if not index:
            return out


class Word:
    """One placeholder word found in a text: ``group(0)`` the word, ``group(1)`` its number's letters."""

    __slots__ = ("_groups",)

    def __init__(self, word: str, number: str) -> None:
        self._groups = (word, number)

    def group(self, index: int = 0) -> str:
        return self._groups[index]


class Words:
    """The words of one prefix, found as ``re.compile(re.escape(prefix) + "([A-P]+)Z")`` finds them.

    Each document has its own prefix, and compiling a pattern for it took
    0.2 ms, 0.3 s of a cold build's 1,333 Markdown bodies (1,000 posts and
    their summaries): the prefix is found with ``str.find`` instead, and only
    the number after it with one shared pattern. A match must begin with the
    prefix, so the candidates are its occurrences, leftmost first, and the
    next search begins where a word ended, as ``re.sub`` and ``re.search`` do.
    """

    __slots__ = ("prefix",)

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def _next(self, text: str, pos: int) -> tuple[int, int, Word] | None:
        prefix = self.prefix
        start = text.find(prefix, pos)
        while start >= 0:
            m = _NUMBER.match(text, start + len(prefix))
            if m is not None:
                return start, m.end(), Word(text[start:m.end()], m.group(1))
            start = text.find(prefix, start + 1)
        return None

    def search(self, text: str) -> Word | None:
        found = self._next(text, 0)
        return found[2] if found is not None else None

    def fullmatch(self, text: str) -> Word | None:
        if not text.startswith(self.prefix):
            return None
        m = _NUMBER.fullmatch(text, len(self.prefix))
        return Word(text, m.group(1)) if m is not None else None

    def sub(self, repl: Callable[[Word], str], text: str) -> str:
        out: list[str] = []
        pos = 0
        found = self._next(text, 0)
        while found is not None:
            start, end, word = found
            out.append(text[pos:start])
            out.append(repl(word))
            pos = end
            found = self._next(text, end)
        if not out:
            return text
        out.append(text[pos:])
        return "".join(out)


@dataclass
class Misplaced:
    """A fragment that landed where it cannot be markup: its shortcode's line and name, and where."""

    line: int | None
    name: str
    where: str  # 'the alt attribute', 'a comment'...
    kept_as_text: bool
    url: bool = False  # it went into a URL attribute, making a URL the link rule refuses


@dataclass
class _Item:
    html: str
    line: int | None
    name: str
    inline: bool = False  # a render hook's link or image: alone in a paragraph, it stays in the paragraph


@dataclass
class Placeholders:
    """Trusted HTML fragments, each behind a placeholder word unique to one document."""

    text: str
    salt: str = ""
    items: list[_Item] = field(default_factory=list)
    misplaced: list[Misplaced] = field(default_factory=list)

    def __post_init__(self) -> None:
        upper = self.text.upper()
        seed = hashlib.sha256(f"{len(self.salt)}:{self.salt}\0{self.text}".encode("utf-8", "surrogatepass")).digest()
        while True:
            self.prefix = "WB" + _letters(seed, _KEY_LETTERS)
            if self.prefix not in upper:
                break
            seed = hashlib.sha256(seed).digest()
        self._pattern = Words(self.prefix)

    def add(self, html: str, line: int | None = None, name: str = "", inline: bool = False) -> str:
        """The placeholder that stands for ``html`` until :meth:`restore`; ``line`` and ``name``
        (the shortcode's) are for the warning should the word land where markup cannot go. An
        ``inline`` fragment alone in a paragraph keeps the paragraph."""
        self.items.append(_Item(html, line, name, inline))
        return f"{self.prefix}{_number(len(self.items) - 1)}Z"

    def _index(self, m: Word) -> int:
        index = 0
        for c in m.group(1):
            index = index * 16 + (ord(c) - ord("A"))
        return index

    def restore(self, html: str, plain: bool = False, below: int | None = None) -> str:
        """``html`` with every placeholder that stands as element content replaced by its fragment,
        those in text attributes by the fragment's plain text and the others removed (each of
        those noted in :attr:`misplaced`). With ``plain``, ``html`` is plain text (a heading's, for
        its anchor and the table of contents) and every placeholder becomes its fragment's text.

        A fragment may hold placeholders itself (a shortcode inside another's inner text), always
        of fragments made before it: only those are put back into it, so none can contain itself.
        """
        limit = len(self.items) if below is None else below
        if not limit or self.prefix not in html:
            return html
        if plain:
            return self._pattern.sub(lambda m: self._plain(m, limit), html)
        pieces = list(scan(html))
        out: list[str] = []
        for k, piece in enumerate(pieces):
            text = piece.text
            if self.prefix not in text:
                out.append(text)
                continue
            if piece.kind == TEXT:
                whole = self._pattern.fullmatch(text)
                if (whole is not None and out and out[-1] == "<p>" and k + 1 < len(pieces)
                        and pieces[k + 1].text == "</p>" and self._index(whole) < limit
                        and not self.items[self._index(whole)].inline):
                    out[-1] = self._fragment(whole, limit) + "\n"  # a block shortcode alone in a paragraph
                    pieces[k + 1] = Piece(TEXT, "")  # (the </p>, and the line's end after it)
                    if k + 2 < len(pieces) and pieces[k + 2].kind == TEXT and pieces[k + 2].text.startswith("\n"):
                        pieces[k + 2] = Piece(TEXT, pieces[k + 2].text[1:])
                    continue
                out.append(self._pattern.sub(lambda m: self._fragment(m, limit), text))
            elif piece.kind == TAG:
                out.append(self._in_tag(text, limit))
            else:
                where = "a comment" if piece.kind == COMMENT else "the raw text of an element"
                assert piece.kind in (COMMENT, RAW)
                out.append(self._pattern.sub(partial(self._drop, limit=limit, where=where), text))
        return "".join(out)

    def _fragment(self, m: Word, limit: int) -> str:
        index = self._index(m)
        if index >= limit:
            return m.group(0)
        return self.restore(self.items[index].html, below=index)

    def _plain(self, m: Word, limit: int) -> str:
        index = self._index(m)
        if index >= limit:
            return m.group(0)
        fragment = self.restore(self.items[index].html, below=index)
        return "".join(p.text for p in scan(fragment) if p.kind == TEXT)

    def _drop(self, m: Word, limit: int, where: str, as_text: bool = False) -> str:
        index = self._index(m)
        if index >= limit:
            return m.group(0)
        item = self.items[index]
        self.misplaced.append(Misplaced(item.line, item.name, where, as_text))
        if not as_text:
            return ""
        return _html.escape(_html.unescape(self._plain(m, limit)), quote=True)

    def _in_tag(self, tag: str, limit: int) -> str:
        """A tag with each placeholder in an attribute value replaced by what may stand there, and
        every other one (in a name, or in an unquoted value) removed."""
        out: list[str] = []
        pos = 0
        for name, start, end in attribute_spans(tag):
            value = tag[start:end]
            if self.prefix not in value:
                continue
            out.append(tag[pos:start])
            pos = end
            quoted = tag[start - 1] in "\"'"
            where = f"the {name} attribute"
            if not quoted or name.startswith("on") or name == "style":
                out.append(self._pattern.sub(partial(self._drop, limit=limit, where=where), value))
                continue
            new = self._pattern.sub(partial(self._in_value, limit=limit, name=name, where=where), value)
            if name in URL_ATTRIBUTES and new != value and not safe_url(_html.unescape(new), _URL_SCHEMES):
                found = self._pattern.search(value)
                first = self.items[min(self._index(found), limit - 1)] if found else _Item("", None, "")
                self.misplaced.append(Misplaced(first.line, first.name, where, False, url=True))
                new = ""
            out.append(new)
        out.append(tag[pos:])
        return self._pattern.sub(lambda m: self._drop(m, limit, "a tag"), "".join(out))

    def _in_value(self, m: Word, limit: int, name: str, where: str) -> str:
        """What the fragment behind ``m`` becomes inside the quoted value of attribute ``name``."""
        index = self._index(m)
        if index >= limit:
            return m.group(0)
        fragment = self.restore(self.items[index].html, below=index)
        if _MARKUP.search(fragment) is None:  # text or a URL, escaped: it cannot leave the quotes
            return fragment
        return self._drop(m, limit, where, as_text=name in TEXT_ATTRIBUTES)

    def warnings(self) -> list[tuple[int | None, str]]:
        """One message per misplaced fragment, with its shortcode's line (None when not known)."""
        out = []
        for m in self.misplaced:
            what = f"shortcode '{m.name}'" if m.name else "a shortcode"
            if m.url:
                out.append((m.line, f"{what} makes {m.where} a URL that links may not have (only relative "
                                    "URLs and http, https, mailto, tel, ftp, irc); the URL is left out"))
                continue
            fix = "its plain text is used there" if m.kept_as_text else "it is left out there"
            out.append((m.line, f"{what} stands where Markdown writes {m.where}, where HTML cannot go: {fix} "
                                "(to show its HTML, put it in the text)"))
        return out
