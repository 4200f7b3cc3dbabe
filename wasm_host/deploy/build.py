"""``wasmblog deploy SITE -o DIR``: the whole site as one ``wasi:http/proxy`` component.

The host reads the site, parses and plans it (natively) to learn what a
build would write (validated paths, a static file replacing a page) and
with which content types, then writes the site into a generated module,
``site_data``, beside the guest (``guest/site_app.py``, ``guest/respond.py``)
and the render core. componentize-py runs the guest once: it parses and
plans the site again in the component's own Python (so the bytes are the
wasm engine's) and the snapshot holds code and content in one image.
Static files are embedded up to ``max_embed_mb`` each; larger ones are
listed in ``DIR/static-not-embedded.txt`` for the host's own file server.

Out come ``DIR/site.wasm`` (imports inside ``wasi:http/proxy``, see
:mod:`.wasi`), ``DIR/spin.toml`` and, when needed, the list above.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable
from urllib.parse import unquote

from renderer.shortcodes.site import GO_PREFIX
from renderer import BuildOptions, Diagnostic, OutputFile, SiteResult, finalize, routing
from renderer.diagnostics import error, megabytes, warning

from ..engines import NativeRenderer
from ..engines.component import CORE_DIR, pack_data_segments, precompile, stage_core
from ..site import build_time_micros, load_site, output_files, parse_and_plan
from ..site.build import site_wide
from ..site.uptodate import Counted
from ..site.mime import content_type
from ..site.output import check_place, claim_files, record_files
from ..site.stages import shared_diagnostics
from . import wasi

HERE = Path(__file__).resolve().parent
GUEST_DIR = HERE / "guest"
GUEST_FILES = ("site_app.py", "respond.py")
WORLD = "site"
COMPONENT = "site.wasm"
NOT_EMBEDDED = "static-not-embedded.txt"
DEFAULT_MAX_EMBED_MB = 8.0

Log = Callable[[str], None]


class DeployError(Exception):
    """The component could not be built; the message says why."""


@dataclass
class DeployReport(Counted):
    site: str
    out: str
    component: str = ""
    size: int = 0
    seconds: float = 0.0
    posts: int = 0
    pages: int = 0
    static_embedded: int = 0
    not_embedded: list[str] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    stubbed: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    stopped: bool = False  # a site-wide error (configuration, templates): nothing written


@dataclass
class SitePlan:
    """What the component will serve, as the host planned it."""

    config_text: str
    sources: list[tuple[str, bytes, tuple[str, ...], tuple[bytes, ...]]]  # path, bytes, a bundle's files, cascade
    templates: dict[str, str]
    tzif: bytes
    options: BuildOptions
    base_path: str
    pages: dict[str, str]  # output path -> content type
    static: dict[str, tuple[str, str, float, bytes]]  # output path -> (content type, etag, mtime, bytes)
    not_embedded: list[str]
    posts: int
    diagnostics: list[Diagnostic]


def plan_site_files(site_dir: Path, options: BuildOptions, max_embed: int) -> SitePlan:
    """Read and plan the site as ``wasmblog build`` would, and load the static files to embed."""
    site = load_site(site_dir)
    config = site.config
    engine = NativeRenderer(timeout=config.limits.render_timeout, memory_mb=config.limits.memory_mb)
    plan = parse_and_plan(site, engine, options)
    # Bundle files (plan.copies) come back with the static files: embedded and served the same way.
    files, static, out_diags = output_files(site, SiteResult([OutputFile(j.path, "") for j in plan.jobs], [],
                                                             plan.copies))
    shared = shared_diagnostics(engine, config, site.templates)  # the templates' own problems
    diagnostics = finalize([*plan.diagnostics, *out_diags, *shared])
    embedded: dict[str, tuple[str, str, float, bytes]] = {}
    skipped: list[str] = []
    for rel, path in static:
        # A static file, or a page bundle's file (it is served the same way): named as the user knows it.
        where = f"static/{rel}" if path.is_relative_to(site.root / "static") else path.relative_to(site.root).as_posix()
        try:
            st = path.stat()
            if st.st_size <= max_embed:
                data = path.read_bytes()
        except OSError as exc:
            diagnostics.append(error(where, 0, f"cannot read: {exc.strerror}; not in the component"))
            continue
        if st.st_size > max_embed:
            skipped.append(rel)
            diagnostics.append(warning(where, 0, f"{megabytes(st.st_size)} MB, over the "
                                       f"{max_embed / 1e6:g} MB embedding limit: not in the component "
                                       f"(listed in {NOT_EMBEDDED} for your file server)"))
            continue
        embedded[rel] = (content_type(rel), routing.file_etag(st.st_mtime_ns, st.st_size), st.st_mtime, data)
    return SitePlan(site.config_text, [(s.path, s.data, s.resources, s.cascade)
                                        for s in site.sources],
                    {**site.templates, **{k: v for k, v in site.shortcodes.items() if k.startswith(GO_PREFIX)}},
                    site.tzif,
                    options, unquote(config.base_path), {f.path: content_type(f.path) for f in files}, embedded,
                    skipped, sum(1 for j in plan.jobs if j.kind == "post"), diagnostics)


def write_site_data(plan: SitePlan, path: Path) -> None:
    """The generated ``site_data`` module the guest loads while it is pre-initialised."""
    o = plan.options
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('"""Generated by wasmblog deploy: the site held in the component\'s snapshot."""\n\n')
        fh.write(f"CONFIG = {plan.config_text!r}\n")
        fh.write(f"OPTIONS = ({o.build_time!r}, {o.drafts!r}, {o.future!r})\n")
        fh.write(f"BASE_PATH = {plan.base_path!r}\n")
        fh.write(f"TZIF = {plan.tzif!r}\n")
        fh.write(f"TEMPLATES = {plan.templates!r}\n")
        fh.write(f"PAGES = {plan.pages!r}\n")
        fh.write("SOURCES = [\n")
        for src, data, resources, cascade in plan.sources:
            fh.write(f"    ({src!r}, {data!r}, {resources!r}, {cascade!r}),\n")
        fh.write("]\nSTATIC = {\n")
        for rel, entry in plan.static.items():
            fh.write(f"    {rel!r}: {entry!r},\n")
        fh.write("}\n")


