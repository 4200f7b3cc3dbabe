"""The render core is pure: no files, clock, environment, network or processes.

One exception, made once: ``import renderer`` reads the default theme's files
(package data, ``renderer/themes/default/templates/``). Nothing else, ever:

- at run time, Python's audit hooks watch ``import renderer`` (the only
  files the core itself opens are the theme's, each once) and then renders of
  the sample site (the first may only import modules the core loads lazily;
  the second touches nothing at all);
- statically, the core's source imports and calls nothing that reaches the
  outside world, except the one function that reads the theme.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap

import pytest

from sitekit import BUILD_TIME, ROOT, SAMPLE_SITE

RENDERER = ROOT / "renderer"
THEME_FILES = RENDERER / "themes" / "default" / "templates"
THEME_TABLES = RENDERER / "themes" / "default" / "i18n"  # its translation tables
# The modules that read files, at import only: the theme's templates, and its translation tables.
THEME_READERS = {"renderer/templates/theme.py": THEME_FILES, "renderer/i18n/__init__.py": THEME_TABLES}

# Audit events that mean the outside world was touched.
FORBIDDEN_EVENTS = (
    "open", "os.", "socket.", "subprocess.", "shutil.", "time.sleep", "urllib.", "http.", "ftplib.", "smtplib.",
    "glob.", "tempfile.", "ctypes.", "mmap.", "fcntl.", "signal.", "webbrowser.", "import", "pty.", "winreg.",
)

AUDIT_SCRIPT = textwrap.dedent("""
    import json, sys, sysconfig

    STDLIB = (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"])
    PREFIXES = tuple(sys.argv[3].split(","))
    phase, seen = "import", {"import": [], "first render": [], "second render": []}

    def owner():
        # Whose doing an event is: the first frame, outwards from the hook, that is
        # not the standard library's. The import system loading a module is not code
        # of the core (nor of a library it uses) reading a file.
        frame = sys._getframe(2)
        while frame is not None:
            name = frame.f_code.co_filename
            if name.startswith("<frozen importlib._bootstrap"):
                return None
            if not (name.startswith(STDLIB) or name.startswith("<frozen ")):
                return name
            frame = frame.f_back
        return "?"

    def hook(event, args):
        if phase in seen and event.startswith(PREFIXES):
            who = None if event == "import" else owner()
            if who is not None or phase == "second render":
                seen[phase].append([event, str(args[0]) if args else "", who or "import system"])
    sys.addaudithook(hook)

    import renderer
    from renderer import BuildOptions
    phase = "setup"
    from wasm_host.site import load_site
    site = load_site(sys.argv[1])
    args = (site.sources, site.config_text, site.templates)
    build_time = int(sys.argv[2])
    phase = "first render"  # may import what the core loads lazily (lexers, plugins)
    renderer.render_site(*args, BuildOptions(build_time=build_time, drafts=True, future=True), site.tzif)
    expected = renderer.render_site(*args, BuildOptions(build_time=build_time), site.tzif)
    phase = "second render"
    result = renderer.render_site(*args, BuildOptions(build_time=build_time), site.tzif)
    phase = "done"
    same = [(f.path, f.content) for f in result.files] == [(f.path, f.content) for f in expected.files]
    sys.stdout.write(json.dumps({"events": seen, "files": len(result.files), "same": same}))
""")


@pytest.fixture(scope="module")
def audit() -> dict:
    """What a fresh Python touched while importing the core and rendering the sample site."""
    proc = subprocess.run([sys.executable, "-c", AUDIT_SCRIPT, str(SAMPLE_SITE), str(BUILD_TIME),
                           ",".join(FORBIDDEN_EVENTS)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_importing_the_core_reads_the_default_theme_and_nothing_else(audit):
    events = audit["events"]["import"]
    assert len(list(THEME_FILES.iterdir())) >= 13 and len(list(THEME_TABLES.iterdir())) >= 7
    for reader, folder in THEME_READERS.items():
        own = [e for e in events if e[2] == str(ROOT / reader)]
        # Listing its folder (os.listdir or os.scandir, by Python version), then each file once, for reading.
        listings = [e for e in own if e[0].startswith("os.") and e[0].endswith(("listdir", "scandir"))]
        assert [e[1] for e in listings] == [str(folder)]
        assert sorted(e[1] for e in own if e[0] == "open") == sorted(str(p) for p in folder.iterdir())
        assert [e for e in own if e not in listings and e[0] != "open"] == []
    assert {e[2] for e in events} == {str(ROOT / reader) for reader in THEME_READERS}


def test_after_import_rendering_the_sample_site_touches_no_file_socket_process_or_clock(audit):
    report = audit
    assert report["files"] > 50
    assert report["same"], "a second render gave different bytes"
    assert report["events"]["first render"] == [], "only the import system may load modules the core imports lazily"
    assert report["events"]["second render"] == []


FORBIDDEN_MODULES = {
    "os", "sys", "socket", "subprocess", "shutil", "tempfile", "time", "pathlib", "glob", "random", "secrets",
    "uuid", "signal", "threading", "multiprocessing", "asyncio", "ctypes", "urllib.request", "http", "ftplib",
    "smtplib", "ssl", "select", "selectors", "mmap", "fcntl", "linecache", "traceback", "logging", "platform",
    "getpass", "locale", "sqlite3", "zipimport", "webbrowser", "zipfile", "importlib.resources",
    "importlib.metadata",
}
FORBIDDEN_CALLS = {"open", "print", "input", "eval", "exec", "breakpoint", "__import__"}
FORBIDDEN_ATTRIBUTES = {"now", "utcnow", "today", "environ", "getenv", "time_ns", "perf_counter", "monotonic",
                        "urandom", "getcwd", "read_text", "read_bytes", "open_text", "open_binary", "open",
                        "iterdir"}
def _core_modules():
    return sorted(p for p in RENDERER.rglob("*.py"))


def test_the_core_imports_nothing_that_reaches_outside():
    found = []
    for path in _core_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                parts = name.split(".")
                if any(".".join(parts[:i]) in FORBIDDEN_MODULES for i in range(1, len(parts) + 1)):
                    found.append((path.relative_to(ROOT).as_posix(), node.lineno, f"import {name}"))
    for reader in THEME_READERS:
        assert [what for path, _, what in found if path == reader] == ["import importlib.resources"]
    assert [f"{path}:{line}: {what}" for path, line, what in found if path not in THEME_READERS] == []


def test_the_core_calls_nothing_that_reads_files_clocks_or_the_environment():
    found = []
    for path in _core_modules():
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
                found.append((rel, node.lineno, f"{node.func.id}()"))
            if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
                found.append((rel, node.lineno, f".{node.attr}"))
    for reader in THEME_READERS:
        reads = [what for path, _, what in found if path == reader]
        assert sorted(reads) == [".iterdir", ".read_text"], "the theme is read once: one listing, one read per file"
    assert [f"{path}:{line}: {what}" for path, line, what in found if path not in THEME_READERS] == []


def test_time_zone_data_comes_from_the_host_not_the_system():
    # ZoneInfo(key) would read the system's zoneinfo files; the core only builds zones from bytes.
    calls = []
    for path in _core_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "ZoneInfo":
                calls.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert calls == []
