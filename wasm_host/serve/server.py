"""``wasmblog serve``: pages rendered by fresh sandboxes, from memory or on every request.

Three modes, one URL scheme (that of a static host serving ``wasmblog build``
output):

- ``memo`` (the command line's default): the host keeps the site parsed and
  planned in memory; a page is rendered by a fresh sandbox instance the
  first time its inputs are seen, then served from memory by their hash
  (its render-cache key) until an edit changes them. Pages ``wasmblog build``
  already rendered come from the site's render cache.
- ``per-request``: the same, except that every page request gets a new
  sandbox instance that renders exactly that page's job and is dropped: the
  unikernel model, and the measure of what a sandbox costs.
- ``static``: the site is built into memory with the same code as ``wasmblog
  build`` and those bytes are served; it is rebuilt on change.

In every mode the body is byte for byte the file the build writes for that
URL (live reload, on by default in memo and static modes, adds its script
to HTML pages). Static files come from ``SITE/static`` through the host,
with validators and conditional requests; the folder is watched, and a
request made after a change is answered from the changed site. Renders run
on worker threads (wasmtime releases the GIL): a bounded number in flight,
then a bounded queue, then ``503``. See :mod:`wasm_host.serve.http` for the
HTTP-level guards and :mod:`wasm_host.serve.livereload` for live reload.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Callable

from ..engines import Renderer, make_renderer
from ..site import RenderCache, with_limits
from . import http
from .uvicorn_internals import Server
from .app import ServeApp, clf_time
from .console import announce, stderr
from .options import SPARE_INSTANCES, WATCH_INTERVAL, ServeOptions
from .sitehost import SiteHost, read_site_config
from .supervisor import supervise


@dataclass
class Service:
    """A loaded site and its application, ready to be served on a socket."""

    root: Path
    options: ServeOptions
    engine: Renderer
    host: SiteHost
    app: ServeApp
    log: Callable[[str], None]
    _owns_engine: bool = False
    _watch_stop: threading.Event = field(default_factory=threading.Event)
    _watch_thread: threading.Thread | None = None

    def start_watching(self) -> None:
        interval = WATCH_INTERVAL if not self.options.poll else 2 * WATCH_INTERVAL

        watcher = self.host.watcher

        def run() -> None:
            # With inotify the thread sleeps on the descriptor and wakes when a change arrives, so the
            # live-reload message leaves as soon as the site is reloaded (polling every 250 ms added
            # 125 ms on average to the writer's loop); polling checks every interval.
            while not self._watch_stop.is_set():
                try:
                    if not self.options.poll and watcher.wait(interval):
                        self.host.refresh()
                    elif self._watch_stop.wait(interval if self.options.poll else 0):
                        break
                    elif self.options.poll:
                        self.host.refresh()
                except Exception as exc:  # keep watching whatever happens
                    self.log(f"wasmblog: watching {self.root}: {exc}")
                    self._watch_stop.wait(interval)

        self._watch_thread = threading.Thread(target=run, name="wasmblog-watch", daemon=True)
        self._watch_thread.start()

    def make_server(self, header_timeout: float | None = None) -> Server:
        def rejected(client: tuple[str, int] | None, status: int, message: str) -> None:
            self.app.stats.statuses[status] += 1
            if self.app.access_log is not None:
                self.app.access_log(f'{client[0] if client else "-"} - - [{clf_time(time.time())}] "-" '
                                    f"{status} - ({message})")

        config = http.make_config(self.app, max_connections=self.options.max_connections,
                                        header_timeout=header_timeout or self.options.header_timeout,
                                        on_reject=rejected)
        return Server(config, on_startup=self.app.started, on_shutdown=self._closing)

    def _closing(self) -> None:
        self._watch_stop.set()
        self.app.closing()

    def close(self) -> None:
        self._watch_stop.set()
        if self._watch_thread is not None:
            self._watch_thread.join(timeout=5)
        self.app.close()
        self.host.close()
        close = getattr(self.engine, "close", None)
        if callable(close) and self._owns_engine:
            close()


def create_service(site: Path | str, options: ServeOptions, *, host: str = "127.0.0.1",
                   engine: Renderer | None = None, log: Callable[[str], None] = stderr,
                   access_log: Callable[[str], None] | None = stderr, report: bool = True) -> Service:
    """Load ``site`` and make the application (nothing is bound yet)."""
    root = Path(site)
    if not root.is_dir():
        raise FileNotFoundError(f"{site}: no such site folder (expected site.toml, posts/, static/)")
    opts = options.resolved(host)
    owns_engine = engine is None
    if engine is None:
        limits = with_limits(read_site_config(root), opts.limits).limits
        if opts.engine == "wasm":
            from ..engines.instances import PrewarmedWasmRenderer

            engine = PrewarmedWasmRenderer(timeout=limits.render_timeout, memory_mb=limits.memory_mb,
                                           cache_dir=opts.cache_dir, spares=SPARE_INSTANCES)
        else:
            engine = make_renderer(opts.engine, timeout=limits.render_timeout, memory_mb=limits.memory_mb,
                                   cache_dir=opts.cache_dir)
    cache = None if opts.no_cache else _site_cache(root, log)
    site_host = SiteHost(root, engine, opts, log, report=report, cache=cache)
    site_host.load()
    if owns_engine and opts.engine == "wasm" and opts.mode != "static":
        site_host.warm_up()
    app = ServeApp(site_host, opts, log, access_log)
    site_host.on_change = app.on_change  # told of every later snapshot (the first one, the app read itself)
    return Service(root, opts, engine, site_host, app, log, owns_engine)


def _site_cache(root: Path, log: Callable[[str], None]) -> RenderCache | None:
    """The site's render cache on disk, shared with `wasmblog build`; in memory if it cannot be opened."""
    try:
        return RenderCache.for_site(root)
    except (OSError, sqlite3.Error) as exc:
        log(f"wasmblog: warning: serving without the render cache on disk: {exc}")
        return None


