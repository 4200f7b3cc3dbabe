"""Live reload: a tab that shows the site reloads itself when the site changes.

Pages served with live reload on get a small script before ``</body>``
that listens to ``/__wasmblog/events`` (Server-Sent Events, so no WebSocket
library is needed). Each stream first says ``hello`` with the server's
token (a per-process id and the site's generation); after every change to
the site folder the server sends ``reload`` with the new token, and the
script reloads the page. A tab that reconnects to a restarted server gets a
new token in ``hello`` and reloads too. The script is never in ``wasmblog
build`` output, and is off by default in per-request mode so that pages
are byte-identical to the build.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from typing import Any
from collections.abc import Awaitable, Callable

EVENTS_PATH = "/__wasmblog/events"
HEARTBEAT_SECONDS = 15.0

SCRIPT = (
    '<script data-wasmblog="live-reload">(function(){'
    'if(!window.EventSource)return;'
    f'var v=null,s=new EventSource("{EVENTS_PATH}");'
    's.addEventListener("hello",function(e){if(v!==null&&e.data!==v){location.reload()}v=e.data});'
    's.addEventListener("reload",function(e){if(e.data!==v){v=e.data;location.reload()}});'
    "})();</script>\n"
).encode()


def inject(body: bytes) -> bytes:
    """``body`` with the live-reload script before the last ``</body>`` (or at the end)."""
    at = body.lower().rfind(b"</body>")
    if at < 0:
        return body + SCRIPT
    return body[:at] + SCRIPT + body[at:]


class LiveReload:
    """Tells connected tabs that the site changed. ``bump`` may be called from any thread."""

    def __init__(self) -> None:
        self._boot = secrets.token_hex(4)
        self._generation = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiters: set[asyncio.Event] = set()
        self._closing = False
        self._lock = threading.Lock()

    @property
    def token(self) -> str:
        return f"{self._boot}-{self._generation}"

    @property
    def clients(self) -> int:
        return len(self._waiters)

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def bump(self, generation: int) -> None:
        with self._lock:
            self._generation = generation
            loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._wake)
            except RuntimeError:  # the loop closed meanwhile
                pass

    def close(self) -> None:
        """End every stream (server shutdown)."""
        self._closing = True
        self._wake()

    def _wake(self) -> None:
        for event in list(self._waiters):
            event.set()

    async def stream(self, receive: Callable[[], Awaitable[dict[str, Any]]],
                     send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        """Serve one event stream until the client goes away or the server stops."""
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            (b"cache-control", b"no-store"),
            (b"x-content-type-options", b"nosniff"),
            (b"x-accel-buffering", b"no"),
        ]})
        sent = self.token
        await send({"type": "http.response.body", "more_body": True,
                    "body": f"retry: 1000\nevent: hello\ndata: {sent}\n\n".encode()})
        wake = asyncio.Event()
        self._waiters.add(wake)
        disconnect = asyncio.ensure_future(_wait_disconnect(receive))
        try:
            while not self._closing and not disconnect.done():
                waiter = asyncio.ensure_future(wake.wait())
                done, _ = await asyncio.wait({waiter, disconnect}, timeout=HEARTBEAT_SECONDS,
                                             return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
                wake.clear()
                if disconnect.done() or self._closing:
                    break
                token = self.token
                if token != sent:
                    sent = token
                    chunk = f"event: reload\ndata: {token}\n\n".encode()
                else:
                    chunk = b": keep-alive\n\n"
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            self._waiters.discard(wake)
            disconnect.cancel()


async def _wait_disconnect(receive: Callable[[], Awaitable[dict[str, Any]]]) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
