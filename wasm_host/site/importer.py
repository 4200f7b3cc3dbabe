"""``wasmblog import hugo SRC DEST``: a Hugo site rewritten in wasmblog's own layout.

Nothing is changed in SRC. Where each file goes is decided by the core, the
same way a build of SRC decides it (the files are parsed natively with the
Hugo layout): dated content becomes ``posts/``, dateless and top-level content
``pages/`` (at the same URL), ``_index.md`` files intros, bundles keep their
files, ``static/``, ``templates/`` and the translation tables (``i18n/``, the
themes' merged under the site's) are copied, and the configuration
becomes ``site.toml``. Post URLs are kept when the site has one section of
posts (a ``permalinks`` pattern for ``posts``); otherwise the report says
which URLs change.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import tomli
import tomli_w

from renderer import Diagnostic, load_config, parse_posts
from renderer.config import SiteConfig
from renderer.diagnostics import warning
from renderer.i18n import parse_table, site_tables, table_language
from renderer.languages import for_language, language_of, languages
from renderer.model import INTRO, PAGE, POST, Post
from renderer.site import SIZE_MARK
from renderer.urls import INDEX_NAMES

from .hugo import is_hugo_site, load_hugo_site, read_hugo_config
from .output import OutputError, check_place


class ImportError_(Exception):
    """SRC is not a Hugo site, or DEST is not a place to write: ``path`` says which, ``message`` why."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(str(path), message)
        self.path, self.message = str(path), message

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class ImportReport:
    posts: int = 0
    pages: int = 0
    intros: int = 0
    files: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _target(kind: str, source: str, url: str, section: str, content_dir: str, main: list[str]) -> str:
    """Where a content file goes in wasmblog's layout (site-relative)."""
    rel = source[len(content_dir) + 1:]
    name = rel.rsplit("/", 1)[-1]
    bundle = name in INDEX_NAMES
    if kind == INTRO:
        parts = rel.split("/")
        if len(parts) == 1:
            return "_index.md"
        if section and section == (main[0] if main else section):
            return "posts/_index.md"
        return rel  # a taxonomy's or a term's: the same place
    if kind == POST:
        return "posts/" + rel
    # A page: at its URL under pages/ (pages/about.md is /about/), as a bundle if it was one.
    path = url.strip("/") or "index"
    return f"pages/{path}/{name}" if bundle else f"pages/{path}.md"


def _translated_target(config: SiteConfig, source: str, post: Post, content_dir: str, main: list[str]) -> str:
    """Where a content file goes, in any language: a translation keeps its language in its name
    (``posts/a.fr.md``, ``index.fr.md`` in a bundle), wherever Hugo had it (its name, or its language's
    content folder), so that the default language's files and their translations sit side by side."""
    key, logical = language_of(config, source)
    langs = languages(config)
    if langs is None or not key:
        return _target(post.kind, source, post.url, post.section, content_dir, main)
    folder = for_language(config, key).content_dir
    target = _target(post.kind, logical, post.url, post.section, folder, main)
    if key == langs.default:
        return target
    stem, dot, ext = target.rpartition(".")
    return f"{stem}.{key}.{ext}" if dot else f"{target}.{key}"


def import_hugo(src: Path, dest: Path) -> ImportReport:
    """Write ``src`` (a Hugo site) into ``dest`` (new or empty) in wasmblog's layout."""
    if not is_hugo_site(src):
        raise ImportError_(src, "not a Hugo site (expected hugo.toml, config.toml or config/_default/, and "
                                "content/)")
    try:
        check_place(dest, src, instead="choose a new folder outside the Hugo site")  # SRC is not changed
    except OutputError as exc:
        raise ImportError_(exc.path, exc.message) from None
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ImportError_(dest, "exists and is not empty; choose a new folder")
    report = ImportReport()
    site = load_hugo_site(src)
    report.diagnostics += site.diagnostics
    hugo = read_hugo_config(src, [], layout="wasmblog")
    config = load_config(site.config_text)[0]
    parsed = parse_posts(site.sources, config, site.tzif, site.shortcodes)
    report.diagnostics += [d for d in parsed.diagnostics if d.is_error]
    main = list(config.main_sections) or sorted({p.section for p in parsed.posts if p.kind == POST})
    post_sections = sorted({p.section for p in parsed.posts if p.kind == POST})

    settings = tomli.loads(hugo.site_toml)
    permalinks = settings.pop("permalinks", {})
    if len(post_sections) == 1:
        section = post_sections[0]
        settings["permalinks"] = {"posts": permalinks.get(section, f"/{section}/:slug/")}
    elif post_sections:
        report.diagnostics.append(warning(hugo.content_dir, 0, f"posts of {', '.join(post_sections)} all go to "
                                                               "posts/: their URLs become /posts/SLUG/"))
    settings["main_sections"] = ["posts"]
    for lang in settings.get("languages", {}).values():  # each language's files go beside the default's
        lang.pop("content_dir", None)

    dest.mkdir(parents=True, exist_ok=True)
    (dest / "site.toml").write_text("# Imported from a Hugo site by wasmblog import hugo.\n"
                                    + tomli_w.dumps(settings), encoding="utf-8")
    by_source = {p.source: p for p in parsed.posts}
    for source in site.sources:
        post = by_source.get(source.path)
        if post is None:
            continue
        target = dest / _translated_target(config, source.path, post, hugo.content_dir, main)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.data)
        report.posts += post.kind == POST
        report.pages += post.kind == PAGE
        report.intros += post.kind == INTRO
        folder = source.path.rsplit("/", 1)[0] + "/"
        for listed in source.resources:
            resource = listed.partition(SIZE_MARK)[0]  # an image's size, listed with it for the core
            copy = target.parent / resource[len(folder):]
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(site.resources[resource], copy)
            report.files += 1
    for rel, path in site.static:
        copy = dest / "static" / rel
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
        report.files += 1
    tables = site_tables(site.templates)
    for name, text in site.templates.items():
        if name in tables:
            continue
        copy = dest / "templates" / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(text, encoding="utf-8")
    _import_tables(tables, dest / "i18n")
    return report


def _import_tables(tables: dict[str, str], folder: Path) -> None:
    """The site's and its themes' translation tables as ``i18n/LANG.EXT``: a language that only one of
    them has keeps its file as it is; one that several have gets one TOML table of every key, the
    site's winning (wasmblog reads one folder)."""
    by_language: dict[str, list[str]] = {}
    for name in sorted(tables, key=lambda n: (-n.count("/"), n)):  # themes first, then the site's
        by_language.setdefault(table_language(name), []).append(name)
    for lang, names in sorted(by_language.items()):
        folder.mkdir(parents=True, exist_ok=True)
        if len(names) == 1:
            (folder / names[0].rsplit("/", 1)[-1]).write_text(tables[names[0]], encoding="utf-8")
            continue
        merged: dict[str, dict[str, str]] = {}
        for name in names:
            merged.update(parse_table(name, tables[name])[0])
        (folder / f"{lang}.toml").write_text(tomli_w.dumps(merged), encoding="utf-8")
