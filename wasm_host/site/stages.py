"""Running the core's stages on an engine: in batches, over workers, with fault isolation.

The stages run in batches so that ``--jobs N`` can spread them over N
worker processes and so that one bad input costs one batch: when a call is
stopped (deadline, memory cap, trap), its batch is retried in parts to find
the culprit, which is reported and left out while the rest is kept.

For the render cache, each result is also traced back to the one input it
belongs to (``attribute=True``): a post to its source, a file to its job, a
diagnostic to the input it names. A batch whose results cannot all be
traced (a diagnostic naming a file that is not one of its inputs) is split
the same way, until every part is one input, whose results are all its own.
Output is byte-identical whatever the engine, the batch sizes or N.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar
from collections.abc import Callable, Mapping, Sequence

from renderer import BuildOptions, Diagnostic, PageJob, Plan, Post, Source, job_posts
from renderer.model import PageKind
from renderer.config import CONFIG_PATH, SiteConfig
from renderer.diagnostics import error
from renderer.model import FileCopy
from renderer.templates import TEMPLATE_FOR_KIND

from ..engines import Renderer, SandboxFault
from .files import SiteInput
from .incremental import ParsedSource, RenderedJob, StageMemo

Progress = Callable[[str, int, int], None]
T = TypeVar("T")

MAX_BATCH_BYTES = 4_000_000  # sources parsed in one call: larger posts go one per call
MAX_PARSE_BATCH = 256  # posts per parse call
MAX_RENDER_BATCH = 1000  # pages per render call
# Less work than this runs in the calling process: a wasm worker process
# takes ~0.4 s to start and load the component, which a few dozen posts
# or a hundred pages do not repay (an edit re-renders about ten pages).
MIN_PARALLEL_PARSE = 32
MIN_PARALLEL_RENDER = 128


def cpu_count() -> int:
    """Cores this process may run on (the default for ``--jobs``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def chunks(items: Sequence[T], workers: int, hi: int) -> list[list[T]]:
    """About one batch per worker (fewer calls, less copied into sandboxes),
    at most ``hi`` items each (a sandbox's memory is capped)."""
    count = max(workers, -(-len(items) // hi))
    size = max(1, -(-len(items) // count))
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def source_chunks(sources: Sequence[Source], workers: int) -> list[list[Source]]:
    """Sources in batches of consecutive files, also split so that one call's
    input stays under MAX_BATCH_BYTES (a sandbox's memory is capped)."""
    out: list[list[Source]] = []
    for chunk in chunks(sources, workers, MAX_PARSE_BATCH):
        batch: list[Source] = []
        size = 0
        for source in chunk:
            if batch and size + len(source.data) > MAX_BATCH_BYTES:
                out.append(batch)
                batch, size = [], 0
            batch.append(source)
            size += len(source.data)
        out.append(batch)
    return out


def halves(batch: list[T]) -> list[list[T]]:
    """A failed batch, split to find the input a sandbox had to stop: small
    batches one item at a time, large ones in halves (a few calls, not one per item)."""
    if len(batch) <= 8:
        return [[item] for item in batch]
    middle = len(batch) // 2
    return [batch[:middle], batch[middle:]]


def executor(engine: Renderer, jobs: int) -> Executor | None:
    """Worker processes. Native threads would share the GIL; wasm threads share
    one address space, where fresh instances' page faults contend, and the
    host's conversions take the GIL: two processes render twice as fast as
    two threads. wasm workers start clean ("spawn": wasmtime's threads do not
    survive a fork) and load the cached component in ~50 ms."""
    if jobs <= 1:
        return None
    context = "fork" if engine.name == "native" else "spawn"
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(context),
                               initializer=_exit_with_parent, initargs=(os.getpid(),))


def _exit_with_parent(parent: int) -> None:
    """A worker ends when the process that started it is gone. A worker holds its own end of
    the pool's queues, so a build killed with SIGKILL (by a user, the OOM killer, a CI
    timeout) would otherwise leave its workers waiting forever: each wasm worker's wasmtime
    engine then kept about 1% of a core busy (found leaking from the kill tests)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="wasmblog-parent-watch", daemon=True).start()


def run_all(pool: Executor | None, fn: Callable[..., T], calls: list[tuple[Any, ...]],
            stage: str, progress: Progress | None) -> list[T]:
    total = len(calls)
    if progress:
        progress(stage, 0, total)
    if pool is None:
        out = []
        for i, args in enumerate(calls):
            out.append(fn(*args))
            if progress:
                progress(stage, i + 1, total)
        return out
    futures = [pool.submit(fn, *args) for args in calls]
    out = []
    for i, fut in enumerate(futures):
        out.append(fut.result())
        if progress:
            progress(stage, i + 1, total)
    return out


# --- parse ------------------------------------------------------------------------------------------


def _traced_parse(batch: list[Source], posts: list[Post], diags: list[Diagnostic]) -> list[ParsedSource] | None:
    """Each source's posts and diagnostics, or None when one of them names no single source of the batch.

    A diagnostic about ``site.toml`` is a function of the config and zone, which
    every source's key holds: each source gets it (the build reports it once).
    """
    out = {s.path: ParsedSource(s, [], []) for s in batch}
    if len(out) != len(batch):
        return None
    for post in posts:
        if post.source not in out:
            return None
        out[post.source].posts.append(post)
    for d in diags:
        if d.path == CONFIG_PATH:
            for parsed in out.values():
                parsed.diagnostics.append(d)
        elif d.path in out:
            out[d.path].diagnostics.append(d)
        else:
            return None
    return list(out.values())


# Module-level so a process pool can pickle it.
def parse_batch(engine: Renderer, batch: list[Source], config: str | SiteConfig, tzif: bytes,
                attribute: bool = True, shortcodes: Mapping[str, str] | None = None) -> list[ParsedSource]:
    """Parse ``batch``; a stopped call is split to find the culprit (reported, not cached)."""
    try:
        result = engine.parse_posts(batch, config, tzif, shortcodes)
    except SandboxFault as fault:
        if len(batch) == 1:
            return [ParsedSource(batch[0], [], [error(batch[0].path, 0, fault.message)], cacheable=False)]
        return [r for part in halves(batch) for r in parse_batch(engine, part, config, tzif, attribute, shortcodes)]
    if len(batch) == 1:
        return [ParsedSource(batch[0], list(result.posts), list(result.diagnostics))]
    traced = _traced_parse(batch, list(result.posts), list(result.diagnostics)) if attribute else None
    if traced is not None:
        return traced
    if attribute:
        return [r for part in halves(batch) for r in parse_batch(engine, part, config, tzif, attribute)]
    # Not cached: the batch's results need not be traced to their sources.
    return [ParsedSource(batch[0], list(result.posts), list(result.diagnostics), cacheable=False),
            *(ParsedSource(s, [], [], cacheable=False) for s in batch[1:])]


def run_parse(engine: Renderer, sources: Sequence[Source], config: str | SiteConfig, tzif: bytes, jobs: int = 1,
              pool: Executor | None = None, progress: Progress | None = None,
              attribute: bool = True, shortcodes: Mapping[str, str] | None = None) -> list[ParsedSource]:
    """Stage 1 for some of a site's sources, batched over ``pool``, in source order.

    Sources are independent, so parsing a subset (only the posts that
    changed) gives the same posts as parsing them with the rest.
    """
    if len(sources) < MIN_PARALLEL_PARSE:
        pool, jobs = None, 1
    calls = [(engine, b, config, tzif, attribute, dict(shortcodes or {})) for b in source_chunks(sources, jobs)]
    return [r for batch in run_all(pool, parse_batch, calls, "parse", progress) for r in batch]


def parse_sources(engine: Renderer, sources: Sequence[Source], config: str | SiteConfig, tzif: bytes, jobs: int = 1,
                  pool: Executor | None = None, progress: Progress | None = None,
                  shortcodes: Mapping[str, str] | None = None) -> tuple[list[Post], list[Diagnostic]]:
    """Stage 1 with fault isolation: the posts and the diagnostics, flat."""
    parsed = run_parse(engine, sources, config, tzif, jobs, pool, progress, attribute=False, shortcodes=shortcodes)
    return [p for r in parsed for p in r.posts], [d for r in parsed for d in r.diagnostics]


def plan_input(posts: Sequence[Post]) -> list[Post]:
    """Posts as planning reads them: without their bodies (a tenth less to copy into a sandbox)."""
    return [p.without_body() for p in posts]


def run_plan(engine: Renderer, posts: list[Post], config: str | SiteConfig, options: BuildOptions) -> Plan:
    """Stage 2 (raises :class:`SandboxFault` if the sandbox had to stop it)."""
    return engine.plan_site(posts, config, options)


@dataclass
class Planned:
    """A site parsed and planned: its posts, the pages a build writes, the bundle files it copies,
    and every diagnostic so far (the site's, its config's, parsing's and planning's)."""

    posts: list[Post]
    jobs: list[PageJob] = field(default_factory=list)
    copies: list[FileCopy] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    planned: bool = True  # False: the sandbox had to stop planning (said among the diagnostics)


def parse_and_plan(site: SiteInput, engine: Renderer, options: BuildOptions, memo: StageMemo | None = None,
                   jobs: int = 1, pool: Executor | None = None, progress: Progress | None = None) -> Planned:
    """Stages 1 and 2, each looked up in ``memo`` (the render cache) first: the one way every command
    (build, check, serve, deploy) turns a site read into memory into posts and page jobs."""
    config = site.config  # parsed once, limits applied; the stages report no config diagnostics
    stages = memo if memo is not None else StageMemo(None, engine, config, site.templates, site.tzif, site.shortcodes)
    parsed = stages.parse(site.sources, lambda todo: run_parse(engine, todo, config, site.tzif, jobs, pool, progress,
                                                             stages.enabled, site.shortcodes))
    posts = [p for r in parsed for p in r.posts]
    diags = [*site.diagnostics, *site.config_diagnostics, *(d for r in parsed for d in r.diagnostics)]
    try:  # (the posts without their bodies are made only if the plan is not known already)
        plan = stages.plan(posts, options, lambda: run_plan(engine, plan_input(posts), config, options))
    except SandboxFault as fault:
        diags.append(error("site.toml", 0, f"planning the site: {fault.message}"))
        plan = None
    if plan is None:
        return Planned(posts, diagnostics=diags, planned=False)
    return Planned(posts, plan.jobs, plan.copies, diags + plan.diagnostics)


# --- render ----------------------------------------------------------------------------------------


def blame(job: PageJob, templates: Mapping[str, str]) -> str:
    """The template a page is rendered with: rendering runs nothing else
    (a post's Markdown was rendered, and checked, when it was parsed)."""
    name = TEMPLATE_FOR_KIND[job.kind]
    return f"templates/{name}" if name in templates else f"theme/{name}"


def render_batch(engine: Renderer, batch: list[PageJob], posts: list[Post], config: str | SiteConfig,
                 templates: dict[str, str], shared: frozenset[Diagnostic] = frozenset(),
                 attribute: bool = True) -> list[RenderedJob]:
    """Each job's files and diagnostics, less ``shared`` (what every render call reports).

    A stopped call is split to find the culprit, reported as ``stopped``.
    """
    try:
        result = engine.render_pages(batch, posts, config, templates)
    except SandboxFault as fault:
        if len(batch) == 1:
            job = batch[0]
            return [RenderedJob(job, [], [error(blame(job, templates), 0, f"{job.path}: {fault.message}")],
                                cacheable=False, stopped=True)]
        return _split_render(engine, batch, posts, config, templates, shared, attribute)
    own = [d for d in result.diagnostics if d not in shared]
    if len(batch) == 1:
        return [RenderedJob(batch[0], list(result.files), own)]
    files: dict[str, list[Any]] = {job.path: [] for job in batch}
    traced = len(files) == len(batch) and not own
    for f in result.files:
        if f.path in files:
            files[f.path].append(f)
        else:
            traced = False
    if traced:
        return [RenderedJob(job, files[job.path], []) for job in batch]
    if attribute:
        return _split_render(engine, batch, posts, config, templates, shared, attribute)
    # Not cached: the batch's results need not be traced to their jobs.
    return [RenderedJob(batch[0], list(result.files), own, cacheable=False),
            *(RenderedJob(job, [], [], cacheable=False) for job in batch[1:])]


def _split_render(engine: Renderer, batch: list[PageJob], posts: list[Post], config: str | SiteConfig,
                  templates: dict[str, str], shared: frozenset[Diagnostic], attribute: bool) -> list[RenderedJob]:
    by_source = {p.source: p for p in posts}
    return [r for part in halves(batch)
            for r in render_batch(engine, part, job_posts(part, by_source, templates), config, templates, shared, attribute)]


def shared_diagnostics(engine: Renderer, config: str | SiteConfig, templates: dict[str, str]) -> list[Diagnostic]:
    """What every render call reports whatever its jobs: the template overrides' own problems."""
    try:
        return list(engine.render_pages([], [], config, templates).diagnostics)
    except SandboxFault:
        return []  # compiling them stops the sandbox: every page will say so


def canaries(jobs: Sequence[PageJob]) -> list[PageJob]:
    """The first page of each template, in path order."""
    seen: dict[str, PageJob] = {}
    for job in jobs:
        seen.setdefault(TEMPLATE_FOR_KIND[job.kind], job)
    return list(seen.values())


def run_render(engine: Renderer, jobs: Sequence[PageJob], by_source: Mapping[str, Post], config: str | SiteConfig,
               templates: dict[str, str], workers: int = 1, pool: Executor | None = None,
               progress: Progress | None = None, attribute: bool = True,
               shared: list[Diagnostic] | None = None, hidden: Mapping[PageKind, frozenset[str]] | None = None
               ) -> tuple[list[RenderedJob], list[Diagnostic]]:
    """Stage 3 for ``jobs``: one result per job, and the diagnostics every call reports
    (``shared``, when the caller already has them: :func:`shared_diagnostics`; ``hidden``: the
    templates' withheld fields, when the render cache had them: finding them parses every template).

    One page per template goes first. A template that a sandbox had to stop
    on its first page (a loop that never ends, a memory bomb) is not run
    again for each of its other pages: that would cost a deadline per page,
    minutes on a large site, to report the same problem.
    """
    if shared is None:
        shared = shared_diagnostics(engine, config, templates)
    frozen = frozenset(shared)
    first = canaries(jobs)
    results = render_batch(engine, first, job_posts(first, by_source, templates, hidden), config, templates, frozen,
                           attribute)
    stopped = {TEMPLATE_FOR_KIND[r.job.kind] for r in results if r.stopped}
    done = {j.path for j in first}
    rest = [j for j in jobs if j.path not in done and TEMPLATE_FOR_KIND[j.kind] not in stopped]
    skipped = [j for j in jobs if j.path not in done and TEMPLATE_FOR_KIND[j.kind] in stopped]
    for name in sorted(stopped):
        left = [j for j in skipped if TEMPLATE_FOR_KIND[j.kind] == name]
        if left:
            where = f"templates/{name}" if name in templates else f"theme/{name}"
            note = error(where, 0, f"{len(left)} more page{'s' * (len(left) != 1)} that use this template "
                                   "were not rendered: it was stopped on its first page")
            results += [RenderedJob(j, [], [note] if i == 0 else [], cacheable=False) for i, j in enumerate(left)]
    if len(rest) < MIN_PARALLEL_RENDER:
        pool, workers = None, 1
    calls = [(engine, batch, job_posts(batch, by_source, templates, hidden), config, templates, frozen, attribute)
             for batch in chunks(rest, workers, MAX_RENDER_BATCH)] if rest else []
    for batch in run_all(pool, render_batch, calls, "render", progress):
        results += batch
    return results, shared
