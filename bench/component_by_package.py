#!/usr/bin/env python3
"""The component's size by package: what each package the guest loads adds to CPython's own.

    .venv/bin/python bench/component_by_package.py [--as-before] [--keep DIR]

Stages the bundle as ``wasmblog component build`` does, then builds one component per step,
each guest importing everything the previous one did and more (the modules the real guest
has loaded at the end of its warm-up, package by package), then the common lexers compiled,
then the sanitizer's policy built; the real component closes the table. The size a step adds
is that package's share. About 40 s a build, 11 builds.

Default: the guest as it is built now (its bytecode written by a first componentize-py run,
justhtml's parser imported first, the memory freed during the warm-up zeroed, the data
segments packed, rare lexers left to ``lean.LazyModules``).
``--as-before``: as it was before bench/README.md's "Component size by package" (every
module compiled from source in the snapshotted run, every lexer's module imported, nothing
zeroed, segments as componentize-py writes them, justhtml after Pygments).
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wasm_host.engines import component as c  # noqa: E402  after the sys.path line above

STUB = '''
import wit_world, importlib, gc


class WitWorld(wit_world.WitWorld):
    def parse_posts(self, *a): raise NotImplementedError
    def plan_site(self, *a): raise NotImplementedError
    def render_pages(self, *a): raise NotImplementedError
    def render_site(self, *a): raise NotImplementedError
    def render_markdown(self, *a): raise NotImplementedError


for _m in {modules!r}:
    try:
        importlib.import_module(_m)
    except ImportError:
        pass
{extra}
gc.collect()
{zero}
gc.freeze()
'''
LEXERS = '''
from renderer import highlight
_alias = {name: a for a, name in highlight.ALIASES.items()}
for _name in highlight.WARM_LEXERS:
    highlight.highlight("x = 1\\n", _alias[_name])
for _name in highlight.STYLE_NAMES:
    highlight.stylesheet(_name, _name)
'''
LEXERS_BEFORE = "from renderer import highlight\nhighlight.preload()\n"
POLICY = "from renderer import sanitize\nsanitize.preload()\n"
SMALL = ("markupsafe", "yaml", "frontmatter", "tomli")


def _steps(before: bool) -> list[tuple[str, Callable[[str], bool]]]:
    def root(name: str) -> Callable[[str], bool]:
        return lambda m: m.split(".")[0] == name

    stdlib: tuple[str, Callable[[str], bool]] = ("standard library (what the core imports)",
                                                lambda m: m.split(".")[0] not in {"renderer", *c.BUNDLED})
    steps = [stdlib,
             ("justhtml (the raw-HTML sanitizer)", root("justhtml")),
             ("MarkupSafe, PyYAML, python-frontmatter, tomli", lambda m: m.split(".")[0] in SMALL),
             ("Jinja2", root("jinja2")), ("mistune", root("mistune")),
             ("Pygments (modules)", root("pygments")), ("renderer (the core's modules)", root("renderer"))]
    if before:  # justhtml after Pygments, as the guest imported it (sanitize.preload, late)
        steps.insert(5, steps.pop(1))
    return steps


def _build(bundle: Path, app: str, out: Path, pack: bool) -> int:
    """One component; ``pack``: as built now (else as before: every module compiled from source,
    so the bytecode a previous build wrote into the bundle is removed first)."""
    if not pack:
        for cached in list(bundle.rglob("__pycache__")):
            shutil.rmtree(cached)
    (bundle / "app.py").write_text(app)
    exe = Path(sys.executable).with_name("componentize-py")
    subprocess.run([str(exe), "-d", str(c.WIT_DIR), "-w", c.WORLD, "componentize", "app", "-p", str(bundle),
                    "-o", str(out), "--stub-wasi"], cwd=bundle, check=True, capture_output=True)
    if pack:
        out.write_bytes(c.pack_data_segments(out.read_bytes()))
    return out.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--as-before", action="store_true")
    parser.add_argument("--keep", help="a folder to keep the components in")
    args = parser.parse_args()
    before = args.as_before
    with tempfile.TemporaryDirectory(prefix="wasmblog-sizes-") as tmp:
        work = Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        full, bundle = work / "full", work / "bundle"
        shutil.rmtree(full, ignore_errors=True)
        shutil.rmtree(bundle, ignore_errors=True)
        full.mkdir()
        bundle.mkdir()
        c._stage_full(full)
        c._stage_bundle(full, bundle, c._imported_modules(full))
        real_app = (bundle / "app.py").read_text()
        if not before:  # as the build does: every step loads bytecode, none compiles (c.precompile)
            c.precompile(bundle, work)
        # The modules the guest has loaded at the end of its warm-up: the native collection,
        # less the lexer modules the guest leaves to LazyModules (now).
        collect = full / "collect_lean.py"
        source = (full / "collect.py").read_text()
        if not before:
            source = "import justhtml.parser.engine\n" + source.replace("highlight.preload()\n", LEXERS)
        collect.write_text(source)
        env = {"PYTHONPATH": str(full)}
        modules: list[str] = json.loads(subprocess.run([sys.executable, "-S", str(collect)], cwd=full, env=env,
                                                       capture_output=True, text=True, check=True).stdout)
        modules = [m for m in modules if m not in ("__main__", "collect", "collect_lean", "warmup", "warmup_tz")]
        zero = "" if before else _ZERO
        rows: list[tuple[str, int]] = []
        empty = STUB.format(modules=[], extra="", zero="")
        rows.append(("CPython alone (an app that imports nothing)", _build(bundle, empty, work / "0.wasm", not before)))
        imported: list[str] = []
        for index, (label, wanted) in enumerate(_steps(before), 1):
            step = [m for m in modules if wanted(m)]
            if "justhtml.parser.engine" in step and not before:
                step.remove("justhtml.parser.engine")
                step.insert(0, "justhtml.parser.engine")
            imported += step
            app = STUB.format(modules=imported, extra="", zero=zero)
            rows.append((label, _build(bundle, app, work / f"{index}.wasm", not before)))
        extra = LEXERS_BEFORE if before else LEXERS
        rows.append(("common lexers compiled, styles", _build(bundle, STUB.format(
            modules=imported, extra=extra, zero=zero), work / "lexers.wasm", not before)))
        rows.append(("sanitizer policy built", _build(bundle, STUB.format(
            modules=imported, extra=extra + POLICY, zero=zero), work / "policy.wasm", not before)))
        if not before:  # (the guest before is not in this tree: its component is in the README)
            rows.append(("the warm-up (the real guest)", _build(bundle, real_app, work / "real.wasm", True)))
    base = rows[0][1]
    print(f"{'step':50} {'component MB':>12} {'adds MB':>8}")
    previous = base
    for label, size in rows:
        print(f"{label:50} {size / 1e6:12.2f} {(size - previous) / 1e6:8.2f}")
        previous = size
    print(f"over CPython alone: {(rows[-1][1] - base) / 1e6:.2f} MB")
    return 0


def _zero_source() -> str:
    """lean.zero_free_memory's own text, then a call of it: run inside a step's app, which leaves out
    justhtml (importing lean would import it)."""
    text = (c.GUEST_DIR / "lean.py").read_text(encoding="utf-8")
    node = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == "zero_free_memory")
    return "\n" + (ast.get_source_segment(text, node) or "") + "\nzero_free_memory()\n"


_ZERO = _zero_source()

if __name__ == "__main__":
    sys.exit(main())
