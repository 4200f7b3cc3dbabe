"""The ASGI application of ``wasmblog serve``: routing like a static host, bounded rendering, answers.

Routing (:mod:`renderer.routing`, shared with the deployed ``wasi:http``
component so both answer alike): ``/`` and ``/index.html``, ``/posts/x/``
and ``/posts/x/index.html`` serve the same file; ``/posts/x`` redirects
(301) to ``/posts/x/``; feeds, the sitemap, CSS, robots.txt and aliases are
served at their output paths; a base_url path prefix
(``https://example.org/blog/``) moves the site under ``/blog/`` and ``/``
redirects there; anything else gets the site's 404 page with status 404.
Request paths are decoded once and strictly
(:func:`renderer.routing.decode_path`); static files are opened through
:func:`wasm_host.serve.staticfiles.open_static`.

Rendering: at most ``max_inflight`` renders on worker threads, at most
``max_queue`` requests waiting (FIFO, for at most ``queue_timeout`` s), then
``503`` with ``Retry-After``. A render stopped by the engine (deadline,
memory cap, trap) or failing in the theme gives a ``500`` page; nothing
else is affected. Requests are logged in common log format plus the
render time and the total time.
"""

from __future__ import annotations

import asyncio
import collections
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Awaitable, Callable, Mapping

from renderer import routing
from renderer.routing import BadPath, body_etag, decode_path, etag_matches, http_date

from ..site.mime import content_type

from . import livereload
from .editor import Editor
from .queue import Overloaded, RenderQueue
from .staticfiles import OpenedFile, open_static
from .options import ServeOptions
from .sitehost import Rendered, SiteHost
from .snapshot import Bytes, Failed, Job, PlannedSnapshot, Snapshot, StaticFile

STREAM_CHUNK = 256 * 1024

# After an edit (memo mode), the pages readers opened lately are rendered again in the background, the
# most recent first, once the page the writer has open had its turn (the live-reload message makes the
# tab ask for it at once): the home page, a list or a feed in another tab is then served from memory.
FOLLOW_UP_PAGES = 32
FOLLOW_UP_DELAY = 0.25  # seconds


# --- the ASGI application ---------------------------------------------------------------

Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]

_COMMON = list(routing.COMMON)
_NO_CACHE = routing.NO_CACHE
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def clf_time(now: float) -> str:
    """``10/Oct/2000:13:55:36 -0700``, the common log format's time (English month names, any locale)."""
    t = time.localtime(now)
    offset = t.tm_gmtoff or 0
    sign = "-" if offset < 0 else "+"
    offset = abs(offset)
    return (f"{t.tm_mday:02d}/{_MONTHS[t.tm_mon - 1]}/{t.tm_year}:{t.tm_hour:02d}:{t.tm_min:02d}:"
            f"{t.tm_sec:02d} {sign}{offset // 3600:02d}{offset % 3600 // 60:02d}")


def _printable(raw: bytes) -> str:
    text = raw.decode("latin-1")
    return "".join(ch if 0x20 < ord(ch) < 0x7f and ch not in '"\\' else f"\\x{ord(ch):02x}" for ch in text)


@dataclass
class Stats:
    requests: int = 0
    renders: int = 0
    follow_ups: int = 0  # pages rendered again after an edit, off the readers' path
    followed: list[str] = field(default_factory=list)  # their paths, the latest FOLLOW_UP_PAGES
    faults: int = 0
    rejected: int = 0
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)


