"""The writer's loop: a post saved, to its new text served, by ``wasmblog serve`` and by ``hugo server``.

What a blogger feels: they save a post and look at the browser. Each round
appends a sentence with a fresh marker to one post of the corpus, then asks
the server for that post's page every 2 ms until the page holds the marker;
the time from the write to the first such answer is the round's figure.
Each round then saves again with a browser tab's live-reload connection
open (wasmblog's event stream, Hugo's LiveReload WebSocket), and times the
message telling the tab to reload, and the page the tab then asks for.
Both servers run as users run them: ``wasmblog serve`` in memo mode with the
wasm engine and live reload on, and ``hugo server`` (the pinned Hugo, its
defaults: rendering to memory, fast render, live reload). The same corpus in
each one's format, the same post, one server at a time, rounds interleaved
by server so that a busy spell on a shared machine falls on both.
"""

from __future__ import annotations

import base64
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any
from collections.abc import Callable

from . import corpus
from .load import first_post

Progress = Callable[[str], None]
POLL = 0.002  # seconds between two requests for the page
ROUND_TIMEOUT = 60.0


class LoopError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(port: int, path: str, timeout: float = 10) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.read() if response.status == 200 else b""
    finally:
        conn.close()


def _wait_listening(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise LoopError(f"the server exited ({proc.returncode}): {log.read_text(errors='replace')[-1500:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise LoopError(f"the server did not listen on {port} within {timeout:g} s")


def _round(port: int, path: str, post: Path, marker: str) -> float:
    """Append ``marker`` to ``post``; seconds until the page at ``path`` shows it."""
    with open(post, "a", encoding="utf-8") as fh:
        fh.write(f"\n\nEdited: {marker}.\n")
    started = time.perf_counter()
    while time.perf_counter() - started < ROUND_TIMEOUT:
        try:
            if marker.encode() in _get(port, path):
                return time.perf_counter() - started
        except (OSError, http.client.HTTPException):  # (a connection cut while the server reloads)
            pass
        time.sleep(POLL)
    raise LoopError(f"{path} did not show the edit within {ROUND_TIMEOUT:g} s")


class _Events:
    """A live-reload connection as the browser's script holds one: wasmblog's event stream, or Hugo's
    LiveReload WebSocket (a few lines of RFC 6455: one masked text frame out, text frames in)."""

    def __init__(self, port: int, hugo: bool) -> None:
        self.hugo = hugo
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=ROUND_TIMEOUT)
        self.file = self.sock.makefile("rb")
        if hugo:
            key = base64.b64encode(os.urandom(16)).decode()
            self.sock.sendall(f"GET /livereload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                              f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                              "Sec-WebSocket-Version: 13\r\n\r\n".encode())
            self._headers()
            hello = b'{"command":"hello","protocols":["http://livereload.com/protocols/official-7"]}'
            mask = os.urandom(4)
            self.sock.sendall(bytes([0x81, 0x80 | len(hello)]) + mask
                              + bytes(b ^ mask[i % 4] for i, b in enumerate(hello)))
            while b'"hello"' not in self._frame():
                pass
        else:
            self.sock.sendall(f"GET /__wasmblog/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            self._headers()
            while not self.file.readline().startswith(b"event: hello"):
                pass

    def _headers(self) -> None:
        while self.file.readline() not in (b"\r\n", b""):
            pass

    def _frame(self) -> bytes:
        head = self.file.read(2)
        if len(head) < 2:
            raise LoopError("the live-reload connection closed")
        size = head[1] & 0x7F
        if size == 126:
            size = int.from_bytes(self.file.read(2), "big")
        elif size == 127:
            size = int.from_bytes(self.file.read(8), "big")
        return self.file.read(size)

    def wait_reload(self) -> None:
        """Block until the server says the browser should reload."""
        if self.hugo:
            while b'"reload"' not in self._frame():
                pass
            return
        while True:
            line = self.file.readline()
            if not line:
                raise LoopError("the live-reload stream closed")
            if line.startswith(b"event: reload"):
                return

    def close(self) -> None:
        self.file.close()
        self.sock.close()


def _live_round(port: int, path: str, post: Path, marker: str, hugo: bool) -> tuple[float, float]:
    """Append ``marker`` to ``post`` as a browser tab watches: seconds to the live-reload message, and
    to the page (asked for once, after the message, as the tab's script does) showing the marker."""
    events = _Events(port, hugo)
    try:
        with open(post, "a", encoding="utf-8") as fh:
            fh.write(f"\n\nEdited: {marker}.\n")
        started = time.perf_counter()
        events.wait_reload()
        told = time.perf_counter() - started
        while marker.encode() not in _get(port, path):  # (Hugo may say reload before its page is new)
            if time.perf_counter() - started > ROUND_TIMEOUT:
                raise LoopError(f"{path} did not show the edit within {ROUND_TIMEOUT:g} s")
            time.sleep(POLL)
        return told, time.perf_counter() - started
    finally:
        events.close()


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def measure_edit_loop(workdir: Path, posts: int, rounds: int, say: Progress,
                      hugo_binary: str | None = None) -> dict[str, Any]:
    """Median and every round of the edit loop for ``wasmblog serve`` (memo, wasm) and, given its
    binary, ``hugo server``, on a corpus of ``posts``."""
    import sys

    ours = corpus.write_site(workdir / f"loop-wasmblog-{posts}", posts, 0, "wasmblog")
    source, url = first_post(ours)
    servers: dict[str, tuple[list[str], Path, Path]] = {
        "wasmblog": ([sys.executable, "-m", "wasm_host", "serve", str(ours), "--engine", "wasm", "--workers", "1"],
                     ours / source, ours)}
    if hugo_binary:
        theirs = corpus.write_site(workdir / f"loop-hugo-{posts}", posts, 0, "hugo")
        servers["hugo"] = ([hugo_binary, "server", "--source", str(theirs), "--bind", "127.0.0.1"],
                           theirs / "content" / source, theirs)
    started: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    times: dict[str, list[float]] = {name: [] for name in servers}
    live: dict[str, list[tuple[float, float]]] = {name: [] for name in servers}
    try:
        for name, (command, _post, folder) in servers.items():
            port = _free_port()
            log = folder.parent / f"{folder.name}.log"
            with open(log, "wb") as fh:
                proc = subprocess.Popen([*command, "--port", str(port)], stdout=fh, stderr=subprocess.STDOUT,
                                        cwd=folder, env={**os.environ, "LC_ALL": "C.UTF-8"})
            started[name] = (proc, port)
            say(f"edit loop: starting {name} on {posts:,} posts")
            _wait_listening(port, proc, log, 600)
            deadline = time.monotonic() + 600
            while not _get(port, url, 600) and time.monotonic() < deadline:  # first render (a component build?)
                time.sleep(0.2)
        for k in range(rounds):
            for name, (_, post, _) in servers.items():
                say(f"edit loop: {name}, round {k + 1}/{rounds}")
                times[name].append(_round(started[name][1], url, post, f"marker-{name}-{k}-{time.time_ns()}"))
                time.sleep(0.3)  # (the watcher's and the server's own settling, as between two saves)
                live[name].append(_live_round(started[name][1], url, post, f"live-{name}-{k}-{time.time_ns()}",
                                              name == "hugo"))
                time.sleep(0.3)
    finally:
        for proc, _ in started.values():
            _stop(proc)
    out: dict[str, Any] = {"posts": posts, "url": url, "rounds": rounds}
    for name, values in times.items():
        out[name] = {"median_ms": round(statistics.median(values) * 1e3, 1),
                     "min_ms": round(min(values) * 1e3, 1), "max_ms": round(max(values) * 1e3, 1),
                     "runs_ms": [round(v * 1e3, 1) for v in values]}
        told, shown = [t for t, _ in live[name]], [p for _, p in live[name]]
        out[name]["live_reload"] = {  # a tab watching: the message, then the page it asks for
            "message_median_ms": round(statistics.median(told) * 1e3, 1),
            "page_median_ms": round(statistics.median(shown) * 1e3, 1),
            "message_runs_ms": [round(v * 1e3, 1) for v in told], "page_runs_ms": [round(v * 1e3, 1) for v in shown]}
    if hugo_binary:
        version = subprocess.run([hugo_binary, "version"], capture_output=True, text=True).stdout
        m = re.search(r"v(\d+\.\d+\.\d+)", version)
        out["hugo"]["version"] = m.group(1) if m else version.strip()
    return out
