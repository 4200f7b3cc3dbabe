"""The render core is pure: no files, clock, environment, network or processes.

Two checks: at run time, Python's audit hooks watch a whole render of the
sample site; and statically, the core's source imports and calls nothing
that reaches the outside world.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap

from sitekit import BUILD_TIME, ROOT, SAMPLE_SITE

RENDERER = ROOT / "renderer"

# Audit events that mean the outside world was touched.
FORBIDDEN_EVENTS = (
    "open", "os.", "socket.", "subprocess.", "shutil.", "time.sleep", "urllib.", "http.", "ftplib.", "smtplib.",
    "glob.", "tempfile.", "ctypes.", "mmap.", "fcntl.", "signal.", "webbrowser.", "import", "pty.", "winreg.",
)

AUDIT_SCRIPT = textwrap.dedent("""
    import json, sys
    import renderer
    from renderer import BuildOptions
    from wasm_host.site import load_site

    site = load_site(sys.argv[1])
    args = (site.sources, site.config_text, site.templates)
    build_time = int(sys.argv[2])
    # Warm-up: the first render imports what the core loads lazily (lexers, plugins).
    renderer.render_site(*args, BuildOptions(build_time=build_time, drafts=True, future=True), site.tzif)
    expected = renderer.render_site(*args, BuildOptions(build_time=build_time), site.tzif)

    seen = []
    def hook(event, event_args):
        if event.startswith(tuple(sys.argv[3].split(","))):
            seen.append([event, repr(event_args)[:200]])
    sys.addaudithook(hook)

    result = renderer.render_site(*args, BuildOptions(build_time=build_time), site.tzif)
    same = [(f.path, f.content) for f in result.files] == [(f.path, f.content) for f in expected.files]
    sys.stdout.write(json.dumps({"events": seen, "files": len(result.files), "same": same}))
""")


def test_rendering_the_sample_site_touches_no_file_socket_process_or_clock():
    proc = subprocess.run([sys.executable, "-c", AUDIT_SCRIPT, str(SAMPLE_SITE), str(BUILD_TIME),
                           ",".join(FORBIDDEN_EVENTS)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["files"] > 50
    assert report["same"], "a second render gave different bytes"
    assert report["events"] == []


FORBIDDEN_MODULES = {
    "os", "sys", "socket", "subprocess", "shutil", "tempfile", "time", "pathlib", "glob", "random", "secrets",
    "uuid", "signal", "threading", "multiprocessing", "asyncio", "ctypes", "urllib.request", "http", "ftplib",
    "smtplib", "ssl", "select", "selectors", "mmap", "fcntl", "linecache", "traceback", "logging", "platform",
    "getpass", "locale", "sqlite3", "zipimport", "webbrowser",
}
FORBIDDEN_CALLS = {"open", "print", "input", "eval", "exec", "breakpoint", "__import__"}
FORBIDDEN_ATTRIBUTES = {"now", "utcnow", "today", "environ", "getenv", "time_ns", "perf_counter", "monotonic",
                        "urandom", "getcwd", "read_text", "read_bytes", "open_text", "open_binary"}


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
                names = [node.module]
            for name in names:
                parts = name.split(".")
                if any(".".join(parts[:i]) in FORBIDDEN_MODULES for i in range(1, len(parts) + 1)):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: import {name}")
    assert found == []


def test_the_core_calls_nothing_that_reads_files_clocks_or_the_environment():
    found = []
    for path in _core_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.func.id}()")
            if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.attr}")
    assert found == []


def test_time_zone_data_comes_from_the_host_not_the_system():
    # ZoneInfo(key) would read the system's zoneinfo files; the core only builds zones from bytes.
    calls = []
    for path in _core_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "ZoneInfo":
                calls.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert calls == []
