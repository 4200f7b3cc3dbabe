"""Shortcodes: Hugo's ``{{< name args >}}`` in posts, as a mistune plugin.

:func:`plugin` registers a before-parse hook that expands every shortcode in
the document's source, wherever it is (fenced code included, as in Hugo),
before Markdown sees it. Each call's HTML is trusted (made by wasmblog's
built-ins or the site's own templates) and goes behind a placeholder
(:mod:`renderer.placeholders`) that the Markdown and the sanitizer leave
alone. ``{{% name %}}`` renders its inner text as Markdown first.

An unknown or malformed shortcode is a warning at its opening line and stays
in the page as text; Hugo's inline shortcodes (Go template code) are a
warning and are left out. Messages all start with "shortcode", which is how
``--strict`` tells them apart (:func:`is_shortcode_warning`).
"""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..diagnostics import Diagnostic, describe_exception
from ..placeholders import Placeholders
from ..sanitize import sanitize_html
from .builtins import BUILTINS, Call, ShortcodeError, esc
from .site import SiteShortcodes, values
from .syntax import MAX_TAGS, Node, find_tags, pair

_TAG = re.compile(r"<[^>]*>")
if TYPE_CHECKING:
    from ..gotemplate import Call as GoCall
    from ..gotemplate import GoShortcodes

MAX_DEPTH = 8  # shortcodes inside the inner text of shortcodes, at most this deep
PREFIX = "shortcode"


@dataclass(frozen=True)
class Note:
    """A problem found while rendering a document: its line in the file, severity, message."""

    line: int
    severity: str
    message: str


@dataclass
class Context:
    """What shortcodes of one post can see, and where their problems and references go."""

    source: str = ""
    line: int = 1  # the line, in the file, of the document's first line
    page: dict[str, Any] = field(default_factory=dict)
    site: dict[str, Any] = field(default_factory=dict)
    templates: SiteShortcodes | None = None
    notes: list[Note] = field(default_factory=list)
    refs: list[tuple[str, int]] = field(default_factory=list)  # (target, line) of ref/relref
    depth: int = 0
    go_shared: dict[str, Any] = field(default_factory=dict)  # the page's .Page for Go shortcodes (one Scratch)


def is_shortcode_warning(diagnostic: Diagnostic) -> bool:
    """Whether ``diagnostic`` is about a shortcode (``--strict`` makes those errors)."""
    return not diagnostic.is_error and diagnostic.message.startswith(PREFIX)


def plugin(md: Any) -> None:
    """Register shortcode expansion on a mistune Markdown instance."""
    md.before_parse_hooks.append(_expand_hook)


def _expand_hook(md: Any, state: Any) -> None:
    text = state.src
    if "{{" not in text:
        return
    context: Context = state.env.get("context") or Context()
    placeholders: Placeholders = state.env["placeholders"]

    def render(markdown: str, line: int) -> str:
        child = dataclasses.replace(context, line=line, depth=context.depth + 1)
        sub = md.block.state_cls()
        sub.env["context"] = child
        html, _ = md.parse(markdown, sub)
        return str(html)

    expander = _Expander(text, context, placeholders, render, md.renderer.options.raw_html)
    expanded = expander.run()
    if expanded != text:
        state.process(expanded)