def stage(plan: SitePlan, bundle: Path, workdir: Path) -> None:
    """The render core (only the modules it loads, as the render component bundles them),
    the routing, the guest and the site data, in ``bundle``."""
    stage_core(workdir, bundle)
    shutil.copyfile(CORE_DIR / "routing.py", bundle / "renderer" / "routing.py")  # not loaded by the warm-up
    for name in GUEST_FILES:
        shutil.copyfile(GUEST_DIR / name, bundle / name)
    write_site_data(plan, bundle / "site_data.py")


def componentize(bundle: Path, out: Path) -> None:
    exe = Path(sys.executable).with_name("componentize-py")
    command = [str(exe) if exe.exists() else "componentize-py", "-d", str(wasi.WIT_DIR), "-w", WORLD,
               "componentize", "site_app", "-p", str(bundle), "-o", str(out)]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    proc = subprocess.run(command, cwd=bundle, env=env, capture_output=True, text=True)
    if proc.returncode != 0 or not out.is_file():
        raise DeployError("componentize-py failed:\n" + (proc.stderr or proc.stdout)[-6000:])
    out.write_bytes(pack_data_segments(out.read_bytes()))


SPIN_TOML = """\
# Spin manifest for the site built by `wasmblog deploy` (spin up, or spin deploy / SpinKube).
# The component needs no files, no network and no variables: the site is in its snapshot.
spin_manifest_version = 2

[application]
name = "{name}"
version = "0.1.0"
description = "{description}"

[[trigger.http]]
route = "/..."
component = "site"

[component.site]
source = "{component}"
"""


