"""The ``wasmblog`` command line."""

from __future__ import annotations

import gc
import importlib.util
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from .cli_tools import cache_group, component_group, corpus_command, new_group
from .site import uptodate
from .site.cache import RenderCache, render_cache_root, site_cache_path
from .site.uptodate import cpu_count, display_prefix, legacy_files, workspace

if TYPE_CHECKING:
    from .site import BuildReport

# The core and the engines are imported by the commands that run them, not here: `wasmblog build`
# with nothing to do answers without them (importing them is ~0.3 s; the whole answer ~0.1 s).
# So the engines' names and the limits' ranges are spelled here too (a test holds them equal to
# wasm_host.engines.ENGINES and renderer.config.LIMIT_RANGES).
ENGINE_NAMES = ("wasm", "native")
LIMIT_RANGES: dict[str, tuple[float, float]] = {
    "render_timeout": (0.01, 3600.0),
    "memory_mb": (64, 4096),
    "max_file_mb": (0.001, 1024.0),
    "max_output_mb": (0.001, 4096.0),
    "max_nesting": (1, 100),
    "max_elements": (1, 10_000_000),
}
ENGINES = click.Choice(list(ENGINE_NAMES))
DEFAULT_ENGINE = "wasm"


def make_renderer(engine: str, cache_dir: str | None = None) -> Any:
    from .engines import make_renderer as make

    return make(engine, cache_dir=cache_dir)


def limit_options(command: Any) -> Any:
    """``--render-timeout``, ``--memory-mb``... : override the site's ``[limits]``."""
    helps = {
        "render_timeout": ("SECONDS", "Time limit per post or page (default: site.toml, else 2)."),
        "memory_mb": ("MB", "Memory cap of one sandbox instance (default: site.toml, else 512)."),
        "max_file_mb": ("MB", "Largest post file accepted (default: site.toml, else 8)."),
        "max_output_mb": ("MB", "Largest output file accepted (default: site.toml, else 32)."),
        "max_nesting": ("LEVELS", "Deepest Markdown nesting rendered (default: site.toml, else 32)."),
        "max_elements": ("COUNT", "Most HTML tags and emphasis marks in one post (default: site.toml, else 5000)."),
    }
    for name in reversed(list(LIMIT_RANGES)):
        low, high = LIMIT_RANGES[name]
        kind = click.IntRange(int(low), int(high)) if name in ("memory_mb", "max_nesting", "max_elements") else \
            click.FloatRange(low, high)
        metavar, text = helps[name]
        command = click.option("--" + name.replace("_", "-"), name, type=kind, default=None, metavar=metavar,
                               help=text)(command)
    return command


def _limits(values: dict[str, Any]) -> dict[str, float]:
    """The limit options that were given (the others stay as site.toml says)."""
    return {name: value for name, value in values.items() if value is not None}


