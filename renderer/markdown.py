"""Markdown to HTML with mistune 3: the site's extensions, safe by default.

One :class:`mistune.Markdown` is built per distinct set of options and kept,
so the parser and its regexes are built once per process (and, in the
sandbox, once in the snapshot).
"""

from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass
from typing import Any

import mistune
import mistune._inline.emphasis
import mistune.list_parser
from mistune.plugins import import_plugin
from mistune.toc import render_toc_ul
from mistune.util import escape as escape_text
from mistune.util import safe_entity, striptags

from . import highlight as hl
from . import shortcodes
from .placeholders import Placeholders
from .refs import resolve_refs
from .sanitize import OMITTED, raw_html_mode, sanitize_html
from .shortcodes import Context, Note
from .ucd import mask_unassigned, unassigned

EXTENSIONS = ("table", "footnotes", "strikethrough", "task_lists", "url")
# Imported now rather than on first use: the WebAssembly snapshot holds only
# what was imported while it was taken.
_PLUGINS = tuple(import_plugin(name) for name in EXTENSIONS)


@dataclass(frozen=True)
class MarkdownOptions:
    """How Markdown is rendered; the site's ``[markdown]`` settings.

    With ``extensions``, ``highlight`` and ``heading_ids`` off and
    ``raw_html="allow"``, the output is plain CommonMark as mistune renders
    it. ``raw_html`` is one of ``renderer.sanitize.RAW_HTML_MODES``
    ("sanitize", the default, "escape", "omit", "allow"); ``True`` and
    ``False``, the old spelling, still mean "allow" and "escape", with a
    DeprecationWarning. ``extensions`` include shortcodes.
    """

    extensions: bool = True
    raw_html: str = "sanitize"
    highlight: bool = True
    heading_ids: bool = True
    base_path: str = "/"
    toc_min_level: int = 2
    toc_max_level: int = 4
    max_nesting: int = 32
    max_marks: int = 2_000  # emphasis marks in one run of inline text (see TooManyMarks)

    def __post_init__(self) -> None:
        mode, legacy = raw_html_mode(self.raw_html)
        if legacy:
            warnings.warn(_legacy_message(self.raw_html), DeprecationWarning, stacklevel=3)
            object.__setattr__(self, "raw_html", mode)


def _legacy_message(value: object) -> str:
    return f"raw_html={value!r} is deprecated: use raw_html={raw_html_mode(value)[0]!r}"


def normalize_options(options: dict[str, Any], stacklevel: int = 2) -> dict[str, Any]:
    """``render_markdown``'s keyword options with the old ``raw_html=True/False``
    turned into its mode (and a DeprecationWarning for the caller)."""
    value = options.get("raw_html")
    if isinstance(value, bool):
        warnings.warn(_legacy_message(value), DeprecationWarning, stacklevel=stacklevel + 1)
        options = {**options, "raw_html": raw_html_mode(value)[0]}
    return options


@dataclass(frozen=True)
class TocItem:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[TocItem, ...]
    notes: tuple[Note, ...] = ()  # shortcode problems, by line in the file
    refs: tuple[tuple[str, int], ...] = ()  # ref/relref targets and their lines
    # Every link and image destination, in the order rendered: (as parsed, as
    # the page has it). What `wasmblog check` traces back to a source line.
    links: tuple[tuple[str, str], ...] = ()

    @property
    def toc_html(self) -> str:
        return render_toc_ul([(t.level, t.id, escape_text(t.text)) for t in self.toc])


