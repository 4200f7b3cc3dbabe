"""The two engines behind one interface: native Python and the wasm sandbox.

``make_renderer("native" | "wasm")`` is the way in. The wasm engine (and
wasmtime with it) is imported only when asked for, so native use never
loads it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from renderer import BuildOptions, PageJob, ParseResult, Plan, Post, SiteResult, Source
from renderer.config import Limits, SiteConfig

from .base import (BATCH_DEADLINE_ITEMS, Renderer, SandboxFault, parse_items,
                   render_items)
from .native import NativeRenderer

if TYPE_CHECKING:
    from .wasm import WasmRenderer

ENGINES = ("wasm", "native")


class _LazyWasm:
    """The wasm engine, with wasmtime imported and the component loaded on its first call.

    A rebuild the render cache answers whole calls no engine at all; it should
    not pay ~0.1 s for importing wasmtime and loading the component either.
    Its time and memory caps apply to every call; :meth:`limited` gives a
    copy with other caps that shares the component once it is loaded.
    """

    name = "wasm"

    def __init__(self, timeout: float, memory_mb: int, cache_dir: str | None) -> None:
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.cache_dir = cache_dir
        self._engine: WasmRenderer | None = None

    def engine(self) -> WasmRenderer:
        if self._engine is None:
            from .wasm import WasmRenderer

            self._engine = WasmRenderer(timeout=self.timeout, memory_mb=self.memory_mb, cache_dir=self.cache_dir)
        return self._engine

    def limited(self, limits: Limits) -> _LazyWasm:
        limited = _LazyWasm(limits.render_timeout, limits.memory_mb, self.cache_dir)
        if self._engine is not None:
            limited._engine = self._engine.limited(limits)
        return limited

    def parse_posts(self, sources: Sequence[Source], config: str | SiteConfig, tzif: bytes = b"",
                    shortcodes: Mapping[str, str] | None = None) -> ParseResult:
        return self.engine().parse_posts(sources, config, tzif, shortcodes)

    def plan_site(self, posts: Sequence[Post], config: str | SiteConfig, options: BuildOptions) -> Plan:
        return self.engine().plan_site(posts, config, options)

    def render_pages(self, jobs: Sequence[PageJob], posts: Sequence[Post], config: str | SiteConfig,
                     templates: Mapping[str, str]) -> SiteResult:
        return self.engine().render_pages(jobs, posts, config, templates)

    def render_site(self, sources: Sequence[Source], config: str, templates: Mapping[str, str],
                    options: BuildOptions, tzif: bytes = b"") -> SiteResult:
        return self.engine().render_site(sources, config, templates, options, tzif)

    def render_markdown(self, text: str, **options: Any) -> str:
        return self.engine().render_markdown(text, **options)

    def __getattr__(self, name: str) -> Any:  # session(), sandbox(), runtime...
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.engine(), name)

    def __reduce__(self) -> tuple[Any, ...]:
        """Sent to a worker process, it is the plain wasm engine there."""
        from .wasm import WasmRenderer

        return (WasmRenderer, (self.timeout, self.memory_mb, self.cache_dir))


def make_renderer(engine: str, timeout: float = 2.0, memory_mb: int = 512,
                  cache_dir: str | None = None) -> Renderer:
    """``native`` or ``wasm``; the wasm one builds or loads the component when first called."""
    if engine == "native":
        return NativeRenderer(timeout=timeout, memory_mb=memory_mb)
    if engine == "wasm":
        return _LazyWasm(timeout, memory_mb, cache_dir)
    raise ValueError(f"unknown engine {engine!r}: use 'wasm' or 'native'")


if TYPE_CHECKING:  # each engine is checked against the one protocol
    def _wasm_is_a_renderer(engine: WasmRenderer) -> Renderer:
        return engine


def __getattr__(name: str) -> Any:
    if name == "WasmRenderer":  # lazily: importing it loads wasmtime
        from .wasm import WasmRenderer

        return WasmRenderer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["BATCH_DEADLINE_ITEMS", "ENGINES", "NativeRenderer", "Renderer", "SandboxFault", "WasmRenderer",
           "make_renderer", "parse_items", "render_items"]