class _Progress:
    """Build progress as click progress bars on stderr, one per stage (silent when not a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self._bar: Any = None
        self._stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if stage != self._stage or self._bar is None:
            self.clear()
            self._stage = stage
            self._bar = click.progressbar(length=total, label=f"{stage:>7}", file=sys.stderr, show_pos=True,
                                          width=30)
            self._bar.__enter__()
        self._bar.update(done - self._bar.pos)

    def clear(self) -> None:
        if self._bar is not None:
            self._bar.render_finish()
            self._bar = None
            sys.stderr.write("\x1b[1A\x1b[2K")  # the finished bar's line, erased: the summary replaces it
            sys.stderr.flush()


def _site_folder(site: str) -> None:
    """Refuse a SITE argument that is no site, in one line saying what a site needs: not a folder
    (a usage error, exit status 2), or a folder with nothing of a site (1), as Hugo and Zola do."""
    from .site.reader import SITE_NEEDS, not_a_site

    shown = os.path.abspath(site) if site in (".", "./") else site
    if not Path(site).is_dir():
        fail(f"is not a folder; {SITE_NEEDS}", shown, status=2)
    problem = not_a_site(site)
    if problem:
        fail(f"{problem} (`wasmblog new site FOLDER` makes one)", shown)


def _progress(silent: bool) -> _Progress:
    """Progress bars on a terminal; with --quiet or --json, none and only warnings logged."""
    if silent:
        logging.getLogger("wasmblog").setLevel(logging.WARNING)
    return _Progress(not silent)


def print_diagnostics(report: BuildReport | uptodate.Replay, site: str) -> None:
    prefix = display_prefix(site)
    for d in report.diagnostics:
        click.echo(d.format("" if d.path.startswith("<") else prefix), err=True)


def _summary(report: BuildReport | uptodate.Replay) -> str:
    if report.stopped:
        errors = f"{report.errors} error{'s' * (report.errors != 1)}"
        return (f"Stopped: {errors} in what every page depends on (the configuration, the templates); nothing "
                f"written" + (f", {report.out} is as it was" if os.path.isdir(report.out) else ""))
    verb = "Built" if report.written else "Checked"
    reused = f" ({report.reused} reused)" if report.cached else ""
    text = (f"{verb} {report.pages} pages{reused} and {report.static} static files from {report.posts} posts "
            f"in {report.seconds:.2f} s ({report.engine} engine, {report.jobs} job{'s' * (report.jobs != 1)})")
    if report.written:
        text += f" -> {report.out}"
    problems = []
    if report.errors:
        problems.append(f"{report.errors} error{'s' * (report.errors != 1)}")
    if report.warnings:
        problems.append(f"{report.warnings} warning{'s' * (report.warnings != 1)}")
    if problems:
        text += "; " + ", ".join(problems)
    if not report.written:
        text += "; nothing written (--strict)"
    return text


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # ValueError: a module set to None in sys.modules
        return False


def _open_cache(site: str) -> RenderCache | None:
    """The site's render cache; a build goes on without one if it cannot be opened (a read-only disk)."""
    import sqlite3

    try:
        return RenderCache.for_site(site)
    except OSError as exc:
        where = exc.filename or render_cache_root()
        click.echo(f"wasmblog: warning: building without the render cache: {where}: {exc.strerror or exc}", err=True)
        return None
    except sqlite3.Error as exc:
        click.echo(f"wasmblog: warning: building without the render cache: {exc}", err=True)
        return None


def _close_cache(cache: RenderCache, flush: bool = True) -> None:
    import sqlite3

    try:
        cache.close(flush)
    except (OSError, sqlite3.Error) as exc:
        click.echo(f"wasmblog: warning: the render cache could not be saved: {exc}", err=True)


def fail(message: str, path: str = "wasmblog", status: int = 1) -> NoReturn:
    """End the command with one line, as every error is written: ``PATH: error: message``
    (``wasmblog: error: message`` when no file or folder is concerned)."""
    click.echo(f"{path}: error: {message}", err=True)
    sys.exit(status)


def _where(exc: BaseException) -> str:
    """Where in wasmblog an unexpected exception was raised: the innermost frame of ours."""
    tb, found = exc.__traceback__, ""
    root = Path(__file__).resolve().parent.parent
    while tb is not None:
        path = Path(tb.tb_frame.f_code.co_filename)
        if path.is_relative_to(root):
            found = f"{path.relative_to(root).as_posix()}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


