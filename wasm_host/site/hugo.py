"""Reading a Hugo site folder as it is: its config files, ``content/``, ``static/``.

The config's meaning is the core's (:func:`renderer.hugo.hugo_config`, pure,
so ``wasmblog import hugo`` writes what ``build`` uses); this module only
finds and reads the files. Of Hugo's templates (``layouts/``, ``themes/``),
Go templates, wasmblog runs the shortcodes and the partials they call
(:func:`read_go_templates`, carried with the site's shortcodes to the core);
its pages use the default theme (or the site's ``templates/``), and one line
says so.
"""

from __future__ import annotations

import re
from pathlib import Path

from renderer import Diagnostic, load_config
from renderer.diagnostics import warning
from renderer.hugo import DEFAULT_DIR, ROOT_FILES, HugoConfig, hugo_config
from renderer.shortcodes.site import GO_PREFIX
from renderer.i18n import I18N_PREFIX, site_tables
from renderer.site import shortcode_templates

from ..engines.zones import zone_data
from .files import (FileMemo, SiteInput, _walk, read_content, read_i18n, read_site_text, read_static, read_templates, read_text,
                    with_limits)

# Where Hugo looks for shortcodes and partials, most important first (_shortcodes and _partials since Hugo
# 0.146); a theme's layouts come after the site's own, so the site's file wins.
GO_FOLDERS = (("_shortcodes", "shortcodes/"), ("shortcodes", "shortcodes/"), ("_partials", "partials/"),
              ("partials", "partials/"), ("_markup", "_markup/"), ("_default/_markup", "_markup/"))
# Markdown render hooks (layouts/_markup/, before Hugo 0.146 layouts/_default/_markup/): the ones wasmblog runs.
RENDER_HOOK = re.compile(r"render-(link|image|heading|codeblock(-[A-Za-z0-9_+-]+)?)\.html")
MAX_GO_TEMPLATE_BYTES = 1_000_000


def config_files(root: Path, diags: list[Diagnostic]) -> list[tuple[str, str]]:
    """Hugo's config files in ``root``, most important first: (site-relative name, text)."""
    found = []
    for name in ROOT_FILES:
        if (root / name).is_file():
            text = read_text(root / name, name, diags, "ignored")
            if text is not None:
                found.append((name, text))
            break  # Hugo reads the first it finds
    default = root / DEFAULT_DIR
    if default.is_dir():
        for path in sorted(default.iterdir()):
            if path.is_file() and path.suffix in (".toml", ".yaml", ".yml", ".json"):
                rel = f"{DEFAULT_DIR}/{path.name}"
                text = read_text(path, rel, diags, "ignored")
                if text is not None:
                    found.append((rel, text))
    return found


def is_hugo_site(root: Path) -> bool:
    """A Hugo site folder: a Hugo config file (and no site.toml), with a content/ folder."""
    if (root / "site.toml").is_file():
        return False
    has_config = any((root / name).is_file() for name in ROOT_FILES) or (root / DEFAULT_DIR).is_dir()
    return has_config and (root / "content").is_dir()


def read_hugo_config(root: Path, diags: list[Diagnostic], layout: str = "hugo") -> HugoConfig:
    config = hugo_config(config_files(root, diags), layout)
    diags.extend(config.diagnostics)
    return config


