"""Markdown to HTML with mistune 3: the site's extensions, safe by default.

One :class:`mistune.Markdown` is built per distinct set of options and kept,
so the parser and its regexes are built once per process (and, in the
sandbox, once in the snapshot).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import mistune
from mistune.toc import render_toc_ul
from mistune.util import escape as escape_text
from mistune.util import safe_entity, striptags

from . import highlight as hl

EXTENSIONS = ("table", "footnotes", "strikethrough", "task_lists", "url")
# Imported now rather than on first use: the WebAssembly snapshot holds only
# what was imported while it was taken.
_PLUGINS = tuple(mistune.import_plugin(name) for name in EXTENSIONS)


@dataclass(frozen=True)
class MarkdownOptions:
    """How Markdown is rendered; the site's ``[markdown]`` settings.

    With ``extensions``, ``highlight`` and ``heading_ids`` off and
    ``raw_html`` on, the output is plain CommonMark as mistune renders it.
    """

    extensions: bool = True
    raw_html: bool = False
    highlight: bool = True
    heading_ids: bool = True
    base_path: str = "/"
    toc_min_level: int = 2
    toc_max_level: int = 4
    max_nesting: int = 32


@dataclass(frozen=True)
class TocItem:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[TocItem, ...]

    @property
    def toc_html(self) -> str:
        return render_toc_ul([(t.level, t.id, escape_text(t.text)) for t in self.toc])


_ID_STRIP = re.compile(r"[^\w\- ]+")
_ID_SPACES = re.compile(r"[\s]+")


def heading_slug(text: str) -> str:
    """A GitHub/Hugo-style anchor for a heading's plain text."""
    slug = _ID_STRIP.sub("", html.unescape(text).strip().lower())
    slug = _ID_SPACES.sub("-", slug).strip("-")
    return slug or "section"


class SiteRenderer(mistune.HTMLRenderer):
    """HTML renderer with highlighting, anchors and base-path-aware links."""

    def __init__(self, options: MarkdownOptions) -> None:
        super().__init__(escape=not options.raw_html)
        self.options = options

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


def _heading_ids_hook(md: mistune.Markdown, state: Any) -> None:
    """Give every top-level heading a unique id; collect the TOC entries."""
    options: MarkdownOptions = md.renderer.options  # type: ignore[union-attr]
    used: set[str] = set()
    toc: list[TocItem] = []
    for tok in state.tokens:
        if tok["type"] != "heading":
            continue
        plain = striptags(md.renderer(md.inline(tok["text"], state.env), mistune.BlockState()))  # type: ignore[misc]
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


_CACHE: dict[MarkdownOptions, mistune.Markdown] = {}


def _markdown(options: MarkdownOptions) -> mistune.Markdown:
    md = _CACHE.get(options)
    if md is None:
        block = mistune.BlockParser(max_nested_level=options.max_nesting)
        inline = _InlineParser(max_nested_level=options.max_nesting)
        plugins = list(_PLUGINS) if options.extensions else []
        md = mistune.Markdown(renderer=SiteRenderer(options), block=block, inline=inline, plugins=plugins)
        if options.heading_ids:
            md.before_render_hooks.append(_heading_ids_hook)
        if len(_CACHE) > 32:
            _CACHE.clear()
        _CACHE[options] = md
    return md


def convert(text: str, options: MarkdownOptions) -> Rendered:
    """Render one Markdown document; returns the HTML and its TOC entries."""
    out, state = _markdown(options).parse(text)
    return Rendered(str(out), state.env.get("toc", ()))


def render_markdown(text: str, **options: Any) -> str:
    """Render one Markdown document to HTML with the site's Markdown settings.

    Keyword options are the fields of :class:`MarkdownOptions`, e.g.
    ``render_markdown(text, raw_html=True, base_path="/blog/")``.
    """
    return convert(text, MarkdownOptions(**options)).html
