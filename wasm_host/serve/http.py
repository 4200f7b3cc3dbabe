"""The HTTP layer: uvicorn's h11 server, with the few guards a public-facing server needs.

uvicorn does the HTTP/1.1 work (parsing with h11, keep-alive, pipelining,
flow control, graceful shutdown). wasmblog adds, through the subclasses in
``uvicorn_internals`` (the one module that reaches into uvicorn):

- ``431 Request Header Fields Too Large`` for oversized request heads
  (uvicorn answers every protocol error with 400; h11 knows the right code);
- a deadline for reading a request head (slow clients that trickle headers
  are answered ``408`` and disconnected; uvicorn's keep-alive timer alone
  restarts on every byte);
- ``400`` for request targets uvicorn would choke on (non-ASCII bytes);
- signal handling that stops cleanly on SIGINT/SIGTERM without re-raising
  the signal afterwards, and a hook that runs when shutdown begins (to end
  live-reload streams, which would otherwise hold shutdown up).

This module sets uvicorn's public options, binds the socket and routes
uvicorn's log to stderr.
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
import time
from typing import Any
from collections.abc import Callable

import uvicorn

from .uvicorn_internals import HEADER_TIMEOUT, MAX_HEADER_BYTES, GuardedH11Protocol

__all__ = ["GRACEFUL_SHUTDOWN", "HEADER_TIMEOUT", "KEEP_ALIVE_TIMEOUT", "MAX_HEADER_BYTES", "bind", "make_config",
           "wait_started"]

KEEP_ALIVE_TIMEOUT = 5  # seconds an idle keep-alive connection is kept
GRACEFUL_SHUTDOWN = 5  # seconds in-flight requests get on shutdown


class _UvicornLog(logging.Handler):
    """uvicorn's own warnings and errors on stderr, minus those the access log already shows."""

    QUIET = ("Invalid HTTP request received.",)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            if message in self.QUIET:
                return
            if record.exc_info and record.exc_info[1] is not None:
                message += f": {type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
            sys.stderr.write(f"wasmblog: {message}\n")
        except Exception:  # never let logging break serving
            pass


def _install_logging() -> None:
    logger = logging.getLogger("uvicorn")
    if not any(isinstance(h, _UvicornLog) for h in logger.handlers):
        handler = _UvicornLog(logging.WARNING)
        logger.addHandler(handler)
        logger.propagate = False


def make_config(app: Any, *, max_connections: int, header_timeout: float = HEADER_TIMEOUT,
                on_reject: Callable[[tuple[str, int] | None, int, str], None] | None = None) -> uvicorn.Config:
    _install_logging()
    protocol = type("WasmblogH11Protocol", (GuardedH11Protocol,),
                    {"header_timeout": header_timeout, "on_reject": staticmethod(on_reject) if on_reject else None})
    return uvicorn.Config(
        app, http=protocol, ws="none", lifespan="off", loop="asyncio",
        log_config=None, access_log=False, server_header=False, date_header=True, proxy_headers=False,
        limit_concurrency=max_connections, timeout_keep_alive=KEEP_ALIVE_TIMEOUT,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN, h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        headers=[("server", "wasmblog")],
    )


def bind(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """A listening TCP socket (port 0 picks a free one). Raises OSError with a clear message."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    last: OSError | None = None
    for family, kind, proto, _, address in infos:
        sock = socket.socket(family, kind, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(backlog)
            sock.set_inheritable(True)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
    raise OSError(getattr(last, "errno", None), f"cannot listen on {host}:{port}: "
                  f"{getattr(last, 'strerror', None) or last}")


def wait_started(server: uvicorn.Server, thread: threading.Thread, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server stopped while starting")
        if time.monotonic() > deadline:
            raise TimeoutError("the server did not start in time")
        time.sleep(0.01)
