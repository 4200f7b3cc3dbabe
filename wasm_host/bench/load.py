"""Load benchmark for ``wasmblog serve``: wrk against loopback, bounded in time and count.

For each server (``wasmblog serve SITE`` in a subprocess, per-request mode
with the wasm and native engines, and optionally static mode) and each
concurrency, wrk runs for a fixed duration against one URL and reports,
through a Lua ``done`` hook, the request count, requests per second,
latency percentiles and every failed response (non-2xx/3xx, socket errors,
timeouts). The wasm server's resident memory is read from ``/proc`` after a
warm-up and again after each batch of 10,000 requests, to show whether it
stays flat (no instance leak).

Only loopback addresses are used; every run is bounded by ``duration`` or
by a request count. ``run_load`` returns plain data (for ``wasmblog bench
--serve`` and ``bench/load.py``); ``format_table`` renders it as Markdown.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Callable, Sequence

DONE_LUA = r"""
local limit = 0
local seen = 0
function init(args)
  if args[1] then limit = tonumber(args[1]) end
end
function response(status, headers, body)
  if limit > 0 then
    seen = seen + 1
    if seen >= limit then wrk.thread:stop() end
  end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WASMBLOG-RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
"""
# wrk calls response() only when a script defines it, and that costs a little: use it only for counted runs.
DONE_ONLY_LUA = DONE_LUA.split("function response")[0] + "function done" + DONE_LUA.split("function done")[1]

LOOPBACK = "127.0.0.1"
SERVING = re.compile(r"serving .* at (http://127\.0\.0\.1:\d+)/")


class LoadError(RuntimeError):
    pass


@dataclass
class _Server:
    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def rss_kb(self) -> int:
        """Resident memory of the server and its worker processes (kB), from /proc."""
        return sum(self.rss_by_process())

    def rss_by_process(self) -> list[int]:
        """Resident memory (kB) of the server process, then of each worker."""
        return [_rss_kb(pid) for pid in _tree(self.proc.pid)]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    out = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            out += _tree(int(child))
    return out


def _rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    m = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(m.group(1)) if m else 0


def _start_server(site: Path, args: Sequence[str], workdir: Path, env: dict[str, str],
                  timeout: float = 600) -> _Server:
    log = Path(tempfile.mkstemp(prefix="serve-", suffix=".log", dir=workdir)[1])
    with open(log, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "wasm_host", "serve", str(site), "--host", LOOPBACK,
                                 "--port", "0", *args], stdout=subprocess.DEVNULL, stderr=fh, env=env)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = SERVING.search(log.read_text(errors="replace"))
        if m:
            return _Server(proc, m.group(1), log)
        if proc.poll() is not None:
            raise LoadError(f"the server exited ({proc.returncode}):\n{log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.05)
    proc.kill()
    raise LoadError("the server did not start in time")


def _wrk(url: str, concurrency: int, duration: float, threads: int, script: Path,
         limit_per_thread: int = 0, timeout: float = 10.0) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    if not wrk:
        raise LoadError("wrk is not installed (Debian: apt-get install wrk)")
    threads = max(1, min(threads, concurrency))
    cmd = [wrk, "-t", str(threads), "-c", str(concurrency), "-d", f"{max(1, round(duration))}s",
           "--timeout", f"{timeout:g}s", "-s", str(script), url]
    if limit_per_thread:
        cmd += ["--", str(limit_per_thread)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 120)
    m = re.search(r"WASMBLOG-RESULT (\{.*\})", out.stdout)
    if out.returncode != 0 or not m:
        raise LoadError(f"wrk failed ({out.returncode}): {out.stdout[-1000:]} {out.stderr[-1000:]}")
    raw = json.loads(m.group(1))
    seconds = raw["duration_us"] / 1e6
    failed = raw["status"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "concurrency": concurrency, "threads": threads, "seconds": round(seconds, 3),
        "requests": raw["requests"], "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": raw["p50_us"] / 1e3, "p90_ms": raw["p90_us"] / 1e3, "p99_ms": raw["p99_us"] / 1e3,
        "max_ms": raw["max_us"] / 1e3, "mean_ms": round(raw["mean_us"] / 1e3, 3),
        "failed": failed, "non_2xx_3xx": raw["status"],
        "socket_errors": {k: raw[k] for k in ("connect", "read", "write", "timeout")},
    }


def _first_post_url(site: Path) -> str:
    """A post page of the site: the newest post's URL as the build plans it."""
    return first_post(site)[1]


