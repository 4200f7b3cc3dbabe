"""The two engines behind one interface: native Python and the wasm sandbox.

``make_renderer("native" | "wasm")`` is the way in. The wasm engine (and
wasmtime with it) is imported only when asked for, so native use never
loads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import (BATCH_DEADLINE_ITEMS, Renderer, SandboxFault, apply_limits, engine_limits, parse_items,
                   render_items)
from .native import NativeRenderer

if TYPE_CHECKING:
    from .wasm import WasmRenderer

ENGINES = ("wasm", "native")


def make_renderer(engine: str, timeout: float = 2.0, memory_mb: int = 512,
                  cache_dir: str | None = None) -> Renderer:
    """``native`` or ``wasm``; the wasm one builds or loads the component as needed."""
    if engine == "native":
        return NativeRenderer(timeout=timeout, memory_mb=memory_mb)
    if engine == "wasm":
        from .wasm import WasmRenderer

        return WasmRenderer(timeout=timeout, memory_mb=memory_mb, cache_dir=cache_dir)
    raise ValueError(f"unknown engine {engine!r}: use 'wasm' or 'native'")


def __getattr__(name: str) -> Any:
    if name == "WasmRenderer":  # lazily: importing it loads wasmtime
        from .wasm import WasmRenderer

        return WasmRenderer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["BATCH_DEADLINE_ITEMS", "ENGINES", "NativeRenderer", "Renderer", "SandboxFault", "WasmRenderer",
           "apply_limits", "engine_limits", "make_renderer", "parse_items", "render_items"]