class _Main(click.Group):
    """The ``wasmblog`` group: every error is one line in the diagnostic format, never a traceback.

    Usage errors (exit status 2) and a command's own errors (1) are written as
    ``wasmblog: error: ...``. An exception no command expected is a bug of wasmblog's:
    one line names it and where it was raised (exit status 70, EX_SOFTWARE), and
    ``WASMBLOG_TRACEBACK=1`` shows the traceback for a bug report.
    """

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            status = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            fail(exc.format_message() + hint, status=exc.exit_code)
        except click.ClickException as exc:
            fail(exc.format_message(), status=exc.exit_code)
        except click.Abort:
            fail("interrupted", status=130)
        except Exception as exc:  # a bug: say so in one line (the traceback only when asked for)
            from .engines.component import CacheUnusable
            from .site.output import OutputError

            if isinstance(exc, OutputError):
                fail(exc.message, exc.path)
            if isinstance(exc, CacheUnusable):
                fail(exc.message, exc.path)
            if os.environ.get("WASMBLOG_TRACEBACK"):
                raise
            where, text = _where(exc), (str(exc).strip().splitlines() or [""])[0][:300]
            fail(f"unexpected {type(exc).__name__}" + (f": {text}" if text else "") + (f" at {where}" if where else "")
                 + ": this is a bug in wasmblog; please report it with the command that caused it "
                   "(WASMBLOG_TRACEBACK=1 shows the traceback)", status=70)
        sys.exit(status if isinstance(status, int) else 0)


