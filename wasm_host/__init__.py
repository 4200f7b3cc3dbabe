"""wasmblog's host: everything that touches the outside world.

Reads sites, runs the render core natively or in the WebAssembly sandbox,
validates and writes output, serves, and measures. The core itself
(``renderer``) does no I/O at all.

The engines are imported when first named (``wasm_host.make_renderer``): the
command line starts without the core, and ``wasmblog build`` with nothing to
do never imports it (~0.3 s of a 0.7 s rebuild).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engines import NativeRenderer, Renderer, SandboxFault, make_renderer

__all__ = ["NativeRenderer", "Renderer", "SandboxFault", "make_renderer"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import engines

        return getattr(engines, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
