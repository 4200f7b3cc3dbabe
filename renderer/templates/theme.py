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
``term``; taxonomy pages ``terms``; feeds (RSS, Atom, JSON Feed) ``posts``,
``lastmod`` and maybe ``term``; the search page ``posts`` (every one); the
search index ``index``; the sitemap ``links``; a multilingual site's sitemap index ``sitemaps``; alias pages
``target``. On a multilingual site, every page adds ``language_links`` (the language switcher's) and
``x_default``, ``page.translations`` and ``page.lang``, ``site.languages``. See
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
from jinja2 import nodes

from ..diagnostics import Diagnostic, describe_exception, error, warning
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
    PageKind.PAGE: "page.html",
    PageKind.ATOM: "atom.xml",
    PageKind.JSON_FEED: "feed.json",
    PageKind.SEARCH: "search.html",
    PageKind.SEARCH_INDEX: "search-index.json",
    PageKind.SEARCH_SCRIPT: "search.js",
    PageKind.SITEMAP_INDEX: "sitemapindex.xml",
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


@dataclass(frozen=True)
class Outline:
    """What a template names and defines, as its source says (constant names only)."""

    references: tuple[tuple[str, tuple[str, ...], int], ...]  # (verb, names any one of which will do, line)
    parent: str | None  # the template it extends
    blocks: frozenset[str]  # every block it defines
    own_blocks: tuple[tuple[str, int], ...]  # its blocks not inside another of its blocks: (name, line)


_VERBS = ((nodes.Extends, "extends"), (nodes.Include, "includes"), (nodes.FromImport, "imports from"),
          (nodes.Import, "imports"))


def outline(ast: nodes.Template) -> Outline:
    """The :class:`Outline` of a parsed template."""
    references = []
    for node in ast.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        if isinstance(node, nodes.Include) and node.ignore_missing:
            continue
        target = getattr(node, "template", None)
        items = list(target.items) if isinstance(target, (nodes.Tuple, nodes.List)) else [target]
        names = [i.value for i in items if isinstance(i, nodes.Const) and isinstance(i.value, str)]
        if items and len(names) == len(items):
            verb = next(v for cls, v in _VERBS if isinstance(node, cls))
            references.append((verb, tuple(names), node.lineno))
    parent = next((n.template.value for n in ast.body if isinstance(n, nodes.Extends)
                   and isinstance(n.template, nodes.Const) and isinstance(n.template.value, str)), None)
    blocks = list(ast.find_all(nodes.Block))
    nested = {id(inner) for block in blocks for inner in block.find_all(nodes.Block)}
    return Outline(tuple(references), parent, frozenset(b.name for b in blocks),
                   tuple((b.name, b.lineno) for b in blocks if id(b) not in nested))


def missing_references(names: Mapping[str, object], outlines: Mapping[str, Outline], checked: list[str],
                       where: str) -> list[tuple[str, int, str]]:
    """What in templates ``checked`` names a template that is not in ``names``: ``(template, line, message)``.
    ``where`` says where the missing template could have been."""
    return [(name, line, f"{verb} {targets[0]!r}, which is not a template {where}")
            for name in checked if name in outlines
            for verb, targets, line in outlines[name].references if not any(t in names for t in targets)]


def ancestors(name: str, outlines: Mapping[str, Outline], names: Mapping[str, str]) -> list[str]:
    """The templates ``name`` extends, nearest first (as far as they exist and their names are constant)."""
    chain: list[str] = []
    parent = outlines[name].parent if name in outlines else None
    while parent is not None and parent in names and parent not in chain and len(chain) < 32:
        chain.append(parent)
        parent = outlines[parent].parent if parent in outlines else None
    return chain


def unknown_blocks(names: Mapping[str, str], outlines: Mapping[str, Outline], name: str) -> list[tuple[str, int]]:
    """The blocks ``name`` defines that no template it extends has: what they hold is never shown."""
    chain = ancestors(name, outlines, names)
    if not chain:
        return []
    found = set().union(*(outlines[p].blocks for p in chain if p in outlines))
    return [(block, line) for block, line in outlines[name].own_blocks if block not in found]


_DEFAULT_OUTLINES: dict[str, Outline] = {}


def _default_outlines(env: jinja2.Environment) -> dict[str, Outline]:
    """The default theme's outlines (parsed once: the wasm snapshot keeps them)."""
    if not _DEFAULT_OUTLINES:
        _DEFAULT_OUTLINES.update({name: outline(env.parse(text, name)) for name, text in DEFAULT_THEME.items()})
    return _DEFAULT_OUTLINES


def _outlines(env: jinja2.Environment, sources: Mapping[str, tuple[str, str]],
              overrides: Mapping[str, str]) -> dict[str, Outline]:
    outlines = {name: info for name, info in _default_outlines(env).items()
                if sources.get(name, ("", ""))[1] == f"theme/{name}"}
    for name in overrides:
        if name in sources and name not in outlines:
            try:
                outlines[name] = outline(env.parse(sources[name][0], name))
            except Exception:  # reported when it was compiled
                pass
    return outlines


def _check_overrides(theme: Theme, env: jinja2.Environment, overrides: Mapping[str, str]) -> None:
    """Report what an override names that does not exist (and use the default theme's template
    instead, as for a syntax error), and blocks that would never be shown."""
    sources = theme.sources
    outlines = _outlines(env, sources, overrides)
    names = {name: filename for name, (_, filename) in sources.items()}
    replaced = []
    for name, line, message in missing_references(names, outlines, sorted(set(overrides) & set(outlines)),
                                                  "of the site (templates/) or of the default theme"):
        fallback = "; using the default theme's template" if name in DEFAULT_THEME else ""
        theme.diagnostics.append(error(f"templates/{name}", line, message + fallback))
        replaced.append(name)
    if replaced:
        for name in replaced:
            if name in DEFAULT_THEME:
                sources[name] = (DEFAULT_THEME[name], f"theme/{name}")
            else:
                sources.pop(name, None)
        if isinstance(env.cache, dict):
            env.cache.clear()  # (compiled templates are kept: forget the replaced ones)
        outlines = _outlines(env, sources, overrides)
        names = {name: filename for name, (_, filename) in sources.items()}
    fills: dict[tuple[str, str], list[str]] = {}  # (override, block) -> default templates that fill it
    for name in sorted(outlines):
        own = names.get(name, "").startswith("templates/")
        for block, line in unknown_blocks(names, outlines, name):
            if own:
                theme.diagnostics.append(error(f"templates/{name}", line, f"block '{block}' is in no template it "
                                               f"extends ({' < '.join(ancestors(name, outlines, names))}), so what "
                                               "it holds would never be shown"))
                continue
            culprit = next((p for p in ancestors(name, outlines, names) if names[p].startswith("templates/")), None)
            # (an override with no block at all replaces its page whole, on purpose: nothing to say)
            if culprit is not None and culprit in outlines and outlines[culprit].blocks:
                fills.setdefault((culprit, block), []).append(name)
    for (culprit, block), users in sorted(fills.items()):  # (maybe meant: a warning, which stops nothing)
        theme.diagnostics.append(warning(f"templates/{culprit}", 0, f"has no block '{block}' (nor has any template it "
                                       f"extends), which the default theme's {', '.join(users)} "
                                       f"fill{'s' * (len(users) == 1)}: their pages would lack it"))


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
    # JSON templates stay autoescaped: their values go through |tojson, which
    # makes JSON (and marks it safe); anything printed raw is escaped, not injected.
    return not (name or "").endswith((".css", ".txt", ".js"))


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
    if overrides:
        _check_overrides(theme, env, overrides)
    if len(_THEMES) >= 8:
        _THEMES.clear()
    _THEMES[key] = theme
    return theme


def forget_overrides() -> None:
    """Drop compiled template sets except the default theme's."""
    default = compiled_theme({})
    _THEMES.clear()
    _THEMES[_theme_key({})] = default