class _EchoHandler(logging.Handler):
    """Log records on the current stderr (looked up per record, as click does)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="wasmblog")
def main() -> None:
    """wasmblog: a blog renderer whose core runs natively or sandboxed in WebAssembly.

    \b
    Quick start:
      wasmblog build content -o public      build the sample site
      wasmblog serve content                serve it, a fresh sandbox per request
      wasmblog bench --posts 1000           what the sandbox costs against native
      wasmblog deploy content -o deploy     the site as one wasi:http component
    """
    logger = logging.getLogger("wasmblog")  # one-off notices, such as the first component build
    if not logger.handlers:
        handler = _EchoHandler()
        handler.setFormatter(logging.Formatter("wasmblog: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


@main.command("build")
@click.argument("site", type=click.Path(file_okay=False, path_type=str), default=".")
@click.option("-o", "--out", "out", type=click.Path(path_type=str), default="public", show_default=True,
              help="Output folder; replaced atomically at the end of a build. It must be new, empty, or written "
                   "by an earlier build, and may not be the site folder, hold it, or be inside its source folders.")
@click.option("--force", is_flag=True,
              help="Build into a non-empty folder no build wrote. Only what a build writes is ever replaced: "
                   "files already there are kept, or the build stops if the site needs their place.")
@click.option("--engine", type=ENGINES, default=DEFAULT_ENGINE, show_default=True,
              help="Render natively or inside the WebAssembly sandbox (same bytes out).")
@click.option("--drafts", is_flag=True, help="Include posts marked draft: true.")
@click.option("--future", is_flag=True, help="Include posts dated after the build time.")
@click.option("--strict", is_flag=True, help="Write nothing if any error is reported.")
@click.option("-j", "--jobs", type=click.IntRange(0, 64), default=0,
              help="Worker processes, each with its own sandbox instances for wasm (default: one per core; "
                   "small amounts of work run in this process). The output is the same whatever N.")
@click.option("--no-cache", is_flag=True,
              help="Render everything again: neither read nor write the render cache (the compiled component "
                   "keeps its own cache).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary; diagnostics only.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Where the compiled component is cached (default: $XDG_CACHE_HOME/wasmblog).")
@limit_options
def build_command(site: str, out: str, force: bool, engine: str, drafts: bool, future: bool, strict: bool,
                  jobs: int, no_cache: bool, as_json: bool, quiet: bool, cache_dir: str | None,
                  **limit_values: Any) -> None:
    """Build the site in SITE (default: the current folder) into OUT.

    Problems are reported as 'path:line: error: message', all of them; a post
    with an error is left out and the rest is built. A problem with what
    every page depends on (site.toml or a Hugo config, a template, a
    shortcode template) stops the build: nothing is written. Exit status 1
    when any error was reported. SOURCE_DATE_EPOCH, when set, is the build time.

    Results are kept in the site's render cache (see `wasmblog cache info`):
    a rebuild parses only the posts and renders only the pages whose inputs
    changed, with the same bytes out as a clean build (--no-cache). Beside
    OUT, the folder .OUT.wasmblog/ holds the build's lock and, with the
    render cache, a spare copy of the site a build before, which the next
    rebuild brings up to date and swaps in (so it writes only what changed);
    it carries its own .gitignore, and `wasmblog cache clear` removes it.
    When nothing the last build depended on changed (the site folder's
    files, the options, the engine and wasmblog itself, OUT's files, and
    which posts the build time publishes), the build returns at once with
    that build's report, as make does.
    """
    started = time.perf_counter()
    cache = None
    if not no_cache and Path(site).is_dir() and site_cache_path(site).is_file():
        cache = _open_cache(site)  # the last build's output, if nothing it depends on changed since:
        replay = None if cache is None else _up_to_date(cache, site, out, engine, drafts, future, strict, jobs,
                                                        _limits(limit_values), started)
        if cache is not None and replay is not None:
            _close_cache(cache, flush=False)
            _report_build(replay, site, out, as_json, quiet)
    # The collector's full passes walk every object the core's import and the build made, and find
    # almost no cycles (8 passes, 70 objects, in a 1,000-post rebuild): collecting 70x less often, and
    # never looking again at what importing made, saves ~13% of the CPU of a rebuild after one edit
    # (farm-bench, 20 pairs against the same code without these two lines: CPU A/B 0.87, wall 0.79).
    gc.set_threshold(50_000, 20, 20)
    _site_folder(site)
    if cache is None and not no_cache:
        cache = _open_cache(site)
    progress = _progress(quiet or as_json)
    from .site import build
    from .site.output import OutputError

    gc.freeze()

    try:
        engine_obj = make_renderer(engine, cache_dir=cache_dir)  # build() applies the site's [limits]
        report = build(site, out, engine_obj, drafts=drafts, future=future, strict=strict,
                       jobs=jobs or cpu_count(), progress=progress, limits=_limits(limit_values), cache=cache,
                       force=force, checked=cache is not None)
    except OutputError as exc:
        progress.clear()
        fail(exc.message, exc.path)
    finally:
        progress.clear()
        if cache is not None:
            _close_cache(cache)
    _report_build(report, site, out, as_json, quiet)


def _up_to_date(cache: RenderCache, site: str, out: str, engine: str, drafts: bool, future: bool, strict: bool,
                jobs: int, limits: dict[str, float], started: float) -> uptodate.Replay | None:
    """The report of the last build into ``out`` when nothing it depends on changed (:mod:`.site.uptodate`)."""
    if not display_prefix(site).isprintable():
        return None  # (its diagnostics' lines are made by the core's formatting)
    absolute = os.path.abspath(out)
    key = uptodate.options_key(site, absolute, engine, drafts, future, strict, limits)
    found = uptodate.check(cache.up_to_date(absolute), key, uptodate.build_time_micros())
    if found is None:
        return None
    if found.settled is not None:
        cache.set_up_to_date(absolute, found.settled)
    return uptodate.Replay(found, site, out, engine, jobs or cpu_count(), time.perf_counter() - started)


def _report_build(report: BuildReport | uptodate.Replay, site: str, out: str, as_json: bool, quiet: bool) -> NoReturn:
    print_diagnostics(report, site)
    for left in legacy_files(Path(out)):
        click.echo(f"{left}: warning: left by an older wasmblog beside the output, and no longer used (the lock "
                   f"and spare copy are in {workspace(Path(out)).name}/ now): delete it, after a look inside "
                   "(an older version could move a site's own files into a -spare folder)", err=True)
    if as_json:
        click.echo(json.dumps(report.to_json(display_prefix(site)), indent=2))
    elif not quiet:
        click.echo(_summary(report), err=True)
    sys.exit(1 if report.errors else 0)


@main.command("check")
@click.argument("site", type=click.Path(file_okay=False, path_type=str), default=".")
@click.option("--engine", type=ENGINES, default=DEFAULT_ENGINE, show_default=True,
              help="Render natively or inside the WebAssembly sandbox (same bytes out).")
@click.option("--drafts", is_flag=True, help="Include posts marked draft: true.")
@click.option("--future", is_flag=True, help="Include posts dated after the build time.")
@click.option("--external", is_flag=True,
              help="Ask for links to other sites too. wasmblog check makes no network requests, so it says "
                   "in one line how many it did not check.")
@click.option("-j", "--jobs", type=click.IntRange(0, 64), default=0, show_default=True,
              help="Worker processes for the build, as for build (0: one per core).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary; problems only.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Where the compiled component is cached (default: $XDG_CACHE_HOME/wasmblog).")
@limit_options
def check_command(site: str, engine: str, drafts: bool, future: bool, external: bool, jobs: int, as_json: bool,
                  quiet: bool, cache_dir: str | None, **limit_values: Any) -> None:
    """Build SITE in memory and check every internal link, image and #anchor.

    Each link, image source and #fragment of every page must name a page,
    file or static file of the build, and an id on that page. A broken one
    is reported where it was written, 'posts/a.md:12: error: broken link to
    /x/ (no such page)' (a link a template makes: the template), with the
    build's own problems. Nothing is written. Exit status 1 when any error
    was reported.
    """
    _site_folder(site)
    from .site.check import check

    progress = _progress(quiet or as_json)
    try:
        report = check(site, make_renderer(engine, cache_dir=cache_dir), drafts=drafts, future=future,
                       jobs=jobs or cpu_count(), progress=progress, limits=_limits(limit_values))
    finally:
        progress.clear()
    prefix = display_prefix(site)
    for d in report.diagnostics:
        click.echo(d.format("" if d.path.startswith("<") else prefix), err=True)
    if external and not as_json:
        click.echo(f"--external: {report.external} link{'s' * (report.external != 1)} to other sites not checked: "
                   "wasmblog check works without network access and makes no requests", err=True)
    if as_json:
        click.echo(json.dumps(report.to_json(prefix), indent=2))
    elif not quiet:
        problems = [f"{n} {word}{'s' * (n != 1)}" for n, word in ((report.errors, "error"),
                                                                  (report.warnings, "warning")) if n]
        click.echo(f"Checked {report.links} links and images ({report.anchors} with #anchors) on {report.pages} "
                   f"pages in {report.seconds:.2f} s ({report.engine} engine): "
                   f"{report.broken} broken; {report.external} external not checked"
                   + (f"; {', '.join(problems)}" if problems else ""), err=True)
    sys.exit(1 if report.errors else 0)


@main.group("import")
def import_group() -> None:
    """Bring a site made with another tool into wasmblog's layout."""


