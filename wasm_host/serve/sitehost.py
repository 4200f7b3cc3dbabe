"""The site as the server holds it: loaded, parsed, planned, kept current, rendered page by page.

:class:`SiteHost` loads a site folder into an immutable :class:`Snapshot`
and replaces it when the folder changes. In per-request mode a snapshot
holds the parsed posts and the plan (output path -> :class:`PageJob`);
posts are parsed in sandboxes, batched, and cached per (path, content
hash), so an edit re-parses only the posts that changed. In static mode it
holds the built files. ``render`` renders one job of a snapshot in a fresh
sandbox (on a worker thread) and returns the bytes ``wasmblog build`` writes.
"""

from __future__ import annotations

import collections
import hashlib
import threading
import time
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote

from renderer import (BuildOptions, Diagnostic, OutputFile, PageJob, Post, SiteResult, finalize, job_posts,
                      load_config)
from renderer.config import SiteConfig
from renderer.diagnostics import error

from ..engines import Renderer, SandboxFault, apply_limits
from ..site import (SiteInput, build_time_micros, display_prefix, load_site, output_files, parse_sources, plan_input,
                    render, validate)
from .httputil import body_etag
from .options import ServeOptions
from .snapshot import Bytes, BuiltSnapshot, PlannedSnapshot, Snapshot
from .watch import Watcher, make_watcher


@dataclass
class Rendered:
    body: bytes | None
    kind: str = ""  # fault kind when body is None: timeout, memory, stack, trap, error
    message: str = ""
    seconds: float = 0.0


def _fingerprint(site: SiteInput) -> tuple[Any, ...]:
    stats = []
    for rel, path in site.static:
        try:
            st = path.stat()
            stats.append((rel, st.st_mtime_ns, st.st_size, st.st_ino))
        except OSError:
            stats.append((rel, 0, -1, 0))
    for rel, path in sorted(site.resources.items()):
        try:
            st = path.stat()
            stats.append((rel, st.st_mtime_ns, st.st_size, st.st_ino))
        except OSError:
            stats.append((rel, 0, -1, 0))
    return (site.config_text, tuple(site.sources), tuple(sorted(site.templates.items())), tuple(stats), site.tzif,
            tuple(d.format() for d in site.diagnostics))