def load_hugo_site(root: Path, limits: dict[str, float] | None = None, memo: FileMemo | None = None) -> SiteInput:
    """Read a Hugo site folder; problems become diagnostics."""
    diags: list[Diagnostic] = []
    hugo = read_hugo_config(root, diags)
    parsed, config_diags = load_config(hugo.site_toml)
    for d in config_diags:  # about values copied from Hugo's files: say which
        if d.is_error:
            diags.append(warning(ROOT_FILES[0] if not (root / DEFAULT_DIR).is_dir() else DEFAULT_DIR, 0,
                                 f"a Hugo setting could not be used: {d.message}"))
    config = with_limits(parsed, limits or {})
    sources, resources = [], {}
    max_bytes = int(config.limits.max_file_mb * 1_000_000)
    folders = [hugo.content_dir] + [d for d in hugo.content_dirs
                                    if not (d + "/").startswith(hugo.content_dir + "/")]
    for folder in folders:  # the site's content, and the other languages' own folders (contentDir)
        content = root / folder if _inside(root, folder, diags) else root / ".no-content"
        found, found_resources = read_content(root, content, max_bytes, diags, branch_bundles=True, memo=memo,
                                                 languages=tuple(hugo.languages))
        sources += found
        resources.update(found_resources)
    go = read_go_templates(root, hugo.themes, diags, hugo.layouts)
    ignored = [name for name in ("layouts", "themes") if (root / name).is_dir()
               and any(not p.name.startswith(".") and "shortcodes" not in p.parts and "_shortcodes" not in p.parts
                       and "partials" not in p.parts and "_partials" not in p.parts
                       for p in (root / name).rglob("*") if p.is_file())]
    if ignored:
        diags.append(warning(ignored[0], 0, f"{' and '.join(n + '/' for n in ignored)}: Hugo page templates (Go "
                                            "templates), which wasmblog does not run (only shortcodes and the "
                                            "partials they call); the pages use wasmblog's theme (override it "
                                            "in templates/)"))
    templates = read_templates(root, diags)
    # Translation tables: the themes' (the first theme's win), then the site's i18n/ over them, key by key
    # (the core loads deeper names first: i18n/themes/NAME/fr.toml, then i18n/fr.toml).
    for order, theme in enumerate(reversed(hugo.themes)):
        templates.update(read_i18n(root, diags, f"themes/{theme}/i18n", f"{I18N_PREFIX}themes/{order}-{theme}/"))
    templates.update(read_i18n(root, diags))
    static = [(f"{target}/{rel}" if target else rel, path) for source, target in hugo.static
              if _inside(root, source, diags) for rel, path in read_static(root, diags, source)]  # mounts, or static/
    return SiteInput(root, hugo.site_toml, sorted(sources, key=lambda s: s.path), templates, static,
                     zone_data(config.timezone), diags, dict(limits or {}), resources,
                     {**shortcode_templates(templates), **go, **(site_tables(templates) if go else {})})


def _inside(root: Path, folder: str, diags: list[Diagnostic]) -> bool:
    """Whether a mounted ``folder`` is inside the site (a symlink may lead out of it: then a warning)."""
    if (root / folder).resolve().is_relative_to(root.resolve()):
        return True
    diags.append(warning(folder, 0, "a mount of a folder outside the site (a symlink); ignored"))
    return False


def read_go_templates(root: Path, themes: list[str], diags: list[Diagnostic],
                      layouts: tuple[str, ...] | list[str] = ("layouts",)) -> dict[str, str]:
    """The Go shortcodes and partials of the site (in ``layouts``: its layouts folder, or those its
    module.mounts name) and its themes, keyed as the core wants them: ``go:shortcodes/NAME.html`` and
    ``go:partials/PATH`` (the site's own file wins over a theme's)."""
    found: dict[str, str] = {}
    bases = [(root / folder, folder) for folder in layouts if _inside(root, folder, diags)]
    bases += [(root / "themes" / theme / "layouts", f"themes/{theme}/layouts") for theme in themes]
    for base, shown in bases:
        if not base.is_dir():
            continue
        for folder, kind in GO_FOLDERS:
            top = base / folder
            for path in _walk(top) if top.is_dir() else []:
                name = path.relative_to(top).as_posix()
                if kind == "shortcodes/" and (not name.endswith(".html") or "." in name[:-len(".html")]):
                    continue  # NAME.en.html, NAME.amp.html, NAME.xml: other languages and output formats
                if kind == "_markup/" and not RENDER_HOOK.fullmatch(name):
                    continue  # render-table, render-passthrough, other languages and output formats: not run
                key = GO_PREFIX + kind + name
                rel = f"{shown}/{folder}/{name}"
                if key in found:
                    continue
                text = read_site_text(root, path, rel, diags, MAX_GO_TEMPLATE_BYTES, warning)
                if text is not None:
                    found[key] = text
    return found
