"""wasmblog's host: everything that touches the outside world.

Reads sites, runs the render core natively or in the WebAssembly sandbox,
validates and writes output, serves, and measures. The core itself
(``renderer``) does no I/O at all.
"""

from .engines import NativeRenderer, Renderer, SandboxFault, make_renderer

__all__ = ["NativeRenderer", "Renderer", "SandboxFault", "make_renderer"]
