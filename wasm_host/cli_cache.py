"""``wasmblog cache``: the render cache of every site, listed and cleared."""

from __future__ import annotations

import json
import time

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
