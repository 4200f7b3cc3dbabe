"""Hugo's Markdown render hooks: a Hugo site's ``layouts/_markup/render-{link,image,heading,codeblock}.html``
(``layouts/_default/_markup/`` before Hugo 0.146, or its theme's), run by the Go-template interpreter
(:mod:`renderer.gotemplate`) with the context Hugo gives them (:class:`renderer.gotemplate.hugo.RenderHook`).

And Hugo's embedded link render hook, which Hugo 0.168 runs on a site with ``languages`` configured
(``markup.goldmark.renderHooks.link.useEmbedded = "auto"``, measured with the pinned Hugo): a ``#fragment``
is made page-absolute, a link to a file of the page's bundle gets the file's URL, and html/template's
URL filter turns a scheme other than http, https and mailto into ``#ZgotmplZ``. :data:`EMBEDDED_LINK` is
wasmblog's statement of that template, but for one thing: it does not look the destination up as a page
(``.GetPage``; pages are only known when the site is planned), so a relative link to another page keeps
what the author wrote.

A hook's output is the site's HTML, not the author's, but it holds the author's text and destination: it
goes through :func:`renderer.sanitize.sanitize_html` (whatever the site's ``raw_html``: the link and
attribute rules apply to what a hook prints), then stands behind a placeholder (renderer.placeholders), so
that it is markup only as whole element content. A hook that fails, or uses what wasmblog does not have,
is one warning per post and the default rendering in its place.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Callable

from .sanitize import sanitize_html

if TYPE_CHECKING:
    from .gotemplate import GoShortcodes

KINDS = ("link", "image", "heading", "codeblock")
# A code block's {...} settings that are highlighting options (Hugo's .Options); the others are .Attributes.
HIGHLIGHT_OPTIONS = frozenset(("anchorlinenos", "codefences", "guesssyntax", "hl_lines", "hl_inline", "lineanchors",
                               "linenostart", "linenos", "linenumbersintable", "noclasses", "style", "tabwidth",
                               "wrapperclass"))
PREFIX = "render hook"

EMBEDDED_LINK = """{{- $u := urls.Parse .Destination -}}
{{- $href := $u.String -}}
{{- if strings.HasPrefix $href "#" -}}
  {{- $href = printf "%s#%s" .PageInner.RelPermalink $u.Fragment -}}
{{- else if and $href (not $u.IsAbs) -}}
  {{- with .PageInner.Resources.Get (strings.TrimPrefix "./" $u.Path) -}}
    {{- $href = .RelPermalink -}}
    {{- with $u.RawQuery }}{{ $href = printf "%s?%s" $href . }}{{ end -}}
    {{- with $u.Fragment }}{{ $href = printf "%s#%s" $href . }}{{ end -}}
  {{- end -}}
{{- end -}}
<a href="{{ $href }}" {{- with .Title }} title="{{ . }}" {{- end }}>{{ .Text }}</a>"""

_EMBEDDED: list[GoShortcodes] = []


def _embedded() -> GoShortcodes:
    if not _EMBEDDED:
        from .gotemplate import compiled  # loaded with the site's Go templates (warmup imports it)
        _EMBEDDED.append(compiled({"_markup/render-link.html": EMBEDDED_LINK}))
    return _EMBEDDED[0]


def find(state: Any, kind: str, link_hook: str, lang: str = "") -> tuple[GoShortcodes, str] | None:
    """The hook that renders ``kind`` on this page (its Go templates and the template's name), or None."""
    context = state.env.get("context")
    templates = getattr(context, "templates", None)
    go = getattr(templates, "go", None)
    if go is not None:
        names = [f"_markup/render-codeblock-{lang}.html"] if kind == "codeblock" and lang else []
        for name in (*names, f"_markup/render-{kind}.html"):
            if name in go.templates.trees:
                return go, name
    if kind == "link" and link_hook == "embedded" and context is not None:
        return _embedded(), "_markup/render-link.html"
    return None


def render(state: Any, hook: tuple[GoShortcodes, str], values: dict[str, Any], inline: bool,
           fallback: Callable[[], str]) -> str:
    """The hook's output for ``values``, sanitized and behind a placeholder; ``fallback()`` when it fails."""
    from .gotemplate import Call, ShortcodeFailure
    from .shortcodes import Note

    go, name = hook
    context = state.env["context"]
    short = name.rsplit("/", 1)[-1][:-len(".html")]
    call = Call(short, [], {}, None, False, context.line, values.get("ordinal", 0), None, context.page,
                context.site, refs=context.refs, source=context.source, shared=context.go_shared)
    warned: set[str] = state.env.setdefault("hook_warnings", set())
    try:
        out = go.render_hook(name, values, call)
    except ShortcodeFailure as exc:
        if short not in warned:
            warned.add(short)
            where = " (Hugo's embedded hook)" if _EMBEDDED and go is _EMBEDDED[0] else \
                f" ({name.rsplit('/', 1)[-1]} of the site's layouts)"
            context.notes.append(Note(context.line, "warning", f"{PREFIX} '{short}'{where} {exc}; "
                                                               "the default rendering is used"))
        return fallback()
    for message in call.notes:
        context.notes.append(Note(context.line, "warning", f"{PREFIX} '{short}': {message}"))
    word: str = state.env["placeholders"].add(sanitize_html(out, hook=True), context.line, short, inline)
    return word


def plain(text: str) -> str:
    """A rendered inline's plain text (Hugo's ``.PlainText``): tags left out, characters as they are."""
    from mistune.util import striptags
    return html.unescape(striptags(text))
