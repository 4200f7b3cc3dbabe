"""The housekeeping commands: ``wasmblog component`` (the compiled sandbox), ``wasmblog cache``
(every site's render cache) and ``wasmblog corpus`` (a generated site to measure with)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # (imported when a command runs: the CLI starts without them)
    from .site.cache import SiteCacheInfo
    from .site.output import Workspace


@click.group("cache")
def cache_group() -> None:
    """The render cache, and the spare copies of the sites it built.

    The render cache keeps each site's parsed posts, plan and rendered pages, by a hash of their inputs,
    in $WASMBLOG_CACHE_DIR/render (default: $XDG_CACHE_HOME/wasmblog/render), one file per site, bounded
    by $WASMBLOG_RENDER_CACHE_MB (default 1024 MB each; least recently used entries go first). Beside
    each output folder OUT, .OUT.wasmblog/ holds a build's lock and the spare copy of the site a build
    before (it carries its own .gitignore). The compiled component is cached beside the render cache and
    never touched by these commands.
    """


def _site_argument(site: str | None) -> None:
    """A SITE argument must be a site (as for build): a path that is none is one error line."""
    from .site.reader import not_a_site

    if site is None:
        return
    if not Path(site).is_dir():
        _fail(site, "is not a folder, so it has no render cache")
    problem = not_a_site(site)
    if problem:
        _fail(site, f"{problem}, so it has no render cache")


def _caches(site: str | None) -> list[SiteCacheInfo]:
    from .site.cache import list_caches, site_cache_path

    caches = list_caches()
    if site is None:
        return caches
    mine = site_cache_path(site)
    return [c for c in caches if c.path == mine]


def _workspaces(site: str | None, caches: list[SiteCacheInfo]) -> list[Workspace]:
    """The lock-and-spare folders of the outputs the caches recorded, and (for SITE) those in it."""
    from .site.output import workspace_of

    outs = {out for c in caches for out in c.outputs}
    if site is not None:
        outs |= {Path(os.path.abspath(p.parent / p.name[1:-len(".wasmblog")]))
                 for p in Path(site).glob(".*.wasmblog") if p.is_dir()}
    found = [workspace_of(out) for out in sorted(outs)]
    return [w for w in found if w is not None]


@cache_group.command("info")
@click.argument("site", required=False, type=click.Path(file_okay=False, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def cache_info(site: str | None, as_json: bool) -> None:
    """Every site's render cache (or SITE's): where, how big, how many entries, when last used; and
    the lock-and-spare folder beside each output folder, with what it takes on disk."""
    from .site.cache import render_cache_root

    _site_argument(site)
    caches = _caches(site)
    spares = _workspaces(site, caches)
    if as_json:
        click.echo(json.dumps({"root": str(render_cache_root()), "sites": [
            {"site": c.site, "file": str(c.path), "entries": c.entries, "files": c.blobs, "bytes": c.bytes,
             "file_bytes": c.file_bytes, "last_used": c.last_used, "outputs": [str(o) for o in c.outputs]}
            for c in caches],
            "spares": [{"output": str(w.out), "folder": str(w.path), "bytes": w.bytes} for w in spares]}, indent=2))
        return
    click.echo(f"render cache: {render_cache_root()}")
    if not caches:
        click.echo("  empty" if site is None else f"  none for {site}")
    for c in caches:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(c.last_used)) if c.last_used else "never"
        click.echo(f"  {c.site}: {c.entries} results, {c.blobs} files, {c.file_bytes / 1e6:.1f} MB on disk, "
                   f"last used {when}")
    if caches:
        click.echo(f"  total {sum(c.file_bytes for c in caches) / 1e6:.1f} MB in {len(caches)} site"
                   f"{'s' * (len(caches) != 1)}")
    if spares:
        click.echo("lock and spare copy beside each output folder:")
        for w in spares:
            click.echo(f"  {w.path}: {w.bytes / 1e6:.1f} MB on disk (beside {w.out})")


@cache_group.command("clear")
@click.argument("site", required=False, type=click.Path(file_okay=False, path_type=str))
def cache_clear(site: str | None) -> None:
    """Delete the render cache of every site (or of SITE only), and the lock-and-spare folders
    beside their output folders. The next build renders everything; the output folders stay."""
    from .site.cache import clear_caches, render_cache_root
    from .site.output import OutputError, clear_workspace

    _site_argument(site)
    spares = _workspaces(site, _caches(site))
    freed = 0
    for w in spares:
        try:
            freed += clear_workspace(w.out)
        except OutputError as exc:
            _fail(exc.path, exc.message)
    freed += clear_caches(site=site)
    what = f"the render cache of {site}" if site else f"every site's render cache in {render_cache_root()}"
    spare = f" and {len(spares)} spare cop{'ies' if len(spares) != 1 else 'y'}" if spares else ""
    click.echo(f"cleared {what}{spare} ({freed / 1e6:.1f} MB)")


@click.group("component")
def component_group() -> None:
    """Build and inspect the WebAssembly component (cached; rebuilt when its inputs change)."""


@component_group.command("build")
@click.option("--force", is_flag=True, help="Rebuild even if a verified copy is cached.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Cache folder (default: $XDG_CACHE_HOME/wasmblog).")
def component_build(force: bool, cache_dir: str | None) -> None:
    """Componentize the render core and compile it with Cranelift, into the cache."""
    from .engines.component import ensure_component
    from .engines.wasm import runtime

    info = ensure_component(cache_dir, force=force, log=lambda msg: click.echo(msg, err=True))
    click.echo(f"{'built' if info.built else 'cached'}: {info.path} ({info.size / 1e6:.1f} MB"
               + (f", {info.seconds:.1f} s" if info.built else "") + ")", err=True)
    rt = runtime(cache_dir)
    compiled = rt.compiled_path
    click.echo(f"compiled: {compiled} ({compiled.stat().st_size / 1e6:.1f} MB"
               + (f", {rt.times.compile:.1f} s" if rt.times.compile else ", cached") + ")", err=True)


@component_group.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=str), default=None)
def component_info(as_json: bool, cache_dir: str | None) -> None:
    """Where the component is, its size, imports (none) and exports."""
    from .engines.wasm import runtime

    started = time.perf_counter()
    rt = runtime(cache_dir)
    info: dict[str, Any] = {
        "component": str(rt.component_path),
        "component_bytes": rt.component_path.stat().st_size if rt.component_path.exists() else None,
        "compiled": str(rt.compiled_path),
        "compiled_bytes": rt.compiled_path.stat().st_size,
        "key": rt.key,
        "imports": rt.imports(),
        "exports": rt.exports(),
        "startup_seconds": {"componentize": rt.times.componentize, "compile": rt.times.compile,
                            "load": rt.times.load, "total": time.perf_counter() - started},
    }
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    size = info["component_bytes"]
    click.echo(f"component  {info['component']}" + (f"  {size / 1e6:.1f} MB" if size else "  (not kept)"))
    click.echo(f"compiled   {info['compiled']}  {info['compiled_bytes'] / 1e6:.1f} MB")
    click.echo(f"imports    {', '.join(info['imports']) or 'none (zero capabilities)'}")
    click.echo(f"exports    {', '.join(e for e in info['exports'] if e != 'exports')}")
    click.echo(f"start-up   {info['startup_seconds']['total'] * 1e3:.0f} ms")


@component_group.command("export")
@click.option("--js", "js_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Write the component as an ES module for Node and browsers into this folder.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=str), default=None)
@click.option("--force", is_flag=True, help="Write into a non-empty folder no export wrote (only the export's "
                                            "own files are ever written there).")
def component_export(js_dir: Path, cache_dir: str | None, force: bool) -> None:
    """Transpile the render component with jco into DIR/wasmblog.js (+ .d.ts and core modules).

    \b
    The exports keep their WIT names in camelCase, records their fields:
      import { renderMarkdown, parsePosts, planSite, renderPages } from './DIR/wasmblog.js';
      renderMarkdown('*hi*', {extensions: true, rawHtml: 'sanitize', highlight: true, headingIds: true,
                              basePath: '/', tocMinLevel: 2, tocMaxLevel: 4, maxNesting: 32,
                              typographer: false, definitionLists: false, headingAttributes: false,
                              blockAttributes: false, headingIdType: '', hardWraps: false,
                              markup: '', linkHook: '', linkify: true,
                              maxMarks: 2000});
    A failure is thrown as an error whose payload is the WIT `failure`. Needs Node 22+
    (WebAssembly extended-const); jco and Node 24 come from jstools/ (./scripts/setup), else PATH.
    """
    from .engines.js import ToolMissing, ensure_js, export_js
    from .site.output import claim, claim_files, record_files

    def log(msg: str) -> None:
        click.echo(f"wasmblog: {msg}", err=True)

    claim(js_dir, force=force)  # refused now rather than after transpiling
    try:
        made = ensure_js(cache_dir, log)
        names = {p.relative_to(made.path).as_posix() for p in made.path.rglob("*") if p.is_file()}
        found = claim_files(js_dir, names, force, "the JS export")
        out = export_js(js_dir, cache_dir, log=log)
    except (ToolMissing, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    record_files(js_dir, names, found)
    click.echo(f"wrote {out.entry} ({out.size / 1e6:.1f} MB in {sum(1 for _ in out.path.iterdir())} files"
               + (f", transpiled in {out.seconds:.1f} s" if out.built else ", from the cache") + ")", err=True)


@click.command("corpus")
@click.argument("out", type=click.Path(file_okay=False, path_type=str))
@click.option("--posts", "-n", type=click.IntRange(0, 1_000_000), default=1000, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["wasmblog", "hugo", "pelican"]), default="wasmblog",
              show_default=True)
@click.option("--force", is_flag=True, help="Write into a non-empty folder the generator did not create.")
def corpus_command(out: str, posts: int, seed: int, fmt: str, force: bool) -> None:
    """Write a deterministic corpus of generated posts as a complete site into OUT."""
    from .bench.corpus import CorpusStats, write_site

    started = time.perf_counter()
    stats: list[CorpusStats] = []
    try:
        write_site(out, posts, seed, fmt, force=force, stats=stats)
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    s = stats[0]
    click.echo(f"Wrote {s.posts} posts ({s.drafts} drafts, {s.words:,} words, {s.tags} tags, "
               f"{s.categories} categories) in {fmt} format to {out} "
               f"in {time.perf_counter() - started:.2f} s (seed {seed})")


@click.group("new")
def new_group() -> None:
    """Start a site, or a post in one (as `hugo new` and `zola init` do)."""


SITE_TOML = """\
# {title}: the site's configuration. Every key is optional; the README's "site.toml" lists them all.
title = {title_toml}
base_url = "https://example.org/"   # where the site will be published: feeds and the sitemap link there
author = ""
description = ""
language = "en"
timezone = "UTC"                    # for dates written without an offset

