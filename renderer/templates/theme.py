"""The theme: the default templates, a site's overrides, compiled once per set.

The default theme is files in ``renderer/themes/default/templates/``, so a
theme author edits HTML with HTML tools. They are read once, when this module
is imported (package data, through ``importlib.resources``): that is the only
file access the core makes. In the WebAssembly component the read happens
while componentize-py pre-initialises it, and the snapshot holds the texts
and the compiled templates; at run time the sandbox has no filesystem.

A site overrides any template by name with ``SITE/templates/NAME``. Every
template sees ``site``, ``page``, ``kind``, ``relurl(path)`` and
``absurl(path)``; list pages add ``posts`` and ``pager``; term pages
``term``; taxonomy pages ``terms``; feeds ``posts``, ``lastmod`` and maybe
``term``; the sitemap ``links``; alias pages ``target``. See
:mod:`renderer.templates.views` for the fields of each object.

Compiled templates are cached per distinct set of overrides, so the default
theme is compiled once per process (and once in the WebAssembly snapshot).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib import resources
from typing import Callable, Mapping

import jinja2

from ..diagnostics import Diagnostic, describe_exception, error
from ..model import PageKind
from .sandbox import ThemeSandbox

TEMPLATE_FOR_KIND: dict[PageKind, str] = {
    PageKind.POST: "post.html",
    PageKind.LIST: "list.html",
    PageKind.TERM: "term.html",
    PageKind.TAXONOMY: "taxonomy.html",
    PageKind.FEED: "rss.xml",
    PageKind.SITEMAP: "sitemap.xml",
    PageKind.NOTFOUND: "404.html",
    PageKind.ALIAS: "alias.html",
    PageKind.CSS: "style.css",
    PageKind.ROBOTS: "robots.txt",
}


def _read_default_theme() -> dict[str, str]:
    """The default theme's templates by file name, read from the package's data."""
    folder = resources.files("renderer").joinpath("themes", "default", "templates")
    theme = {entry.name: entry.read_text(encoding="utf-8")  # universal newlines: "\n" on every OS
             for entry in folder.iterdir() if entry.is_file() and not entry.name.startswith(".")}
    missing = sorted(set(TEMPLATE_FOR_KIND.values()) - set(theme))
    if missing:
        raise ImportError(f"the default theme in {folder} lacks {', '.join(missing)}: reinstall wasmblog")
    return dict(sorted(theme.items()))


DEFAULT_THEME: Mapping[str, str] = _read_default_theme()


class _ThemeLoader(jinja2.BaseLoader):
    """Templates from memory; the file name says where the template came from."""

    def __init__(self, sources: Mapping[str, tuple[str, str]]) -> None:
        self.sources = sources  # name -> (source text, file name for messages)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if template not in self.sources:
            raise jinja2.TemplateNotFound(template)
        source, filename = self.sources[template]
        return source, filename, lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self.sources)


@dataclass
class Theme:
    """A compiled template set, and what was wrong with the site's overrides."""

    env: ThemeSandbox
    sources: dict[str, tuple[str, str]]  # name -> (source text, file name for messages)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def filename(self, name: str) -> str:
        """The file name messages give for template ``name``."""
        return self.sources.get(name, ("", f"theme/{name}"))[1]


_THEMES: dict[str, Theme] = {}


def _autoescape(name: str | None) -> bool:
    return not (name or "").endswith((".css", ".txt"))


def _theme_key(overrides: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(overrides):
        digest.update(name.encode() + b"\0" + overrides[name].encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def compiled_theme(overrides: Mapping[str, str]) -> Theme:
    """The compiled theme for this set of overrides (cached)."""
    key = _theme_key(overrides)
    theme = _THEMES.get(key)
    if theme is not None:
        return theme
    sources = {name: (text, f"theme/{name}") for name, text in DEFAULT_THEME.items()}
    sources.update({name: (text, f"templates/{name}") for name, text in overrides.items()})
    env = ThemeSandbox(loader=_ThemeLoader(sources), autoescape=_autoescape, trim_blocks=True,
                       lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False, cache_size=-1)
    theme = Theme(env, sources)
    for name in sorted(overrides):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            theme.diagnostics.append(error(f"templates/{name}", exc.lineno or 0,
                                           f"template syntax error: {exc.message}" +
                                           ("; using the default theme's template" if name in DEFAULT_THEME else "")))
            if name in DEFAULT_THEME:
                sources[name] = (DEFAULT_THEME[name], f"theme/{name}")
            else:
                del sources[name]
        except Exception as exc:  # e.g. RecursionError on absurd nesting
            what = "nests too deeply (recursion?)" if isinstance(exc, RecursionError) else describe_exception(exc)
            theme.diagnostics.append(error(f"templates/{name}", 0, f"template error: {what}"))
            sources.pop(name, None)
            if name in DEFAULT_THEME:
                sources[name] = (DEFAULT_THEME[name], f"theme/{name}")
    if len(_THEMES) >= 8:
        _THEMES.clear()
    _THEMES[key] = theme
    return theme


def forget_overrides() -> None:
    """Drop compiled template sets except the default theme's."""
    default = compiled_theme({})
    _THEMES.clear()
    _THEMES[_theme_key({})] = default
