"""Building a site: read it, run the core's three stages on an engine (or take their
results from the render cache), write it.

``wasm_host/site/stages.py`` runs the stages in batches with fault
isolation; ``wasm_host/site/incremental.py`` looks each stage's result up
in the render cache first, so a rebuild renders only the pages whose inputs
changed. Output is byte-identical whatever the engine, the batch sizes, N
or the cache.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from collections.abc import Callable

from renderer import BuildOptions, Diagnostic, OutputFile, PageJob, Post, SiteResult, finalize
from renderer.config import CONFIG_PATH
from renderer.hugo import DEFAULT_DIR, ROOT_FILES
from renderer.plan import publication_window
from renderer.shortcodes import is_shortcode_warning

from ..engines import Renderer
from .cache import Outputs, RenderCache
from .incremental import RenderedJob, Reuse, StageMemo, StoredFile
from .output import check_copies, check_place, claim, merge_static, spare_path, validate, write_site
from .reader import SiteInput, build_time_micros, load_site
from . import uptodate
from .uptodate import Counted
from .stages import executor, parse_and_plan, parse_sources, plan_input, run_render, shared_diagnostics

Progress = Callable[[str, int, int], None]
Linkable = Callable[[str, bytes], bool]

__all__ = ["BuildReport", "build", "output_files", "parse_sources", "plan_input", "render"]


@dataclass
class BuildReport(Counted):
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
    cached: bool = False  # the render cache was used
    reuse: Reuse = field(default_factory=Reuse)
    stopped: bool = False  # a site-wide error (configuration, templates): nothing written
    up_to_date: bool = False  # nothing it depends on changed since the last build: it returned that build's report

    @property
    def reused(self) -> int:
        """Pages whose result came from the render cache."""
        return self.reuse.pages_reused

    def to_json(self, prefix: str = "") -> dict[str, Any]:
        return uptodate.build_json(self, {"enabled": self.cached, **self.reuse.to_json()}, prefix)


@dataclass
class Rendering:
    """A site rendered in memory: the files and diagnostics, and the posts and
    page jobs they were made from (what `wasmblog check` traces links back to)."""

    result: SiteResult
    posts: list[Post] = field(default_factory=list)
    jobs: list[PageJob] = field(default_factory=list)
    stopped: bool = False  # a site-wide error stopped it before any post was parsed

    @property
    def published(self) -> int:
        return sum(1 for job in self.jobs if job.kind == "post")


def render(site: SiteInput, engine: Renderer, options: BuildOptions, jobs: int = 1,
           progress: Progress | None = None, cache: RenderCache | None = None,
           linkable: Linkable | None = None, reuse: Reuse | None = None) -> tuple[SiteResult, int]:
    """All of a site's generated files and diagnostics (nothing written).

    Returns the result and the number of published posts. With ``cache``,
    each stage's result is looked up first and stored after; a cached page
    the output folder already holds (``linkable(path, sha)``) comes back as
    a :class:`StoredFile` instead of its text. ``reuse`` is filled with how
    much came from the cache.
    """
    rendering = render_traced(site, engine, options, jobs, progress, cache, linkable, reuse)
    return rendering.result, rendering.published


SITE_FILES = ("site.toml", *ROOT_FILES)


def site_wide(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The errors about what every page depends on (the configuration, a template, a shortcode
    template), among the diagnostics of reading a site and of checking its templates."""
    return [d for d in diagnostics if d.is_error and
            (d.path in SITE_FILES or d.path.startswith((DEFAULT_DIR + "/", "templates/")))]


def render_traced(site: SiteInput, engine: Renderer, options: BuildOptions, jobs: int = 1,
                progress: Progress | None = None, cache: RenderCache | None = None,
                linkable: Linkable | None = None, reuse: Reuse | None = None,
                all_or_nothing: bool = False) -> Rendering:
    """:func:`render`, keeping the posts and page jobs too.

    ``all_or_nothing``: when the configuration or the templates have an error
    (:func:`site_wide`, checked first), stop there, with those diagnostics and
    no files (``stopped``); without it, the stages go on with the defaults the
    core falls back to (what ``serve`` and ``check`` show).
    """
    pool = executor(engine, jobs)
    try:
        return _render(site, engine, options, max(1, jobs), pool, progress, cache, linkable, reuse, all_or_nothing)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


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