@import_group.command("hugo")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report on stdout.")
def import_hugo_command(src: Path, dest: Path, as_json: bool) -> None:
    """Copy the Hugo site in SRC into DEST (new or empty) in wasmblog's own layout.

    \b
    Not needed to build a Hugo site: `wasmblog build SRC` reads it as it is.
    This is for moving: posts/, pages/, _index.md intros, bundles with their
    files, static/, and a site.toml made from the Hugo configuration.
    SRC is not changed. Hugo templates (layouts/, themes/) are not imported.
    """
    from .site.importer import ImportError_, import_hugo

    try:
        report = import_hugo(src, dest)
    except ImportError_ as exc:
        fail(exc.message, exc.path)
    prefix = display_prefix(str(src))
    if as_json:
        click.echo(json.dumps({"posts": report.posts, "pages": report.pages, "intros": report.intros,
                               "files": report.files, "diagnostics": [d.format(prefix) for d in report.diagnostics]},
                              indent=2))
        return
    for d in report.diagnostics:
        click.echo(d.format(prefix), err=True)
    click.echo(f"Imported {report.posts} posts, {report.pages} pages, {report.intros} intros and {report.files} "
               f"files into {dest}; build it with: wasmblog build {dest}", err=True)


@main.command("deploy")
@click.argument("site", type=click.Path(file_okay=False, path_type=str), default=".")
@click.option("-o", "--out", "out", type=click.Path(file_okay=False, path_type=str), default="deploy",
              show_default=True, help="Folder for site.wasm and spin.toml.")