class SiteHost:
    """Loads the site, keeps it current, and renders pages of the current snapshot."""

    def __init__(self, root: Path | str, engine: Renderer, options: ServeOptions,
                 log: Callable[[str], None], on_change: Callable[[Snapshot], None] | None = None,
                 report: bool = True) -> None:
        self.root = Path(root)
        self.engine = engine
        self.options = options
        self.log = log
        self.report = report  # print the site's diagnostics and reloads (one worker of several does)
        self.on_change = on_change
        self.snapshot: Snapshot | None = None
        self.warmed = 0  # renders done by the last warm_up()
        self._lock = threading.Lock()
        self._fingerprint: tuple[Any, ...] | None = None
        self._parse_key: tuple[str, bytes] | None = None
        self._parse_cache: dict[tuple[str, bytes], tuple[Post | None, list[Diagnostic]]] = {}
        self._parse_global: list[Diagnostic] = []
        self._generation = 0
        self._reported: set[str] = set()
        self._pool: Executor | None = None
        if engine.name == "wasm" and options.jobs > 1:
            self._pool = ThreadPoolExecutor(options.jobs, thread_name_prefix="wasmblog-parse")
        self.watcher: Watcher = make_watcher(self.root, poll=options.poll)

    # -- loading -----------------------------------------------------------------------

    def load(self) -> Snapshot:
        """The first load (raises if the site folder is missing)."""
        with self._lock:
            site = load_site(self.root, self.options.limits)
            self._install(site, first=True)
        assert self.snapshot is not None
        return self.snapshot

    def needs_refresh(self) -> bool:
        """Cheap: has the folder changed since the last load, or is a reload running?"""
        if self._lock.locked():
            return True
        try:
            return self.watcher.pending()
        except (OSError, ValueError, RuntimeError):  # closed or broken: let refresh() find out
            return True

    def refresh(self) -> bool:
        """Reload if the folder changed; True if the site served changed."""
        changed = False
        with self._lock:
            for _ in range(5):  # editors write in steps: load until the folder is quiet
                if not self.watcher.drain():
                    break
                try:
                    site = load_site(self.root, self.options.limits)
                except Exception as exc:  # the folder went away, or worse: keep serving what we have
                    self.log(f"wasmblog: cannot reload {self.root}: {exc}")
                    break
                if _fingerprint(site) != self._fingerprint:
                    changed |= self._install(site)
        return changed

    def _install(self, site: SiteInput, first: bool = False) -> bool:
        started = time.perf_counter()
        fingerprint = _fingerprint(site)
        try:
            snapshot = self._snapshot(site)
        except Exception as exc:  # a bug, not bad input: keep the last good site
            if first:
                raise
            self.log(f"wasmblog: reloading {self.root} failed: {type(exc).__name__}: {exc}")
            return False
        snapshot.seconds = time.perf_counter() - started
        apply_limits(self.engine, snapshot.config.limits)  # [limits] edited while serving apply to the next render
        previous = self.snapshot
        self.snapshot = snapshot
        self._fingerprint = fingerprint
        self._reported = set()
        self._report(previous, snapshot)
        if self.on_change is not None and previous is not None:
            self.on_change(snapshot)
        return True

    def _snapshot(self, site: SiteInput) -> Snapshot:
        config = site.config
        options = BuildOptions(build_time=build_time_micros(), drafts=self.options.drafts, future=self.options.future)
        base = unquote(config.base_path)
        self._generation += 1
        if self.options.mode == "static":
            built = BuiltSnapshot(self._generation, self.root, site, options, base)
            self._build_static(built)
            return built
        planned = PlannedSnapshot(self._generation, self.root, site, options, base)
        self._build_plan(planned)
        return planned

    def _build_static(self, snap: BuiltSnapshot) -> None:
        site = snap.site
        jobs = self.options.jobs if self.engine.name == "wasm" else 1  # no process pool inside a server
        result, snap.post_count = render(site, self.engine, snap.options, jobs)
        files, static, diags = output_files(site, result)
        snap.files = {f.path: _bytes(f.content) for f in files}
        snap.static = dict(static)
        snap.diagnostics = finalize([*result.diagnostics, *diags])
        snap.reparsed = len(site.sources)

    def _build_plan(self, snap: PlannedSnapshot) -> None:
        site = snap.site
        config = site.config  # parsed once, limits applied; its diagnostics are added below
        key = (site.config_text, tuple(sorted(site.limits.items())), site.tzif, tuple(sorted(site.shortcodes.items())))
        if key != self._parse_key:  # parsing depends on the config and the zone: start over
            self._parse_cache = {}
            self._parse_global = []
            self._parse_key = key
        keyed = [((s.path, hashlib.sha256(s.data).digest(), s.resources), s) for s in site.sources]
        cache = {k: self._parse_cache[k] for k, _ in keyed if k in self._parse_cache}
        todo = [s for k, s in keyed if k not in cache]
        if todo:
            posts, diags = parse_sources(self.engine, todo, config, site.tzif, self.options.jobs, self._pool,
                                         shortcodes=site.shortcodes)
            by_source = {p.source: p for p in posts}
            paths = {s.path for s in todo}
            per_path: dict[str, list[Diagnostic]] = collections.defaultdict(list)
            glob = []
            for d in diags:
                (per_path[d.path] if d.path in paths else glob).append(d)
            for k, s in keyed:
                if k not in cache:
                    cache[k] = (by_source.get(s.path), per_path.get(s.path, []))
            self._parse_global = glob
        self._parse_cache = cache
        snap.reparsed = len(todo)

        posts_list = [cache[k][0] for k, _ in keyed if cache[k][0] is not None]
        diags = [*site.diagnostics, *site.config_diagnostics, *self._parse_global,
                 *(d for k, _ in keyed for d in cache[k][1])]
        snap.posts = {p.source: p for p in posts_list}
        copies = []
        try:
            plan = self.engine.plan_site(plan_input(posts_list), config, snap.options)
            jobs = plan.jobs
            copies = plan.copies
            diags += plan.diagnostics
        except SandboxFault as fault:
            diags.append(error("site.toml", 0, f"planning the site: {fault.message}"))
            jobs = []
        # The files a build would write: validated paths, a static file replacing a page.
        placeholders = SiteResult([OutputFile(job.path, "") for job in jobs], [], copies)
        files, static, out_diags = output_files(site, placeholders)
        kept = {f.path for f in files}
        snap.pages = {job.path: job for job in jobs if job.path in kept}
        snap.static = dict(static)
        snap.post_count = sum(1 for job in snap.pages.values() if job.kind == "post")
        snap.diagnostics = finalize([*diags, *out_diags])

    def _report(self, previous: Snapshot | None, snap: Snapshot) -> None:
        if not self.report:
            return
        before = {d.format() for d in previous.diagnostics} if previous else set()
        for d in snap.diagnostics:
            text = d.format("" if d.path.startswith("<") else display_prefix(self.root))
            if d.format() not in before:
                self.log(text)
        if previous is not None:
            what = (f"{snap.reparsed} post{'s' * (snap.reparsed != 1)} re-parsed"
                    if self.options.mode == "per-request" else "rebuilt")
            self.log(f"wasmblog: reloaded in {snap.seconds * 1e3:.0f} ms ({what}): {snap.post_count} posts, "
                     f"{snap.page_count} pages, {len(snap.static)} static files")

    # -- rendering -----------------------------------------------------------------------

    def render(self, snap: PlannedSnapshot, job: PageJob) -> Rendered:
        """Render one page in a fresh sandbox (runs on a worker thread)."""
        started = time.perf_counter()
        posts = job_posts([job], snap.posts)  # as the build passes them: neighbours without bodies
        try:
            result = self.engine.render_pages([job], posts, snap.config, snap.site.templates)
        except SandboxFault as fault:
            return Rendered(None, fault.kind, fault.message, time.perf_counter() - started)
        except Exception as exc:  # a host-side bug: report it as a 500, keep serving
            return Rendered(None, "error", f"{type(exc).__name__}: {exc}", time.perf_counter() - started)
        seconds = time.perf_counter() - started
        content = next((f.content for f in result.files if f.path == job.path), None)
        errors = [d for d in result.diagnostics if d.is_error]
        if content is None:
            message = "; ".join(d.format() for d in errors) or "the renderer returned no file"
            return Rendered(None, "error", message, seconds)
        _, refused = validate([OutputFile(job.path, content)], int(snap.config.limits.max_output_mb * 1_000_000))
        if refused:  # what the build would refuse to write, the server refuses to serve
            return Rendered(None, "error", refused[0].format(), seconds)
        for d in result.diagnostics:  # e.g. theme warnings: once per site version
            text = d.format()
            if self.report and text not in self._reported:
                self._reported.add(text)
                self.log(d.format("" if d.path.startswith("<") else display_prefix(self.root)))
        return Rendered(content.encode("utf-8"), seconds=seconds)

    def warm_up(self, rounds: int = 16, budget: float = 1.0) -> int:
        """Render one page ``rounds`` times and throw the results away.

        A server's first renders pay for first use: the compiled code paged
        in and the allocator's slots made resident (measured: 20-40 ms a post
        page for about the first 25 renders, then 3-4 ms). Paying that before
        the server listens spares the first visitors. Stops at the first
        failure (a theme that loops is reported when a visitor asks) or after
        ``budget`` seconds; returns the renders done.
        """
        snap = self.snapshot
        self.warmed = 0
        if not isinstance(snap, PlannedSnapshot) or not snap.pages:
            return 0
        jobs = list(snap.pages.values())
        job = next((j for j in jobs if j.kind == "post"), jobs[0])
        started = time.perf_counter()
        while self.warmed < rounds:
            self.warmed += 1
            if self.render(snap, job).body is None or time.perf_counter() - started > budget:
                break
        return self.warmed

    def close(self) -> None:
        self.watcher.close()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def site_config(root: Path) -> SiteConfig:
    try:
        text = (root / "site.toml").read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        text = ""
    return load_config(text)[0]


def _bytes(text: str) -> Bytes:
    data = text.encode("utf-8")
    return Bytes(data, body_etag(data))