def _toml_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def write_spin_toml(out: Path, name: str, description: str) -> None:
    (out / "spin.toml").write_text(SPIN_TOML.format(name=name, description=_toml_text(description),
                                                    component=COMPONENT))


def app_name(site_dir: Path) -> str:
    """A Spin application name (lower-case letters, digits, dashes) from the site folder's name."""
    raw = site_dir.resolve().name.lower()
    name = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in raw).strip("-")
    return name or "wasmblog-site"


def deploy(site_dir: Path | str, out_dir: Path | str, *, drafts: bool = False, future: bool = False,
           max_embed_mb: float = DEFAULT_MAX_EMBED_MB, build_time: int | None = None,
           log: Log | None = None, force: bool = False) -> DeployReport:
    """Build ``out_dir/site.wasm`` and ``out_dir/spin.toml`` for the site in ``site_dir``.

    ``build_time`` (microseconds): default ``SOURCE_DATE_EPOCH``, else now, as ``wasmblog build``.
    ``out_dir`` is claimed as a build's output is (:func:`..site.output.claim`: not the site folder
    nor inside its sources; new, empty, written by an earlier deploy, or ``force``), and only the
    files a deploy writes are ever replaced there. Raises :class:`OutputError` otherwise.
    """
    say = log or (lambda _msg: None)
    site_dir, out = Path(site_dir), Path(out_dir)
    report = DeployReport(str(site_dir), str(out))
    check_place(out, site_dir, instead="write it elsewhere (the default is ./deploy)")
    found = claim_files(out, {COMPONENT, "spin.toml", NOT_EMBEDDED}, force, "the deployed site")
    started = time.perf_counter()
    options = BuildOptions(build_time=build_time_micros() if build_time is None else build_time, drafts=drafts,
                           future=future)
    say("planning the site")
    plan = plan_site_files(site_dir, options, int(max_embed_mb * 1_000_000))
    report.diagnostics = plan.diagnostics
    report.posts, report.pages = plan.posts, len(plan.pages)
    report.static_embedded, report.not_embedded = len(plan.static), plan.not_embedded
    if site_wide(plan.diagnostics):  # all or nothing, as for wasmblog build: nothing is written
        report.stopped = True
        report.seconds = time.perf_counter() - started
        return report
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wasmblog-deploy-") as tmp:
        work = Path(tmp)
        bundle = work / "bundle"
        bundle.mkdir()
        stage(plan, bundle, work)
        say("compiling the core, the guest and the site with componentize-py's CPython")
        precompile(bundle, work)  # the snapshot then holds no compilation's leftovers (see precompile)
        say(f"componentizing the site ({report.pages} pages, {report.static_embedded} static files) "
            "with componentize-py")
        raw = work / "raw.wasm"
        componentize(bundle, raw)
        say("filling the WASI imports outside wasi:http/proxy with trapping stubs (wasm-tools compose)")
        composed = work / COMPONENT
        report.stubbed = wasi.stub_outside_proxy(raw, composed, work)
        report.imports = wasi.imports(composed)
        partial = out / f".{COMPONENT}.tmp{os.getpid()}"
        shutil.copyfile(composed, partial)
        os.replace(partial, out / COMPONENT)
    write_spin_toml(out, app_name(site_dir), "A wasmblog site as one wasi:http component")
    written = {COMPONENT, "spin.toml"}
    if plan.not_embedded:
        (out / NOT_EMBEDDED).write_text("".join(f"{rel}\n" for rel in plan.not_embedded))
        written.add(NOT_EMBEDDED)
    record_files(out, written, found)  # (an earlier deploy's list of files not embedded goes if none is now)
    report.component = str(out / COMPONENT)
    report.size = (out / COMPONENT).stat().st_size
    report.seconds = time.perf_counter() - started
    return report
