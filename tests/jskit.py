"""Helpers for the tests that run our components on JavaScript engines: Node 24 and jco from jstools/.

``JcoServer`` serves a ``wasi:http`` component with ``jco serve`` on a free
loopback port (a fresh instance per request) and stops it at the end;
``run_node`` runs a script under the pinned Node.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any, TypeVar
from collections.abc import Callable

from servekit import Response, raw_request, request
from sitekit import missing_tool, require_marker
from wasm_host.engines.js import ToolMissing, jco_command, node_env, node_path

HERE = Path(__file__).parent
T = TypeVar("T")


def node_tool(command: Callable[[], T]) -> T:
    """``command()`` (which finds Node or jco) in a test marked ``node``; a missing tool skips it, or fails
    it under CI, with the one line saying how to install it."""
    require_marker("node")
    try:
        return command()
    except ToolMissing as exc:
        missing_tool("Node 24 / jco", str(exc))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class JcoServer:
    """``jco serve COMPONENT --isolate-requests instance`` on 127.0.0.1, as a context manager."""

    def __init__(self, component: Path, log: Path, isolate: str = "instance", startup: float = 120) -> None:
        self.component, self.log_path, self.isolate, self.startup = component, log, isolate, startup
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> JcoServer:
        command = node_tool(lambda: jco_command("serve", str(self.component), "--host", "127.0.0.1", "--port",
                                                str(self.port), "--isolate-requests", self.isolate))
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, env=node_env(), start_new_session=True)
        deadline = time.monotonic() + self.startup
        while time.monotonic() < deadline:
            assert self.alive, f"jco serve exited:\n{self.log}"
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise AssertionError(f"jco serve did not listen within {self.startup} s:\n{self.log}")

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def request(self, url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Response:
        """``servekit.request`` to this server; a failure says whether jco serve still runs and shows its log."""
        return self._asking(f"{method} {url[:200]}", lambda: request(self.port, url, method, headers))

    def raw_request(self, data: bytes) -> bytes:
        """``servekit.raw_request`` to this server, failing as ``request`` does."""
        return self._asking(repr(data[:200]), lambda: raw_request(self.port, data))

    def _asking(self, what: str, send: Callable[[], T]) -> T:
        try:
            return send()
        except OSError as exc:  # RemoteDisconnected and refused connections are OSErrors
            raise AssertionError(f"{what}: {exc!r}\n{self.state}") from exc

    @property
    def state(self) -> str:
        """Whether jco serve runs (or how it ended) and the end of its log."""
        assert self.proc is not None
        code = self.proc.poll()
        return f"jco serve {'runs' if code is None else f'exited with {code}'}; its log:\n{self.log}"

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def __exit__(self, *exc: Any) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the session jco started: node and its workers
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()


def run_node(script: Path, *args: str, stdin: str = "", timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``script`` under the pinned Node; raises with its stderr when it fails."""
    node = node_tool(node_path)
    proc = subprocess.run([str(node), str(script), *args], input=stdin, capture_output=True, text=True,
                          env=node_env(), timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc


def node_json(script: Path, *args: str, payload: Any = None, timeout: float = 300) -> Any:
    """Run ``script`` with ``payload`` as JSON on stdin; its stdout parsed as JSON."""
    return json.loads(run_node(script, *args, stdin=json.dumps(payload), timeout=timeout).stdout)
