"""Building the WebAssembly component, and caching it.

``componentize-py`` wraps the guest (``wasm_host/engines/guest/app.py``) and the
render core into one component with ``--stub-wasi``: every WASI import is
replaced by a trap, so the component imports nothing at all.

Only what the core imports is bundled: a native run of the same warm-up the
guest does, against pure-Python copies of the dependencies (no C
extensions, no site-packages: exactly what the guest will see), lists the
modules loaded, and only those files go into the bundle.

The component is cached in ``$XDG_CACHE_HOME/wasmblog`` (or ``--cache-dir``)
under a key that hashes everything that goes into it: the WIT, the guest and
core sources, the bundled packages' versions and componentize-py's version.
Every cached file has a SHA-256 sidecar; a file that does not match it is
never used, it is rebuilt.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.util
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable

import renderer

from .zones import zone_data

HERE = Path(__file__).resolve().parent
WIT_DIR = HERE / "wit"
GUEST_DIR = HERE / "guest"
CORE_DIR = Path(renderer.__file__).resolve().parent
WORLD = "wasmblog"
# import name -> distribution, for every package the core imports
BUNDLED = {
    "mistune": "mistune",
    "jinja2": "Jinja2",
    "markupsafe": "MarkupSafe",
    "pygments": "Pygments",
    "yaml": "PyYAML",
    "frontmatter": "python-frontmatter",
    "tomli": "tomli",
    "justhtml": "justhtml",  # the raw-HTML sanitizer (renderer.sanitize)
}
GUEST_FILES = ("app.py", "warmup.py", "collect.py", "lean.py")
WARMUP_ZONE = "Europe/Berlin"

Log = Callable[[str], None]


class ComponentBuildError(Exception):
    """componentize-py failed; the message carries its output."""


class CacheUnusable(Exception):
    """wasmblog's cache folder cannot be made or written (a file in its way, no permission, a
    read-only or full disk): ``path`` is the folder, ``message`` what is wrong and what to do."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(path, message)  # (both in args: it crosses process boundaries pickled)
        self.path, self.message = path, message

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    @classmethod
    def of(cls, folder: Path, exc: OSError) -> CacheUnusable:
        return cls(str(folder), f"cannot be used as wasmblog's cache folder: {exc.strerror or exc} (point "
                                "XDG_CACHE_HOME or WASMBLOG_CACHE_DIR at a folder you can write, or pass --cache-dir)")