class ServerThread:
    """A server on a background thread (tests, benchmarks): ``with ServerThread(...) as s: s.url``."""

    def __init__(self, site: Path | str, options: ServeOptions | None = None, *, host: str = "127.0.0.1",
                 port: int = 0, engine: Renderer | None = None, log: Callable[[str], None] | None = None,
                 access_log: Callable[[str], None] | None = None, header_timeout: float | None = None) -> None:
        self.logs: list[str] = []
        sink = log or self.logs.append
        self.service = create_service(site, options or ServeOptions(), host=host, engine=engine, log=sink,
                                      access_log=access_log or self.logs.append)
        self.sock = http.bind(host, port)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://{'[' + host + ']' if ':' in host else host}:{self.port}"
        self.server = self.service.make_server(header_timeout)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       name="wasmblog-serve", daemon=True)

    @property
    def app(self) -> ServeApp:
        return self.service.app

    def start(self) -> ServerThread:
        self.service.start_watching()
        self.thread.start()
        http.wait_started(self.server, self.thread)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.service.close()
        self.sock.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def _describe(service: Service, workers: int) -> dict[str, Any]:
    snap = service.host.snapshot
    assert snap is not None
    opts = service.options
    return {"posts": snap.post_count, "pages": snap.page_count, "static": len(snap.static),
            "errors": sum(d.is_error for d in snap.diagnostics), "base_path": snap.base_path,
            "engine": service.engine.name, "mode": opts.mode, "inflight": opts.max_inflight * workers,
            "queue": opts.max_queue * workers, "live_reload": bool(opts.live_reload),
            "watching": "inotify" if hasattr(service.host.watcher, "fd") else "polling",
            "editor": bool(opts.editor_token)}


def serve(site: str, options: ServeOptions, *, host: str = "127.0.0.1", port: int = 8000,
          log: Callable[[str], None] = stderr, access_log: Callable[[str], None] | None = stderr) -> int:
    """Run the server in the foreground until SIGINT/SIGTERM; returns an exit status.

    With ``options.workers`` > 1, that many worker processes share the
    listening socket (each with its own copy of the site and its own
    sandboxes: wasm instances in one process contend for its address space,
    separate processes do not), and this process supervises them.
    """
    opts = options.resolved(host)
    try:
        sock = http.bind(host, port)
    except OSError as exc:
        log(f"error: {exc}" + (" (is another server running? try --port 0)"
                               if getattr(exc, "errno", None) == 98 else ""))
        return 1
    log(f"wasmblog: loading {site} ...")
    try:
        if opts.workers > 1:
            return supervise(site, opts, sock, host, log, quiet=access_log is None)
        return serve_here(site, opts, sock, host, log, access_log)
    finally:
        sock.close()


def serve_here(site: str, opts: ServeOptions, sock: socket.socket, host: str, log: Callable[[str], None],
                access_log: Callable[[str], None] | None, worker: int | None = None,
                ready: Callable[[dict[str, Any]], None] | None = None) -> int:
    """Serve on ``sock`` in this process (the single server, or one worker of several)."""
    started = time.perf_counter()
    service = create_service(site, opts, host=host, log=log, access_log=access_log, report=not worker)
    if ready is not None:
        ready(_describe(service, 1))
    else:
        announce(site, host, sock.getsockname()[1], _describe(service, 1), 1, time.perf_counter() - started, log)
    server = service.make_server()
    service.start_watching()
    if worker is not None:  # a worker whose supervisor died stops too
        parent = os.getppid()

        def orphaned() -> None:
            while not server.should_exit:
                if os.getppid() != parent:
                    server.should_exit = True
                time.sleep(0.5)

        threading.Thread(target=orphaned, name="wasmblog-orphan", daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        stuck = service.app.queue.running
        service.close()
    if worker is None:
        why = signal.Signals(server.signal).name if server.signal else ""  # SIGINT or SIGTERM, the two it handles
        log(f"wasmblog: stopped{' (' + why + ')' if why else ''} after {server.server_state.total_requests} requests")
    if stuck:
        # Native renders cannot be interrupted; threads still running would keep the
        # process alive at exit. Everything has been answered or dropped: leave now.
        log(f"wasmblog: {stuck} render{'s' * (stuck != 1)} still running (the native engine cannot stop them); "
            "exiting without waiting")
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    return 0
