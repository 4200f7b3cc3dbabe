"""Building a site: read it, run the core's three stages on an engine, write it.

The stages run in batches so that ``--jobs N`` can spread them over N
workers (sandbox instances on threads for wasm, processes for native) and
so that one bad input costs one batch: when a call is stopped (deadline,
memory cap, trap), its batch is retried one input at a time to find the
culprit, which is reported and left out while the rest is kept. Output is
byte-identical whatever the engine, the batch sizes or N.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar

from renderer import BuildOptions, Diagnostic, OutputFile, PageJob, Post, SiteResult, Source, finalize, job_posts
from renderer.config import SiteConfig
from renderer.diagnostics import error
from renderer.shortcodes import is_shortcode_warning
from renderer.templates import TEMPLATE_FOR_KIND

from ..engines import Renderer, SandboxFault, engine_limits
from .output import check_copies, merge_static, validate, write_site
from .reader import SiteInput, build_time_micros, load_site

Progress = Callable[[str, int, int], None]
T = TypeVar("T")


@dataclass
class BuildReport:
    site: str
    out: str
    engine: str
    jobs: int
    posts: int = 0
    pages: int = 0
    static: int = 0
    seconds: float = 0.0
    written: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) - self.errors

    def to_json(self, prefix: str = "") -> dict[str, Any]:
        return {
            "site": self.site, "out": self.out, "engine": self.engine, "jobs": self.jobs,
            "posts": self.posts, "pages": self.pages, "static": self.static,
            "seconds": round(self.seconds, 4), "written": self.written,
            "errors": self.errors, "warnings": self.warnings,
            "diagnostics": [{"path": prefix + d.path if not d.path.startswith("<") else d.path, "line": d.line,
                             "severity": d.severity, "message": d.message,
                             "text": d.format(prefix if not d.path.startswith("<") else "")}
                            for d in self.diagnostics],
        }


MAX_BATCH_BYTES = 4_000_000  # sources parsed in one call: larger posts go one per call


MAX_PARSE_BATCH = 256  # posts per parse call
MAX_RENDER_BATCH = 1000  # pages per render call


def _chunks(items: Sequence[T], workers: int, hi: int) -> list[list[T]]:
    """About one batch per worker (fewer calls, less copied into sandboxes),
    at most ``hi`` items each (a sandbox's memory is capped)."""
    count = max(workers, -(-len(items) // hi))
    size = max(1, -(-len(items) // count))
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def _source_chunks(sources: Sequence[Source], workers: int) -> list[list[Source]]:
    """Sources in batches of consecutive files, also split so that one call's
    input stays under MAX_BATCH_BYTES (a sandbox's memory is capped)."""
    out: list[list[Source]] = []
    for chunk in _chunks(sources, workers, MAX_PARSE_BATCH):
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


# Module-level so a process pool can pickle them.
def _parse_batch(engine: Renderer, batch: list[Source], config: str | SiteConfig, tzif: bytes,
                 shortcodes: dict[str, str] | None = None) -> tuple[list[Post], list[Diagnostic]]:
    try:
        result = engine.parse_posts(batch, config, tzif, shortcodes)
        return result.posts, result.diagnostics
    except SandboxFault as fault:
        if len(batch) == 1:
            return [], [error(batch[0].path, 0, fault.message)]
    posts: list[Post] = []
    diags: list[Diagnostic] = []
    for part in _halves(batch):
        p, d = _parse_batch(engine, part, config, tzif, shortcodes)
        posts += p
        diags += d
    return posts, diags


def _halves(batch: list[T]) -> list[list[T]]:
    """A failed batch, split to find the input a sandbox had to stop: small
    batches one item at a time, large ones in halves (a few calls, not one per item)."""
    if len(batch) <= 8:
        return [[item] for item in batch]
    middle = len(batch) // 2
    return [batch[:middle], batch[middle:]]


def _blame(job: PageJob, templates: dict[str, str]) -> str:
    """The template a page is rendered with: rendering runs nothing else
    (a post's Markdown was rendered, and checked, when it was parsed)."""
    name = TEMPLATE_FOR_KIND[job.kind]
    return f"templates/{name}" if name in templates else f"theme/{name}"


def _canaries(jobs: Sequence[PageJob]) -> list[PageJob]:
    """The first page of each template, in path order."""
    seen: dict[str, PageJob] = {}
    for job in jobs:
        seen.setdefault(TEMPLATE_FOR_KIND[job.kind], job)
    return list(seen.values())


def _try_canaries(engine: Renderer, jobs: Sequence[PageJob], by_source: dict[str, Post], config: str | SiteConfig,
                  templates: dict[str, str]) -> tuple[list[OutputFile], list[Diagnostic], set[str]]:
    """Render one page per template first. A template that a sandbox had to
    stop on its first page (a loop that never ends, a memory bomb) is not
    run again for each of its other pages: that would cost a deadline per
    page, minutes on a large site, to report the same problem."""
    canaries = _canaries(jobs)
    files, diags, stopped = _render_batch(engine, canaries, job_posts(canaries, by_source), config, templates)
    return files, diags, {TEMPLATE_FOR_KIND[j.kind] for j in canaries if j.path in stopped}


def _render_batch(engine: Renderer, batch: list[PageJob], posts: list[Post], config: str | SiteConfig,
                  templates: dict[str, str]) -> tuple[list[OutputFile], list[Diagnostic], list[str]]:
    """Files, diagnostics, and the paths of the pages a sandbox had to stop."""
    try:
        result = engine.render_pages(batch, posts, config, templates)
        return result.files, result.diagnostics, []
    except SandboxFault as fault:
        if len(batch) == 1:
            return [], [error(_blame(batch[0], templates), 0, f"{batch[0].path}: {fault.message}")], [batch[0].path]
    files: list[OutputFile] = []
    diags: list[Diagnostic] = []
    stopped: list[str] = []
    by_source = {p.source: p for p in posts}
    for part in _halves(batch):
        f, d, s = _render_batch(engine, part, job_posts(part, by_source), config, templates)
        files += f
        diags += d
        stopped += s
    return files, diags, stopped


def _executor(engine: Renderer, jobs: int) -> Executor | None:
    """Worker processes. Native threads would share the GIL; wasm threads share
    one address space, where fresh instances' page faults contend, and the
    host's conversions take the GIL: two processes render twice as fast as
    two threads. wasm workers start clean ("spawn": wasmtime's threads do not
    survive a fork) and load the cached component in ~50 ms."""
    if jobs <= 1:
        return None
    context = "fork" if engine.name == "native" else "spawn"
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(context))


@dataclass
class Rendering:
    """A site rendered in memory: the files and diagnostics, and the posts and
    page jobs they were made from (what `wasmblog check` traces links back to)."""

    result: SiteResult
    posts: list[Post] = field(default_factory=list)
    jobs: list[PageJob] = field(default_factory=list)

    @property
    def published(self) -> int:
        return sum(1 for job in self.jobs if job.kind == "post")


def render(site: SiteInput, engine: Renderer, options: BuildOptions, jobs: int = 1,
           progress: Progress | None = None) -> tuple[SiteResult, int]:
    """All of a site's generated files and diagnostics (nothing written).

    Returns the result and the number of published posts.
    """
    rendering = render_site(site, engine, options, jobs, progress)
    return rendering.result, rendering.published


def render_site(site: SiteInput, engine: Renderer, options: BuildOptions, jobs: int = 1,
                progress: Progress | None = None) -> Rendering:
    """:func:`render`, keeping the posts and page jobs too."""
    pool = _executor(engine, jobs)
    try:
        return _render(site, engine, options, max(1, jobs), pool, progress)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _map(pool: Executor | None, fn: Callable[..., T], calls: list[tuple[Any, ...]],
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


def parse_sources(engine: Renderer, sources: Sequence[Source], config: str | SiteConfig, tzif: bytes, jobs: int = 1,
                  pool: Executor | None = None, progress: Progress | None = None,
                  shortcodes: dict[str, str] | None = None) -> tuple[list[Post], list[Diagnostic]]:
    """Stage 1 for some of a site's sources, batched over ``pool``, with fault isolation.

    Sources are independent, so parsing a subset (the per-request server
    re-parses only the posts that changed) gives the same posts as parsing
    them with the rest.
    """
    parsed = _map(pool, _parse_batch, [(engine, b, config, tzif, shortcodes) for b in _source_chunks(sources, jobs)],
                  "parse", progress)
    posts: list[Post] = []
    diags: list[Diagnostic] = []
    for p, d in parsed:
        posts += p
        diags += d
    return posts, diags


def output_files(site: SiteInput, result: SiteResult) -> tuple[list[OutputFile], list[tuple[str, Path]], list[Diagnostic]]:
    """What a build writes: the generated files that pass validation (minus those a
    static file replaces) and the static files, with the diagnostics of both checks.
    """
    limit = int(site.config.limits.max_output_mb * 1_000_000)
    files, file_diags = validate(result.files, limit)
    static, static_diags = merge_static(files, site.static)
    static_paths = {rel for rel, _ in static}
    files = [f for f in files if f.path not in static_paths]
    copies, copy_diags = check_copies(result.copies, site.resources, {f.path for f in files} | static_paths)
    return files, static + copies, [*file_diags, *static_diags, *copy_diags]


def plan_input(posts: Sequence[Post]) -> list[Post]:
    """Posts as planning reads them: without their bodies (a tenth less to copy into a sandbox)."""
    return [p.without_body() for p in posts]


def _render(site: SiteInput, engine: Renderer, options: BuildOptions, jobs: int,
            pool: Executor | None, progress: Progress | None) -> Rendering:
    diags: list[Diagnostic] = [*site.diagnostics, *site.config_diagnostics]
    config = site.config  # parsed once, limits applied; the stages report no config diagnostics

    posts, parse_diags = parse_sources(engine, site.sources, config, site.tzif, jobs, pool, progress,
                                       site.shortcodes)
    diags += parse_diags

    try:
        plan = engine.plan_site(plan_input(posts), config, options)
    except SandboxFault as fault:
        diags.append(error("site.toml", 0, f"planning the site: {fault.message}"))
        return Rendering(SiteResult([], finalize(diags)), posts)
    diags += plan.diagnostics

    by_source = {p.source: p for p in posts}
    files, canary_diags, stopped = _try_canaries(engine, plan.jobs, by_source, config, site.templates)
    diags += canary_diags
    done = {f.path for f in files} | {j.path for j in _canaries(plan.jobs)}
    rest = [j for j in plan.jobs if j.path not in done and TEMPLATE_FOR_KIND[j.kind] not in stopped]
    for name in sorted(stopped):
        left = sum(1 for j in plan.jobs if TEMPLATE_FOR_KIND[j.kind] == name and j.path not in done)
        if left:
            where = f"templates/{name}" if name in site.templates else f"theme/{name}"
            diags.append(error(where, 0, f"{left} more page{'s' * (left != 1)} that use this template "
                                         "were not rendered: it was stopped on its first page"))
    calls = []
    for batch in _chunks(rest, jobs, MAX_RENDER_BATCH):
        calls.append((engine, batch, job_posts(batch, by_source), config, site.templates))
    rendered = _map(pool, _render_batch, calls, "render", progress)
    for f, d, _stopped in rendered:
        files += f
        diags += d
    return Rendering(SiteResult(sorted(files, key=lambda f: f.path), finalize(diags), plan.copies), posts, plan.jobs)


def build(site_dir: Path | str, out_dir: Path | str, engine: Renderer, *, drafts: bool = False,
          future: bool = False, strict: bool = False, jobs: int = 1, build_time: int | None = None,
          progress: Progress | None = None, limits: dict[str, float] | None = None) -> BuildReport:
    """Build ``site_dir`` into ``out_dir``; never raises for bad input, only reports.

    The site's ``[limits]`` (with ``limits`` overriding them) apply to the engine
    for the duration of the build.
    """
    started = time.perf_counter()
    report = BuildReport(site=str(site_dir), out=str(out_dir), engine=engine.name, jobs=jobs)
    site = load_site(site_dir, limits)
    options = BuildOptions(build_time=build_time if build_time is not None else build_time_micros(),
                           drafts=drafts, future=future)
    with engine_limits(engine, site.config.limits):
        result, report.posts = render(site, engine, options, jobs, progress)
    files, static, output_diags = output_files(site, result)
    report.diagnostics = finalize([*result.diagnostics, *output_diags])
    if strict:  # --strict: a shortcode that could not be run is an error, not a warning
        report.diagnostics = [replace(d, severity="error") if is_shortcode_warning(d) else d
                              for d in report.diagnostics]
    report.pages, report.static = len(files), len(static)
    if not (strict and report.errors):
        write_site(Path(out_dir), files, static)
        report.written = True
    report.seconds = time.perf_counter() - started
    return report
