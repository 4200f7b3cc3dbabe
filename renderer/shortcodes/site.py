"""A site's own shortcodes: ``SITE/templates/shortcodes/NAME.html``, Jinja2 in the theme's sandbox.

A template sees ``args`` (positional arguments), ``kwargs`` (named ones),
``get(key, default)`` (a named argument, or a positional one by index),
``inner`` (the text between the tags, or ``None``: plain text for
``{{< >}}``, rendered Markdown for ``{{% %}}``), ``name``, ``page`` (``title``,
``params``, ``url``, ``section``, ``source``) and ``site`` (``title``,
``base_url``, ``params``), and the filter ``markdownify``. The output is the
site author's own HTML: it is not sanitized.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

import jinja2
from markupsafe import Markup

from ..diagnostics import Diagnostic, describe_exception, error
from ..i18n import I18N_PREFIX, site_tables

if TYPE_CHECKING:
    from ..gotemplate import GoShortcodes
from ..templates.sandbox import ThemeSandbox
from ..templates.theme import _ThemeLoader, missing_references, outline

TEMPLATE_FOLDER = "templates/shortcodes"
GO_PREFIX = "go:"  # a Hugo site's Go template, carried with the shortcodes: go:shortcodes/NAME.html, go:partials/PATH


def go_templates(templates: Mapping[str, str]) -> dict[str, str]:
    """The Go templates among a site's shortcode templates (their keys without the ``go:`` prefix)."""
    return {k[len(GO_PREFIX):]: v for k, v in templates.items() if k.startswith(GO_PREFIX)}


@dataclass
class SiteShortcodes:
    """A site's shortcode templates, compiled; ``problems`` maps a name to why it cannot be used."""

    env: ThemeSandbox
    names: frozenset[str]
    problems: dict[str, tuple[int, str]] = field(default_factory=dict)  # name -> (line, message)
    go: GoShortcodes | None = None  # a Hugo site's Go-template shortcodes and partials

    def filename(self, name: str) -> str:
        return f"{TEMPLATE_FOLDER}/{name}.html"

    def render(self, name: str, values: dict[str, Any]) -> str:
        return self.env.get_template(name).render(values)


_CACHE: dict[str, SiteShortcodes] = {}


def problems(templates: Mapping[str, str]) -> list[Diagnostic]:
    """Why each of the site's shortcode templates cannot be used (it fails to compile, or names a
    template that does not exist), one error at its file and line each."""
    site = compiled(templates)
    return [error(site.filename(name), line, message) for name, (line, message) in sorted(site.problems.items())]


def compiled(templates: Mapping[str, str]) -> SiteShortcodes:
    """The shortcode templates ``{NAME: source}``, compiled once per set (cached).

    Keys starting ``go:`` are Go templates of a Hugo site (``go:shortcodes/NAME.html``,
    ``go:partials/PATH``): :mod:`renderer.gotemplate` runs those."""
    go_files = go_templates(templates)
    tables = site_tables(templates)  # the site's translation tables, for the Go templates' i18n/T
    if go_files or tables:
        templates = {k: v for k, v in templates.items() if not k.startswith((GO_PREFIX, I18N_PREFIX))}
    digest = hashlib.sha256()
    for name in sorted(templates):
        digest.update(name.encode() + b"\0" + templates[name].encode("utf-8", "surrogatepass") + b"\0")
    for name in sorted(tables):
        digest.update(b"i18n\0" + name.encode() + b"\0" + tables[name].encode("utf-8", "surrogatepass") + b"\0")
    for name in sorted(go_files):
        digest.update(b"go\0" + name.encode() + b"\0" + go_files[name].encode("utf-8", "surrogatepass") + b"\0")
    key = digest.hexdigest()
    found = _CACHE.get(key)
    if found is not None:
        return found
    sources = {name: (text, f"{TEMPLATE_FOLDER}/{name}.html") for name, text in templates.items()}
    env = ThemeSandbox(loader=_ThemeLoader(sources), autoescape=True, trim_blocks=True, lstrip_blocks=True,
                       auto_reload=False, cache_size=-1)
    env.filters["markdownify"] = _markdownify
    go = None
    if go_files:
        # Imported here: sites without Go templates do not pay for the interpreter (about 40 ms of the
        # core's import natively); the guests import it while their snapshot is taken (warmup.py).
        from ..gotemplate import compiled as go_compiled
        go = go_compiled(go_files, tables=tables)
    site = SiteShortcodes(env, frozenset(templates), go=go)
    for name in sorted(templates):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            site.problems[name] = (exc.lineno or 0, f"template syntax error: {exc.message}")
        except Exception as exc:  # e.g. RecursionError on absurd nesting
            site.problems[name] = (0, f"template error: {describe_exception(exc)}")
    outlines = {}
    for name in sorted(set(templates) - set(site.problems)):
        try:
            outlines[name] = outline(env.parse(templates[name], name))
        except Exception:  # (compiled above: cannot happen)
            continue
    for name, line, message in missing_references(sources, outlines, sorted(outlines),
                                                  f"of the site's shortcodes ({TEMPLATE_FOLDER}/)"):
        site.problems.setdefault(name, (line, message))
    if len(_CACHE) >= 8:
        _CACHE.clear()
    _CACHE[key] = site
    return site


@jinja2.pass_context
def _markdownify(context: Any, text: Any) -> Markup:
    """``{{ text|markdownify }}``: Markdown rendered as the page's own text is."""
    html: Markup = context["markdownify"](text)
    return html


def values(call: Any) -> dict[str, Any]:
    """What a site shortcode's template sees for ``call`` (a builtins.Call)."""
    inner = call.inner
    if inner is not None and call.markdown_inner:
        inner = Markup(inner)
    return {
        "name": call.name,
        "args": list(call.args),
        "kwargs": dict(call.kwargs),
        "get": call.get,
        "inner": inner,
        "page": call.context.page,
        "site": call.context.site,
        "markdownify": lambda text: Markup(call.context.render(str(text))),
    }
