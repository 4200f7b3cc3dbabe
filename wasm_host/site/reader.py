"""Reading a site folder: the only place the host reads the user's site files.

Layout::

    SITE/site.toml            configuration (optional)
    SITE/posts/**/*.md        posts; a folder with an index.md is a bundle (its files are copied beside it)
    SITE/pages/**/*.md        standalone pages (pages/about.md -> /about/)
    SITE/_index.md            the home page's title and intro (also posts/_index.md, TAXONOMY/[TERM/]_index.md)
    SITE/templates/NAME       overrides of the default theme's templates
    SITE/templates/shortcodes/NAME.html   the site's own shortcodes
    SITE/static/**            copied to the output as they are
    SITE/i18n/LANG.toml       translation tables in Hugo's format (.yaml, .yml, .json too): the theme's words

A Hugo site folder (``hugo.toml``, ``config.toml``, ``config/_default/``...,
``content/``, ``static/``) is read by :mod:`.hugo` instead, as it is.
"""

from __future__ import annotations

from pathlib import Path

from renderer import Diagnostic, Source, load_config
from renderer.diagnostics import error, warning
from renderer.hugo import DEFAULT_DIR, ROOT_FILES
from renderer.languages import languages
from renderer.site import shortcode_templates
from renderer.urls import INTRO_NAMES

from ..engines.zones import zone_data
from .files import (POST_SUFFIXES, FileMemo, SiteInput, _rel, _walk, read_content,
                    read_i18n, read_static, read_templates, read_text, with_limits)
from .hugo import is_hugo_site, load_hugo_site
from .uptodate import build_time_micros, display_prefix

__all__ = ["SiteInput", "build_time_micros", "display_prefix", "load_site", "not_a_site", "with_limits"]


SITE_NEEDS = ("a site needs a site.toml, or Markdown posts in posts/ (or pages in pages/), or a Hugo config "
              "(hugo.toml, config.toml, config/_default/...) with content/")


def not_a_site(root: Path | str) -> str | None:
    """Why the folder ``root`` is no site (None when it is one), as Hugo and Zola refuse one:
    it has no ``site.toml``, no Hugo site (config and content/), and no Markdown where wasmblog reads it."""
    root = Path(root)
    if (root / "site.toml").is_file() or is_hugo_site(root):
        return None
    if any((root / name).is_file() for name in INTRO_NAMES):
        return None
    for folder in (root / "posts", root / "pages"):
        if folder.is_dir() and any(p.name.endswith(POST_SUFFIXES) for p in _walk(folder)):
            return None
    if any((root / name).is_file() for name in ROOT_FILES) or (root / DEFAULT_DIR).is_dir():
        return "not a site: it has a Hugo config but no content/ folder (Hugo's content goes there)"
    return f"not a site: {SITE_NEEDS}"


def _intro_name(name: str, key: str) -> str:
    """``_index.md`` in language ``key``: ``_index.fr.md`` ("" for the name as it is)."""
    if not key:
        return name
    stem, _, ext = name.rpartition(".")
    return f"{stem}.{key}.{ext}"


def load_site(root: Path | str, limits: dict[str, float] | None = None, memo: FileMemo | None = None) -> SiteInput:
    """Read a site folder. Problems become diagnostics; only a missing folder raises.

    ``limits`` override the site's ``[limits]`` (the command line's ``--render-timeout``...);
    ``memo`` keeps the content files' bytes between loads (``serve``).
    A Hugo site folder is read as it is (:func:`.hugo.load_hugo_site`).
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such site folder (expected site.toml, posts/, static/)")
    if is_hugo_site(root):
        return load_hugo_site(root, limits, memo)
    diags: list[Diagnostic] = []

    config_text = ""
    config_path = root / "site.toml"
    if config_path.is_file():
        config_text = read_text(config_path, "site.toml", diags, "using the default configuration") or ""
    config = with_limits(load_config(config_text)[0], limits or {})
    max_bytes = int(config.limits.max_file_mb * 1_000_000)

    if not (root / "posts").is_dir():
        diags.append(warning("posts", 0, "no posts/ folder: the site has no posts"))
    langs = languages(config)
    keys = (*langs.keys, *langs.disabled) if langs is not None else ()
    tops = [root] + [root / lang.content_dir for lang in langs.languages if lang.content_dir] if langs else [root]
    sources, resources = [], {}
    for top in tops:  # the site's posts/ and pages/, and those of each language's own folder
        for folder in ("posts", "pages"):
            found, found_resources = read_content(root, top / folder, max_bytes, diags, memo=memo, languages=keys)
            sources += found
            resources.update(found_resources)
    names = [_intro_name(n, k) for n in INTRO_NAMES for k in ("", *keys)]
    intros = [top / name for top in tops for name in names] + [top / "posts" / name for top in tops for name in names]
    for taxonomy in config.taxonomies:
        for top in tops:
            tax = top / taxonomy.plural
            intros += [tax / name for name in names]
            if tax.is_dir():
                intros += sorted(p / name for p in tax.iterdir() if p.is_dir() for name in names)
    for path in intros:
        if path.is_file() and not any(s.path == _rel(path, root) for s in sources):
            try:
                sources.append(Source(_rel(path, root), path.read_bytes()))
            except OSError as exc:
                diags.append(error(_rel(path, root), 0, f"cannot read: {exc.strerror}"))
    sources.sort(key=lambda s: s.path)

    templates = read_templates(root, diags)
    templates.update(read_i18n(root, diags))  # i18n/LANG.toml: the site's translation tables
    static = read_static(root, diags)
    return SiteInput(root, config_text, sources, templates, static, zone_data(config.timezone), diags,
                     dict(limits or {}), resources, shortcode_templates(templates))
