"""``wasmblog bench``: what the sandbox costs against native, measured side by side.

Every figure is measured for both engines in one run, interleaved (native,
wasm, native, wasm...) so that drift on a shared machine hits both alike.
Whole-site builds are timed as whole ``wasmblog build`` processes, cold,
exactly as a user (or an outside script) would time them. See
``bench/README.md`` for what each figure means.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, UTC
from importlib.metadata import version
from pathlib import Path
from typing import Any
from collections.abc import Callable, Sequence

import renderer
from renderer import BuildOptions, PageJob, Post, Source

from ..engines import SandboxFault
from ..engines.component import cache_root, ensure_component, leb128
from ..site import load_site
from . import corpus
from .measure import BUILD_TIME, run_measured, stats
from .search import measure_search

Progress = Callable[[str], None]


def machine_facts() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = -1.0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "wasmtime": version("wasmtime"),
        "componentize_py": version("componentize-py"),
        "wasmblog": version("wasmblog"),
        "load_average_at_start": round(load, 2),
    }


def _corpus(workdir: Path, n: int) -> Path:
    folder = workdir / f"corpus-{n}"
    if not (folder / corpus.MARKER).is_file():
        corpus.write_site(folder, n, seed=0, force=True)
    return folder


# --- start-up and footprint ---------------------------------------------------------


def _initial_memory_bytes(wasm: Path) -> int:
    """Initial linear memory of the component's largest core module (the snapshot)."""
    data = wasm.read_bytes()

    def walk(buf: bytes) -> int:
        best = 0
        component = buf[4:8] != b"\x01\x00\x00\x00"
        i = 8
        while i < len(buf):
            sid = buf[i]
            size, i = leb128(buf, i + 1)
            body = buf[i:i + size]
            if component and sid in (1, 4):  # core module, nested component
                best = max(best, walk(body))
            elif not component and sid == 5:  # memory section
                count, j = leb128(body, 0)
                for _ in range(count):
                    flags = body[j]
                    pages, j = leb128(body, j + 1)
                    if flags & 1:
                        _, j = leb128(body, j)
                    best = max(best, pages * 65536)
            i += size
        return best

    return walk(data)


def _rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def measure_startup(repeat: int, say: Progress) -> dict[str, Any]:
    """componentize and Cranelift times (in an empty cache), then cached loads in fresh processes."""
    with tempfile.TemporaryDirectory(prefix="wasmblog-bench-cache-") as tmp:
        say("start-up: componentize-py into an empty cache")
        info = ensure_component(tmp, force=True)
        say("start-up: Cranelift compile")
        probe = ("import json, time; t = time.perf_counter(); from wasm_host.engines.wasm import Runtime; "
                 f"t1 = time.perf_counter(); r = Runtime(cache_dir={tmp!r}); t2 = time.perf_counter(); "
                 "print(json.dumps({'import': t1 - t, 'runtime': t2 - t1, 'compile': r.times.compile, "
                 "'load': r.times.load}))")
        first = json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                          check=True).stdout)
        loads, totals = [], []
        for i in range(max(3, repeat)):
            say(f"start-up: cached load in a fresh process ({i + 1})")
            out = json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                            check=True).stdout)
            loads.append(out["load"] * 1e3)
            totals.append(out["runtime"] * 1e3)
        compiled = next(Path(tmp).glob("*.cwasm"))
        return {
            "componentize_s": round(info.seconds, 2),
            "compile_s": round(first["compile"], 2),
            "cached_load_ms": stats(loads),
            "cached_runtime_ms": stats(totals),
            "component_bytes": info.size,
            "compiled_bytes": compiled.stat().st_size,
            "initial_linear_memory_bytes": _initial_memory_bytes(info.path),
        }


# --- per page, fresh instances, footprint ----------------------------------------------


@dataclass
class PostPages:
    """Post pages of a corpus: for each, its source, the job and the posts it needs."""

    config: str
    tzif: bytes
    sources: dict[str, Source]
    jobs: list[PageJob]
    posts: dict[str, Post]

    def needed(self, job: PageJob) -> list[Post]:
        return renderer.job_posts([job], self.posts, {})  # rendered with the default theme


def post_pages(site_dir: Path) -> PostPages:
    """The post pages of a site, parsed and planned natively (the jobs every engine is given)."""
    site = load_site(site_dir)
    parsed = renderer.parse_posts(site.sources, site.config_text, site.tzif)
    plan = renderer.plan_site(parsed.posts, site.config_text, BuildOptions(BUILD_TIME))
    jobs = [j for j in plan.jobs if j.kind == "post"]
    return PostPages(site.config_text, site.tzif, {s.path: s for s in site.sources}, jobs,
                  {p.source: p for p in parsed.posts})