@click.option("--drafts", is_flag=True, help="Include posts marked draft: true.")
@click.option("--future", is_flag=True, help="Include posts dated after the build time.")
@click.option("--max-embed-mb", type=click.FloatRange(0, 1024), default=8.0, show_default=True,
              help="Largest static file embedded in the component; larger ones are listed for your file server.")
@click.option("--force", is_flag=True,
              help="Write into a non-empty folder no deploy wrote (only site.wasm, spin.toml and "
                   "static-not-embedded.txt are ever written there).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report on stdout.")
def deploy_command(site: str, out: str, drafts: bool, future: bool, max_embed_mb: float, force: bool,
                   as_json: bool) -> None:
    """Build the site in SITE as one wasi:http component: OUT/site.wasm and OUT/spin.toml.

    \b
    The component serves every URL with the bytes `wasmblog build` writes (same
    SOURCE_DATE_EPOCH) and the answers `wasmblog serve` gives; posts are parsed
    and planned when it is built, each request is rendered on the spot. It
    imports only wasi:http/proxy's interfaces: no folder, no network. Run it with
      wasmtime serve OUT/site.wasm        spin up -f OUT/spin.toml
      JCO_RUN_ARGS=--no-wasm-code-gc jco serve OUT/site.wasm --isolate-requests instance
    (jco's flag: Node 24's V8 crashes now and then without it, see the README.
    Building takes about 20-40 s: componentize-py pre-initialises the site.)
    """
    _site_folder(site)
    from .deploy import DeployError, WasmToolsError, deploy

    log = (lambda msg: None) if as_json else (lambda msg: click.echo(f"wasmblog: {msg}", err=True))
    try:
        report = deploy(site, out, drafts=drafts, future=future, max_embed_mb=max_embed_mb, log=log, force=force)
    except (DeployError, WasmToolsError) as exc:
        fail(str(exc))
    prefix = display_prefix(site)
    for d in report.diagnostics:
        click.echo(d.format("" if d.path.startswith("<") else prefix), err=True)
    if as_json:
        data = {k: v for k, v in vars(report).items() if k != "diagnostics"}
        data["diagnostics"] = [d.format() for d in report.diagnostics]
        click.echo(json.dumps(data, indent=2))
    elif report.stopped:
        click.echo(f"Stopped: {report.errors} error{'s' * (report.errors != 1)} in what every page depends on "
                   "(the configuration, the templates); nothing written", err=True)
    else:
        click.echo(f"Deployed {report.pages} pages and {report.static_embedded} static files from {report.posts} "
                   f"posts in {report.seconds:.1f} s -> {report.component} ({report.size / 1e6:.1f} MB) "
                   f"and {Path(out) / 'spin.toml'}")
        click.echo(f"imports: {', '.join(report.imports)} (inside wasi:http/proxy)")
        if report.not_embedded:
            click.echo(f"{len(report.not_embedded)} static files over {max_embed_mb:g} MB are not embedded: "
                       f"serve them from {Path(out) / 'static-not-embedded.txt'}'s list")
    if report.errors:
        sys.exit(1)


@main.command("bench")
@click.option("--posts", type=click.IntRange(10, 1_000_000), default=1000, show_default=True,
              help="Largest corpus; builds are timed at 100, 1,000, 10,000... up to it.")
@click.option("--repeat", "-k", type=click.IntRange(1, 50), default=3, show_default=True,
              help="Runs of each build (the median is reported).")
