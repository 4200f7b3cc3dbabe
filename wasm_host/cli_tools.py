"""The housekeeping commands: ``wasmblog component`` (the compiled sandbox), ``wasmblog cache``
(every site's render cache) and ``wasmblog corpus`` (a generated site to measure with)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click


@click.group("cache")
def cache_group() -> None:
    """The render cache: each site's parsed posts, plan and rendered pages, by a hash of their inputs.

    It lives in $WASMBLOG_CACHE_DIR/render (default: $XDG_CACHE_HOME/wasmblog/render), one file per site,
    bounded by $WASMBLOG_RENDER_CACHE_MB (default 1024 MB each; least recently used entries go first).
    The compiled component is cached beside it and never touched by these commands.
    """


@cache_group.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def cache_info(as_json: bool) -> None:
    """Every site's render cache: where, how big, how many entries, when last used."""
    from .site.cache import list_caches, render_cache_root

    caches = list_caches()
    if as_json:
        click.echo(json.dumps({"root": str(render_cache_root()), "sites": [
            {"site": c.site, "file": str(c.path), "entries": c.entries, "files": c.blobs, "bytes": c.bytes,
             "file_bytes": c.file_bytes, "last_used": c.last_used} for c in caches]}, indent=2))
        return
    click.echo(f"render cache: {render_cache_root()}")
    if not caches:
        click.echo("  empty")
        return
    for c in caches:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(c.last_used)) if c.last_used else "never"
        click.echo(f"  {c.site}: {c.entries} results, {c.blobs} files, {c.file_bytes / 1e6:.1f} MB on disk, "
                   f"last used {when}")
    click.echo(f"  total {sum(c.file_bytes for c in caches) / 1e6:.1f} MB in {len(caches)} site"
               f"{'s' * (len(caches) != 1)}")


@cache_group.command("clear")
@click.argument("site", required=False, type=click.Path(file_okay=False, path_type=str))
def cache_clear(site: str | None) -> None:
    """Delete the render cache of every site (or of SITE only). The next build renders everything."""
    from .site.cache import clear_caches, render_cache_root

    freed = clear_caches(site=site)
    what = f"the render cache of {site}" if site else f"every site's render cache in {render_cache_root()}"
    click.echo(f"cleared {what} ({freed / 1e6:.1f} MB)")


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
def component_export(js_dir: Path, cache_dir: str | None) -> None:
    """Transpile the render component with jco into DIR/wasmblog.js (+ .d.ts and core modules).

    \b
    The exports keep their WIT names in camelCase, records their fields:
      import { renderMarkdown, parsePosts, planSite, renderPages } from './DIR/wasmblog.js';
      renderMarkdown('*hi*', {extensions: true, rawHtml: false, highlight: true, headingIds: true,
                              basePath: '/', tocMinLevel: 2, tocMaxLevel: 4, maxNesting: 32});
    A failure is thrown as an error whose payload is the WIT `failure`. Needs Node 22+
    (WebAssembly extended-const); jco and Node 24 come from jstools/ (./scripts/setup), else PATH.
    """
    from .engines.js import ToolMissing, export_js

    try:
        out = export_js(js_dir, cache_dir, log=lambda msg: click.echo(f"wasmblog: {msg}", err=True))
    except ToolMissing as exc:
        raise click.ClickException(str(exc)) from None
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
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
