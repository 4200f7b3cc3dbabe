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
from typing import Any, Callable

import mistune
from mistune.plugins import import_plugin
from mistune.toc import render_toc_ul
from mistune.util import escape as escape_text
from mistune.util import safe_entity, striptags

from . import highlight as hl
from . import hooks, mistune_internals, removed_html
from .goldmark import attributes, code_blocks, footnotes, linkify, tables, task_lists, typographer
from .goldmark.heading_ids import Ids, all_headings
from . import shortcodes
from .placeholders import Placeholders
from .refs import resolve_refs
from .sanitize import OMITTED, raw_html_mode, sanitize_html
from .shortcodes import Context, Note
from .ucd import mask_unassigned

EXTENSIONS = ("table", "footnotes", "strikethrough", "task_lists", "url", "mistune.plugins.table.table_in_quote",
              "mistune.plugins.table.table_in_list")
# Imported now rather than on first use: the WebAssembly snapshot holds only
# what was imported while it was taken.
_PLUGINS = tuple(import_plugin(name) for name in EXTENSIONS)
_DEF_LIST = import_plugin("def_list")
_URL_PLUGIN = _PLUGINS[EXTENSIONS.index("url")]


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
    # goldmark's Markdown, as Hugo has it (renderer.goldmark); all off: mistune's CommonMark.
    typographer: bool = False
    definition_lists: bool = False
    heading_attributes: bool = False
    block_attributes: bool = False
    heading_id_type: str = ""  # "" (wasmblog's slugs), github, github-ascii, blackfriday
    hard_wraps: bool = False
    markup: str = ""  # "" (mistune's) or "hugo": footnotes, task lists and bare links as goldmark makes them
    linkify: bool = True  # bare URLs become links (goldmark's extensions.linkify; mistune's url plugin)
    link_hook: str = ""  # "embedded": Hugo's embedded link render hook where the site has none (renderer.hooks)
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
        if kind in _HOOKED and state.env.get("context") is not None:
            hooked = self._hooked(token, state)
            if hooked is not None:
                return hooked
        if kind == "goldmark_attributed" and state.env.get("context") is not None:  # {.class} on a block
            child = token["children"][0]
            if child["type"] in ("heading", "block_code"):  # a hook gets them as .Attributes, not in its markup
                child.setdefault("attrs", {})[_HOOK_ATTRIBUTES] = token["attrs"]["attributes"]
                hooked = self._hooked(child, state)
                del child["attrs"][_HOOK_ATTRIBUTES]
                if hooked is not None:
                    return hooked
        out = super().render_token(token, state)
        if kind == "block_code" and self._protect_code:  # trusted: kept away from the sanitizer
            word: str = state.env["placeholders"].add(out)
            return word
        return out

    def _hooked(self, token: dict[str, Any], state: Any) -> str | None:
        """The token rendered by the site's render hook for its kind (renderer.hooks), or None: no hook."""
        kind = _HOOKED[token["type"]]
        attrs = token.get("attrs") or {}
        lang = (hl.language_of(attrs.get("info")) or "") if kind == "codeblock" else ""
        hook = hooks.find(state, kind, self.options.link_hook, lang)
        if hook is None:
            return None
        default: Callable[[], str] = lambda: mistune.HTMLRenderer.render_token(self, token, state)  # noqa: E731  # the fallback, rendered only when the hook fails
        given = dict(attrs.get(_HOOK_ATTRIBUTES) or ())
        if kind == "codeblock":
            ordinal = state.env["hook_codeblocks"] = state.env.get("hook_codeblocks", -1) + 1
            raw = token.get("raw", "")
            info = attrs.get("info") or ""
            found = attributes.parse(info, info.find("{")) if "{" in info else None
            written = [*(found[0] if found else ()), *given.items()]
            kept = dict(attributes.allowed([(k, v) for k, v in written if k.lower() not in hooks.HIGHLIGHT_OPTIONS],
                                           self.options.raw_html))  # those the sanitizer keeps, as for {.class}
            values: dict[str, Any] = {
                "type": lang, "inner": raw[:-1] if raw.endswith("\n") else raw, "ordinal": ordinal,
                "attributes": kept,
                "options": {k.lower(): v for k, v in written if k.lower() in hooks.HIGHLIGHT_OPTIONS}}
            return hooks.render(state, hook, values, False, lambda: self.render_token_default(token, state))
        text = self.render_tokens(token.get("children", []), state)
        if kind == "heading":
            values = {"level": attrs.get("level", 1), "anchor": attrs.get("id", ""), "text": text,
                      "plain": hooks.plain(text), "attributes": {k: v for k, v in given.items() if k != "id"}}
            return hooks.render(state, hook, values, False, default)
        values = {"destination": attrs.get("url", ""), "text": text, "plain": hooks.plain(text),
                  "title": html.unescape(attrs.get("title") or "")}
        return hooks.render(state, hook, values, True, default)

    def render_token_default(self, token: dict[str, Any], state: Any) -> str:
        out = mistune.HTMLRenderer.render_token(self, token, state)
        if self._protect_code:
            word: str = state.env["placeholders"].add(out)
            return word
        return out

    def inline_html(self, html_text: str) -> str:
        return OMITTED if self._omit else super().inline_html(html_text)

    def block_html(self, html_text: str) -> str:
        return OMITTED + "\n" if self._omit else super().block_html(html_text)

    def softbreak(self) -> str:
        return "<br>\n" if self.options.hard_wraps else "\n"  # goldmark's hardWraps

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
# Tokens a site's Markdown render hook may render (renderer.hooks): token type -> the hook's kind.
_HOOKED = {"link": "link", "image": "image", "heading": "heading", "block_code": "codeblock"}
_HOOK_ATTRIBUTES = "hook_attributes"  # a block's {...} attributes, handed to its render hook