_ID_STRIP = re.compile(r"[^\w\- ]+")
# href and src values in raw HTML (when the site lets it through).
_RAW_URL = re.compile(r"""\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_ID_SPACES = re.compile(r"[\s]+")


def heading_slug(text: str) -> str:
    """A GitHub/Hugo-style anchor for a heading's plain text."""
    # Characters unassigned in Unicode 14.0 are dropped like punctuation: the
    # engines' Pythons disagree on whether they are letters (renderer.ucd).
    slug = _ID_STRIP.sub("", mask_unassigned(html.unescape(text), "").strip().lower())
    slug = _ID_SPACES.sub("-", slug).strip("-")
    return slug or "section"


class SiteRenderer(mistune.HTMLRenderer):
    """HTML renderer with highlighting, anchors and base-path-aware links."""

    def __init__(self, options: MarkdownOptions) -> None:
        super().__init__(escape=options.raw_html == "escape")
        self.options = options
        self._omit = options.raw_html == "omit"
        self._protect_code = options.raw_html == "sanitize"

    def render_token(self, token: dict[str, Any], state: Any) -> str:
        """Renders the token, noting each link's destination in ``state.env["links"]``
        (for `wasmblog check`) and whether raw HTML was let through."""
        kind = token["type"]
        if kind in ("link", "image"):
            url = token["attrs"]["url"]
            state.env.setdefault("links", []).append((url, self.sanitize_url(self._url(url))))
        elif kind in _RAW_TOKENS:
            state.env["raw_html"] = True
            if not self.escape_enabled and not self._omit:
                for m in _RAW_URL.finditer(token.get("raw", "")):
                    written = next(g for g in m.groups() if g is not None)
                    state.env.setdefault("links", []).append((written, html.unescape(written)))
        out = super().render_token(token, state)
        if kind == "block_code" and self._protect_code:  # trusted: kept away from the sanitizer
            word: str = state.env["placeholders"].add(out)
            return word
        return out

    def inline_html(self, html_text: str) -> str:
        return OMITTED if self._omit else super().inline_html(html_text)

    def block_html(self, html_text: str) -> str:
        return OMITTED + "\n" if self._omit else super().block_html(html_text)

    def text(self, text: str) -> str:
        # Entity references (&amp;, &copy;, &#169;) are resolved, then the text
        # is escaped, whatever the raw-HTML policy; mistune's escape=True would
        # escape them again and show "&amp;" literally.
        return safe_entity(text)

    def _url(self, url: str) -> str:
        base = self.options.base_path
        if base != "/" and url.startswith("/") and not url.startswith(("//", base)):
            return base + url[1:]
        return url

    def link(self, text: str, url: str, title: str | None = None) -> str:
        return super().link(text, self._url(url), title)

    def image(self, text: str, url: str, title: str | None = None) -> str:
        out = super().image(text, self._url(url), title)
        if self.options.heading_ids:  # site mode: let the browser defer images
            out = out[:-3] + ' loading="lazy" />'
        return out

    def heading(self, text: str, level: int, **attrs: Any) -> str:
        ident = attrs.get("id")
        if not ident or not self.options.heading_ids:
            return super().heading(text, level, **attrs)
        tag = f"h{level}"
        anchor = "" if "<a " in text else (
            f' <a class="anchor" href="#{escape_text(ident)}" aria-hidden="true" tabindex="-1">#</a>')
        return f'<{tag} id="{escape_text(ident)}">{text}{anchor}</{tag}>\n'

    def block_code(self, code: str, info: str | None = None) -> str:
        lang = hl.language_of(info)
        if self.options.highlight and lang:
            spans = hl.highlight(code, lang)
            if spans is not None:
                lang_attr = escape_text(lang)
                return (f'<pre class="highlight" data-lang="{lang_attr}"><code class="language-{lang_attr}">'
                        f"{spans}</code></pre>\n")
        return super().block_code(code, info)


_RAW_TOKENS = frozenset(("inline_html", "block_html"))


def _placeholders_hook(md: mistune.Markdown, state: Any) -> None:
    """Placeholders for trusted fragments, unique to this document's text."""
    state.env["placeholders"] = Placeholders(state.src)


def _finish_hook(md: mistune.Markdown, result: Any, state: Any) -> str:
    """Sanitize a body that had raw HTML (in "sanitize" mode), then put trusted fragments back."""
    options: MarkdownOptions = md.renderer.options  # type: ignore[union-attr]  # our renderer, set in make_markdown
    html_text = str(result)
    if options.raw_html == "sanitize" and state.env.get("raw_html"):
        html_text = sanitize_html(html_text)
    restored: str = state.env["placeholders"].restore(html_text)
    return restored


def _heading_ids_hook(md: mistune.Markdown, state: Any) -> None:
    """Give every top-level heading a unique id; collect the TOC entries."""
    options: MarkdownOptions = md.renderer.options  # type: ignore[union-attr]  # our renderer, set in make_markdown
    used: set[str] = set()
    toc: list[TocItem] = []
    for tok in state.tokens:
        if tok["type"] != "heading":
            continue
        plain = striptags(md.renderer(md.inline(tok["text"], state.env), mistune.BlockState()))  # type: ignore[misc]  # mistune's renderer is callable, untyped
        plain = state.env["placeholders"].restore(plain, plain=True)
        base = heading_slug(plain)
        ident, n = base, 0
        while ident in used:
            n += 1
            ident = f"{base}-{n}"
        used.add(ident)
        tok.setdefault("attrs", {})["id"] = ident
        level = tok["attrs"]["level"]
        if options.toc_min_level <= level <= options.toc_max_level:
            toc.append(TocItem(level, ident, html.unescape(plain)))
    state.env["toc"] = tuple(toc)


class TooManyMarks(Exception):
    """More runs of emphasis marks in one run of inline text (a paragraph, a heading, a table
    cell) than ``MarkdownOptions.max_marks``: mistune resolves emphasis within such a run in time
    that grows faster than the marks (``*a **a `` x 2,500 took 20 s natively, 24 s in wasm), so the
    count is bounded, the same way on both engines. ``text`` is the run, to find its line."""

    def __init__(self, text: str, limit: int) -> None:
        super().__init__(text, limit)
        self.text = text
        self.limit = limit


class _InlineParser(mistune.InlineParser):
    """mistune's inline parser, minus deep chains of objects freed recursively.

    Each ``[`` pushes a bracket that links to the previous one
    (``previous_link``), so ``[`` repeated n times makes a chain n long, and
    freeing it frees n objects one C call inside the other (at the end of
    the parse, or mid-parse when a run of ``]`` discards brackets).
    Natively CPython's "trashcan" caps that recursion; the guest's CPython
    (3.14 on WASI) only watches its shadow stack in linear memory, so the
    engine's native wasm stack overflows first and the render traps
    (``[`` x 3,000 was enough). Every bracket is kept alive until the parse
    ends, then unlinked, so the chain is freed flat on both engines.
    """

    max_marks = 0  # MarkdownOptions.max_marks of the Markdown this parser is part of (0: no bound)

    def parse_emphasis(self, m: Any, state: Any) -> Any:
        count = state.__dict__.get("_marks", 0) + 1
        state.__dict__["_marks"] = count
        if self.max_marks and count > self.max_marks:
            raise TooManyMarks(state.src, self.max_marks)
        return super().parse_emphasis(m, state)

    def parse_link(self, m: Any, state: Any) -> Any:
        pos = super().parse_link(m, state)
        if state.brackets:
            state.__dict__.setdefault("_all_brackets", []).append(state.brackets[-1])
        return pos

    def parse(self, state: Any) -> Any:
        try:
            return super().parse(state)
        finally:
            kept = state.__dict__.pop("_all_brackets", [])
            for bracket in kept:
                bracket.previous_link = None
            kept.clear()
            state.brackets.clear()
            state.last_link = None


# CommonMark ordered-list markers are ASCII digits; mistune writes them as
# ``\d``, which also matches the digits of other scripts, and which of those
# Python knows depends on its Unicode version (Garay digits, U+10D40, are
# digits to the guest's CPython 3.14 and not to the host's 3.11), so the
# engines built different lists. Both patterns are made ASCII-only here.
_ASCII_LIST_PATTERN = mistune.list_parser.LIST_PATTERN.replace(r"\d", "[0-9]")
_list_bullet = mistune.list_parser._get_list_bullet


def _ascii_list_bullet(c: str) -> str:
    return _list_bullet(c).replace(r"\d", "[0-9]")


mistune.list_parser._get_list_bullet = _ascii_list_bullet


# Emphasis flanking asks ``str.isalnum()`` of the characters around a ``*``
# or ``_``, and a character assigned after Unicode 14.0 is a letter to the
# guest's Python and not to the host's: ``*X*a`` was emphasis on one engine
# and not on the other. These are mistune 3.4's three functions with
# ``isalnum`` answering as Unicode 14.0 does (renderer.ucd), on both engines.
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


mistune._inline.emphasis._is_punctuation = _is_punctuation
mistune._inline.emphasis._can_open_emphasis = _can_open_emphasis
mistune._inline.emphasis._can_close_emphasis = _can_close_emphasis

_CACHE: dict[MarkdownOptions, mistune.Markdown] = {}


def _markdown(options: MarkdownOptions) -> mistune.Markdown:
    md = _CACHE.get(options)
    if md is None:
        block = mistune.BlockParser(max_nested_level=options.max_nesting)
        block.specification["list"] = _ASCII_LIST_PATTERN
        inline = _InlineParser(max_nested_level=options.max_nesting)
        inline.max_marks = options.max_marks
        plugins = list(_PLUGINS) if options.extensions else []
        md = mistune.Markdown(renderer=SiteRenderer(options), block=block, inline=inline, plugins=plugins)
        md.before_parse_hooks.insert(0, _placeholders_hook)
        if options.extensions:
            md.use(shortcodes.plugin)
        if options.heading_ids:
            md.before_render_hooks.append(_heading_ids_hook)
        md.after_render_hooks.append(_finish_hook)
        if len(_CACHE) > 32:
            _CACHE.clear()
        _CACHE[options] = md
    return md


def convert(text: str, options: MarkdownOptions, context: Context | None = None) -> Rendered:
    """Render one Markdown document; returns the HTML, its TOC entries, and what
    its shortcodes reported and referred to (``context`` says what they can see)."""
    md = _markdown(options)
    state = md.block.state_cls()
    context = context if context is not None else Context()
    state.env["context"] = context
    out, state = md.parse(text, state)
    return Rendered(str(out), state.env.get("toc", ()), tuple(context.notes), tuple(context.refs),
                    tuple(state.env.get("links", ())))


def render_markdown(text: str, **options: Any) -> str:
    """Render one Markdown document to HTML with the site's Markdown settings.

    Keyword options are the fields of :class:`MarkdownOptions`, e.g.
    ``render_markdown(text, raw_html="allow", base_path="/blog/")``. Outside
    a site, ``ref``/``relref`` shortcodes link to their target as written.
    """
    rendered = convert(text, MarkdownOptions(**normalize_options(options)))
    return resolve_refs(rendered.html, lambda target, absolute: target)
