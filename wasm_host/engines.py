"""The two engines behind one interface: native Python and the wasm sandbox.

Both expose the render core's API (``parse_posts``, ``plan_site``,
``render_pages``, ``render_site``, ``render_markdown``) with the same
arguments and result types, so a caller switches engines by switching one
object. A call that the engine had to stop (deadline, memory cap, trap)
raises :class:`SandboxFault`; the caller decides what input to blame.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Any, Iterator, Mapping, Protocol, Sequence

import renderer
from renderer import BuildOptions, PageJob, ParseResult, Plan, Post, SiteResult, Source


class SandboxFault(Exception):
    """A render call was stopped: ``kind`` is timeout, memory, stack or trap."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class Renderer(Protocol):
    name: str
    timeout: float

    def parse_posts(self, sources: Sequence[Source], config: str, tzif: bytes = b"") -> ParseResult: ...

    def plan_site(self, posts: Sequence[Post], config: str, options: BuildOptions) -> Plan: ...

    def render_pages(self, jobs: Sequence[PageJob], posts: Sequence[Post], config: str,
                     templates: Mapping[str, str]) -> SiteResult: ...

    def render_site(self, sources: Sequence[Source], config: str, templates: Mapping[str, str],
                    options: BuildOptions, tzif: bytes = b"") -> SiteResult: ...

    def render_markdown(self, text: str, **options: Any) -> str: ...


class _Timeout(BaseException):
    """Raised by the alarm handler; a BaseException so core code cannot swallow it."""


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """A wall-clock limit for native calls (main thread only; elsewhere none)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Timeout:
        raise SandboxFault("timeout", f"rendering exceeded {seconds:g} s") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class NativeRenderer:
    """The render core called directly, with a wall-clock limit per call.

    The time limit needs the main thread (it uses SIGALRM); there is no
    memory limit. For hard limits on untrusted input, use the wasm engine.
    """

    name = "native"

    def __init__(self, timeout: float = 2.0) -> None:
        self.timeout = timeout

    def _limit(self, items: int) -> float:
        return self.timeout * max(1, items)

    def parse_posts(self, sources: Sequence[Source], config: str, tzif: bytes = b"") -> ParseResult:
        with _deadline(self._limit(len(sources))):
            return renderer.parse_posts(sources, config, tzif)

    def plan_site(self, posts: Sequence[Post], config: str, options: BuildOptions) -> Plan:
        with _deadline(self._limit(1 + len(posts) // 100)):
            return renderer.plan_site(posts, config, options)

    def render_pages(self, jobs: Sequence[PageJob], posts: Sequence[Post], config: str,
                     templates: Mapping[str, str]) -> SiteResult:
        with _deadline(self._limit(len(jobs))):
            return renderer.render_pages(jobs, posts, config, templates)

    def render_site(self, sources: Sequence[Source], config: str, templates: Mapping[str, str],
                    options: BuildOptions, tzif: bytes = b"") -> SiteResult:
        with _deadline(self._limit(3 * len(sources) + 10)):
            return renderer.render_site(sources, config, templates, options, tzif)

    def render_markdown(self, text: str, **options: Any) -> str:
        with _deadline(self.timeout):
            return renderer.render_markdown(text, **options)


def make_renderer(engine: str, timeout: float = 2.0, memory_mb: int = 512,
                  cache_dir: str | None = None) -> Renderer:
    """``native`` or ``wasm``; the wasm one builds or loads the component as needed."""
    if engine == "native":
        return NativeRenderer(timeout=timeout)
    if engine == "wasm":
        from .wasm import WasmRenderer

        return WasmRenderer(timeout=timeout, memory_mb=memory_mb, cache_dir=cache_dir)
    raise ValueError(f"unknown engine {engine!r}: use 'wasm' or 'native'")