def first_post(site: Path) -> tuple[str, str]:
    """The newest post of the site as the build plans it: its source (site-relative) and its URL path."""
    from renderer import BuildOptions, load_config, plan_site
    from wasm_host.engines import NativeRenderer
    from wasm_host.site import build_time_micros, load_site

    data = load_site(site)
    posts = NativeRenderer().parse_posts(data.sources, data.config_text, data.tzif).posts
    jobs = plan_site(posts, data.config_text, BuildOptions(build_time_micros())).jobs
    base = load_config(data.config_text)[0].base_path
    post = next((j for j in jobs if j.kind == "post"), None)
    return (post.posts[0] if post else ""), base + (post.url if post else "")


def _static_url(site: Path) -> str:
    from renderer import load_config
    from wasm_host.site import load_site

    data = load_site(site)
    base = load_config(data.config_text)[0].base_path
    if not data.static:
        raise LoadError(f"{site} has no static files to measure")
    rel, _ = min(data.static, key=lambda item: (abs(item[1].stat().st_size - 4096), item[0]))
    return base + rel


def machine_load() -> dict[str, Any]:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        one = five = fifteen = -1.0
    return {"loadavg": [round(one, 2), round(five, 2), round(fifteen, 2)], "cpus": os.cpu_count(),
            "python": platform.python_version(), "machine": platform.machine()}


