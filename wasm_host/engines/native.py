"""The native engine: the render core called directly, with limits per call.

The time limit uses SIGALRM and the memory limit RLIMIT_DATA, so both hold
only in the main thread (the CLI's builds; not the server's worker threads).
"""

from __future__ import annotations

import re
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Any
from collections.abc import Callable, Iterator, Mapping, Sequence

try:
    import resource
except ImportError:  # not on every platform
    resource = None  # type: ignore[assignment]  # the module or None: checked before each use

import renderer
from renderer import BuildOptions, PageJob, ParseResult, Plan, Post, SiteResult, Source
from renderer.config import Limits, SiteConfig

from .base import SandboxFault, parse_items, render_items


class _Timeout(BaseException):
    """Raised by the alarm handler; a BaseException so core code cannot swallow it."""


ALARM_REPEAT = 0.05  # seconds between alarms once a deadline has passed


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """A wall-clock limit for native calls (main thread only; elsewhere none).

    The alarm repeats every ALARM_REPEAT seconds once the deadline has passed:
    a Python signal handler that happens to run inside a finalizer (``__del__``,
    a weakref callback, run by the garbage collector) has its exception
    swallowed, so one alarm is not enough. Those swallowed ones are kept off
    stderr too.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    armed = [True]

    def on_alarm(signum: int, frame: Any) -> None:
        if armed[0]:
            raise _Timeout()

    def unraisable(info: Any, _previous: Callable[[Any], None] = sys.unraisablehook) -> None:
        if not isinstance(info.exc_value, _Timeout):
            _previous(info)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    previous_hook, sys.unraisablehook = sys.unraisablehook, unraisable
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds, ALARM_REPEAT)
        try:
            yield
        finally:
            armed[0] = False  # from here on an alarm does nothing
    except _Timeout:
        raise SandboxFault("timeout", f"rendering exceeded {seconds:g} s (limits.render_timeout)") from None
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.unraisablehook = previous_hook


_VMDATA = re.compile(r"^VmData:\s+(\d+) kB", re.MULTILINE)


def _data_bytes() -> int | None:
    """This process's data memory now (Linux), or None when unknown."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            m = _VMDATA.search(fh.read())
    except OSError:
        return None
    return int(m.group(1)) * 1024 if m else None


@contextmanager
def _memory_cap(megabytes: int) -> Iterator[None]:
    """At most ``megabytes`` more memory for a native call (main thread, Linux).

    ``RLIMIT_DATA`` is set to the process's data size plus the cap for the
    call and restored after it, so an allocation past the cap raises
    MemoryError inside the core, which reports it as the wasm engine does
    ("ran out of memory"). It is a process-wide limit, hence main thread only
    (like the deadline); other threads run native calls uncapped.
    """
    if resource is None or megabytes <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    used = _data_bytes()
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = None if used is None else used + (megabytes << 20)
    if cap is not None and hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if cap is None or (soft != resource.RLIM_INFINITY and soft <= cap):
        yield  # unknown usage, or a tighter limit is already in force
        return
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    try:
        yield
    except MemoryError:  # one the core did not turn into a diagnostic itself
        raise SandboxFault("memory",
                           f"ran out of memory (the sandbox's cap is {megabytes} MB, limits.memory_mb)") from None
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


class NativeRenderer:
    """The render core called directly, with limits per call in the main thread.

    The time limit uses SIGALRM and the memory limit RLIMIT_DATA, so both
    hold only in the main thread (the CLI's builds; not the server's worker
    threads), and neither can stop a single long C-level operation (a huge
    regex or bignum step) the way the wasm engine's epoch deadline does. For
    hard limits on untrusted input, use the wasm engine.
    """

    name = "native"

    def __init__(self, timeout: float = 2.0, memory_mb: int = 512) -> None:
        self.timeout = timeout
        self.memory_mb = memory_mb

    def limited(self, limits: Limits) -> NativeRenderer:
        return NativeRenderer(limits.render_timeout, limits.memory_mb)

    def _limit(self, items: int) -> float:
        return self.timeout * max(1, items)

    @contextmanager
    def _limits(self, items: int) -> Iterator[None]:
        with _deadline(self._limit(items)), _memory_cap(self.memory_mb):
            yield

    def parse_posts(self, sources: Sequence[Source], config: str | SiteConfig, tzif: bytes = b"",
                    shortcodes: Mapping[str, str] | None = None) -> ParseResult:
        with self._limits(parse_items(sources)):
            return renderer.parse_posts(sources, config, tzif, shortcodes)

    def plan_site(self, posts: Sequence[Post], config: str | SiteConfig, options: BuildOptions) -> Plan:
        with self._limits(1 + len(posts) // 100):
            return renderer.plan_site(posts, config, options)

    def render_pages(self, jobs: Sequence[PageJob], posts: Sequence[Post], config: str | SiteConfig,
                     templates: Mapping[str, str]) -> SiteResult:
        with self._limits(render_items(jobs, posts)):
            return renderer.render_pages(jobs, posts, config, templates)

    def render_site(self, sources: Sequence[Source], config: str, templates: Mapping[str, str],
                    options: BuildOptions, tzif: bytes = b"") -> SiteResult:
        with self._limits(3 * len(sources) + 10):
            return renderer.render_site(sources, config, templates, options, tzif)

    def render_markdown(self, text: str, **options: Any) -> str:
        with self._limits(1):
            return renderer.render_markdown(text, **options)
