"""``wasmblog bench --hosts``: the same post page on every host the component runs on, beside native.

Hosts:

- **native**: the core as plain Python in this process;
- **wasmtime-py**: the render component in this process (``--engine wasm``);
- **node**: the component's JS export (``wasmblog component export --js``)
  under the pinned Node 24;
- **jco serve**: the whole site as a ``wasi:http`` component (``wasmblog
  deploy``) served by ``jco serve --isolate-requests instance``: a fresh
  instance per request; and, to show what instantiation costs there, the
  same with one instance reused (``jco, 1 inst.``).

For each: the load time (a fresh process importing the core, loading the
cached component, importing the JS module, or ``jco serve`` starting until
it listens), the warm time per page (the same post page rendered again and
again; for jco serve a sequential request, fresh instance included), requests
per second at 8 connections (wrk, against ``wasmblog serve`` per-request for
native and wasmtime-py, ``jco serve`` for the deploy component; the JS export
has no server) and the size of what is loaded. Every host's page must be the
native bytes (``identical``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from collections.abc import Callable

import renderer

from ..deploy import deploy
from ..engines.component import ensure_component
from ..engines.js import ensure_js, jco_command, js_value, node_env, node_path
from ..site import load_site
from .load import DONE_ONLY_LUA, LOOPBACK, LoadError, _start_server, _wrk
from .measure import BUILD_TIME, stats

Progress = Callable[[str], None]
HERE = Path(__file__).resolve().parent
CONCURRENCY = 8


def _page(site_dir: Path) -> tuple[Any, renderer.PageJob, list[renderer.Post], str]:
    """The site (read), its newest post page's job, the posts it needs, and the native bytes."""
    site = load_site(site_dir)
    parsed = renderer.parse_posts(site.sources, site.config, site.tzif, site.shortcodes)
    plan = renderer.plan_site(parsed.posts, site.config, renderer.BuildOptions(BUILD_TIME))
    job = next(j for j in plan.jobs if j.kind == "post")
    posts = renderer.job_posts([job], {p.source: p for p in parsed.posts}, site.templates)
    content = renderer.render_pages([job], posts, site.config, site.templates).files[0].content
    return site, job, posts, content


def _fresh_process_ms(code: str, rounds: int) -> dict[str, float]:
    """Median and spread of the seconds a fresh Python process reports for ``code`` (printed)."""
    samples = []
    for _ in range(rounds):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        samples.append(float(out.stdout.strip()) * 1e3)
    return stats(samples)


def _serve_rps(site_dir: Path, engine: str, path: str, duration: float, workdir: Path, env: dict[str, str],
               script: Path) -> dict[str, Any]:
    server = _start_server(site_dir, ["--engine", engine, "--mode", "per-request", "--quiet", "--no-editor"],
                           workdir, env)
    try:
        _wrk(server.url + path, CONCURRENCY, 1.0, 2, script)  # warm-up
        return _wrk(server.url + path, CONCURRENCY, duration, 2, script)
    finally:
        server.stop()


def measure_native(site: Any, job: renderer.PageJob, posts: list[renderer.Post], rounds: int) -> dict[str, Any]:
    samples = []
    for _ in range(rounds):
        t = time.perf_counter()
        renderer.render_pages([job], posts, site.config, site.templates)
        samples.append((time.perf_counter() - t) * 1e3)
    load = _fresh_process_ms("import time; t = time.perf_counter(); import renderer; "
                             "print(time.perf_counter() - t)", 3)
    return {"host": "native", "how": "the core as Python, in process", "load_ms": load, "warm_ms": stats(samples),
            "size_bytes": 0, "identical": True}