def measure_per_page(pages: PostPages, repeat: int, say: Progress) -> dict[str, Any]:
    """Parse + render each post page in one warm instance (a wasm session) and natively, interleaved."""
    from ..engines.wasm import WasmRenderer

    session = WasmRenderer(timeout=60, memory_mb=2048).session(max_calls=1 << 30)
    native_ms: list[float] = []
    wasm_ms: list[float] = []
    identical = True
    for rnd in range(repeat):
        for i, job in enumerate(pages.jobs):
            if i % 100 == 0:
                say(f"per page: round {rnd + 1}/{repeat}, page {i}/{len(pages.jobs)}")
            source = pages.sources[job.posts[0]]
            others = [p for p in pages.needed(job) if p.source != job.posts[0]]
            t = time.perf_counter()
            parsed = renderer.parse_posts([source], pages.config, pages.tzif)
            native = renderer.render_pages([job], parsed.posts + others, pages.config, {})
            native_ms.append((time.perf_counter() - t) * 1e3)
            t = time.perf_counter()
            wasm_posts = session.parse_posts([source], pages.config, pages.tzif).posts
            sandboxed = session.render_pages([job], wasm_posts + others, pages.config, {})
            wasm_ms.append((time.perf_counter() - t) * 1e3)
            identical &= sandboxed.files == native.files
    session.close()
    return {"documents": len(pages.jobs), "rounds": repeat, "native_ms": stats(native_ms),
            "wasm_ms": stats(wasm_ms), "ratio": round(statistics.median(wasm_ms) / statistics.median(native_ms), 2),
            "identical_output": identical}


def measure_fresh(pages: PostPages, requests: int, say: Progress, resident_mb: int | None = None) -> dict[str, Any]:
    """A new sandbox per request: instantiate, render one post page, drop it.

    ``resident_mb``: the pooling allocator's resident memory (default: the
    engine's). Also reports the process CPU time per cycle, native render included.
    """
    from ..engines.wasm import KEEP_RESIDENT_MB, WasmRenderer

    wasm = WasmRenderer(timeout=10, memory_mb=512,
                        resident_mb=KEEP_RESIDENT_MB if resident_mb is None else resident_mb)
    inst, render, drop, total, native = [], [], [], [], []
    cpu = time.process_time()
    wasm_cpu = 0.0
    for i in range(requests):
        if i % 100 == 0:
            say(f"fresh instance per request: {i}/{requests}")
        job = pages.jobs[i % len(pages.jobs)]
        posts = pages.needed(job)
        t0 = time.perf_counter()
        renderer.render_pages([job], posts, pages.config, {})
        native.append((time.perf_counter() - t0) * 1e3)
        c0 = time.process_time()
        t0 = time.perf_counter()
        session = wasm.session(max_calls=1).open()
        t1 = time.perf_counter()
        session.render_pages([job], posts, pages.config, {})
        t2 = time.perf_counter()
        session.close()
        t3 = time.perf_counter()
        wasm_cpu += time.process_time() - c0
        inst.append((t1 - t0) * 1e3)
        render.append((t2 - t1) * 1e3)
        drop.append((t3 - t2) * 1e3)
        total.append((t3 - t0) * 1e3)
    cpu_ms = (time.process_time() - cpu) / requests * 1e3
    return {"requests": requests, "instantiate_ms": stats(inst), "render_ms": stats(render),
            "drop_ms": stats(drop), "total_ms": stats(total), "native_render_ms": stats(native),
            "cpu_per_cycle_ms": round(cpu_ms, 3),
            # the sandbox alone: instantiate + render + drop, every thread of the process (epoch ticker too)
            "cpu_per_request_ms": round(wasm_cpu / requests * 1e3, 3)}


def measure_footprint(pages: PostPages, say: Progress) -> dict[str, Any]:
    """Host RSS per extra live instance, and the smallest memory cap a post page renders in."""
    from ..engines.wasm import WasmRenderer

    job = pages.jobs[0]
    posts = pages.needed(job)
    say("footprint: host memory per live instance")
    sessions = []
    before = _rss_bytes()
    wasm = WasmRenderer(timeout=10)
    for _ in range(16):
        session = wasm.session()
        session.render_pages([job], posts, pages.config, {})
        sessions.append(session)  # kept open: its instance stays alive
    per_instance = (_rss_bytes() - before) / len(sessions)
    for session in sessions:
        session.close()

    say("footprint: smallest memory cap for a post page")
    lo, hi = 1, 2048  # MiB: lo fails, hi works
    while hi - lo > 1:
        mid = (lo + hi) // 2
        try:
            WasmRenderer(timeout=10, memory_mb=mid).render_pages([job], posts, pages.config, {})
            hi = mid
        except SandboxFault:
            lo = mid
    return {"rss_per_live_instance_bytes": int(per_instance), "min_memory_cap_mib_post_page": hi}