class _Expander:
    def __init__(self, text: str, context: Context, placeholders: Placeholders,
                 render: Callable[[str, int], str], raw_html: str = "sanitize") -> None:
        self.text = text
        self.context = context
        self.placeholders = placeholders
        self.render = render
        self.raw_html = raw_html
        self.parents: list[GoCall] = []  # the Go shortcodes being expanded around the current one

    def line(self, offset: int) -> int:
        return self.context.line + self.text.count("\n", 0, offset)

    def warn(self, offset: int, message: str) -> None:
        self.context.notes.append(Note(self.line(offset), "warning", message))

    def run(self) -> str:
        tags = find_tags(self.text)
        if len(tags) >= MAX_TAGS:
            self.warn(tags[-1].start, f"{PREFIX}s: more than {MAX_TAGS:,} tags in one post; the rest are left as text")
        nodes, stray = pair(tags)
        for tag in stray:
            self.warn(tag.start, f"{PREFIX} closing tag '{{{{{tag.delim} /{tag.name} }}}}' closes nothing; "
                                 "shown as text")
        return self.splice(nodes, 0, len(self.text))

    def splice(self, nodes: list[Node], start: int, end: int) -> str:
        out: list[str] = []
        pos = start
        for ordinal, node in enumerate(nodes):
            out.append(self.text[pos:node.tag.start])
            out.append(self.call(node, ordinal))
            pos = node.end
        out.append(self.text[pos:end])
        return "".join(out)

    def literal(self, node: Node) -> str:
        return self.text[node.tag.start:node.end]

    def call(self, node: Node, ordinal: int = 0) -> str:
        tag = node.tag
        close = ">}}" if tag.delim == "<" else "%}}"
        if tag.escaped:  # {{</* x */>}} prints {{< x >}}
            return self.placeholders.add(esc("{{" + tag.delim + tag.name + close), self.line(tag.start), tag.name)
        if tag.problem:
            self.warn(tag.start, f"{PREFIX}: {tag.problem}; shown as text")
            return self.literal(node)
        if tag.name.endswith(".inline"):
            self.warn(tag.start, f"{PREFIX} '{tag.name}' is a Hugo inline shortcode (Go template code), which "
                                 "wasmblog cannot run; left out of the page")
            return ""
        site = self.context.templates
        if site is not None and site.go is not None and tag.name in site.go.names:
            return self.go_call(node, site.go, ordinal)
        is_site = site is not None and tag.name in site.names
        if not is_site and tag.name not in BUILTINS:
            self.warn(tag.start, f"{PREFIX} '{tag.name}' is not built in, and there is no "
                                 f"templates/shortcodes/{tag.name}.html; shown as text")
            return self.literal(node)
        if tag.args and tag.kwargs:
            self.warn(tag.start, f"{PREFIX} '{tag.name}' mixes positional and named arguments (Hugo refuses "
                                 "that too); shown as text")
            return self.literal(node)
        if self.context.depth >= MAX_DEPTH:
            self.warn(tag.start, f"{PREFIX} '{tag.name}' is nested more than {MAX_DEPTH} deep; shown as text")
            return self.literal(node)
        inner: str | None = None
        if node.paired:
            if tag.delim == "%":
                inner = self.render(self.text[node.inner_start:node.inner_end], self.line(node.inner_start))
            else:
                inner = self.splice(node.children, node.inner_start, node.inner_end)
        call = Call(tag.name, list(tag.args), dict(tag.kwargs), inner, tag.delim == "%", self.line(tag.start),
                    _Renderer(self, node), self.context.refs)
        try:
            html = self.site_call(call) if is_site else BUILTINS[tag.name](call)
        except ShortcodeError as exc:
            self.warn(tag.start, f"{exc}; shown as text")
            return self.literal(node)
        return self.placeholders.add(html, self.line(tag.start), tag.name)

    def go_call(self, node: Node, go: GoShortcodes, ordinal: int) -> str:
        """A Hugo site's Go-template shortcode. Its output is trusted HTML for ``{{< >}}``; for
        ``{{% %}}`` it is Markdown, put in the page's text and rendered (and sanitized) with it."""
        from ..gotemplate import Call as GoCall  # loaded with the site's Go templates (shortcodes.site)
        from ..gotemplate import ShortcodeFailure, typed

        tag = node.tag
        line = self.line(tag.start)
        if tag.name in go.problems:
            _, message = go.problems[tag.name]
            self.warn(tag.start, f"{PREFIX} '{tag.name}' cannot be used: {go.filename(tag.name)}: {message}; "
                                 "shown as text")
            return self.literal(node)
        if tag.args and tag.kwargs:
            self.warn(tag.start, f"{PREFIX} '{tag.name}' mixes positional and named arguments (Hugo refuses "
                                 "that too); shown as text")
            return self.literal(node)
        if self.context.depth >= MAX_DEPTH or len(self.parents) >= MAX_DEPTH:
            self.warn(tag.start, f"{PREFIX} '{tag.name}' is nested more than {MAX_DEPTH} deep; shown as text")
            return self.literal(node)
        call = GoCall(tag.name, [typed(a, i in tag.bare) for i, a in enumerate(tag.args)],
                      {k: typed(v, k in tag.bare) for k, v in tag.kwargs.items()}, None, tag.delim == "%", line,
                      ordinal, self.parents[-1] if self.parents else None, self.context.page, self.context.site,
                      lambda text: self.render(text, line), self.safe_inner, self.context.refs,
                      source=self.context.source, indent=self.indentation(tag.start),
                      shared=self.context.go_shared)
        if node.paired:
            self.parents.append(call)
            try:
                call.inner = self.splice(node.children, node.inner_start, node.inner_end)
            finally:
                self.parents.pop()
        try:
            html = go.render(call)
        except ShortcodeFailure as exc:
            if exc.unsupported:
                self.warn(tag.start, f"{PREFIX} '{tag.name}' ({go.filename(tag.name)}) {exc}; its inner text is "
                                     "shown instead")
                if not node.paired:
                    return ""
                return self.placeholders.add(self.render(self.text[node.inner_start:node.inner_end],
                                                         self.line(node.inner_start)), line, tag.name)
            self.warn(tag.start, f"{PREFIX} '{tag.name}' failed in {go.filename(tag.name)}: {exc}; shown as text")
            return self.literal(node)
        for message in call.notes:
            self.warn(tag.start, f"{PREFIX} '{tag.name}': {message}")
        if tag.delim == "%":
            return html
        return self.placeholders.add(html, line, tag.name)

    def indentation(self, offset: int) -> str:
        start = self.text.rfind("\n", 0, offset) + 1
        before = self.text[start:offset]
        return before if before.strip(" \t") == "" else ""

    def safe_inner(self, text: str) -> str:
        """A Go shortcode's ``.Inner`` (author text that the template may print as it is): HTML in it
        goes through the site's ``raw_html`` policy, as it would in the post's Markdown."""
        if "<" not in text or self.raw_html == "allow":
            return text
        if self.raw_html == "sanitize":
            return sanitize_html(text)
        if self.raw_html == "omit":
            text = _TAG.sub("", text)
        return html.escape(text, quote=False)

    def site_call(self, call: Call) -> str:
        site = self.context.templates
        assert site is not None
        if call.name in site.problems:
            line, message = site.problems[call.name]
            where = site.filename(call.name) + (f":{line}" if line else "")
            raise ShortcodeError(f"{PREFIX} '{call.name}' cannot be used: {where}: {message}")
        try:
            return site.render(call.name, values(call))
        except Exception as exc:  # the template's own bug: report it at the call, keep the post
            what = "nests too deeply" if isinstance(exc, RecursionError) else describe_exception(exc)
            raise ShortcodeError(f"{PREFIX} '{call.name}' failed in {site.filename(call.name)}: {what}") from None


class _Renderer:
    """``call.context`` for built-ins and templates: the page, the site, Markdown rendering."""

    def __init__(self, expander: _Expander, node: Node) -> None:
        self._expander = expander
        self._line = expander.line(node.inner_start if node.paired else node.tag.start)
        self.page = expander.context.page
        self.site = expander.context.site

    def render(self, markdown: str) -> str:
        return self._expander.render(markdown, self._line)
