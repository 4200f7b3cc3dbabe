"""The house: each room imports only the rooms below it, and no module imports itself back.

Layers, top to bottom: cli -> serve -> site -> engines -> renderer; deploy
sits beside site and only the CLI and the benchmark import it. The
benchmark is a room of its own that only the CLI imports. Imports under
``TYPE_CHECKING`` and inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

from sitekit import ROOT

LAYERS = {"renderer": 0, "wasm_host.engines": 1, "wasm_host.site": 2, "wasm_host.deploy": 2, "wasm_host.serve": 3,
          "wasm_host.cli": 4}
CLI = ("wasm_host.cli", "wasm_host.cli_tools")  # the command line, in two modules


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for package in ("renderer", "wasm_host"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "peersites" in path.parts:  # peer sites' own configuration, not modules of ours
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _imports() -> dict[str, set[str]]:
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = {m: set() for m in modules}
    for module, (path, is_package) in modules.items():
        here = module if is_package else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = here.split(".")[:len(here.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{a.name}" for a in node.names] + [base]
            else:
                continue
            for target in targets:
                found = resolve(target)
                if found and found != module and not module.startswith(found + "."):
                    edges[module].add(found)
    return edges


def _layer(module: str) -> int | None:
    for prefix, rank in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            return rank
    return None


def test_imports_point_only_down_the_layers():
    wrong = [f"{a} -> {b}" for a, targets in _imports().items() for b in targets
             if _layer(a) is not None and _layer(b) is not None and _layer(b) > _layer(a)]  # type: ignore[operator]  # both checked for None
    assert wrong == []


def test_only_the_cli_imports_the_benchmark():
    wrong = [f"{a} -> {b}" for a, targets in _imports().items() for b in targets
             if b.startswith("wasm_host.bench") and not (a.startswith("wasm_host.bench") or a in CLI)]
    assert wrong == []


def test_only_the_cli_and_the_benchmark_import_deploy():
    wrong = [f"{a} -> {b}" for a, targets in _imports().items() for b in targets
             if b.startswith("wasm_host.deploy") and not a.startswith(("wasm_host.deploy", "wasm_host.bench"))
             and a not in CLI]
    assert wrong == []


def test_there_are_no_import_cycles():
    edges = _imports()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    assert cycles == []