class ServeApp:
    """The ASGI application: routing, static files, rendering, live reload, logging."""

    def __init__(self, host: SiteHost, options: ServeOptions, log: Callable[[str], None],
                 access_log: Callable[[str], None] | None) -> None:
        self.host = host
        self.options = options
        self.log = log
        self.access_log = access_log
        self.queue = RenderQueue(options.max_inflight, options.max_queue, options.queue_timeout)
        self.live = livereload.LiveReload() if options.live_reload else None
        self.stats = Stats()
        self._refreshing: asyncio.Future[bool] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._opened: collections.OrderedDict[str, None] = collections.OrderedDict()  # generated paths asked for
        self._follow_up: asyncio.Task[None] | None = None
        self._reload_pool = ThreadPoolExecutor(1, thread_name_prefix="wasmblog-reload")
        if self.live is not None:
            snap = host.snapshot
            self.live.bump(snap.generation if snap else 0)
        self.editor = Editor(host, options, self.current, log) if options.editor_token else None

    # -- lifecycle -----------------------------------------------------------------------

    def started(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        if self.live is not None:
            self.live.bind(loop)

    def closing(self) -> None:
        if self.live is not None:
            self.live.close()
        if self._follow_up is not None:
            self._follow_up.cancel()

    def close(self) -> None:
        self.queue.close()
        self._reload_pool.shutdown(wait=False, cancel_futures=True)

    def on_change(self, snap: Snapshot) -> None:
        """A new version of the site is served (called from any thread)."""
        if self.live is not None:
            self.live.bump(snap.generation)
        loop = self._loop
        if self.options.mode == "memo" and self._opened and loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._follow, snap)
            except RuntimeError:  # the loop closed meanwhile
                pass

    def _follow(self, snap: Snapshot) -> None:
        if self._follow_up is not None:
            self._follow_up.cancel()  # the newer version's pages replace the older's
        self._follow_up = asyncio.ensure_future(self._render_opened(snap))

    async def _render_opened(self, snap: Snapshot) -> None:
        """Render again, one at a time, the pages readers opened lately whose inputs changed."""
        await asyncio.sleep(FOLLOW_UP_DELAY)
        for target in reversed(list(self._opened)):
            if self.host.snapshot is not snap:
                return
            entry = snap.lookup(target)
            if not isinstance(entry, Job) or entry.key is None or not isinstance(snap, PlannedSnapshot):
                continue  # gone, or already in memory
            try:
                result: Rendered = await self.queue.run(self.host.render, snap, entry.job)
            except Overloaded:  # readers come first
                return
            self.host.remember(entry, result)
            self.stats.follow_ups += 1
            self.stats.followed = [*self.stats.followed[-FOLLOW_UP_PAGES + 1:], target]

    def _opened_page(self, target: str) -> None:
        self._opened[target] = None
        self._opened.move_to_end(target)
        while len(self._opened) > FOLLOW_UP_PAGES:
            self._opened.popitem(last=False)

    async def current(self) -> Snapshot:
        """The snapshot to answer from: reloaded first if the folder changed."""
        host = self.host
        for _ in range(3):
            if not host.needs_refresh():
                break
            if self._refreshing is None or self._refreshing.done():
                self._refreshing = asyncio.get_running_loop().run_in_executor(self._reload_pool, host.refresh)
            try:
                await asyncio.shield(self._refreshing)
            except Exception as exc:  # refresh reports its own problems; never fail a request for it
                self.log(f"wasmblog: reload failed: {exc}")
                break
        snap = host.snapshot
        assert snap is not None
        return snap

    # -- ASGI ----------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        outcome = _Outcome()
        try:
            await self._handle(scope, receive, send, outcome)
        finally:
            self.stats.requests += 1
            self.stats.statuses[outcome.status] += 1
            if self.access_log is not None:
                self._log_request(scope, outcome, time.perf_counter() - started)

    def _log_request(self, scope: dict[str, Any], outcome: _Outcome, seconds: float) -> None:
        client = scope.get("client")
        target = scope.get("raw_path") or scope.get("path", "").encode()
        if scope.get("query_string"):
            target += b"?" + scope["query_string"]
        render = f"{outcome.render * 1e3:.2f}ms" if outcome.render is not None else "-"
        assert self.access_log is not None
        self.access_log(f'{client[0] if client else "-"} - - [{clf_time(time.time())}] '
                        f'"{scope["method"]} {_printable(target)} HTTP/{scope.get("http_version", "1.1")}" '
                        f"{outcome.status} {outcome.length or '-'} render={render} total={seconds * 1e3:.2f}ms")

    async def _handle(self, scope: dict[str, Any], receive: Receive, send: Send, out: _Outcome) -> None:
        method = scope["method"]
        head = method == "HEAD"
        headers = _headers(scope)
        if self.editor is not None and self.editor.handles(scope["path"]):
            out.status = await self.editor(scope, receive, send, scope["path"], headers)
            return
        refusal = routing.check_request(method, headers)
        if refusal is not None:
            await self._plain(send, out, refusal.status, refusal.message, head, list(refusal.headers))
            return
        raw = scope.get("raw_path") or scope["path"].encode("utf-8")
        try:
            path = decode_path(raw)
        except BadPath as exc:
            await self._plain(send, out, 400, f"bad request path: {exc}", head)
            return
        query = scope.get("query_string") or b""

        if path == livereload.EVENTS_PATH and self.live is not None:
            out.status = 200
            if head:
                await send({"type": "http.response.start", "status": 200,
                            "headers": [(b"content-type", b"text/event-stream; charset=utf-8"), *_COMMON]})
                await send({"type": "http.response.body", "body": b""})
                return
            await self.live.stream(receive, send)
            return

        snap = await self.current()
        where = routing.route(path, snap.base_path, snap.__contains__)
        if isinstance(where, routing.Serve):
            await self._serve(snap, where.target, headers, send, out, head, 200)
        elif isinstance(where, routing.Redirect):
            await self._redirect(send, out, where.status, where.location, query, head)
        else:
            await self._not_found(snap, send, out, head, where.page)

    # -- answers ---------------------------------------------------------------------------

    async def _serve(self, snap: Snapshot, target: str, headers: Mapping[str, str], send: Send,
                     out: _Outcome, head: bool, status: int) -> None:
        entry = snap.lookup(target)
        if isinstance(entry, StaticFile):
            await self._static_file(snap, target, headers, send, out, head, status, entry)
            return
        if entry is None:  # only the 404 page can be missing here (a custom 404.html that failed)
            await self._plain(send, out, 404, "not found", head)
            return
        if isinstance(entry, Failed):  # memo mode: failed before with these very inputs
            await self._failed(send, out, target, entry.kind, entry.message, head)
            return
        if self.options.mode == "memo" and status == 200:
            self._opened_page(target)
        ctype = content_type(target)
        inject = self.live is not None and ctype.startswith("text/html")
        timing: list[tuple[bytes, bytes]] = []
        if isinstance(entry, Bytes):
            body, etag = entry.body, entry.etag
            if inject:
                body = livereload.inject(body)
                etag = body_etag(body)
        else:
            if status == 200 and entry.etag and etag_matches(headers.get("if-none-match", ""), entry.etag):
                await self._not_modified(send, out, [(b"etag", entry.etag.encode())])
                return
            # The native engine cannot be stopped: stop waiting for it instead (wasm stops itself).
            soft_timeout = snap.engine.timeout if snap.engine.name == "native" else None
            try:
                result: Rendered = await self.queue.run(self.host.render, snap, entry.job, soft_timeout=soft_timeout)
            except Overloaded as exc:
                self.stats.rejected += 1
                await self._error_page(send, out, 503, "Busy", "The server is rendering as many pages as it may "
                                       "and its queue is full. Try again in a moment.", head,
                                       [(b"retry-after", b"1")], detail=str(exc))
                return
            except TimeoutError:
                result = Rendered(None, "timeout", f"rendering exceeded {soft_timeout:g} s "
                                                   "(limits.render_timeout); the native engine cannot stop it",
                                  soft_timeout or 0.0)
            out.render = result.seconds
            self.stats.renders += 1
            if entry.key is not None:  # memo mode: served from memory until its inputs change, failed or not
                self.host.remember(entry, result)
            if result.body is None:
                self.stats.faults += 1
                self.log(f"wasmblog: {target}: {result.kind}: {result.message}")
                await self._failed(send, out, target, result.kind, result.message, head)
                return
            body = livereload.inject(result.body) if inject else result.body
            etag = body_etag(body)
            if status == 200 and isinstance(snap, PlannedSnapshot):
                snap.remember(target, etag)
            timing.append((b"server-timing", f"render;dur={result.seconds * 1e3:.2f}".encode()))
        extra = [(b"etag", etag.encode()), *timing]
        if status == 200 and etag_matches(headers.get("if-none-match", ""), etag):
            await self._not_modified(send, out, extra)
            return
        await self._send(send, out, status, ctype, body, head, extra + [_NO_CACHE])

    async def _static_file(self, snap: Snapshot, target: str, headers: Mapping[str, str], send: Send,
                           out: _Outcome, head: bool, status: int, entry: StaticFile | None = None) -> None:
        root = entry.root if entry is not None else None
        rel = entry.rel if entry is not None and root is not None else None
        if root is not None and rel is not None:  # a page bundle's file, from the site folder (never outside it)
            opened = open_static(root, rel)
        else:
            opened = open_static(snap.static_root, target)
        if opened is None:
            where = rel if rel is not None else f"static/{target}"
            self.log(f"wasmblog: refused {where}: not a regular file inside the site any more")
            if status == 404:
                await self._plain(send, out, 404, "not found", head)
            else:
                await self._not_found(snap, send, out, head)
            return
        try:
            validators = [(b"etag", opened.etag.encode()), (b"last-modified", http_date(opened.mtime).encode())]
            if status == 200 and routing.static_not_modified(headers, opened.etag, opened.mtime):
                await self._not_modified(send, out, validators)
                return
            start_headers = [(b"content-type", content_type(target).encode()),
                             (b"content-length", str(opened.size).encode()), _NO_CACHE, *validators, *_COMMON]
            out.status, out.length = status, opened.size
            await send({"type": "http.response.start", "status": status, "headers": start_headers})
            if head:
                await send({"type": "http.response.body", "body": b""})
                return
            await _stream(opened, send)
        finally:
            opened.close()

    async def _not_found(self, snap: Snapshot, send: Send, out: _Outcome, head: bool,
                         page: str = "404.html") -> None:
        if page in snap:  # the 404 page of the path's language (routing.NotFound), else the site's
            await self._serve(snap, page, {}, send, out, head, 404)
        elif "404.html" in snap:
            await self._serve(snap, "404.html", {}, send, out, head, 404)
        else:
            await self._plain(send, out, 404, "not found", head)

    async def _redirect(self, send: Send, out: _Outcome, status: int, location: str, query: bytes,
                        head: bool) -> None:
        url, body = routing.redirect_answer(location, query)
        await self._send(send, out, status, "text/html; charset=utf-8", body, head,
                         [(b"location", url.encode("latin-1"))])

    async def _not_modified(self, send: Send, out: _Outcome, validators: list[tuple[bytes, bytes]]) -> None:
        out.status, out.length = 304, 0
        await send({"type": "http.response.start", "status": 304, "headers": [*validators, _NO_CACHE, *_COMMON]})
        await send({"type": "http.response.body", "body": b""})

    async def _failed(self, send: Send, out: _Outcome, target: str, kind: str, message: str, head: bool) -> None:
        """The 500 page of a page that could not be rendered: on a development server (loopback) with
        the diagnostic, and reloading by itself once an edit fixes it (live reload)."""
        await self._error_page(send, out, 500, "This page could not be rendered",
                               f"The sandbox that rendered /{target} stopped ({kind}). The server carries on; "
                               "other pages are not affected. Fix the problem below and this page reloads "
                               "by itself." if self.live is not None else
                               f"The sandbox that rendered /{target} stopped ({kind}). The server carries on; "
                               "other pages are not affected.", head, detail=message)

    async def _error_page(self, send: Send, out: _Outcome, status: int, title: str, text: str, head: bool,
                          extra: list[tuple[bytes, bytes]] | None = None, detail: str = "") -> None:
        body = routing.error_page(status, title, text, detail if self.options.show_errors else "")
        if self.live is not None:
            body = livereload.inject(body)  # so the tab reloads once the problem is fixed
        await self._send(send, out, status, "text/html; charset=utf-8", body, head,
                         [(b"cache-control", b"no-store"), *(extra or [])])

    async def _plain(self, send: Send, out: _Outcome, status: int, message: str, head: bool,
                     extra: list[tuple[bytes, bytes]] | None = None) -> None:
        await self._send(send, out, status, routing.PLAIN, routing.plain_body(message), head,
                         [routing.NO_STORE, *(extra or [])])

    async def _send(self, send: Send, out: _Outcome, status: int, ctype: str, body: bytes, head: bool,
                    extra: list[tuple[bytes, bytes]]) -> None:
        out.status, out.length = status, len(body)
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", ctype.encode()), (b"content-length", str(len(body)).encode()), *extra, *_COMMON]})
        await send({"type": "http.response.body", "body": b"" if head else body})


@dataclass
class _Outcome:
    status: int = 500
    length: int = 0
    render: float | None = None


def _headers(scope: dict[str, Any]) -> dict[str, str]:
    return routing.join_headers(scope.get("headers", []))


async def _stream(opened: OpenedFile, send: Send) -> None:
    remaining = opened.size
    loop = asyncio.get_running_loop()
    while remaining > 0:
        size = min(STREAM_CHUNK, remaining)
        if opened.size <= STREAM_CHUNK:
            chunk = os.read(opened.fd, size)
        else:  # large files: keep the event loop free while the disk works
            chunk = await loop.run_in_executor(None, os.read, opened.fd, size)
        if not chunk:  # the file shrank under us: the promised length cannot be met
            raise OSError("static file changed while it was being sent")
        remaining -= len(chunk)
        await send({"type": "http.response.body", "body": chunk, "more_body": remaining > 0})
    if opened.size == 0:
        await send({"type": "http.response.body", "body": b""})