def _never(path: str, sha: bytes) -> bool:
    return False


def _render(site: SiteInput, engine: Renderer, options: BuildOptions, jobs: int, pool: Executor | None,
            progress: Progress | None, cache: RenderCache | None, linkable: Linkable | None,
            reuse: Reuse | None, all_or_nothing: bool = False) -> Rendering:
    memo = StageMemo(cache, engine, site.config, site.templates, site.tzif, site.shortcodes)
    if reuse is not None:
        memo.reuse = reuse
    shared = memo.shared(lambda: shared_diagnostics(engine, site.config, site.templates))  # the templates' own
    if all_or_nothing and site_wide([*site.diagnostics, *site.config_diagnostics, *shared]):
        return Rendering(SiteResult([], finalize([*site.diagnostics, *site.config_diagnostics, *shared])),
                         stopped=True)
    planned = parse_and_plan(site, engine, options, memo, jobs, pool, progress)
    diags = planned.diagnostics
    if not planned.planned:
        return Rendering(SiteResult([], finalize(diags)), planned.posts)
    by_source = {p.source: p for p in planned.posts}
    results = memo.render(
        planned.jobs, by_source, linkable or _never,
        lambda todo: run_render(engine, todo, by_source, site.config, site.templates, jobs, pool, progress,
                                memo.enabled, shared, memo.hidden)[0])
    diags += shared
    files: list[Any] = []
    for r in results:
        files += r.files
        diags += r.diagnostics
    return Rendering(SiteResult(sorted(files, key=lambda f: f.path), finalize(diags), planned.copies),
                     planned.posts, planned.jobs)


def _linkable(out: Path, previous: Outputs) -> Linkable:
    """Whether the output folder still holds, untouched since the last build wrote it, ``path`` with ``sha``."""
    folder = str(out)

    def check(path: str, sha: bytes) -> bool:
        record = previous.files.get(path)
        if record is None or record[0] != sha:
            return False
        try:
            st = os.stat(os.path.join(folder, path), follow_symlinks=False)
        except OSError:
            return False
        return (st.st_size, st.st_mtime_ns, st.st_ino) == record[1:4]
    return check


def site_folders(site: SiteInput) -> tuple[str, ...]:
    """The folders of ``site`` its sources are read from, beyond the usual ones (an output may not be there)."""
    return (site.config.content_dir, *(t.plural for t in site.config.taxonomies))


