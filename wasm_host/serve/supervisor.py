"""Several server processes on one socket, kept alive by a supervisor.

Many wasm instances created and dropped per second in one process contend
for its address space, so per-request mode runs one worker process per core,
all accepting on the same listening socket. Each worker is ``python -m
wasm_host.serve.worker SPEC`` (see :mod:`wasm_host.serve.worker`); a worker
that dies is replaced, one that keeps dying stops the server.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any
from collections.abc import Callable

from . import http
from .console import announce
from .options import ServeOptions

MAX_RESTARTS = 5  # per worker, within RESTART_WINDOW seconds
RESTART_WINDOW = 60.0


class _Worker:
    def __init__(self, index: int, site: str, opts: ServeOptions, sock: socket.socket, host: str,
                 quiet: bool) -> None:
        self.index = index
        read, write = os.pipe()
        spec = {"site": site, "options": dataclasses.asdict(opts), "host": host, "fd": sock.fileno(),
                "index": index, "quiet": quiet, "status_fd": write}
        self.proc = subprocess.Popen([sys.executable, "-m", "wasm_host.serve.worker", json.dumps(spec)],
                                     pass_fds=(sock.fileno(), write), stdin=subprocess.DEVNULL)
        os.close(write)
        self._status = os.fdopen(read, "r")
        self.starts = [time.monotonic()]

    def wait_ready(self) -> dict[str, Any] | None:
        """The worker's description once it serves, or None if it exited first."""
        line = self._status.readline()
        self._status.close()
        return json.loads(line) if line.strip() else None


def supervise(site: str, opts: ServeOptions, sock: socket.socket, host: str, log: Callable[[str], None],
               quiet: bool) -> int:
    started = time.perf_counter()
    count = opts.workers
    share = opts.for_worker(count)
    stop: list[int] = []

    def on_signal(sig: int, frame: Any) -> None:
        stop.append(sig)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    workers: list[_Worker] = []
    try:
        # The first worker loads (and if needed compiles) the component; the others find it cached.
        first = _Worker(0, site, share, sock, host, quiet)
        workers.append(first)
        info = first.wait_ready()
        if info is None:
            log("error: the server could not start (see above)")
            return 1
        others = [_Worker(i, site, share, sock, host, quiet) for i in range(1, count)]
        workers += others
        for worker in others:
            if worker.wait_ready() is None and not stop:
                log(f"wasmblog: worker {worker.index} did not start; serving with fewer")
        info["inflight"], info["queue"] = share.max_inflight * count, share.max_queue * count
        announce(site, host, sock.getsockname()[1], info, count, time.perf_counter() - started, log)
        while not stop:
            time.sleep(0.2)
            for i, worker in enumerate(workers):
                code = worker.proc.poll()
                if code is None or stop:
                    continue
                now = time.monotonic()
                recent = [t for t in worker.starts if now - t < RESTART_WINDOW]
                if len(recent) >= MAX_RESTARTS:
                    log(f"wasmblog: worker {worker.index} keeps exiting (status {code}); stopping")
                    stop.append(0)
                    break
                log(f"wasmblog: worker {worker.index} exited (status {code}); starting another")
                fresh = _Worker(worker.index, site, share, sock, host, quiet)
                fresh.starts = recent + fresh.starts
                workers[i] = fresh
                threading.Thread(target=fresh.wait_ready, daemon=True).start()
    finally:
        for worker in workers:
            if worker.proc.poll() is None:
                worker.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + http.GRACEFUL_SHUTDOWN + 10
        for worker in workers:
            try:
                worker.proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                worker.proc.kill()
                worker.proc.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    why = signal.Signals(stop[0]).name if stop and stop[0] else ""  # SIGINT or SIGTERM (0: a worker failed to start)
    log(f"wasmblog: stopped{' (' + why + ')' if why else ''}")
    return 0 if not stop or stop[0] else 1
