"""The HTTP layer: uvicorn's h11 server, with the few guards a public-facing server needs.

uvicorn does the HTTP/1.1 work (parsing with h11, keep-alive, pipelining,
flow control, graceful shutdown). This module adds:

- ``431 Request Header Fields Too Large`` for oversized request heads
  (uvicorn answers every protocol error with 400; h11 knows the right code);
- a deadline for reading a request head (slow clients that trickle headers
  are answered ``408`` and disconnected; uvicorn's keep-alive timer alone
  restarts on every byte);
- ``400`` for request targets uvicorn would choke on (non-ASCII bytes);
- signal handling that stops cleanly on SIGINT/SIGTERM without re-raising
  the signal afterwards, and a hook that runs when shutdown begins (to end
  live-reload streams, which would otherwise hold shutdown up).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import signal
import socket
import threading
import time
from http import HTTPStatus
from typing import Any, Callable, Iterator

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

MAX_HEADER_BYTES = 16 * 1024  # request line + headers
HEADER_TIMEOUT = 10.0  # seconds to send a complete request head
KEEP_ALIVE_TIMEOUT = 5  # seconds an idle keep-alive connection is kept
GRACEFUL_SHUTDOWN = 5  # seconds in-flight requests get on shutdown


def _raw_response(status: int, message: str) -> bytes:
    body = (message + "\n").encode()
    head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
            "content-type: text/plain; charset=utf-8\r\n"
            f"content-length: {len(body)}\r\n"
            "connection: close\r\n\r\n")
    return head.encode("ascii") + body


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with 431, a request-head deadline and 400 for odd targets."""

    header_timeout: float = HEADER_TIMEOUT
    max_header_bytes: int = MAX_HEADER_BYTES
    on_reject: Callable[[tuple[str, int] | None, int, str], None] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._error_status = 400
        self._head_timer: asyncio.TimerHandle | None = None
        plain_next_event = self.conn.next_event

        def next_event() -> Any:
            try:
                event = plain_next_event()
            except h11.RemoteProtocolError as exc:
                self._error_status = exc.error_status_hint
                raise
            if isinstance(event, h11.Request):
                self._cancel_head_timer()
                # h11 bounds only a head that arrives in pieces; bound one that came whole too.
                size = len(event.method) + len(event.target) + sum(len(k) + len(v) + 4 for k, v in event.headers)
                if size > self.max_header_bytes:
                    self._error_status = 431
                    raise h11.RemoteProtocolError("request head too large", error_status_hint=431)
            return event

        self.conn.next_event = next_event  # type: ignore[method-assign]

    # -- request-head deadline --------------------------------------------------

    def _arm_head_timer(self) -> None:
        if self._head_timer is None and self.header_timeout > 0:
            self._head_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport is None or self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is being answered: not ours to cut
        self._reject(408, "request head not received in time")

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def data_received(self, data: bytes) -> None:
        if self.cycle is None or self.cycle.response_complete:
            self._arm_head_timer()  # waiting for the next request's head
        try:
            super().data_received(data)
        except Exception:  # e.g. a non-ASCII request target: uvicorn decodes it as ASCII
            if not self.transport.is_closing():
                self._reject(400, "malformed request")

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    # -- error responses --------------------------------------------------------------

    def send_400_response(self, msg: str) -> None:
        status = self._error_status if self._error_status in (400, 413, 414, 431) else 400
        reason = {431: "request header fields too large"}.get(status, "malformed request")
        self._reject(status, reason)

    def _reject(self, status: int, message: str) -> None:
        self._cancel_head_timer()
        if self.on_reject is not None:
            self.on_reject(self.client, status, message)
        try:
            self.transport.write(_raw_response(status, message))
        finally:
            self.transport.close()


class Server(uvicorn.Server):
    """uvicorn's server with our signal handling and a shutdown hook."""

    def __init__(self, config: uvicorn.Config, on_startup: Callable[[asyncio.AbstractEventLoop], None] | None = None,
                 on_shutdown: Callable[[], None] | None = None) -> None:
        super().__init__(config)
        self._on_startup = on_startup
        self._on_shutdown = on_shutdown
        self.signal: int | None = None

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        original = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)

    def handle_exit(self, sig: int, frame: Any) -> None:
        self.signal = sig
        super().handle_exit(sig, frame)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        if self._on_startup is not None:
            self._on_startup(asyncio.get_running_loop())
        await super().startup(sockets=sockets)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self._on_shutdown is not None:
            self._on_shutdown()
        await super().shutdown(sockets=sockets)


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