def _bodies(pages: PostPages) -> list[str]:
    """The Markdown of each post (front matter left out), as a library would pass it."""
    out = []
    for source in pages.sources.values():
        text = source.data.decode("utf-8")
        parts = text.split("---\n", 2)
        out.append(parts[2] if len(parts) == 3 else text)
    return out


def measure_library(pages: PostPages, documents: int, say: Progress) -> dict[str, Any]:
    """``render_markdown`` per document: natively, in a fresh sandbox per call (the default), and in
    one session (an instance reused for up to 100 calls); interleaved."""
    from ..engines.wasm import WasmRenderer

    wasm = WasmRenderer(timeout=60)
    native_ms: list[float] = []
    call_ms: list[float] = []
    session_ms: list[float] = []
    identical = True
    session = wasm.session(max_calls=100)
    bodies = _bodies(pages)[:documents]
    for i, text in enumerate(bodies):
        if i % 100 == 0:
            say(f"library use: document {i}/{len(bodies)}")
        t = time.perf_counter()
        native = renderer.render_markdown(text)
        native_ms.append((time.perf_counter() - t) * 1e3)
        t = time.perf_counter()
        fresh = wasm.render_markdown(text)
        call_ms.append((time.perf_counter() - t) * 1e3)
        t = time.perf_counter()
        reused = session.render_markdown(text)
        session_ms.append((time.perf_counter() - t) * 1e3)
        identical &= native == fresh == reused
    session.close()
    med = statistics.median
    return {"documents": len(bodies), "native_ms": stats(native_ms), "per_call_ms": stats(call_ms),
            "session_ms": stats(session_ms), "per_call_ratio": round(med(call_ms) / med(native_ms), 2),
            "session_ratio": round(med(session_ms) / med(native_ms), 2), "session_max_calls": 100,
            "identical_output": identical}


# --- whole-site builds ----------------------------------------------------------------


def measure_builds(workdir: Path, sizes: Sequence[int], jobs: Sequence[int], repeat: int,
                   say: Progress) -> list[dict[str, Any]]:
    """``wasmblog build`` as whole cold processes, engines interleaved."""
    rows: dict[tuple[int, str, int], dict[str, Any]] = {}
    exe = [sys.executable, "-m", "wasm_host"]
    for n in sizes:
        site = _corpus(workdir, n)
        for rnd in range(repeat):
            for j in jobs:
                for engine in ("native", "wasm"):
                    say(f"build: {n} posts, {engine}, --jobs {j}, run {rnd + 1}/{repeat}")
                    out = workdir / f"out-{n}-{engine}-{j}"
                    report = workdir / f"report-{n}-{engine}-{j}.json"
                    cmd = exe + ["build", str(site), "-o", str(out), "--engine", engine, "--jobs", str(j), "--json",
                                 "--no-cache"]
                    measured = run_measured(cmd, workdir, report, timeout=3600)
                    code, wall, cpu, rss = measured.code, measured.seconds, measured.cpu_seconds, measured.peak_rss_mb
                    if code not in (0, 1):
                        raise RuntimeError(f"wasmblog build failed ({code}): {report.read_text()[-2000:]}")
                    data = json.loads(report.read_text()[report.read_text().index("{"):])
                    row = rows.setdefault((n, engine, j), {"posts": n, "engine": engine, "jobs": j,
                                                            "pages": data["pages"], "wall": [], "cpu": [], "rss": []})
                    row["wall"].append(wall)
                    row["cpu"].append(cpu)
                    row["rss"].append(rss)
    result = []
    for (n, engine, j), row in rows.items():
        wall = statistics.median(row["wall"])
        result.append({
            "posts": n, "engine": engine, "jobs": j, "pages": row["pages"],
            "wall_s": stats(row["wall"]), "cpu_s": stats(row["cpu"]),
            "peak_rss_mb": round(max(row["rss"]), 1),
            "pages_per_s": round(row["pages"] / wall, 1),
            "ms_per_page": round(wall / row["pages"] * 1e3, 3),
        })
    return result


