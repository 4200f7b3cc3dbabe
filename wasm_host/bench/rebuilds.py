"""Rebuild figures: cold builds on all cores, rebuilds with nothing changed and after one edit,
with Hugo's full build of the same corpus measured in the same run.

Every build is a whole ``wasmblog build`` process, timed from outside
(:func:`wasm_host.bench.measure.run_measured`), with the default ``--jobs``
(one per core) and without ``SOURCE_DATE_EPOCH``, as a user runs it: the
build time differs from run to run, so planning runs again and everything
else must come from the render cache. Each corpus gets a render cache of
its own in the work folder (never the user's). An edit appends a sentence
to the body of one post, a different one each run.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any
from collections.abc import Callable, Sequence

from . import corpus
from .measure import run_measured

Progress = Callable[[str], None]
ENGINES = ("native", "wasm")


def _env(cache: Path) -> dict[str, str]:
    """The environment of a user's build: no SOURCE_DATE_EPOCH, Python writing its bytecode caches
    (with PYTHONDONTWRITEBYTECODE every process compiles wasmblog's sources again, ~0.1 s here)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("SOURCE_DATE_EPOCH", "WASMBLOG_RENDER_CACHE", "PYTHONDONTWRITEBYTECODE")}
    env["WASMBLOG_RENDER_CACHE"] = str(cache)
    return env


def _build(site: Path, out: Path, engine: str, cache: Path, workdir: Path, *extra: str) -> dict[str, Any]:
    """One ``wasmblog build`` process: wall and CPU seconds, and what its JSON report says."""
    report = workdir / f"report-{site.name}-{engine}.json"
    cmd = [sys.executable, "-m", "wasm_host", "build", str(site), "-o", str(out), "--engine", engine, "--json", *extra]
    measured = run_measured(cmd, workdir, report, timeout=7200, env=_env(cache))
    text = report.read_text(errors="replace")
    if measured.code not in (0, 1) or "{" not in text:
        raise RuntimeError(f"wasmblog build failed ({measured.code}): {text[-2000:]}")
    data = json.loads(text[text.index("{"):])
    return {"seconds": measured.seconds, "cpu_seconds": measured.cpu_seconds, "rss_mb": measured.peak_rss_mb,
            "pages": data["pages"], "reused": data.get("cache", {}).get("pages_reused", 0),
            "jobs": data["jobs"]}


def _edit(site: Path, run: int) -> str:
    """Append a sentence to one post (another post each run); returns its path."""
    posts = sorted((site / "posts").rglob("*.md"))
    post = posts[(len(posts) // 3 + 17 * run) % len(posts)]
    with open(post, "a", encoding="utf-8") as fh:
        fh.write(f"\nAn edit made by the benchmark, run {run}.\n")
    return post.relative_to(site).as_posix()


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    walls = [r["seconds"] for r in runs]
    return {"seconds": round(statistics.median(walls), 4), "min": round(min(walls), 4), "max": round(max(walls), 4),
            "cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in runs), 4),
            "rss_mb": round(max(r["rss_mb"] for r in runs), 1), "pages": runs[-1]["pages"],
            "reused": runs[-1]["reused"], "jobs": runs[-1]["jobs"], "runs": len(runs)}


def measure_rebuilds(workdir: Path, n: int, repeat: int, say: Progress, cold: bool = True,
                     engines: Sequence[str] = ENGINES) -> dict[str, Any]:
    """For ``n`` posts and each engine: cold builds (``--no-cache``), then rebuilds with nothing
    changed and after one edit. ``cold=False`` skips the cold rows (the 10,000-post one-edit row)."""
    result: dict[str, Any] = {"posts": n}
    for engine in engines:
        site = workdir / f"rebuild-{n}-{engine}"
        if site.exists():
            shutil.rmtree(site)
        corpus.write_site(site, n, seed=0, force=True)
        cache = workdir / f"render-cache-{n}-{engine}"
        shutil.rmtree(cache, ignore_errors=True)
        out = workdir / f"out-rebuild-{n}-{engine}"
        rows: dict[str, Any] = {}
        if cold:
            runs = []
            for i in range(repeat):
                say(f"rebuilds: {n} posts, {engine}, cold on all cores ({i + 1}/{repeat})")
                runs.append(_build(site, out, engine, cache, workdir, "--no-cache"))
            rows["cold"] = _summary(runs)
        say(f"rebuilds: {n} posts, {engine}, first build into an empty render cache")
        rows["first"] = _summary([_build(site, out, engine, cache, workdir)])
        runs = []
        for i in range(repeat):
            say(f"rebuilds: {n} posts, {engine}, nothing changed ({i + 1}/{repeat})")
            runs.append(_build(site, out, engine, cache, workdir))
        rows["unchanged"] = _summary(runs)
        runs = []
        for i in range(repeat):
            say(f"rebuilds: {n} posts, {engine}, one post edited ({i + 1}/{repeat})")
            _edit(site, i)
            runs.append(_build(site, out, engine, cache, workdir))
        rows["one_edit"] = _summary(runs)
        result[engine] = rows
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    return result


def measure_hugo(workdir: Path, n: int, repeat: int, say: Progress) -> dict[str, Any] | None:
    """Hugo's full build of the same corpus (the peer site that does wasmblog's work), or None without Hugo."""
    from . import peers

    if "hugo" not in peers.available_peers():
        return None
    runs = []
    for i in range(repeat):
        say(f"Hugo: {n} posts ({i + 1}/{repeat})")
        try:
            runs.append(peers.build_peer("hugo", n, workdir / "hugo-base"))
        except peers.PeerError as exc:
            return {"posts": n, "error": str(exc)}
    walls = [r["seconds"] for r in runs]
    return {"posts": n, "seconds": round(statistics.median(walls), 4), "min": round(min(walls), 4),
            "version": runs[0]["version"], "pages": runs[0]["pages"], "runs": len(runs)}