def measure_wasmtime(site: Any, job: renderer.PageJob, posts: list[renderer.Post], expected: str, rounds: int,
                     cache_dir: str | None) -> dict[str, Any]:
    from ..engines.wasm import WasmRenderer

    info = ensure_component(cache_dir)
    session = WasmRenderer(timeout=60, memory_mb=1024, cache_dir=cache_dir).session(max_calls=1 << 30)
    samples, identical = [], True
    for i in range(rounds + 1):
        t = time.perf_counter()
        result = session.render_pages([job], posts, site.config, site.templates)
        if i:  # the first render of an instance pays for first use
            samples.append((time.perf_counter() - t) * 1e3)
        identical &= result.files[0].content == expected
    session.close()
    load = _fresh_process_ms(
        "import time; t = time.perf_counter(); from wasm_host.engines.wasm import WasmRenderer; "
        f"WasmRenderer(cache_dir={cache_dir!r}).render_markdown('x'); print(time.perf_counter() - t)", 3)
    return {"host": "wasmtime-py", "how": "the render component in process (wasmtime 50, cached .cwasm)",
            "load_ms": load, "warm_ms": stats(samples), "size_bytes": info.size, "identical": identical}


def measure_node(site: Any, job: renderer.PageJob, posts: list[renderer.Post], expected: str, rounds: int,
                 cache_dir: str | None) -> dict[str, Any]:
    export = ensure_js(cache_dir)
    payload = {"job": js_value(job), "posts": js_value(posts), "config": js_value(site.config),
               "templates": [{"name": n, "source": s} for n, s in sorted(site.templates.items())], "rounds": rounds}
    loads, warm, identical = [], [], True
    for _ in range(3):  # fresh Node processes: the load time is the import of the module
        proc = subprocess.run([str(node_path()), str(HERE / "hosts.mjs"), str(export.entry)],
                              input=json.dumps(payload), capture_output=True, text=True, env=node_env(), timeout=600)
        if proc.returncode != 0:
            raise LoadError(f"node failed: {proc.stderr[-2000:]}")
        out = json.loads(proc.stdout)
        loads.append(out["load_ms"])
        warm += out["warm_ms"]
        identical &= out["content"] == expected
    return {"host": "node", "how": f"the JS export (jco) under Node {_node_version()}", "load_ms": stats(loads),
            "warm_ms": stats(warm), "size_bytes": export.size, "identical": identical}


def _node_version() -> str:
    return subprocess.run([str(node_path()), "--version"], capture_output=True, text=True).stdout.strip().lstrip("v")