def cache_root(override: str | os.PathLike[str] | None = None) -> Path:
    """Where components are cached: ``override``, ``$WASMBLOG_CACHE_DIR``, or XDG."""
    if override:
        return Path(override)
    if os.environ.get("WASMBLOG_CACHE_DIR"):
        return Path(os.environ["WASMBLOG_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wasmblog"


def _versions() -> dict[str, str]:
    versions = {dist: importlib.metadata.version(dist) for dist in BUNDLED.values()}
    versions["componentize-py"] = importlib.metadata.version("componentize-py")
    versions["tzdata"] = importlib.metadata.version("tzdata")
    versions["data segments"] = f"packed, at most {MAX_DATA_SEGMENTS}"  # pack_data_segments (below)
    versions["bytecode"] = "precompiled by the guest's CPython"  # precompile (below)
    return versions


def _source_files() -> list[Path]:
    files = sorted(WIT_DIR.glob("*.wit"))
    files += [GUEST_DIR / name for name in GUEST_FILES]
    files += sorted(CORE_DIR.rglob("*.py"))
    files += sorted(p for p in (CORE_DIR / "themes").rglob("*") if p.is_file())  # read into the snapshot
    return files


def component_key() -> str:
    """A hash of everything that determines the component's bytes."""
    digest = hashlib.sha256()
    digest.update(json.dumps(_versions(), sort_keys=True).encode())
    for path in _source_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def write_verified(path: Path, data_path: Path) -> None:
    """Move ``data_path`` to ``path`` atomically, with a SHA-256 sidecar."""
    digest = file_digest(data_path)
    sidecar = path.with_name(path.name + ".sha256")
    tmp_sidecar = sidecar.with_name(sidecar.name + f".tmp{os.getpid()}")
    tmp_sidecar.write_text(digest + "\n")
    try:
        os.replace(data_path, path)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        staged = path.with_name(path.name + f".tmp{os.getpid()}")  # another disk: copied, then renamed
        shutil.copyfile(data_path, staged)
        os.replace(staged, path)
    os.replace(tmp_sidecar, sidecar)


# Builds kept in the cache besides the one just made: each wasmblog version or checkout in use on
# the machine has its own (a test run in one checkout deleting the other's made that one rebuild,
# ~40 s, in the middle of its own tests). About 100 MB each, component and compiled form.
KEPT_BUILDS = 3


def mark_used(path: Path) -> None:
    """Note that ``path`` was just used (its mtime), so that :func:`remove_stale` keeps it longest."""
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only cache: nothing is removed from it either


def remove_stale(cache: Path, pattern: str, keep: Path, kept: int = KEPT_BUILDS) -> None:
    """Delete the cached files matching ``pattern`` (and their sidecars) but ``keep`` and the
    ``kept`` most recently used others: older builds of the component, or compiled forms
    for other engine versions."""
    def used(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0

    others = sorted((p for p in cache.glob(pattern) if p != keep), key=used, reverse=True)
    for stale in others[kept:]:
        stale.unlink(missing_ok=True)
        stale.with_name(stale.name + ".sha256").unlink(missing_ok=True)


def verified(path: Path) -> bool:
    """Whether ``path`` exists and matches its SHA-256 sidecar."""
    sidecar = path.with_name(path.name + ".sha256")
    try:
        expected = sidecar.read_text().strip()
        return bool(expected) and file_digest(path) == expected
    except OSError:
        return False


@dataclass
class ComponentInfo:
    path: Path
    key: str
    built: bool  # False when it came from the cache
    seconds: float  # build time (0 when cached)

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def component_path(cache: Path, key: str | None = None) -> Path:
    return cache / f"wasmblog-{(key or component_key())[:20]}.wasm"


def ensure_component(cache_dir: str | os.PathLike[str] | None = None, force: bool = False,
                     log: Log | None = None) -> ComponentInfo:
    """The component, from the cache when a verified copy is there, else built."""
    cache = cache_root(cache_dir)
    key = component_key()
    path = component_path(cache, key)
    if not force and verified(path):
        mark_used(path)
        return ComponentInfo(path, key, False, 0.0)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        probe = cache / f".probe{os.getpid()}"
        probe.write_bytes(b"")  # found now, not after a 20-40 s build
        probe.unlink()
    except OSError as exc:
        raise CacheUnusable.of(cache, exc) from None
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="wasmblog-build-") as tmp:
        out = Path(tmp) / "component.wasm"
        build_component(out, Path(tmp), log)
        try:
            write_verified(path, out)
        except OSError as exc:
            raise CacheUnusable.of(cache, exc) from None
    remove_stale(cache, "wasmblog-*.wasm", keep=path)
    return ComponentInfo(path, key, True, time.perf_counter() - started)


def _copy_pure(src: Path, dest: Path) -> None:
    """Copy a package's Python sources only (no C extensions, no caches)."""
    for path in src.rglob("*.py"):
        if "__pycache__" in path.parts or "tests" in path.relative_to(src).parts:
            continue
        target = dest / path.relative_to(src.parent)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ComponentBuildError(f"package {name!r} is not installed")
    return Path(list(spec.submodule_search_locations)[0])


def _stage_full(stage: Path) -> None:
    """Pure-Python copies of the core, its dependencies and the guest."""
    _copy_pure(CORE_DIR, stage)
    shutil.copytree(CORE_DIR / "themes", stage / "renderer" / "themes")  # the default theme, read at import
    for name in BUNDLED:
        _copy_pure(_package_dir(name), stage)
    for name in GUEST_FILES:
        shutil.copyfile(GUEST_DIR / name, stage / name)
    tzif = zone_data(WARMUP_ZONE)
    (stage / "warmup_tz.py").write_text(f"TZIF = {tzif!r}\n")


def _imported_modules(stage: Path) -> list[str]:
    """Modules the core loads, found by running the warm-up natively on ``stage``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(stage)
    proc = subprocess.run([sys.executable, "-S", str(stage / "collect.py")],
                          cwd=stage, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise ComponentBuildError("warm-up failed natively:\n" + proc.stderr[-4000:])
    modules: list[str] = json.loads(proc.stdout)
    return modules


def _stage_bundle(full: Path, bundle: Path, modules: list[str]) -> None:
    """Copy into ``bundle`` the sources of ``modules`` that live in ``full``."""
    roots = {"renderer", *BUNDLED}
    wanted = {m for m in modules if m.split(".")[0] in roots}
    wanted.add("markupsafe._native")  # the fallback of MarkupSafe's C speedups
    for module in sorted(wanted):
        parts = module.split(".")
        for candidate in (full.joinpath(*parts, "__init__.py"), full.joinpath(*parts[:-1], parts[-1] + ".py")):
            if candidate.is_file():
                target = bundle / candidate.relative_to(full)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(candidate, target)
                break
    for name in ("app.py", "warmup.py", "warmup_tz.py", "lean.py"):
        shutil.copyfile(full / name, bundle / name)
    # Not a module: read by `import renderer` while componentize-py pre-initialises
    # the component, and held in the snapshot (the component has no files at run time).
    shutil.copytree(full / "renderer" / "themes", bundle / "renderer" / "themes")


# A first componentize-py run over the bundle, whose guest only compiles it: CPython 3.14 inside
# componentize-py writes the bytecode (``__pycache__``) beside the sources, and the real run then
# loads it instead of compiling. Compiling needs memory for a moment (justhtml's parser: some
# 10 MB), which the real guest freed but kept in its snapshot: 34.4 MB without this pass, 32.4-32.6
# with it (three builds each); the pass takes some 20-30 s.
_PRECOMPILE = "wasmblog_precompile"
_PRECOMPILE_APP = """\
import compileall
import os

import wit_world


def _answers_nothing(self, *args):
    raise RuntimeError("the precompile pass only compiles the bundle; it answers no call")


# Every export of the world, whatever it holds (a new export needs no change here).
WitWorld = type("WitWorld", (wit_world.WitWorld,),
                {name: _answers_nothing for name in getattr(wit_world.WitWorld, "__abstractmethods__", ())})


if not compileall.compile_dir(os.path.dirname(os.path.abspath(__file__)), quiet=1):
    raise SystemExit("compiling the bundle failed")
"""


def _componentize_py() -> str:
    exe = Path(sys.executable).with_name("componentize-py")
    return str(exe) if exe.exists() else "componentize-py"


def precompile(bundle: Path, workdir: Path) -> None:
    """Write the bundle's bytecode with the guest's own CPython (see ``_PRECOMPILE``)."""
    app = bundle / f"{_PRECOMPILE}.py"
    app.write_text(_PRECOMPILE_APP)
    command = [_componentize_py(), "-d", str(WIT_DIR), "-w", WORLD, "componentize", _PRECOMPILE, "-p", str(bundle),
               "-o", str(workdir / "precompile.wasm"), "--stub-wasi"]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    proc = subprocess.run(command, cwd=bundle, env=env, capture_output=True, text=True)
    app.unlink()
    for cached in (bundle / "__pycache__").glob(f"{_PRECOMPILE}.*"):
        cached.unlink()
    (workdir / "precompile.wasm").unlink(missing_ok=True)
    if proc.returncode != 0:
        raise ComponentBuildError("componentize-py failed compiling the bundle:\n"
                                  + (proc.stderr or proc.stdout)[-6000:])


def build_component(out: Path, workdir: Path, log: Log | None = None) -> None:
    """Run componentize-py over a minimal bundle; write the component to ``out``."""
    say = log or (lambda _msg: None)
    full, bundle = workdir / "full", workdir / "bundle"
    full.mkdir()
    bundle.mkdir()
    say("staging the render core and its dependencies")
    _stage_full(full)
    modules = _imported_modules(full)
    _stage_bundle(full, bundle, modules)
    say(f"compiling {sum(1 for _ in bundle.rglob('*.py'))} modules with componentize-py's CPython")
    precompile(bundle, workdir)
    say("componentizing them with componentize-py")
    command = [_componentize_py(), "-d", str(WIT_DIR), "-w", WORLD,
               "componentize", "app", "-p", str(bundle), "-o", str(out), "--stub-wasi"]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    proc = subprocess.run(command, cwd=bundle, env=env, capture_output=True, text=True)
    if proc.returncode != 0 or not out.is_file():
        raise ComponentBuildError("componentize-py failed:\n" + (proc.stderr or proc.stdout)[-6000:])
    out.write_bytes(pack_data_segments(out.read_bytes()))


def stage_core(workdir: Path, bundle: Path) -> None:
    """The render core in ``bundle`` exactly as the component bundles it (only the modules its
    warm-up loads, pure-Python copies of its dependencies), for other components built on it
    (``wasmblog deploy``), with ``lean`` (what goes into the snapshot). The render component's
    own guest files are left out."""
    full = workdir / "full"
    full.mkdir()
    _stage_full(full)
    _stage_bundle(full, bundle, _imported_modules(full))
    for name in ("app.py", "warmup.py", "warmup_tz.py"):
        (bundle / name).unlink(missing_ok=True)


# --- the component's data segments, packed -------------------------------------------------

# componentize-py stores the pre-initialised memory as data segments that run through short
# runs of zeros (about 45% of their bytes are zeros: reference counts, NULL pointers, empty
# hash-table slots). A segment costs some 8 bytes (its offset and length), so a run of zeros
# longer than that is cheaper left out, as wasm-opt's memory packing does: the memory an
# instance starts with is the same bytes. Engines refuse modules of more than 100,000 data
# segments (wasmparser's and the browsers' limit), so the longest runs are left out first,
# up to this many segments.
MAX_DATA_SEGMENTS = 90_000
_MIN_ZERO_RUN = 12  # shorter runs cost about as much as a segment


def leb128(data: bytes, i: int, signed: bool = False) -> tuple[int, int]:
    """The LEB128 number at ``data[i]`` (as WebAssembly writes sizes: unsigned, or ``signed``) and the
    index after it."""
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            if signed and byte & 0x40:
                value -= 1 << shift
            return value, i


def _enc_uleb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _enc_sleb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40):
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


def _section(sid: int, body: bytes) -> bytes:
    return bytes([sid]) + _enc_uleb(len(body)) + body


def _pack_module(module: bytes, limit: int) -> bytes:
    """A core module with its active data segments split around their longest runs of zeros."""
    sections: list[tuple[int, bytes]] = []
    i = 8
    while i < len(module):
        sid = module[i]
        size, j = leb128(module, i + 1)
        sections.append((sid, module[j:j + size]))
        i = j + size
    data = next((body for sid, body in sections if sid == 11), None)
    if data is None:
        return module
    # (offset or None for a segment kept as it is, its raw encoding or bytes)
    segments: list[tuple[int | None, bytes]] = []
    count, k = leb128(data, 0)
    for _ in range(count):
        start = k
        flag, k = leb128(data, k)
        if flag == 0 and data[k] == 0x41:  # active, memory 0, offset (i32.const N)
            offset, k2 = leb128(data, k + 1, signed=True)
            if data[k2] == 0x0B:
                size, k3 = leb128(data, k2 + 1)
                segments.append((offset, data[k3:k3 + size]))
                k = k3 + size
                continue
        # anything else (passive, another memory, another expression): copied unchanged
        if flag == 1:
            size, k = leb128(data, k)
        else:
            if flag == 2:
                _, k = leb128(data, k)
            k = data.index(0x0B, k) + 1  # a constant expression: i32.const/global.get, then end
            size, k = leb128(data, k)
        k += size
        segments.append((None, data[start:k]))
    runs: list[tuple[int, int, int]] = []  # (length, segment, start)
    zeros = re.compile(b"\0{%d,}" % _MIN_ZERO_RUN)
    for index, (base, body) in enumerate(segments):
        if base is None:
            continue
        for match in zeros.finditer(body):
            if 0 < match.start() and match.end() < len(body):
                runs.append((match.end() - match.start(), index, match.start()))
    runs.sort(reverse=True)
    cuts: dict[int, list[int]] = {}
    for _length, index, start in runs[:max(0, limit - len(segments))]:
        cuts.setdefault(index, []).append(start)
    out = bytearray()
    total = 0
    for index, (base, body) in enumerate(segments):
        if base is None:
            out += body
            total += 1
            continue
        pieces: list[tuple[int, bytes]] = []
        begin = 0
        for start in sorted(cuts.get(index, ())):
            end = start
            while end < len(body) and body[end] == 0:
                end += 1
            pieces.append((begin, body[begin:start]))
            begin = end
        pieces.append((begin, body[begin:]))
        for at, piece in pieces:
            out += b"\0\x41" + _enc_sleb(base + at) + b"\x0b" + _enc_uleb(len(piece)) + piece
            total += 1
    new_data = _enc_uleb(total) + bytes(out)
    result = bytearray(module[:8])
    for sid, body in sections:
        if sid == 11:
            body = new_data
        elif sid == 12:  # the data count section
            body = _enc_uleb(total)
        result += _section(sid, body)
    return bytes(result)


def pack_data_segments(component: bytes, limit: int = MAX_DATA_SEGMENTS) -> bytes:
    """``component`` (or a core module) with the zeros of its modules' data segments left out."""
    if component[4:8] == b"\x01\x00\x00\x00":
        return _pack_module(component, limit)
    result = bytearray(component[:8])
    i = 8
    while i < len(component):
        sid = component[i]
        size, j = leb128(component, i + 1)
        body = component[j:j + size]
        if sid in (1, 4):  # a core module, a nested component
            body = pack_data_segments(body, limit)
        result += _section(sid, body)
        i = j + size
    return bytes(result)
