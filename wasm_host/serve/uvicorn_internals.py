"""Every use of uvicorn's (and h11's) internals, in one place, for one version.

uvicorn has no public hook for what a public-facing server needs beyond its
options (``wasm_host/serve/http.py`` sets those): it answers every protocol
error with 400 (h11 knows 431), its keep-alive timer alone restarts on every
byte (a client can trickle a head forever), its request-target decoding
raises on non-ASCII bytes, and it re-raises the signal it caught after
shutdown. uvicorn's ``http=`` option takes a protocol class, so these are a
subclass of its ``H11Protocol`` (reaching into ``self.conn``, ``self.cycle``,
``self.transport``, ``send_400_response``) and of ``uvicorn.Server``
(``capture_signals``, ``handle_exit``, ``startup``, ``shutdown``). The
connection itself is h11's public ``Connection``, subclassed: its
``next_event`` records the status h11 suggests and bounds a head that
arrived whole (h11 bounds only one that arrives in pieces).

This module refuses a uvicorn it was not written for, and
``tests/internals/test_uvicorn_internals.py`` checks each of those by its
behaviour: an upgrade fails there instead of misbehaving on a server.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
from http import HTTPStatus
from typing import Any
from collections.abc import Callable, Iterator

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

SUPPORTED = ((0, 54), (0, 55))  # uvicorn versions this module was written and tested for: >= 0.54, < 0.55
VERSION = uvicorn.__version__

if not SUPPORTED[0] <= tuple(int(part) for part in VERSION.split(".")[:2]) < SUPPORTED[1]:
    raise ImportError(f"wasmblog serve subclasses uvicorn 0.54's h11 protocol and server "
                      f"(wasm_host/serve/uvicorn_internals.py) but uvicorn {VERSION} is installed: "
                      f"install uvicorn==0.54.0 (as pyproject.toml pins it) or port that module")

MAX_HEADER_BYTES = 16 * 1024  # request line + headers
HEADER_TIMEOUT = 10.0  # seconds to send a complete request head


def _raw_response(status: int, message: str) -> bytes:
    body = (message + "\n").encode()
    head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
            "content-type: text/plain; charset=utf-8\r\n"
            f"content-length: {len(body)}\r\n"
            "connection: close\r\n\r\n")
    return head.encode("ascii") + body


class GuardedConnection(h11.Connection):
    """h11's connection that keeps the status h11 suggests for an error, bounds a head that came
    whole, and says when a request head is complete."""

    def __init__(self, max_header_bytes: int, on_request: Callable[[], None]) -> None:
        super().__init__(h11.SERVER, max_incomplete_event_size=max_header_bytes)
        self.max_header_bytes = max_header_bytes
        self.on_request = on_request
        self.error_status = 400

    def next_event(self) -> Any:
        try:
            event = super().next_event()
        except h11.RemoteProtocolError as exc:
            self.error_status = exc.error_status_hint
            raise
        if isinstance(event, h11.Request):
            self.on_request()
            # h11 bounds only a head that arrives in pieces; bound one that came whole too.
            size = len(event.method) + len(event.target) + sum(len(k) + len(v) + 4 for k, v in event.headers)
            if size > self.max_header_bytes:
                self.error_status = 431
                raise h11.RemoteProtocolError("request head too large", error_status_hint=431)
        return event


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with 431, a request-head deadline and 400 for odd targets."""

    header_timeout: float = HEADER_TIMEOUT
    max_header_bytes: int = MAX_HEADER_BYTES
    on_reject: Callable[[tuple[str, int] | None, int, str], None] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None
        # uvicorn made a plain h11 connection, with nothing sent or received yet: ours replaces it.
        self.conn = GuardedConnection(self.max_header_bytes, on_request=self._cancel_head_timer)

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

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn's own
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
        error = self.conn.error_status if isinstance(self.conn, GuardedConnection) else 400
        status = error if error in (400, 413, 414, 431) else 400
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