def measure_peers(workdir: Path, sizes: Sequence[int], say: Progress) -> list[dict[str, Any]]:
    from . import peers

    rows = []
    for name in peers.available_peers():
        for n in sizes:
            say(f"peers: {name} on {n} posts")
            try:
                row = peers.build_peer(name, n, workdir / "peers")
            except peers.PeerError as exc:
                rows.append({"tool": name, "posts": n, "error": str(exc)})
                continue
            row["posts"] = n
            row["pages_per_s"] = round(row["pages"] / row["seconds"], 1)
            row["ms_per_page"] = round(row["seconds"] / row["pages"] * 1e3, 3)
            rows.append(row)
    return rows


# --- the whole benchmark ------------------------------------------------------------------


def sizes_up_to(posts: int) -> list[int]:
    """100, 1000, 10000... up to ``posts`` (and ``posts`` itself)."""
    sizes = [n for n in (100, 1000, 10_000, 100_000) if n < posts]
    return sizes + [posts]


def run(posts: int = 1000, repeat: int = 3, jobs: Sequence[int] = (1, 2), peers: bool = False,
        serve: bool = False, workdir: Path | None = None, progress: Progress | None = None,
        cache_dir: str | None = None, hosts: bool = False, hosts_only: bool = False,
        large: int = 0) -> dict[str, Any]:
    """The whole benchmark. ``large``: the corpus of the one-edit rebuild row (0: none)."""
    say = progress or (lambda _m: None)
    started = time.perf_counter()
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_facts(),
        "settings": {"posts": posts, "sizes": sizes_up_to(posts), "repeat": repeat, "jobs": list(jobs),
                     "seed": 0, "build_time": BUILD_TIME, "large": large},
    }
    if cache_dir:
        os.environ["WASMBLOG_CACHE_DIR"] = str(cache_root(cache_dir))
    own_tmp = None
    if workdir is None:
        own_tmp = tempfile.TemporaryDirectory(prefix="wasmblog-bench-")
        workdir = Path(own_tmp.name)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        if hosts or hosts_only:
            from .hosts import measure_hosts

            host_corpus = _corpus(workdir, min(posts, 100))  # deployed whole into the wasi:http component
            report["hosts"] = measure_hosts(host_corpus, rounds=100 * repeat, say=say, cache_dir=cache_dir)
        if hosts_only:
            report["seconds"] = round(time.perf_counter() - started, 1)
            return report
        report["startup"] = measure_startup(repeat, say)
        say("per page: parsing the corpus natively to plan post pages")
        page_corpus = _corpus(workdir, min(posts, 1000))
        pages = post_pages(page_corpus)
        report["per_page"] = measure_per_page(pages, max(1, min(repeat, 2)), say)
        report["fresh_instance"] = measure_fresh(pages, 500, say)
        report["footprint"] = measure_footprint(pages, say)
        report["footprint"].update({k: report["startup"][k] for k in
                                    ("component_bytes", "compiled_bytes", "initial_linear_memory_bytes")})
        report["library"] = measure_library(pages, 300, say)
        report["builds"] = measure_builds(workdir, report["settings"]["sizes"], jobs, repeat, say)
        from .rebuilds import measure_hugo, measure_rebuilds

        report["rebuilds"] = measure_rebuilds(workdir, posts, repeat, say)
        report["hugo"] = {str(posts): measure_hugo(workdir, posts, repeat, say)}
        if large:
            report["rebuilds_large"] = measure_rebuilds(workdir, large, max(1, min(repeat, 2)), say, cold=False)
            report["hugo"][str(large)] = measure_hugo(workdir, large, 1, say)
        report["growth"] = [{"posts": r["posts"], "engine": r["engine"], "jobs": r["jobs"],
                             "ms_per_page": r["ms_per_page"]} for r in report["builds"]]
        report["search"] = measure_search(workdir, report["settings"]["sizes"], repeat, say)
        if peers:
            report["peers"] = measure_peers(workdir, report["settings"]["sizes"], say)
        if serve:
            from .editloop import measure_edit_loop
            from .load import run_load
            from .peers import executable

            say("serve: load test with wrk")
            report["serve"] = run_load(page_corpus, progress=say)
            report["edit_loop"] = [measure_edit_loop(workdir / "loop", n, max(7, repeat), say, executable("hugo"))
                                   for n in sorted({posts, *([large] if large else [])})]
    finally:
        if own_tmp is not None:
            own_tmp.cleanup()
    from .targets import check

    report["targets"] = check(report)
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report