def measure_jco(component: Path, size: int, url: str, expected: str, rounds: int, duration: float, workdir: Path,
                script: Path, say: Progress, isolate: bool = True) -> dict[str, Any]:
    """``jco serve`` of the deploy component: a fresh instance per request (``isolate``), or one reused."""
    import http.client
    import socket

    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        port = sock.getsockname()[1]
    say(f"hosts: jco serve{' --isolate-requests instance' if isolate else ' (one instance)'}")
    log = open(workdir / "jco.log", "wb")
    started = time.perf_counter()
    proc = subprocess.Popen(jco_command("serve", str(component), "--host", LOOPBACK, "--port", str(port),
                                        *(["--isolate-requests", "instance"] if isolate else [])),
                            stdout=log, stderr=subprocess.STDOUT, env=node_env(), start_new_session=True)
    try:
        while True:
            if proc.poll() is not None or time.perf_counter() - started > 300:
                raise LoadError(f"jco serve did not start: {(workdir / 'jco.log').read_text()[-2000:]}")
            try:
                with socket.create_connection((LOOPBACK, port), timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
        load_ms = (time.perf_counter() - started) * 1e3
        samples, identical, reconnects = [], True, 0
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
        for i in range(rounds + 1):
            for attempt in (1, 2):
                t = time.perf_counter()
                try:
                    conn.request("GET", url)
                    body = conn.getresponse().read()
                    break
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                    # Node closed the kept-alive connection as the request went out (seen once on
                    # a loaded machine): a GET is safe to send again, on a new connection.
                    conn.close()
                    if attempt == 2:
                        raise
                    reconnects += 1
            if i:
                samples.append((time.perf_counter() - t) * 1e3)
            identical &= body == expected.encode("utf-8")
        conn.close()
        _wrk(f"http://{LOOPBACK}:{port}{url}", CONCURRENCY, 1.0, 2, script)
        load = _wrk(f"http://{LOOPBACK}:{port}{url}", CONCURRENCY, duration, 2, script)
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(30)
        log.close()
    how = "a fresh instance per request" if isolate else "one instance for every request"
    return {"host": "jco serve" if isolate else "jco, 1 inst.",
            "how": f"the site as a wasi:http component (wasmblog deploy), {how}",
            "load_ms": {"median": round(load_ms, 1), "n": 1}, "warm_ms": stats(samples), "rps": load,
            "size_bytes": size, "identical": identical, "reconnects": reconnects}


def measure_hosts(site_dir: Path, *, rounds: int = 200, duration: float = 5.0, say: Progress | None = None,
                  cache_dir: str | None = None) -> dict[str, Any]:
    """Every host's load time, warm time per page, requests per second at c=8 and size, for one post page."""
    say = say or (lambda _m: None)
    site, job, posts, expected = _page(site_dir)
    url = renderer.load_config(site.config_text)[0].base_path + job.url
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(BUILD_TIME // 1_000_000)}
    if cache_dir:
        env["WASMBLOG_CACHE_DIR"] = str(cache_dir)
    rows = []
    with tempfile.TemporaryDirectory(prefix="wasmblog-hosts-") as tmp:
        work = Path(tmp)
        script = work / "done.lua"
        script.write_text(DONE_ONLY_LUA)
        say("hosts: native")
        native = measure_native(site, job, posts, rounds)
        native["rps"] = _serve_rps(site_dir, "native", url, duration, work, env, script)
        rows.append(native)
        say("hosts: wasmtime-py")
        wasm = measure_wasmtime(site, job, posts, expected, rounds, cache_dir)
        wasm["rps"] = _serve_rps(site_dir, "wasm", url, duration, work, env, script)
        rows.append(wasm)
        say("hosts: node (JS export)")
        rows.append(measure_node(site, job, posts, expected, rounds, cache_dir))
        say("hosts: wasmblog deploy (componentize-py pre-initialises the site)")
        deployed = deploy(site_dir, work / "deploy", build_time=BUILD_TIME)
        for isolate in (True, False):
            row = measure_jco(Path(deployed.component), deployed.size, url, expected, min(rounds, 100), duration,
                              work, script, say, isolate)
            row["deploy_s"] = round(deployed.seconds, 1)
            rows.append(row)
    base = statistics.median([native["warm_ms"]["median"]]) or 1.0
    for row in rows:
        row["warm_vs_native"] = round(row["warm_ms"]["median"] / base, 2)
    return {"site": str(site_dir), "page": url, "rounds": rounds, "duration_s": duration,
            "concurrency": CONCURRENCY, "rows": rows}


def format_hosts(hosts: dict[str, Any]) -> list[str]:
    """The hosts table, for ``bench.report.table``."""
    lines = [f"Hosts: one post page ({hosts['page']}), warm per page, requests/s at c={hosts['concurrency']}",
             f"  {'host':12} {'load ms':>9} {'warm ms':>8} {'p95':>7} {'x native':>8} {'req/s':>8} "
             f"{'p99 ms':>7} {'size MB':>8}  same bytes"]
    for row in hosts["rows"]:
        rps = row.get("rps") or {}
        lines.append(f"  {row['host']:12} {row['load_ms']['median']:9.1f} {row['warm_ms']['median']:8.2f} "
                     f"{row['warm_ms'].get('p95', 0):7.2f} {row['warm_vs_native']:8.2f} "
                     f"{rps.get('rps', 0) or 0:8.1f} {rps.get('p99_ms', 0) or 0:7.2f} "
                     f"{row['size_bytes'] / 1e6:8.1f}  {'yes' if row['identical'] else 'NO'}")
    lines.append("  (native and wasmtime-py req/s: `wasmblog serve` per-request, a fresh sandbox per request for "
                 "wasm; jco serve: a fresh instance per request, its warm ms a sequential request; node: no server)")
    return lines