@click.option("--jobs", "jobs_list", default="1,2", show_default=True,
              help="Comma-separated --jobs values to build with.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write every figure, with machine facts, to this JSON file.")
@click.option("--chart", "chart_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Draw the chart to this .png or .svg file.")
@click.option("--peers", is_flag=True, help="Also build the corpus with Hugo and Pelican when installed.")
@click.option("--serve", "serve_load", is_flag=True, help="Also load-test `wasmblog serve` with wrk.")
@click.option("--hosts", is_flag=True,
              help="Also render one post page on every host: native, wasmtime-py, Node (JS export) and the "
                   "deploy component under `jco serve` per request (needs jstools/ and wrk).")
@click.option("--hosts-only", is_flag=True, help="Measure only the hosts (quick).")
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep corpora and outputs here (default: a temporary folder).")
@click.option("--large", type=click.IntRange(0, 1_000_000), default=0, show_default=True,
              help="Also time one edit in a corpus this large (say 10000), with Hugo's full build of it "
                   "(0: no large corpus; it takes minutes to write and build).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Where the component is cached (default: the user's cache, ~/.cache/wasmblog).")
def bench_command(posts: int, repeat: int, jobs_list: str, json_path: Path | None, chart_path: Path | None,
                  peers: bool, serve_load: bool, hosts: bool, hosts_only: bool, workdir: Path | None, large: int,
                  cache_dir: str | None) -> None:
    """Measure what the WebAssembly sandbox costs against native, side by side.

    Per page (warm instance), fresh instance per request, library use (a
    fresh instance per call and a session), whole-site builds (cold
    processes, --jobs 1 and 2), rebuilds with the render cache (cold on all
    cores, nothing changed, one post edited, and one edit in a --large
    corpus) with Hugo's full build of the same corpus beside them,
    start-up, memory and size, and the targets checked. Engines are
    interleaved so noise on a shared machine hits both alike. --hosts adds the
    same post page on every host the component runs on (wasmtime-py, Node,
    jco serve) beside native.
    """
    if chart_path is not None and not _importable("matplotlib"):
        raise click.ClickException("--chart needs the bench extra: pip install 'wasmblog[bench]' "
                                   "(./scripts/setup installs it)")
    from .bench import report as bench_report
    from .bench import runner as bench

    try:
        jobs = [int(j) for j in jobs_list.split(",") if j.strip()]
    except ValueError:
        raise click.BadParameter("use numbers separated by commas, e.g. 1,2", param_hint="--jobs") from None
    started = time.perf_counter()

    def progress(message: str) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\r[{time.perf_counter() - started:6.1f} s] {message[:100]:<100}")
            sys.stderr.flush()
        else:
            click.echo(f"[{time.perf_counter() - started:6.1f} s] {message}", err=True)

    if hosts or hosts_only:
        from .engines.js import ToolMissing, jco_path, node_path

        try:
            node_path(), jco_path()
        except ToolMissing as exc:
            raise click.ClickException(f"--hosts: {exc}") from None
    report = bench.run(posts=posts, repeat=repeat, jobs=jobs, peers=peers, serve=serve_load, workdir=workdir,
                       progress=progress, cache_dir=cache_dir, hosts=hosts, hosts_only=hosts_only, large=large)
    if sys.stderr.isatty():
        sys.stderr.write("\r" + " " * 112 + "\r")
    if json_path:  # first: the figures are kept whatever happens to the table or the chart
        json_path.write_text(json.dumps(report, indent=2) + "\n")
        click.echo(f"JSON: {json_path}", err=True)
    click.echo(bench_report.table(report))
    if chart_path:
        bench_report.chart(report, chart_path)
        click.echo(f"chart: {chart_path}", err=True)


@main.command("serve")
@click.argument("site", type=click.Path(file_okay=False, path_type=str), default=".")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; 0.0.0.0 exposes the site to the network).")
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0 picks a free one).")
@click.option("--engine", type=ENGINES, default=DEFAULT_ENGINE, show_default=True,
              help="Render natively or inside the WebAssembly sandbox (same bytes out).")
