"""The site as the server holds it: loaded, parsed, planned, kept current, rendered page by page.

:class:`SiteHost` loads a site folder into an immutable :class:`Snapshot`
and replaces it when the folder changes. In memo and per-request modes a
snapshot holds the parsed posts and the plan (output path ->
:class:`PageJob`); in static mode, the built files. Parsing, planning and
static builds go through the site's render cache (the one ``wasmblog
build`` uses; in memory only with ``--no-cache``), so an edit re-parses
only the posts that changed. ``render`` renders one job of a snapshot in a
fresh sandbox (on a worker thread) and returns the bytes ``wasmblog build``
writes; in memo mode ``remember`` keeps them under the page's input hash.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Callable
from urllib.parse import unquote

from renderer import (BuildOptions, OutputFile, PageJob, SiteResult, finalize, job_posts,
                      load_config)
from renderer.config import SiteConfig
from renderer.diagnostics import error
from renderer.routing import body_etag

from ..engines import Renderer, SandboxFault
from ..site import (RenderCache, SiteInput, build_time_micros, display_prefix, load_site, output_files, render, validate)
from ..site.files import FileMemo, reread_sources
from ..site.incremental import Reuse, StageMemo
from ..site.stages import blame, parse_and_plan
from .options import ServeOptions
from .snapshot import Bytes, BuiltSnapshot, Failed, Job, MemoSnapshot, PageStore, PlannedSnapshot, Snapshot
from .watch import Watcher, make_watcher


@dataclass
class Rendered:
    body: bytes | None
    kind: str = ""  # fault kind when body is None: timeout, memory, stack, trap, error
    message: str = ""
    seconds: float = 0.0
    clean: bool = False  # rendered without any diagnostic (what the render cache keeps as it is)


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
    return (site.config_text, tuple(site.sources), tuple(sorted(site.templates.items())),
            tuple(sorted(site.shortcodes.items())), tuple(stats), site.tzif, tuple(d.format() for d in site.diagnostics))


class SiteHost:
    """Loads the site, keeps it current, and renders pages of the current snapshot."""

    def __init__(self, root: Path | str, engine: Renderer, options: ServeOptions,
                 log: Callable[[str], None], on_change: Callable[[Snapshot], None] | None = None,
                 report: bool = True, cache: RenderCache | None = None) -> None:
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
        self.cache = cache if cache is not None else RenderCache.in_memory()
        self.store = PageStore(self.cache)
        self._generation = 0
        self._reported: set[str] = set()
        self.files = FileMemo()  # the content files' bytes, read again only when their status changes
        self._memo: StageMemo | None = None  # the last load's: what it parsed stays in memory for the next
        self._outputs: tuple[Any, ...] | None = None  # the last load's jobs, copies, inputs and pages
        self._pool: Executor | None = None
        if engine.name == "wasm" and options.jobs > 1:
            self._pool = ThreadPoolExecutor(options.jobs, thread_name_prefix="wasmblog-parse")
        self.watcher: Watcher = make_watcher(self.root, poll=options.poll)

    # -- loading -----------------------------------------------------------------------

    def load(self) -> Snapshot:
        """The first load (raises if the site folder is missing)."""
        with self._lock:
            site = load_site(self.root, self.options.limits, self.files)
            self.files.loaded()
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
                touched = self.watcher.take_changes()
                current = self.snapshot.site if self.snapshot is not None else None
                site = reread_sources(current, touched, self.files) if touched and current is not None else None
                if site is not None and current is not None and self._fingerprint is not None:
                    # Only posts' bytes changed (an edit saved in place): the rest of the last read stands.
                    if site.sources != current.sources:
                        changed |= self._install(site, (self._fingerprint[0], tuple(site.sources),
                                                        *self._fingerprint[2:]))
                    continue
                try:
                    site = load_site(self.root, self.options.limits, self.files)
                    self.files.loaded()
                except Exception as exc:  # the folder went away, or worse: keep serving what we have
                    self.log(f"wasmblog: cannot reload {self.root}: {exc}")
                    break
                if _fingerprint(site) != self._fingerprint:
                    changed |= self._install(site)
        return changed

    def _install(self, site: SiteInput, fingerprint: tuple[Any, ...] | None = None, first: bool = False) -> bool:
        started = time.perf_counter()
        fingerprint = fingerprint if fingerprint is not None else _fingerprint(site)
        try:
            snapshot = self._snapshot(site)
        except Exception as exc:  # a bug, not bad input: keep the last good site
            if first:
                raise
            self.log(f"wasmblog: reloading {self.root} failed: {type(exc).__name__}: {exc}")
            return False
        snapshot.seconds = time.perf_counter() - started
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
        engine = self.engine.limited(config.limits)  # [limits] edited while serving apply from this version on
        self._generation += 1
        if self.options.mode == "static":
            built = BuiltSnapshot(self._generation, self.root, site, options, base, engine)
            self._build_static(built)
            return built
        snap_type = MemoSnapshot if self.options.mode == "memo" else PlannedSnapshot
        planned = snap_type(self._generation, self.root, site, options, base, engine)
        self._build_plan(planned)
        return planned

    def _build_static(self, snap: BuiltSnapshot) -> None:
        site = snap.site
        jobs = self.options.jobs if snap.engine.name == "wasm" else 1  # no process pool inside a server
        reuse = Reuse()
        result, snap.post_count = render(site, snap.engine, snap.options, jobs, cache=self.cache, reuse=reuse)
        self.cache.flush()
        files, static, diags = output_files(site, result)
        snap.files = {f.path: _bytes(f.content) for f in files}
        snap.static = dict(static)
        snap.diagnostics = finalize([*result.diagnostics, *diags])
        snap.reparsed = reuse.parsed - reuse.parse_reused

    def _build_plan(self, snap: PlannedSnapshot) -> None:
        site = snap.site
        memo = StageMemo(self.cache, snap.engine, site.config, site.templates, site.tzif, site.shortcodes,
                         previous=self._memo)
        self._memo = memo
        planned = parse_and_plan(site, snap.engine, snap.options, memo, self.options.jobs, self._pool)
        snap.reparsed = memo.reuse.parsed - memo.reuse.parse_reused
        snap.posts = {p.source: p for p in planned.posts}
        jobs, copies, diags = planned.jobs, planned.copies, planned.diagnostics
        self.cache.flush()
        if isinstance(snap, MemoSnapshot):
            snap.store, snap.memo = self.store, memo
        # The files a build would write: validated paths, a static file replacing a page. The same
        # plan (the very jobs: a body edit plans nothing), static files, bundle files and limits as the
        # last load's give the same pages (10,000 posts: 30-60 ms of a reload saved).
        inputs = (site.static, site.resources, site.config.limits.max_output_mb)
        last = self._outputs
        if last is not None and last[0] is jobs and last[1] is copies and last[2] == inputs:
            pages, static, out_diags, post_count = last[3]
        else:
            placeholders = SiteResult([OutputFile(job.path, "") for job in jobs], [], copies)
            files, static, out_diags = output_files(site, placeholders)
            kept = {f.path for f in files}
            pages = {job.path: job for job in jobs if job.path in kept}
            post_count = sum(1 for job in pages.values() if job.kind == "post")
            self._outputs = (jobs, copies, inputs, (pages, static, out_diags, post_count))
        snap.pages = pages  # (shared with the last snapshot: never changed once made)
        snap.static = dict(static)
        snap.post_count = post_count
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
                    if self.options.mode != "static" else "rebuilt")
            self.log(f"wasmblog: reloaded in {snap.seconds * 1e3:.0f} ms ({what}): {snap.post_count} posts, "
                     f"{snap.page_count} pages, {len(snap.static)} static files")

    # -- rendering -----------------------------------------------------------------------

    def render(self, snap: PlannedSnapshot, job: PageJob) -> Rendered:
        """Render one page in a fresh sandbox (runs on a worker thread)."""
        started = time.perf_counter()
        posts = job_posts([job], snap.posts, snap.site.templates)  # as the build passes them
        try:
            result = snap.engine.render_pages([job], posts, snap.config, snap.site.templates)
        except SandboxFault as fault:  # said as a build says it: the template, the page, what stopped it
            return Rendered(None, fault.kind, error(blame(job, snap.site.templates), 0,
                                                    f"{job.path}: {fault.message}").format(),
                            time.perf_counter() - started)
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
        return Rendered(content.encode("utf-8"), seconds=seconds, clean=not result.diagnostics)

    # -- memo mode ------------------------------------------------------------------------------

    def remember(self, entry: Job, result: Rendered) -> Bytes | None:
        """Keep a page rendered in memo mode under its input hash (see :meth:`PageStore.keep`).
        A failure is kept in memory too, so that asking again costs no sandbox until an input of
        the page changes."""
        if entry.key is None:
            return None
        if result.body is None:
            self.store.put(entry.key, Failed(result.kind, result.message))
            return None
        return self.store.keep(entry.key, entry.job.path, result.body, result.clean)

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
        self.cache.close()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def read_site_config(root: Path) -> SiteConfig:
    try:
        text = (root / "site.toml").read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        text = ""
    return load_config(text)[0]


def _bytes(text: str) -> Bytes:
    data = text.encode("utf-8")
    return Bytes(data, body_etag(data))
