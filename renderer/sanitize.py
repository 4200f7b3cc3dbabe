"""Raw HTML in posts: the four policies, and the sanitizer behind the default one.

``raw_html`` in ``site.toml``'s ``[markdown]`` (and in :class:`~renderer.markdown.MarkdownOptions`):

- ``"sanitize"`` (default): raw HTML is kept, then the post's whole body is
  cleaned with an allow-list (GitHub's user-content list as the reference,
  plus everything wasmblog's own Markdown emits), so ``<table>``, ``<cite>``,
  ``<abbr>``, ``<dl>``, ``<figure>``... render while no script, event handler
  or unsafe URL gets through.
- ``"escape"``: raw HTML is shown as text (wasmblog's old default).
- ``"omit"``: raw HTML is left out, as Hugo does by default.
- ``"allow"``: raw HTML passes through untouched, for trusted sites.

The sanitizer is justhtml (pure Python, so it runs in the WebAssembly guest
too; an HTML5 parser with an allow-list sanitizer built in). It parses the
body in context, as a browser would, which is what mistune cannot do: it
hands raw HTML over in pieces (an opening tag, text, a closing tag). A post
without raw HTML never reaches it, so it renders to the same bytes in every
mode, and pays nothing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from . import uri

RAW_HTML_MODES = ("sanitize", "escape", "omit", "allow")
DEFAULT_MODE = "sanitize"
OMITTED = "<!-- raw HTML omitted -->"
# true/false, the old spelling, in site.toml and the Python API.
LEGACY = {True: "allow", False: "escape"}

# GitHub's user-content element list (html-pipeline's sanitization filter)
# without its obsolete ones, plus what wasmblog's Markdown emits itself
# (section and input for footnotes and task lists).
ALLOWED_TAGS = frozenset("""
    h1 h2 h3 h4 h5 h6 p br hr div span section blockquote pre code kbd samp var tt
    b i strong em small mark s strike del ins sup sub u q cite abbr dfn bdo bdi time wbr ruby rt rp
    a img figure figcaption picture
    ul ol li dl dt dd
    table caption colgroup col thead tbody tfoot tr th td
    details summary input
""".split())

_GLOBAL = ("id", "class", "title", "lang", "dir", "role", "aria-hidden", "aria-label", "aria-describedby",
           "aria-labelledby", "tabindex")
ALLOWED_ATTRIBUTES: dict[str, Any] = {
    "*": _GLOBAL,
    "a": ("href", "name", "rel", "hreflang"),
    "img": ("src", "alt", "width", "height", "loading", "decoding"),
    "ol": ("start", "reversed", "type"),
    "li": ("value",),
    "th": ("colspan", "rowspan", "scope", "align", "style"),
    "td": ("colspan", "rowspan", "align", "style"),
    "col": ("span",),
    "colgroup": ("span",),
    "blockquote": ("cite",),
    "q": ("cite",),
    "del": ("cite", "datetime"),
    "ins": ("cite", "datetime"),
    "time": ("datetime",),
    "abbr": ("title",),
    "details": ("open",),
    # Task-list checkboxes, as Markdown makes them: nothing a form could use (patterns: see _policy).
    "input": {"type": ["(?i)checkbox"], "disabled": [".*"], "checked": [".*"]},
}

# Dropped with everything inside them: their content is code or chrome, not text.
DROPPED_WITH_CONTENT = frozenset("""
    script style iframe frame frameset object embed applet noscript noembed noframes template
    textarea select title xmp plaintext svg math