def run_load(site: Path | str, *, engines: Sequence[str] = ("wasm", "native"),
             concurrency: Sequence[int] = (1, 8, 64), duration: float = 10.0, threads: int = 2,
             static_file: bool = True, static_mode: bool = True, memo: bool = True, rss_requests: int = 10_000,
             rss_batches: int = 3,
             warmup: float = 2.0, page: str | None = None, cache_dir: str | None = None,
             access_log: bool = True, log: Callable[[str], None] | None = None,
             progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Measure ``wasmblog serve SITE`` with wrk; returns rows, memory readings and target checks.

    Rows: per-request page with each engine in ``engines``; a static file
    from SITE/static (served by the first engine's server); a page in memo
    mode (the default: rendered once, then from memory) if ``memo``; a page
    in static mode (in-memory bytes) if ``static_mode``. Memory: the first engine's
    server RSS after warm-up and after each of ``rss_batches`` batches of
    ``rss_requests`` page requests. ``log`` (or ``progress``) gets a line per cell.
    """
    say = log or progress or (lambda line: None)
    site = Path(site)
    if not site.is_dir():
        raise LoadError(f"{site}: no such site folder")
    page_url = page or _first_post_url(site)
    static_url = _static_url(site) if static_file else ""
    env = dict(os.environ)
    if cache_dir:
        env["WASMBLOG_CACHE_DIR"] = str(cache_dir)
    env.setdefault("SOURCE_DATE_EPOCH", str(int(time.time())))
    extra = [] if access_log else ["--quiet"]
    result: dict[str, Any] = {"site": str(site), "page": page_url, "static_file": static_url,
                              "duration": duration, "machine_before": machine_load(), "rows": [], "rss": {}}
    with tempfile.TemporaryDirectory(prefix="wasmblog-load-") as tmp:
        work = Path(tmp)
        script = work / "done.lua"
        script.write_text(DONE_ONLY_LUA)
        counted = work / "counted.lua"
        counted.write_text(DONE_LUA)
        env["WASMBLOG_RENDER_CACHE"] = str(work / "render-cache")  # never the user's

        plans: list[tuple[str, list[str], list[tuple[str, str]]]] = []
        for i, engine in enumerate(engines):
            targets = [(f"per-request {engine}", page_url)]
            if i == 0 and static_url:
                targets.append(("static file", static_url))
            plans.append((engine, ["--engine", engine, "--mode", "per-request"], targets))
        if memo:  # the default mode, as a user runs it (live reload on), with the render cache in memory
            plans.append((engines[0], ["--engine", engines[0], "--mode", "memo", "--no-cache"],
                          [(f"memo {engines[0]}", page_url)]))
        if static_mode:
            plans.append((engines[0], ["--engine", engines[0], "--mode", "static", "--no-live-reload"],
                          [("static mode page", page_url)]))

        for index, (engine, args, targets) in enumerate(plans):
            server = _start_server(site, [*args, *extra], work, env)
            try:
                say(f"server: {' '.join(args)} at {server.url}")
                for name, path in targets:
                    url = server.url + path
                    _wrk(url, 8, warmup, threads, script)  # warm caches and spare instances
                    for c in concurrency:
                        row = _wrk(url, c, duration, threads, script)
                        row.update(scenario=name, engine=engine, url=path, load=machine_load()["loadavg"][0])
                        result["rows"].append(row)
                        say(f"  {name:<22} c={c:<3} {row['rps']:>8.1f} req/s  p50 {row['p50_ms']:.2f} ms  "
                            f"p99 {row['p99_ms']:.2f} ms  failed {row['failed']}")
                if index == 0 and rss_requests > 0:
                    url = server.url + page_url
                    rss: dict[str, Any] = {"engine": engine, "url": page_url, "before_kb": server.rss_kb(), "after_kb": [],
                           "requests": [], "per_process_kb": [server.rss_by_process()]}
                    # wrk runs for its whole duration even after every thread stopped at its count:
                    # give it time for the count at the rate just measured, and no more.
                    rates = [r["rps"] for r in result["rows"] if r["engine"] == engine and r["url"] == page_url]
                    rate = max([*rates, 20.0])
                    seconds = min(600.0, max(5.0, 1.5 * rss_requests / rate + 2))
                    for _ in range(max(1, rss_batches)):
                        per_thread = -(-rss_requests // threads)
                        row = _wrk(url, 8, seconds, threads, counted, limit_per_thread=per_thread)
                        rss["requests"].append(row["requests"])
                        rss["after_kb"].append(server.rss_kb())
                        rss["per_process_kb"].append(server.rss_by_process())
                        if row["failed"]:
                            rss.setdefault("failed", 0)
                            rss["failed"] = rss.get("failed", 0) + row["failed"]
                    result["rss"] = rss
                    say(f"  RSS {rss['before_kb'] / 1024:.1f} MiB -> "
                        + " -> ".join(f"{kb / 1024:.1f} MiB" for kb in rss["after_kb"])
                        + f" over {' + '.join(str(n) for n in rss['requests'])} requests")
            finally:
                server.stop()
                if server.proc.returncode not in (0, None):
                    result.setdefault("server_errors", []).append(server.log.read_text(errors="replace")[-2000:])
    result["machine_after"] = machine_load()
    result["failed"] = sum(r["failed"] for r in result["rows"]) + result["rss"].get("failed", 0)
    result["targets"] = _targets(result)
    return result


def _targets(result: dict[str, Any]) -> dict[str, Any]:
    """The issue's targets for this 2-core machine, checked against the rows."""
    rows = {(r["scenario"], r["concurrency"]): r for r in result["rows"]}
    out: dict[str, Any] = {}
    c1 = rows.get(("per-request wasm", 1))
    if c1:
        out["wasm_p50_c1_under_5ms"] = {"value": c1["p50_ms"], "ok": c1["p50_ms"] < 5.0}
    c8 = rows.get(("per-request wasm", 8))
    if c8:
        out["wasm_rps_c8_at_least_300"] = {"value": c8["rps"], "ok": c8["rps"] >= 300}
    memo8 = rows.get(("memo wasm", 8))
    if memo8:
        out["memo_rps_c8_at_least_2000"] = {"value": memo8["rps"], "ok": memo8["rps"] >= 2000}
    rss = result.get("rss") or {}
    if rss.get("after_kb"):
        # A leaked instance per request would grow RSS by megabytes per request, linearly. Warming
        # up (another pooled memory slot or malloc arena touched for the first time) is a one-off
        # step. Flat: the last batch grew by less than one pooled slot's resident memory.
        series = [rss["before_kb"], *rss["after_kb"]]
        last = series[-1] - series[-2]
        out["rss_flat"] = {"value_kb": last, "total_growth_kb": series[-1] - series[0], "ok": last < 16 * 1024}
    out["zero_failures"] = {"value": result.get("failed", 0), "ok": result.get("failed", 0) == 0}
    return out


def format_table(result: dict[str, Any]) -> str:
    lines = ["| scenario | concurrency | requests | req/s | p50 ms | p99 ms | failed | load |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in result["rows"]:
        lines.append(f"| {r['scenario']} | {r['concurrency']} | {r['requests']} | {r['rps']:.0f} | "
                     f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['failed']} | {r.get('load', '')} |")
    rss = result.get("rss") or {}
    if rss:
        lines.append("")
        lines.append(f"Server RSS ({rss['engine']}, {rss['url']}, all processes): {rss['before_kb'] / 1024:.1f} MiB "
                     "after the runs above"
                     + "".join(f", {kb / 1024:.1f} MiB after {sum(rss['requests'][:i + 1])} more requests"
                               for i, kb in enumerate(rss["after_kb"])))
        if rss.get("per_process_kb"):
            lines.append("Per process (supervisor, workers), MiB: " + " -> ".join(
                "/".join(f"{kb / 1024:.0f}" for kb in reading) for reading in rss["per_process_kb"]))
    checks = result.get("targets") or {}
    if checks:
        lines.append("")
        lines.append("Targets: " + "; ".join(f"{name} {'OK' if c['ok'] else 'MISSED'} "
                                             f"({c.get('value', c.get('value_kb'))})" for name, c in checks.items()))
    return "\n".join(lines)


__all__ = ["LoadError", "format_table", "machine_load", "run_load"]