def build(site_dir: Path | str, out_dir: Path | str, engine: Renderer, *, drafts: bool = False,
          future: bool = False, strict: bool = False, jobs: int = 1, build_time: int | None = None,
          progress: Progress | None = None, limits: dict[str, float] | None = None,
          cache: RenderCache | None = None, force: bool = False, checked: bool = False) -> BuildReport:
    """Build ``site_dir`` into ``out_dir``; never raises for bad input, only reports.

    Raises :class:`OutputError` when ``out_dir`` is not a place the build may
    write (the site folder, one of its source folders, a non-empty folder no
    build wrote unless ``force``: see :mod:`.output`) or cannot be written.
    The site's ``[limits]`` (with ``limits`` overriding them) apply to the engine
    for the duration of the build. With ``cache`` (the site's render cache),
    what is cached is reused, what is new is stored, and files the last
    build wrote to ``out_dir`` that are still there unchanged are hard-linked
    into the new output instead of being written again; the caller closes it.

    With ``cache``, a build first asks whether anything it depends on changed
    since the last build that wrote ``out_dir`` (:mod:`.uptodate`; ``checked``:
    the caller just asked, as ``wasmblog build`` does before importing the
    core): if nothing did, it returns that build's report at once.
    """
    started = time.perf_counter()
    report = BuildReport(site=str(site_dir), out=str(out_dir), engine=engine.name, jobs=jobs, cached=cache is not None)
    check_place(out_dir, site_dir)
    build_time = build_time if build_time is not None else build_time_micros()
    out = Path(os.path.abspath(out_dir))
    key = inputs = None
    if cache is not None and engine.name in ("native", "wasm"):
        key = uptodate.options_key(site_dir, out, engine.name, drafts, future, strict, limits)
        if not checked:
            found = uptodate.check(cache.up_to_date(out), key, build_time)
            if found is not None and found.settled is not None:
                cache.set_up_to_date(out, found.settled)
            if found is not None:
                return replayed(report, found, started)
        inputs = uptodate.Inputs.take(site_dir, out, engine.name)  # before anything is read
    site = load_site(site_dir, limits)
    check_place(out_dir, site_dir, site_folders(site))
    options = BuildOptions(build_time=build_time, drafts=drafts, future=future)
    previous = cache.outputs(out) if cache is not None else Outputs()
    claim(Path(out_dir), previous, force)  # (again when writing, under the lock) refused now rather than after rendering
    rendering = render_traced(site, engine.limited(site.config.limits), options, jobs, progress, cache,
                              _linkable(out, previous), report.reuse, all_or_nothing=True)
    result, report.posts = rendering.result, rendering.published
    files, static, output_diags = output_files(site, result)
    report.diagnostics = finalize([*result.diagnostics, *output_diags])
    if strict:  # --strict: a shortcode that could not be run is an error, not a warning
        report.diagnostics = [replace(d, severity="error") if is_shortcode_warning(d) else d
                              for d in report.diagnostics]
    # A problem of what every page depends on, found before rendering or on the way (the time zone
    # of site.toml, a plan the sandbox had to stop): nothing is written, the previous output stays.
    report.stopped = rendering.stopped or any(d.is_error and d.path == CONFIG_PATH for d in report.diagnostics)
    if report.stopped:
        files, static = [], []
    report.pages, report.static = len(files), len(static)
    report.reuse.count_written(f.path for f in files)
    if not (strict and report.errors) and not report.stopped:
        spare = cache.outputs(spare_path(out)) if cache is not None else None
        written = write_site(out, files, static, previous, _blob_reader(cache), spare, force)
        report.written = True
        if cache is not None and written.out is not previous:  # (else the folder was left as it was)
            cache.set_outputs(out, written.out)
            cache.set_outputs(spare_path(out), written.spare or Outputs())
        if cache is not None and key is not None and inputs is not None and not report.errors:
            record = uptodate.Record(report.posts, report.pages, report.static, report.reuse.parsed,
                                     [[d.path, d.line, d.severity, d.message, d.format()] for d in report.diagnostics])
            window = publication_window(rendering.posts, options)
            sha_of = {path: rec[0] for path, rec in written.out.files.items() if rec[0]}
            cache.set_up_to_date(out, uptodate.record_data(key, inputs, window, out, record, sha_of))
    if cache is not None:
        cache.flush()
    report.seconds = time.perf_counter() - started
    return report


def replayed(report: BuildReport, found: uptodate.Record, started: float) -> BuildReport:
    """``report`` as the build :mod:`.uptodate` found up to date reported (every result reused)."""
    report.posts, report.pages, report.static, report.written = found.posts, found.pages, found.static, True
    report.up_to_date = True
    report.diagnostics = [Diagnostic(path, line, severity, message) for path, line, severity, message, _ in
                          found.diagnostics]
    report.reuse = Reuse(parsed=found.parsed, parse_reused=found.parsed, planned=True, plan_reused=True,
                         pages=found.pages, pages_reused=found.pages)
    report.seconds = time.perf_counter() - started
    return report


def _blob_reader(cache: RenderCache | None) -> Callable[[bytes], bytes | None]:
    return cache.blob if cache is not None else (lambda sha: None)


__all__ += ["RenderedJob", "StoredFile"]
