"""Timing: a whole process (wall time, CPU time and peak memory of exactly that process), and the
summary statistics every benchmark reports.

The command runs under a small Python wrapper that starts it and reads its
``rusage`` with ``wait4``. Measured straight from a big parent (the
benchmark, holding sandbox instances) the peak RSS would be wrong: Linux
counts the parent's memory, copied by ``fork`` or shared by ``vfork``, into
the child's peak when it calls ``exec``.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Sequence

BUILD_TIME = 1_800_000_000 * 1_000_000  # fixed, so every run publishes the same posts


def stats(samples: Sequence[float]) -> dict[str, float]:
    """median, p95, p99, min, max of ``samples`` (rounded), and their count."""
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    return {"median": round(statistics.median(ordered), 4), "p95": round(pct(95), 4), "p99": round(pct(99), 4),
            "min": round(ordered[0], 4), "max": round(ordered[-1], 4), "n": len(ordered)}

_WRAPPER = """\
import json, os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - started
with open(sys.argv[1], "w") as fh:
    json.dump({"code": os.waitstatus_to_exitcode(status), "seconds": seconds,
               "cpu": usage.ru_utime + usage.ru_stime, "rss_kb": usage.ru_maxrss}, fh)
"""


@dataclass
class Measured:
    code: int
    seconds: float  # wall time of the command alone (not the wrapper's start-up)
    cpu_seconds: float  # user + system
    peak_rss_mb: float


def run_measured(cmd: list[str], cwd: Path, log: Path, timeout: float, env: dict[str, str] | None = None) -> Measured:
    """Run ``cmd`` in ``cwd`` with stdout and stderr to ``log``; kill it after ``timeout`` s."""
    with tempfile.NamedTemporaryFile(prefix="wasmblog-measure-", suffix=".json", delete=False) as fh:
        result_path = fh.name
    try:
        with open(log, "wb") as sink:
            proc = subprocess.Popen([sys.executable, "-S", "-c", _WRAPPER, result_path, *cmd], cwd=cwd,
                                    stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT, env=env,
                                    start_new_session=True)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return Measured(-signal.SIGKILL, timeout, 0.0, 0.0)
        data = json.loads(Path(result_path).read_text() or "{}")
    finally:
        os.unlink(result_path)
    return Measured(data["code"], data["seconds"], data["cpu"], data["rss_kb"] / 1024.0)
