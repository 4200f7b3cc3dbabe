"""What ``wasmblog serve`` is asked to do, with the defaults filled in."""

from __future__ import annotations

import dataclasses
import ipaddress
import secrets
from dataclasses import dataclass, field

from ..site import cpu_count
from . import http

MODES = ("memo", "per-request", "static")
QUEUE_TIMEOUT = 10.0  # seconds a request may wait for a render slot before 503
SPARE_INSTANCES = 2  # fresh wasm instances made ahead of requests (see wasm_host.instances)
WATCH_INTERVAL = 0.25  # seconds between background checks of the site folder


@dataclass
class ServeOptions:
    engine: str = "wasm"
    mode: str = "per-request"  # the command line's default is "memo"
    drafts: bool = False
    future: bool = False
    jobs: int = 0  # parse workers on reload (0: one per core)
    live_reload: bool | None = None  # None: on in memo and static modes, off in per-request mode
    max_inflight: int = 0  # renders at once, all workers together (0: 2 x cores)
    max_queue: int = 128  # requests waiting for a render slot before 503, all workers together
    workers: int = 1  # server processes sharing the socket (0: one per core, one in static mode)
    queue_timeout: float = QUEUE_TIMEOUT
    max_connections: int = 1024  # open connections before uvicorn answers 503
    header_timeout: float = http.HEADER_TIMEOUT
    poll: bool = False  # watch by polling instead of inotify
    cache_dir: str | None = None
    no_cache: bool = False  # keep the render cache in memory only (not the site's on disk)
    show_errors: bool | None = None  # fault details on 500 pages (None: when bound to loopback)
    limits: dict[str, float] = field(default_factory=dict)  # overrides of the site's [limits]
    editor: bool | None = None  # the in-browser editor at /__wasmblog/edit/ (None: when bound to loopback)
    editor_token: str = ""  # the secret a save must carry (made by resolved(); shared by the workers)

    def resolved(self, host: str = "127.0.0.1") -> ServeOptions:
        """A copy with defaults filled in."""
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}: use {' or '.join(MODES)}")
        cores = cpu_count()
        inflight = self.max_inflight or 2 * cores
        jobs = self.jobs or cores
        if self.engine == "wasm":
            from ..engines.wasm import POOL_INSTANCES

            jobs = min(jobs, 16)
            # the pooling allocator's slots: renders, parse workers, spares and drops pending
            inflight = min(inflight, POOL_INSTANCES - jobs - 2 * SPARE_INSTANCES - 4)
        live = self.live_reload if self.live_reload is not None else self.mode != "per-request"
        show = self.show_errors if self.show_errors is not None else is_loopback(host)
        workers = self.workers or (1 if self.mode == "static" else cores)
        editor = (self.editor is not False) and is_loopback(host)  # never on an address others can reach
        token = (self.editor_token or secrets.token_urlsafe(24)) if editor else ""
        return dataclasses.replace(self, jobs=jobs, live_reload=live, max_inflight=max(1, inflight),
                                   max_queue=max(0, self.max_queue), workers=max(1, workers), show_errors=show,
                                   editor=editor, editor_token=token)

    def for_worker(self, workers: int) -> ServeOptions:
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
