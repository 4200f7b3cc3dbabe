"""Search, as readers get it: the index's size, and the time to the first result in a browser.

For each corpus size the site is built natively (the bytes are the same on
both engines), ``search-index.json`` is weighed raw and gzipped (level 6,
what a web server sends), and headless Chromium (Debian's ``chromium``,
driven by Playwright) opens ``/search/?q=WORD`` from a local HTTP server,
in a fresh browser context each time (no cache). The script sets a mark
when it starts and one when it first lists results; two times are kept:

- ``first_result_ms``: from the start of the navigation to the first
  result: the page, its stylesheet and script, the index's download and
  parse, the query and the rendering, all served by Python's ``http.server``
  on loopback (on a busy machine, the page load dominates);
- ``search_ms``: from the moment the script runs to the first result: what
  the index's size and the search itself cost the reader (the index is
  preloaded by the page, so part of its download overlaps the page load,
  as it does for a real reader). The 50 ms target is checked on this one.
"""

from __future__ import annotations

import gzip
import json
import shutil
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from collections.abc import Callable, Iterator, Sequence
from urllib.parse import quote

from ..engines import make_renderer
from ..site import build
from . import corpus
from .measure import BUILD_TIME, stats

MARK = "wasmblog:search-first-result"
START = "wasmblog:search-start"  # the script began to run
TARGET_GZIP_BYTES = 2_500_000  # for 1,000 posts
TARGET_FIRST_RESULT_MS = 50.0  # for 1,000 posts
RUNS = 7  # page loads per size at least: one load moves by 2x on this machine, a median of 3 by 1.5x
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

Progress = Callable[[str], None]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on a free loopback port, for the duration; yields the root URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def index_sizes(index: bytes) -> dict[str, int]:
    return {"index_bytes": len(index), "index_gzip_bytes": len(gzip.compress(index, compresslevel=6, mtime=0))}


def query_word(index: dict[str, Any]) -> str:
    """A word to search for: the first of at least four letters in the newest post's title."""
    from renderer.search import tokenize

    for post in index["posts"]:
        for word in tokenize(post["title"]):
            if len(word) >= 4 and word.isalpha():
                return word
    return "post"


# Set in each page before its own scripts: tells the driver (on the console) when the first result is
# listed. Polling for the mark instead (Playwright's wait_for_function) injects Playwright's own
# script into the page while it searches: a 16 ms task inside the measured window in a trace here.
_ANNOUNCE = """new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (entry) { if (entry.name === MARK_LITERAL) { console.log(MARK_LITERAL); } });
}).observe({type: "mark", buffered: true});""".replace("MARK_LITERAL", repr(MARK))


def first_result_times(root_url: str, query: str, runs: int) -> list[tuple[float, float]]:
    """Milliseconds to the first listed result from navigation start and from the script's start,
    once per fresh browser context."""
    from playwright.sync_api import sync_playwright

    times: list[tuple[float, float]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            for _ in range(runs + 1):  # the first run warms the browser's own caches; it is not kept
                context = browser.new_context()
                context.add_init_script(_ANNOUNCE)
                page = context.new_page()
                with page.expect_console_message(lambda message: message.text == MARK, timeout=120_000):
                    page.goto(f"{root_url}search/?q={quote(query)}", wait_until="commit")
                first, start = page.evaluate(f"[{MARK!r}, {START!r}].map(n => performance.getEntriesByName(n)[0].startTime)")
                times.append((first, first - start))
                context.close()
        finally:
            browser.close()
    return times[1:]


def measure_search(workdir: Path, sizes: Sequence[int], repeat: int, say: Progress) -> list[dict[str, Any]]:
    """One row per corpus size: index size raw and gzipped, time to the first result in Chromium."""
    rows: list[dict[str, Any]] = []
    engine = make_renderer("native")
    for n in sizes:
        site = workdir / f"corpus-{n}"
        if not (site / corpus.MARKER).is_file():
            corpus.write_site(site, n, seed=0, force=True)
        out = workdir / f"search-{n}"
        say(f"search: building {n} posts natively")
        build(site, out, engine, build_time=BUILD_TIME)
        data = (out / "search-index.json").read_bytes()
        index = json.loads(data)
        row: dict[str, Any] = {"posts": n, "indexed": len(index["posts"]), **index_sizes(data)}
        row["query"] = query_word(index)
        if chromium_path() is None:
            row["error"] = "chromium is not installed (./scripts/setup installs it)"
        else:
            say(f"search: first result in Chromium, {n} posts")
            try:
                with serving(out) as url:
                    times = first_result_times(url, row["query"], max(RUNS, repeat))
                row["first_result_ms"] = stats([t[0] for t in times])
                row["search_ms"] = stats([t[1] for t in times])
            except Exception as exc:  # a browser that would not start: the row says so, the bench goes on
                row["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        if n == 1000:
            row["meets_targets"] = bool(row["index_gzip_bytes"] < TARGET_GZIP_BYTES and "search_ms" in row
                                        and row["search_ms"]["median"] < TARGET_FIRST_RESULT_MS)
        rows.append(row)
    return rows


def format_rows(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The report's search table."""
    lines = [f"Search in headless Chromium, ms to the first result (median and p95) from the script's start "
             f"and from navigation start; targets for 1,000 posts: < {TARGET_GZIP_BYTES / 1e6:g} MB gzip, "
             f"< {TARGET_FIRST_RESULT_MS:g} ms",
             f"  {'posts':>6} {'index MB':>9} {'gzip MB':>8} {'search':>8} {'p95':>7} {'page+search':>12} {'p95':>7}"
             "  query"]
    for r in rows:
        search, first = r.get("search_ms"), r.get("first_result_ms")
        shown = (f"{search['median']:8.1f} {search['p95']:7.1f} {first['median']:12.1f} {first['p95']:7.1f}"
                 if search and first else f"{'-':>8} {'-':>7} {'-':>12} {'-':>7}")
        verdict = ""
        if "meets_targets" in r:
            verdict = "  (targets met)" if r["meets_targets"] else "  (TARGETS MISSED)"
        line = (f"  {r['posts']:6} {r['index_bytes'] / 1e6:9.2f} {r['index_gzip_bytes'] / 1e6:8.2f} {shown}  "
                f"{r['query']}{verdict}")
        if "error" in r:
            line += f"  error: {r['error']}"
        lines.append(line)
    return lines
