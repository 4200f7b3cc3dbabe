"""Which code produced a result: the engine and the core's version, for keys of the render cache.

A result cached by one engine is never reused by the other (the wasm
engine's output is checked against the native one's by every parity test;
sharing results would hide a difference), nor by another version of the
core: the version hashes every file under ``renderer/`` (code and theme
files alike), the versions of the packages the core imports, and, for the
wasm engine, the component's own key (WIT, guest, componentize-py).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

# import name -> distribution, as bundled into the component (kept equal to component.BUNDLED by a test)
CORE_DISTRIBUTIONS = ("mistune", "Jinja2", "MarkupSafe", "Pygments", "PyYAML", "python-frontmatter", "tomli",
                      "justhtml")


def core_dir() -> Path:
    spec = importlib.util.find_spec("renderer")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).resolve().parent


@lru_cache(maxsize=1)
def core_version() -> str:
    """A hash of the render core as this process runs it: its files and its dependencies' versions."""
    digest = hashlib.sha256()
    root = core_dir()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       and not p.name.endswith((".pyc", ".pyo"))):
        rel = path.relative_to(root).as_posix().encode()
        data = path.read_bytes()
        digest.update(len(rel).to_bytes(4, "little") + rel + len(data).to_bytes(8, "little") + data)
    for dist in CORE_DISTRIBUTIONS:
        digest.update(f"{dist}=={importlib.metadata.version(dist)}\0".encode())
    digest.update(f"python {sys.version}".encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _component_key() -> str:
    from .component import component_key

    return component_key()


def engine_version(engine: Any) -> str | None:
    """What ``engine``'s results depend on besides their inputs, or None for an engine the cache does not know."""
    name = getattr(engine, "name", None)
    if name == "native":
        return f"native:{core_version()}"
    if name == "wasm":
        return f"wasm:{_component_key()}:{core_version()}"
    return None
