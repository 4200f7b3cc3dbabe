"""``wasmblog serve``: a fresh sandbox for every request, or a built site from memory.

Two modes, one URL scheme (that of a static host serving ``wasmblog build``
output):

- ``per-request``: the host keeps the site parsed and planned in memory
  (posts parsed in sandboxes, cached per file content, so an edit re-parses
  one post); every page request gets a new sandbox instance that renders
  exactly that page's job and is dropped. The body is byte for byte the
  file the build writes for that URL.
- ``static``: the site is built into memory with the same code as ``wasmblog
  build`` and those bytes are served; it is rebuilt on change.

Either way static files come from ``SITE/static`` through the host, with
validators and conditional requests; the folder is watched, and a request
made after a change is answered from the changed site. Renders run on
worker threads (wasmtime releases the GIL): a bounded number in flight,
then a bounded queue, then ``503``. See :mod:`wasm_host.httpserver` for the
HTTP-level guards and :mod:`wasm_host.livereload` for live reload.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import signal
import socket
import subprocess
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from . import httpserver
from .engines import Renderer, make_renderer
from .serveapp import SAFE_URL_CHARS, ServeApp, clf_time
from .sitefs import with_limits
from .sitehost import SiteHost, site_config

MODES = ("per-request", "static")
QUEUE_TIMEOUT = 10.0  # seconds a request may wait for a render slot before 503
SPARE_INSTANCES = 2  # fresh wasm instances made ahead of requests (see wasm_host.instances)
WATCH_INTERVAL = 0.25  # seconds between background checks of the site folder


def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class ServeOptions:
    engine: str = "wasm"
    mode: str = "per-request"
    drafts: bool = False
    future: bool = False
    jobs: int = 0  # parse workers on reload (0: one per core)
    live_reload: bool | None = None  # None: on in static mode, off in per-request mode
    max_inflight: int = 0  # renders at once, all workers together (0: 2 x cores)
    max_queue: int = 128  # requests waiting for a render slot before 503, all workers together
    workers: int = 1  # server processes sharing the socket (0: one per core in per-request mode)
    queue_timeout: float = QUEUE_TIMEOUT
    max_connections: int = 1024  # open connections before uvicorn answers 503
    header_timeout: float = httpserver.HEADER_TIMEOUT
    poll: bool = False  # watch by polling instead of inotify
    cache_dir: str | None = None
    show_errors: bool | None = None  # fault details on 500 pages (None: when bound to loopback)
    limits: dict[str, float] = field(default_factory=dict)  # overrides of the site's [limits]

    def resolved(self, host: str = "127.0.0.1") -> "ServeOptions":
        """A copy with defaults filled in."""
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}: use {' or '.join(MODES)}")
        cores = cpu_count()
        inflight = self.max_inflight or 2 * cores
        jobs = self.jobs or cores
        if self.engine == "wasm":
            from .wasm import POOL_INSTANCES

            jobs = min(jobs, 16)
            # the pooling allocator's slots: renders, parse workers, spares and drops pending
            inflight = min(inflight, POOL_INSTANCES - jobs - 2 * SPARE_INSTANCES - 4)
        live = self.live_reload if self.live_reload is not None else self.mode == "static"
        show = self.show_errors if self.show_errors is not None else is_loopback(host)
        workers = self.workers or (cores if self.mode == "per-request" else 1)
        return dataclasses.replace(self, jobs=jobs, live_reload=live, max_inflight=max(1, inflight),
                                   max_queue=max(0, self.max_queue), workers=max(1, workers), show_errors=show)

    def for_worker(self, workers: int) -> "ServeOptions":
        """One worker's share of the bounds (options already resolved)."""
        return dataclasses.replace(self, workers=1, max_inflight=max(1, -(-self.max_inflight // workers)),
                                   max_queue=-(-self.max_queue // workers) if self.max_queue else 0,
                                   max_connections=max(1, -(-self.max_connections // workers)))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# --- running it -------------------------------------------------------------------------


def _stderr(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


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

        def run() -> None:
            while not self._watch_stop.wait(interval):
                try:
                    if self.options.poll or self.host.watcher.pending():
                        self.host.refresh()
                except Exception as exc:  # keep watching whatever happens
                    self.log(f"wasmblog: watching {self.root}: {exc}")

        self._watch_thread = threading.Thread(target=run, name="wasmblog-watch", daemon=True)
        self._watch_thread.start()

    def make_server(self, header_timeout: float | None = None) -> httpserver.Server:
        def rejected(client: tuple[str, int] | None, status: int, message: str) -> None:
            self.app.stats.statuses[status] += 1
            if self.app.access_log is not None:
                self.app.access_log(f'{client[0] if client else "-"} - - [{clf_time(time.time())}] "-" '
                                    f"{status} - ({message})")

        config = httpserver.make_config(self.app, max_connections=self.options.max_connections,
                                        header_timeout=header_timeout or self.options.header_timeout,
                                        on_reject=rejected)
        return httpserver.Server(config, on_startup=self.app.started, on_shutdown=self._closing)

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
                   engine: Renderer | None = None, log: Callable[[str], None] = _stderr,
                   access_log: Callable[[str], None] | None = _stderr, report: bool = True) -> Service:
    """Load ``site`` and make the application (nothing is bound yet)."""
    root = Path(site)
    if not root.is_dir():
        raise FileNotFoundError(f"{site}: no such site folder (expected site.toml, posts/, static/)")
    opts = options.resolved(host)
    owns_engine = engine is None
    if engine is None:
        limits = with_limits(site_config(root), opts.limits).limits
        if opts.engine == "wasm":
            from .instances import PrewarmedWasmRenderer

            engine = PrewarmedWasmRenderer(timeout=limits.render_timeout, memory_mb=limits.memory_mb,
                                           cache_dir=opts.cache_dir, spares=SPARE_INSTANCES)
        else:
            engine = make_renderer(opts.engine, timeout=limits.render_timeout, memory_mb=limits.memory_mb,
                                   cache_dir=opts.cache_dir)
    app_ref: list[ServeApp] = []
    site_host = SiteHost(root, engine, opts, log, on_change=lambda snap: app_ref[0].on_change(snap) if app_ref else None,
                         report=report)
    site_host.load()
    if owns_engine and opts.engine == "wasm" and opts.mode == "per-request":
        site_host.warm_up()
    app = ServeApp(site_host, opts, log, access_log)
    app_ref.append(app)
    return Service(root, opts, engine, site_host, app, log, owns_engine)


class ServerThread:
    """A server on a background thread (tests, benchmarks): ``with ServerThread(...) as s: s.url``."""

    def __init__(self, site: Path | str, options: ServeOptions | None = None, *, host: str = "127.0.0.1",
                 port: int = 0, engine: Renderer | None = None, log: Callable[[str], None] | None = None,
                 access_log: Callable[[str], None] | None = None, header_timeout: float | None = None) -> None:
        self.logs: list[str] = []
        sink = log or self.logs.append
        self.service = create_service(site, options or ServeOptions(), host=host, engine=engine, log=sink,
                                      access_log=access_log or self.logs.append)
        self.sock = httpserver.bind(host, port)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://{'[' + host + ']' if ':' in host else host}:{self.port}"
        self.server = self.service.make_server(header_timeout)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       name="wasmblog-serve", daemon=True)

    @property
    def app(self) -> ServeApp:
        return self.service.app

    def start(self) -> "ServerThread":
        self.service.start_watching()
        self.thread.start()
        httpserver.wait_started(self.server, self.thread)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.service.close()
        self.sock.close()

    def __enter__(self) -> "ServerThread":
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
            "watching": "inotify" if hasattr(service.host.watcher, "fd") else "polling"}


def _announce(site: str, host: str, port: int, info: dict[str, Any], workers: int, seconds: float,
              log: Callable[[str], None]) -> None:
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}{quote(info['base_path'], safe=SAFE_URL_CHARS)}"
    errors = info["errors"]
    log(f"wasmblog: {info['posts']} posts, {info['pages']} pages, {info['static']} static files "
        f"loaded in {seconds:.2f} s" + (f"; {errors} error{'s' * (errors != 1)}" if errors else ""))
    log(f"wasmblog: serving {site} at {url} ({info['mode']}, {info['engine']} engine, "
        f"{workers} worker process{'es' * (workers != 1)}; {info['inflight']} renders in flight, "
        f"{info['queue']} queued; live reload {'on' if info['live_reload'] else 'off'}; "
        f"watching by {info['watching']}). Ctrl-C stops.")
    if not is_loopback(host):
        log(f"wasmblog: warning: listening on {host}, not loopback: other machines can reach this server")


def serve(site: str, options: ServeOptions, *, host: str = "127.0.0.1", port: int = 8000,
          log: Callable[[str], None] = _stderr, access_log: Callable[[str], None] | None = _stderr) -> int:
    """Run the server in the foreground until SIGINT/SIGTERM; returns an exit status.

    With ``options.workers`` > 1, that many worker processes share the
    listening socket (each with its own copy of the site and its own
    sandboxes: wasm instances in one process contend for its address space,
    separate processes do not), and this process supervises them.
    """
    opts = options.resolved(host)
    try:
        sock = httpserver.bind(host, port)
    except OSError as exc:
        log(f"error: {exc}" + (" (is another server running? try --port 0)"
                               if getattr(exc, "errno", None) == 98 else ""))
        return 1
    log(f"wasmblog: loading {site} ...")
    try:
        if opts.workers > 1:
            return _supervise(site, opts, sock, host, log, quiet=access_log is None)
        return _serve_here(site, opts, sock, host, log, access_log)
    finally:
        sock.close()


def _serve_here(site: str, opts: ServeOptions, sock: socket.socket, host: str, log: Callable[[str], None],
                access_log: Callable[[str], None] | None, worker: int | None = None,
                ready: Callable[[dict[str, Any]], None] | None = None) -> int:
    """Serve on ``sock`` in this process (the single server, or one worker of several)."""
    started = time.perf_counter()
    service = create_service(site, opts, host=host, log=log, access_log=access_log, report=not worker)
    if ready is not None:
        ready(_describe(service, 1))
    else:
        _announce(site, host, sock.getsockname()[1], _describe(service, 1), 1, time.perf_counter() - started, log)
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
        why = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}.get(server.signal or 0, "")  # type: ignore[call-overload]
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


# --- several worker processes -------------------------------------------------------------

MAX_RESTARTS = 5  # per worker, within RESTART_WINDOW seconds
RESTART_WINDOW = 60.0


class _Worker:
    def __init__(self, index: int, site: str, opts: ServeOptions, sock: socket.socket, host: str,
                 quiet: bool) -> None:
        self.index = index
        read, write = os.pipe()
        spec = {"site": site, "options": dataclasses.asdict(opts), "host": host, "fd": sock.fileno(),
                "index": index, "quiet": quiet, "status_fd": write}
        self.proc = subprocess.Popen([sys.executable, "-m", "wasm_host.serveworker", json.dumps(spec)],
                                     pass_fds=(sock.fileno(), write), stdin=subprocess.DEVNULL)
        os.close(write)
        self._status = os.fdopen(read, "r")
        self.starts = [time.monotonic()]

    def wait_ready(self) -> dict[str, Any] | None:
        """The worker's description once it serves, or None if it exited first."""
        line = self._status.readline()
        self._status.close()
        return json.loads(line) if line.strip() else None


def _supervise(site: str, opts: ServeOptions, sock: socket.socket, host: str, log: Callable[[str], None],
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
        _announce(site, host, sock.getsockname()[1], info, count, time.perf_counter() - started, log)
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
        deadline = time.monotonic() + httpserver.GRACEFUL_SHUTDOWN + 10
        for worker in workers:
            try:
                worker.proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                worker.proc.kill()
                worker.proc.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    why = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}.get(stop[0] if stop else 0, "")  # type: ignore[call-overload]
    log(f"wasmblog: stopped{' (' + why + ')' if why else ''}")
    return 0 if not stop or stop[0] else 1


def worker_main(argv: list[str]) -> int:
    """Entry point of a worker process (``python -m wasm_host.serveworker SPEC``)."""
    spec = json.loads(argv[0])
    opts = ServeOptions(**spec["options"])
    sock = socket.socket(fileno=spec["fd"])
    status = os.fdopen(spec["status_fd"], "w")

    def ready(info: dict[str, Any]) -> None:
        status.write(json.dumps(info) + "\n")
        status.close()

    try:
        return _serve_here(spec["site"], opts, sock, spec["host"], _stderr, None if spec["quiet"] else _stderr,
                           worker=spec["index"], ready=ready)
    except Exception as exc:
        _stderr(f"error: worker {spec['index']}: {type(exc).__name__}: {exc}")
        return 1
    finally:
        if not status.closed:
            status.close()