""".split())

# The schemes Markdown links may use (mistune's list), and relative URLs.
LINK_SCHEMES = ("http", "https", "mailto", "tel", "ftp", "ftps", "irc", "ircs")

# justhtml is imported when a post first needs sanitizing, not with the core: it is a third of
# the core's import time (80-110 of 300-360 ms for the CLI), which a rebuild whose posts all come
# from the cache never needs. The guests call preload(): nothing can be imported after the snapshot.


# What a site's render hook may print besides (renderer.hooks): a link's target, as real link hooks write
# target="_blank" on external links. Nothing that runs code, loads anything or changes a URL.
HOOK_ATTRIBUTES = {"a": {"target": ["(?i)_(blank|self|parent|top)"]}}


@cache
def _policy(hook: bool = False) -> Any:
    """The allow-list as justhtml's policy (built once, on first use); with ``hook``, with
    :data:`HOOK_ATTRIBUTES` too."""
    from justhtml import SanitizationPolicy, UrlPolicy, UrlRule
    from justhtml.sanitizer.values import Regex

    resource = UrlRule(allowed_schemes=["http", "https"], handling="allow")
    link = UrlRule(allowed_schemes=LINK_SCHEMES, handling="allow")
    attributes = {tag: ({name: [Regex(p) for p in patterns] for name, patterns in allowed.items()}
                        if isinstance(allowed, dict) else allowed)
                  for tag, allowed in ALLOWED_ATTRIBUTES.items()}
    if hook:
        for tag, extra in HOOK_ATTRIBUTES.items():
            own = attributes[tag]
            merged = dict(own) if isinstance(own, dict) else {name: [Regex(".*")] for name in own}
            merged.update({name: [Regex(p) for p in patterns] for name, patterns in extra.items()})
            attributes[tag] = merged
    return SanitizationPolicy(
        allowed_tags=ALLOWED_TAGS,
        allowed_attributes=attributes,
        url_policy=UrlPolicy(
            default_handling="strip",
            allow_rules={
                ("a", "href"): link,
                ("img", "src"): resource,
                ("blockquote", "cite"): resource,
                ("q", "cite"): resource,
                ("del", "cite"): resource,
                ("ins", "cite"): resource,
            },
        ),
        drop_content_tags=DROPPED_WITH_CONTENT,
        # Table alignment, as Markdown tables write it; no other CSS.
        allowed_css_properties={"text-align"},
        # Zero-width joiners and variation selectors are part of emoji and
        # scripts: this is about safety, not about hiding characters.
        strip_invisible_unicode=False,
    )


def preload() -> None:
    """Import justhtml, with what it imports on first use, and build the policy now (for the wasm snapshots)."""
    import justhtml.transforms.compile
    import justhtml.transforms.runtime  # noqa: F401  imported on first use by justhtml: the guest cannot

    sanitize_html("<p>x</p>")
    sanitize_html('<a href="/" target="_blank">x</a>', hook=True)


class OptionError(ValueError):
    """An option of the wrong value: the message names the option and the values it may take (the core's
    own type, so that both engines, and the JS export's failure, keep the message as it is)."""


def raw_html_mode(value: object) -> tuple[str, bool]:
    """``value`` as one of :data:`RAW_HTML_MODES`, and whether it was the old
    true/false spelling. Raises :class:`OptionError` (a ``ValueError``) for anything else."""
    if isinstance(value, bool):
        return LEGACY[value], True
    if isinstance(value, str) and value in RAW_HTML_MODES:
        return value, False
    shown = repr(value) if isinstance(value, (str, int, float, type(None))) else f"a {type(value).__name__}"
    raise OptionError(f"raw_html (rawHtml in JavaScript) must be one of "
                      f"{', '.join(repr(m) for m in RAW_HTML_MODES)}, not {shown[:80]}")


def sanitize_html(fragment: str, hook: bool = False) -> str:
    """``fragment`` (a post body) with only allow-listed elements, attributes and URLs left; ``hook``:
    a render hook's output, which may also keep :data:`HOOK_ATTRIBUTES`."""
    from justhtml import JustHTML

    doc = JustHTML(fragment, fragment=True, policy=_policy(hook))
    # An <input> stays only as what Markdown's task lists make: a checkbox, disabled. One whose
    # type the policy dropped would be a text box (a fake form field on the author's page).
    for node in doc.root.query("input"):
        attrs = node.attrs if node.attrs is not None else {}
        if (attrs.get("type") or "").lower() != "checkbox":
            if node.parent is not None:
                node.parent.remove_child(node)
        elif node.attrs is not None:
            node.attrs["disabled"] = None
    return doc.to_html(pretty=False)


def safe_url(url: str, schemes: tuple[str, ...] = LINK_SCHEMES) -> bool:
    """Whether ``url`` is relative or uses one of ``schemes`` (however its
    scheme is spelled: case, control characters, spaces). The rule Markdown
    links follow; shortcodes check their URL arguments with it."""
    plain = "".join(ch for ch in url if ch > " " and ch != "\x7f").lower()
    head = plain.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if ":" not in head:
        return not uri.backslash_host(url)
    return head.split(":", 1)[0] in schemes