def _placeholders_hook(md: mistune.Markdown, state: Any) -> None:
    """Placeholders for trusted fragments, unique to this document's text."""
    state.env["placeholders"] = Placeholders(state.src)


def _finish_hook(md: mistune.Markdown, result: Any, state: Any) -> str:
    """Sanitize a body that had raw HTML (in "sanitize" mode), then put trusted fragments back."""
    options: MarkdownOptions = md.renderer.options  # type: ignore[union-attr]  # our renderer, set in make_markdown
    html_text = str(result)
    if options.raw_html == "sanitize" and state.env.get("raw_html"):
        html_text = sanitize_html(html_text)
    placeholders: Placeholders = state.env["placeholders"]
    restored = placeholders.restore(html_text)
    context: Context | None = state.env.get("context")
    if context is not None:  # trusted HTML that landed in an attribute, a comment...: said at its line
        context.notes.extend(Note(line if line is not None else context.line, "warning", message)
                             for line, message in placeholders.warnings())
    return restored


def _heading_ids_hook(md: mistune.Markdown, state: Any) -> None:
    """Give every top-level heading a unique id; collect the TOC entries."""
    options: MarkdownOptions = md.renderer.options  # type: ignore[union-attr]  # our renderer, set in make_markdown
    used: set[str] = set()
    toc: list[TocItem] = []
    hugo = Ids(options.heading_id_type) if options.heading_id_type else None  # Hugo's ids, every heading
    for tok in all_headings(state.tokens) if hugo else state.tokens:
        if tok["type"] != "heading":
            continue
        plain = striptags(md.renderer(md.inline(tok["text"], state.env), mistune.BlockState()))  # type: ignore[misc]  # mistune's renderer is callable, untyped
        plain = state.env["placeholders"].restore(plain, plain=True)
        if hugo is not None:
            ident = hugo.heading(tok, html.unescape(plain))
            if not ident:
                continue
        else:
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


class _BlockParser(mistune.BlockParser):
    """mistune's block parser with ASCII-only ordered-list markers (``renderer.mistune_internals``)."""

    def parse_list(self, m: Any, state: Any) -> int:
        return mistune_internals.parse_list(self, m, state)


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
    _trigger: tuple[Any, Any] = (None, None)  # (mistune's trigger set, our pattern for it)

    def _find_fast_text_end(self, src: str, pos: int) -> int | None:
        # renderer.mistune_internals.fast_text_trigger: an "h" ends plain text only before "ttp".
        chars, trigger = self._trigger
        if chars is None or chars is not self._fast_trigger_chars:  # new, or rules registered since
            trigger = mistune_internals.fast_text_trigger(self)
            if trigger is None:
                return None
            self._trigger = (self._fast_trigger_chars, trigger)
        return mistune_internals.fast_text_end(self, trigger, src, pos)

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

    def finalize_tokens(self, tokens: list[dict[str, Any]], depth: int) -> list[dict[str, Any]]:
        # Emphasis flanking as Unicode 14.0 has it, on both engines (renderer.mistune_internals).
        remaining = self.max_nested_level - depth
        return mistune_internals.finalize_emphasis(tokens, "emphasis" in self.rules and remaining > 0, remaining)

    def __call__(self, s: str, env: Any) -> Any:
        typographer.reset(env)  # goldmark counts open quotes per block
        return super().__call__(s, env)

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


def goldmark_plugins(options: MarkdownOptions) -> list[Any]:
    """The plugins that make mistune's Markdown goldmark's (Hugo's), as ``options`` ask (renderer.goldmark)."""
    wanted = [(options.definition_lists, _DEF_LIST), (options.heading_attributes, attributes.heading),
              (options.block_attributes, attributes.block),
              (options.extensions and options.markup == "hugo", footnotes.hugo_footnotes),
              (options.extensions and options.markup == "hugo" and options.linkify, linkify.linkify),
              (options.extensions and options.markup == "hugo", task_lists.hugo_task_lists),
              (options.extensions and options.markup == "hugo", tables.gfm_tables),
              (options.typographer, typographer.typographer)]  # the typographer last: the last inline rule
    return [code_blocks.indented_code_newline] + [plugin for on, plugin in wanted if on]


_CACHE: dict[MarkdownOptions, mistune.Markdown] = {}


def _markdown(options: MarkdownOptions) -> mistune.Markdown:
    md = _CACHE.get(options)
    if md is None:
        block = _BlockParser(max_nested_level=options.max_nesting)
        block.specification["list"] = mistune_internals.ASCII_LIST_PATTERN
        inline = _InlineParser(max_nested_level=options.max_nesting)
        inline.max_marks = options.max_marks
        plugins = [p for p in _PLUGINS if options.linkify or p is not _URL_PLUGIN] if options.extensions else []
        plugins += goldmark_plugins(options)
        md = mistune.Markdown(renderer=SiteRenderer(options), block=block, inline=inline, plugins=plugins)
        md.before_parse_hooks.insert(0, _placeholders_hook)
        if options.extensions:
            md.use(shortcodes.plugin)
        if options.heading_ids or options.heading_id_type:
            md.before_render_hooks.append(_heading_ids_hook)
        md.after_render_hooks.append(_finish_hook)
        if options.raw_html == "sanitize":  # embeds to cards, and what the sanitizer removes said
            removed_html.register(md)
        attributes.wrap_last(md)
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