[[menu]]
name = "About"
url = "/about/"
"""

ABOUT = """\
---
title: About
---

What this site is about. This page is `pages/about.md`; its URL is /about/.
"""


def _post_text(title: str, slug: str, when: str, body: str) -> str:
    """A post: front matter (title, date, slug) and a first line of text."""
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: {when}\nslug: {slug}\ndraft: false\n" \
           f"tags: []\n---\n\n{body}\n"


def _now() -> str:
    """Now, to the second, with the local offset (as `hugo new` writes it)."""
    from datetime import datetime

    return datetime.now().astimezone().replace(microsecond=0).isoformat()


def _fail(path: object, message: str) -> None:
    click.echo(f"{path}: error: {message}", err=True)
    raise SystemExit(1)


@new_group.command("site")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default=None, help="The site's title (default: the folder's name).")
def new_site(folder: Path, title: str | None) -> None:
    """Make a minimal site in FOLDER (new or empty) that builds as it is.

    \b
    FOLDER/site.toml                 the configuration (title, base_url, menu...)
    FOLDER/posts/hello-world.md      a first post, dated now
    FOLDER/pages/about.md            a page, linked from the menu
    FOLDER/.gitignore                the output folder, public/
    """
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        _fail(folder, "exists and is not an empty folder; choose a new folder (wasmblog writes only where nothing "
                      "is yet)")
    title = title or folder.resolve().name.replace("-", " ").replace("_", " ").strip() or "A wasmblog site"
    try:
        (folder / "posts").mkdir(parents=True, exist_ok=True)
        (folder / "pages").mkdir()
        (folder / "site.toml").write_text(SITE_TOML.format(title=title, title_toml=json.dumps(title,
                                                                                              ensure_ascii=False)),
                                          "utf-8")
        (folder / "posts" / "hello-world.md").write_text(
            _post_text("Hello, world", "hello-world", _now(), "The first post. Write the next one with "
                       "`wasmblog new post \"A title\"` in this folder."), "utf-8")
        (folder / "pages" / "about.md").write_text(ABOUT, "utf-8")
        (folder / ".gitignore").write_text("# the site wasmblog builds (wasmblog build -o public)\n/public/\n",
                                           "utf-8")
    except OSError as exc:
        _fail(exc.filename or folder, f"cannot write: {exc.strerror or exc}")
    click.echo(str(folder))
    click.echo(f"Made a site in {folder}: build it with `wasmblog build {folder} -o {folder / 'public'}`, or see "
               f"it with `wasmblog serve {folder}`", err=True)


@new_group.command("post")
@click.argument("title")
@click.option("-s", "--site", "site", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The site to write the post in.")
@click.option("--slug", default=None, help="The post's URL segment and file name (default: made from the title).")
def new_post(title: str, site: Path, slug: str | None) -> None:
    """Write a new post titled TITLE, dated now: SITE/posts/SLUG.md (a Hugo site: content/posts/SLUG.md).

    Prints the file's path on stdout, so that `$EDITOR "$(wasmblog new post 'A title')"` opens it.
    """
    from renderer.slugs import slugify

    from .site.hugo import is_hugo_site, read_hugo_config
    from .site.reader import not_a_site

    if not site.is_dir():
        _fail(site, "is not a folder (run it in a site's folder, or pass --site)")
    problem = not_a_site(site)
    if problem:
        _fail(site, f"{problem} (`wasmblog new site FOLDER` makes one)")
    slug = slugify(slug if slug is not None else title)
    if not slug or slug in (".", ".."):
        _fail("wasmblog", f"the title {title!r} makes no URL segment: pass --slug")
    if is_hugo_site(site):
        content = site / read_hugo_config(site, []).content_dir
        folder = content / ("post" if (content / "post").is_dir() and not (content / "posts").is_dir() else "posts")
    else:
        folder = site / "posts"
    path = folder / f"{slug}.md"
    if path.exists():
        _fail(path, "exists already: choose another title, or --slug")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(_post_text(title, slug, _now(), "Write here."))
    except OSError as exc:
        _fail(path, f"cannot write: {exc.strerror or exc}")
    click.echo(str(path))