@click.option("--mode", type=click.Choice(["memo", "per-request", "static"]), default="memo", show_default=True,
              help="memo: a fresh sandbox renders a page when its inputs change, then it is served from memory; "
                   "per-request: a fresh sandbox renders every request (the unikernel model); "
                   "static: build into memory, serve the bytes, rebuild on change.")
@click.option("--drafts", is_flag=True, help="Include posts marked draft: true.")
@click.option("--future", is_flag=True, help="Include posts dated after the build time.")
@click.option("-j", "--jobs", type=click.IntRange(0, 64), default=0, show_default=True,
              help="Workers that parse posts on (re)load (0: one per core).")
@click.option("--live-reload/--no-live-reload", default=None,
              help="Inject a script that reloads open tabs when the site changes (default: on in memo and "
                   "static modes, off in per-request mode). Without it every page is the build's bytes.")
@click.option("--max-inflight", type=click.IntRange(0, 1024), default=0, show_default=True,
              help="Renders at once, each in its own sandbox (0: two per core).")
@click.option("--max-queue", type=click.IntRange(0, 100000), default=128, show_default=True,
              help="Requests that may wait for a render slot; beyond that, 503 with Retry-After.")
@click.option("--max-connections", type=click.IntRange(1, 100000), default=1024, show_default=True,
              help="Open connections before new requests are answered 503.")
@click.option("-w", "--workers", type=click.IntRange(0, 64), default=0, show_default=True,
              help="Server processes sharing the port, each with its own sandboxes (0: one per core, one in "
                   "static mode). Bounds are shared out among them.")
@click.option("--no-cache", is_flag=True,
              help="Keep parsed posts and rendered pages in memory only, not in the site's render cache.")
@click.option("--poll", is_flag=True, help="Watch the site folder by polling instead of inotify.")
@click.option("--editor/--no-editor", default=None,
              help="Offer the in-browser editor at /__wasmblog/edit/ (default: on when listening on loopback; "
                   "never on other addresses). Previews render in the browser; saves write posts/ only.")
@click.option("-q", "--quiet", is_flag=True, help="No request log.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Where the compiled component is cached (default: $XDG_CACHE_HOME/wasmblog).")
@limit_options
def serve_command(site: str, host: str, port: int, engine: str, mode: str, drafts: bool, future: bool, jobs: int,
                  live_reload: bool | None, max_inflight: int, max_queue: int, max_connections: int, workers: int,
                  no_cache: bool, poll: bool, editor: bool | None, quiet: bool, cache_dir: str | None,
                  **limit_values: Any) -> None:
    """Serve the site in SITE (default: the current folder) over HTTP.

    Every URL answers with the bytes `wasmblog build` writes for it. In memo
    mode (the default) a page is rendered by a fresh sandbox instance when
    its inputs change and then served from memory by their hash; in
    per-request mode every page request gets a fresh instance, dropped
    afterwards; static files are served by the host. Edits to the folder are
    picked up by the next request. Requests are logged on stderr in common
    log format, with the render time. SOURCE_DATE_EPOCH, when set, is the
    build time. Ctrl-C stops.
    """
    _site_folder(site)
    from .serve import ServeOptions, serve

    options = ServeOptions(engine=engine, mode=mode, drafts=drafts, future=future, jobs=jobs,
                           live_reload=live_reload, max_inflight=max_inflight, max_queue=max_queue,
                           max_connections=max_connections, workers=workers, poll=poll, cache_dir=cache_dir,
                           no_cache=no_cache, limits=_limits(limit_values), editor=editor)
    log = lambda line: click.echo(line, err=True)  # noqa: E731  a one-line callback
    sys.exit(serve(site, options, host=host, port=port, log=log, access_log=None if quiet else log))


for command in (component_group, cache_group, corpus_command, new_group):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    main()
