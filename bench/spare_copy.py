"""What the spare copy beside the output (``.OUT.wasmblog/spare``) costs on disk and buys in speed.

    .venv/bin/python bench/spare_copy.py [POSTS] [RUNS]

Generates a corpus (default 1,000 posts), builds it natively with the render cache, then edits one
post at a time and rebuilds, RUNS times (default 7) each way: with the spare copy (what ``wasmblog
build`` does: the site a build before is brought up to date and swapped in), and without it (each
build written into a fresh folder whose unchanged files are hard-linked from the live output, the
old folder deleted after the swap). Prints the median of the whole rebuild and of its writing step,
and what the spare folder takes on disk beyond the output (its files hard-linked to the output's
count once). Figures on a busy machine vary; compare the columns.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from renderer import BuildOptions
from wasm_host.bench import corpus
from wasm_host.engines import make_renderer
from wasm_host.site import RenderCache, load_site, output_files, render, write_site
from wasm_host.site.build import _blob_reader, _linkable
from wasm_host.site.cache import Outputs
from wasm_host.site.output import spare_path, workspace_of


def rebuild(site_dir: Path, out: Path, cache: RenderCache, engine, spare: bool, edit: int) -> tuple[float, float]:
    """Edit one post, then build as ``wasmblog build`` does; (whole seconds, writing seconds)."""
    posts = sorted((site_dir / "posts").rglob("*.md"))
    with open(posts[(17 * edit) % len(posts)], "a", encoding="utf-8") as fh:
        fh.write(f"\nAn edit, run {edit}.\n")
    started = time.perf_counter()
    site = load_site(site_dir)
    previous = cache.outputs(out)
    result, _ = render(site, engine, BuildOptions(build_time=1_800_000_000 * 10**6), 1, None, cache,
                       _linkable(out, previous))
    files, static, _ = output_files(site, result)
    writing = time.perf_counter()
    kept = cache.outputs(spare_path(out)) if spare else None
    written = write_site(out, files, static, previous, _blob_reader(cache), kept)
    writing = time.perf_counter() - writing
    cache.set_outputs(out, written.out)
    cache.set_outputs(spare_path(out), written.spare or Outputs())
    cache.flush()
    return time.perf_counter() - started, writing


def main() -> None:
    posts = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    engine = make_renderer("native")
    with tempfile.TemporaryDirectory(prefix="wasmblog-spare-") as tmp:
        work = Path(tmp)
        site = work / "site"
        corpus.write_site(site, posts, seed=0)
        figures = {}
        for spare in (True, False):
            out = work / f"out-{spare}"
            with RenderCache(work / f"cache-{spare}.sqlite", site) as cache:
                for warm in range(2):  # the first build, then one that leaves a spare copy (if kept)
                    rebuild(site, out, cache, engine, spare, 1000 + warm)
                samples = [rebuild(site, out, cache, engine, spare, i) for i in range(runs)]
            figures[spare] = (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples))
            if spare:
                found = workspace_of(out)
                disk = found.bytes if found else 0
                output = sum((p.stat().st_blocks or 0) * 512 for p in out.rglob("*") if p.is_file())
        print(f"{posts} posts, one post edited per rebuild, median of {runs} (native engine, render cache on)")
        print(f"  rebuild with the spare copy:    {figures[True][0]:.3f} s, of which writing {figures[True][1]:.3f} s")
        print(f"  rebuild without it:             {figures[False][0]:.3f} s, of which writing "
              f"{figures[False][1]:.3f} s")
        print(f"  the spare copy on disk:         {disk / 1e6:.2f} MB beyond the output ({output / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
