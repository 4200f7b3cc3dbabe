"""The wasm engine: the render core inside a wasmtime sandbox, one Store per call.

Engine, linker and component are made once per process (the compiled
component is cached on disk, so a second process loads it in milliseconds).
Every call gets a fresh Store and instance from the pre-initialised
snapshot, with limits: a wall-clock deadline (epoch interruption), a memory
cap (``Store.set_limits``) and a bounded wasm stack. A trap, a deadline, a
memory cap or a stack overflow becomes a :class:`SandboxFault`; the store is
dropped and the next call starts clean. ctypes releases the GIL while wasm
runs, so calls on separate threads use separate cores.

:meth:`WasmRenderer.session` is the other way to call it: one instance for
a bounded number of calls (a library rendering many small documents), with
the isolation that implies (see :class:`Session`).
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import logging
import os
import threading
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any
from collections.abc import Mapping, Sequence

import wasmtime
from wasmtime.component import Component, Func, Linker, Variant

from renderer import codec
from renderer import BuildOptions, ParseResult, Plan, PageJob, Post, SiteConfig, SiteResult, Source
from renderer.config import Limits
from renderer.markdown import MarkdownOptions, normalize_options
from renderer.site import site_config

from . import wasmtime_internals as internals
from .base import SandboxFault, parse_items, render_items
from .component import cache_root, component_key, component_path, ensure_component, mark_used, remove_stale, \
    verified, write_verified
from .convert import config_record, lift, lower, record, templates_record

_LOG = logging.getLogger("wasmblog")

EPOCH_TICK = 0.005  # seconds per epoch tick
# The guest's CPython sizes its recursion limits for a native C stack; recursion
# that passes through C (deep expressions, nested filters) needs megabytes of
# wasm stack before Python's own RecursionError can fire, as it does natively.
MAX_WASM_STACK = 8 << 20
ASYNC_STACK = 16 << 20  # wasmtime requires max_wasm_stack <= the async stack size
POOL_INSTANCES = 64  # concurrent sandboxes the pooling allocator has slots for
KEEP_RESIDENT_MB = 16  # default: see Runtime

internals.install()


def make_config(pooling: bool = True, resident_mb: int = KEEP_RESIDENT_MB) -> wasmtime.Config:
    config = wasmtime.Config()
    config.epoch_interruption = True
    internals.set_async_stack_size(config, ASYNC_STACK)
    config.max_wasm_stack = MAX_WASM_STACK
    config.cranelift_opt_level = "speed"
    if pooling:
        internals.enable_pooling(config, instances=POOL_INSTANCES, keep_resident_bytes=resident_mb << 20)
    return config


class _Ticker:
    """Advances an engine's epoch every EPOCH_TICK seconds, in a daemon thread."""

    def __init__(self, engine: wasmtime.Engine) -> None:
        self.engine = engine
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wasmblog-epoch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(EPOCH_TICK):
            self.engine.increment_epoch()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@dataclasses.dataclass
class StartupTimes:
    componentize: float = 0.0  # 0 when the component came from the cache
    compile: float = 0.0  # Cranelift; 0 when the compiled form came from the cache
    load: float = 0.0  # deserialize from the cache


class Runtime:
    """Engine, linker and component, made once per process and shared by threads."""

    def __init__(self, cache_dir: str | os.PathLike[str] | None = None, pooling: bool = True,
                 resident_mb: int = KEEP_RESIDENT_MB) -> None:
        """``resident_mb``: memory the pooling allocator keeps mapped (and wipes)
        between instances. More makes a fresh instance's first call faster (no
        page faults) and its drop slower (a bigger wipe): worth it where drops
        happen off the request path, as in the server."""
        self.times = StartupTimes()
        self.pooling = pooling
        self.engine = wasmtime.Engine(make_config(pooling, resident_mb))
        cache = cache_root(cache_dir)
        self.key = component_key()
        self.component_path = component_path(cache, self.key)
        self.compiled_path = self._compiled_path(cache, self.key)
        component = self._deserialize(self.compiled_path)
        if component is None:
            _LOG.info("preparing the sandbox once, cached in %s (up to about 20 s)", cache)
            info = ensure_component(cache_dir, log=_LOG.info)
            self.times.componentize = info.seconds
            component = self._compile(cache, info.path)
        self.component = component
        self.linker = Linker(self.engine)  # the component imports nothing: nothing to define
        self._ticker = _Ticker(self.engine)
        self._signatures: dict[str, tuple[Any, list[Any], Any]] = {}
        self._signatures_lock = threading.Lock()

    def signature(self, export: str, func: Func, store: wasmtime.Store) -> tuple[list[Any], Any]:
        """An export's parameter types and result type, asked of the C API once.

        wasmtime-py builds new type objects on every call; kept here, the
        answers cached on them (record fields, list elements) are reused by
        every call after the first, whatever its store: the types belong to
        the component, not to an instance.
        """
        sig = self._signatures.get(export)
        if sig is None:
            fty = func.type(store)
            sig = (fty, [ty for _name, ty in fty.params], fty.result)  # fty owns the others
            with self._signatures_lock:
                sig = self._signatures.setdefault(export, sig)
        return sig[1], sig[2]

    def _compiled_path(self, cache: Path, key: str) -> Path:
        flavour = hashlib.sha256(
            f"{internals.VERSION}|pooling={self.pooling}|stack={MAX_WASM_STACK}".encode()
        ).hexdigest()[:12]
        return cache / f"wasmblog-{key[:20]}-{flavour}.cwasm"

    def _deserialize(self, compiled: Path) -> Component | None:
        """The cached compiled component, if it is there and intact."""
        started = time.perf_counter()
        if not verified(compiled):
            return None
        try:
            component = Component.deserialize_file(self.engine, str(compiled))
        except wasmtime.WasmtimeError:
            return None  # made by an incompatible engine: compile again
        self.times.load = time.perf_counter() - started
        mark_used(compiled)
        return component

    def _compile(self, cache: Path, wasm: Path) -> Component:
        started = time.perf_counter()
        component = Component.from_file(self.engine, str(wasm))
        self.times.compile = time.perf_counter() - started
        tmp = self.compiled_path.with_name(self.compiled_path.name + f".tmp{os.getpid()}")
        try:
            tmp.write_bytes(component.serialize())
            write_verified(self.compiled_path, tmp)
            remove_stale(cache, "wasmblog-*.cwasm", keep=self.compiled_path)
        except OSError as exc:  # a read-only cache holding the component: run it, compile it again next time
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
            _LOG.warning("warning: the compiled sandbox could not be kept in %s (%s); it is compiled again next "
                         "time", cache, exc.strerror or exc)
        return component

    def imports(self) -> list[str]:
        """Names the component imports (none: it runs with zero capabilities)."""
        return sorted(self.component.type.imports(self.engine))

    def exports(self) -> list[str]:
        return sorted(self.component.type.exports(self.engine))


_RUNTIMES: dict[tuple[str, bool, int], Runtime] = {}
_RUNTIMES_LOCK = threading.Lock()


@atexit.register
def _close_runtimes() -> None:
    """Free wasmtime objects while their C library is still loaded (quiet exit)."""
    with _RUNTIMES_LOCK:
        for rt in _RUNTIMES.values():
            rt._ticker.stop()
            rt._signatures.clear()  # type objects, freed by the C library
            for obj in (rt.linker, rt.component, rt.engine):
                obj.close()
        _RUNTIMES.clear()


def runtime(cache_dir: str | os.PathLike[str] | None = None, pooling: bool = True,
            resident_mb: int = KEEP_RESIDENT_MB) -> Runtime:
    """The process-wide runtime for this cache folder (and allocator settings)."""
    key = (str(cache_root(cache_dir)), pooling, resident_mb)
    with _RUNTIMES_LOCK:
        if key not in _RUNTIMES:
            _RUNTIMES[key] = Runtime(cache_dir, pooling, resident_mb)
        return _RUNTIMES[key]


# --- the sandbox ------------------------------------------------------------------


def _cause(text: str) -> str:
    """The most telling line of a wasmtime error: its "Caused by" reason if any."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if line.startswith("Caused by") and i + 1 < len(lines):
            return lines[i + 1].lstrip("0123456789: ")[:200]
    return lines[0][:200] if lines else "unknown"


def _fault(exc: Exception, seconds: float, memory_mb: int) -> SandboxFault:
    text = str(exc)
    if "interrupt" in text:
        return SandboxFault("timeout", f"rendering exceeded {seconds:g} s (limits.render_timeout)")
    if "stack" in text and ("exhausted" in text or "overflow" in text):
        return SandboxFault("stack", "nested too deeply: the sandbox ran out of stack")
    if "resource limit" in text or "memory.grow" in text or "out of memory" in text:
        return SandboxFault("memory", f"ran out of memory (the sandbox's cap is {memory_mb} MB, limits.memory_mb)")
    return SandboxFault("trap", f"the sandbox stopped: {_cause(text)}")


class Sandbox:
    """One instance of the component in its own Store, with limits.

    After a fault it must not be reused (a trapped instance's state is undefined).
    """

    def __init__(self, rt: Runtime, memory_mb: int) -> None:
        self.rt = rt
        self.memory_mb = memory_mb
        self.calls = 0
        self.store = wasmtime.Store(rt.engine)
        self.store.set_limits(memory_size=memory_mb << 20)
        self.store.set_epoch_deadline(1 << 40)  # instantiation itself is quick
        self.instance = rt.linker.instantiate(self.store, rt.component)

    def call(self, export: str, *args: Any, timeout: float) -> Any:
        """Call an export with WIT values; raises :class:`SandboxFault` if stopped or failed."""
        func = self.instance.get_func(self.store, export)
        if func is None:
            raise SandboxFault("trap", f"the component has no export {export!r}")
        self.store.set_epoch_deadline(max(1, int(timeout / EPOCH_TICK)))
        params, result_type = self.rt.signature(export, func, self.store)
        self.calls += 1
        try:
            result = internals.call(func, self.store, params, result_type, args)
        except wasmtime.WasmtimeError as exc:
            raise _fault(exc, timeout, self.memory_mb) from None
        # wasmtime-py returns a tagged Variant when ok and err have the same
        # Python type, else the bare payload (render-markdown: str or failure).
        if isinstance(result, Variant):
            failed, payload = result.tag == "err", result.payload
        else:
            failed, payload = not isinstance(result, str), result
        if failed:  # a bug in the core, not a sandbox limit
            raise SandboxFault("error", f"the renderer failed: {getattr(payload, 'message', payload)}")
        return payload


def _sources_record(sources: Sequence[Source]) -> list[Any]:
    return [record(path=s.path, data=s.data.decode("latin-1"), resources=list(s.resources),
                   cascade=[c.decode("latin-1") for c in s.cascade]) for s in sources]


class _CoreAPI(ABC):
    """The render core's API over WIT calls; subclasses say which instance runs each call."""

    timeout: float

    @abstractmethod
    def _invoke(self, export: str, *args: Any, items: int = 1) -> Any:
        """Call ``export`` with ``args`` in a sandbox and return its result (``items``: for the deadline)."""

    def parse_posts(self, sources: Sequence[Source], config: str | SiteConfig, tzif: bytes = b"",
                    shortcodes: Mapping[str, str] | None = None) -> ParseResult:
        out = self._invoke("parse-posts", _sources_record(sources), config_record(config), tzif.decode("latin-1"),
                           templates_record(shortcodes or {}), items=parse_items(sources))
        return lift(out, ParseResult)

    def plan_site(self, posts: Sequence[Post], config: str | SiteConfig, options: BuildOptions) -> Plan:
        site, config_diags = site_config(config)
        # The posts in, the plan out, as one JSON string each: lowering a WIT record per post and
        # lifting one per page job was most of planning in a sandbox (1,000 posts: see bench/README.md).
        try:
            encoded = codec.dumps(list(posts)).decode("ascii")
        except codec.Uncacheable:  # a value JSON cannot say (a mapping with keys that are not strings)
            out = self._invoke("plan-site", lower(list(posts)), lower(site), lower(options),
                               items=1 + len(posts) // 100)
            plan = lift(out, Plan)
        else:
            out = self._invoke("plan-site-encoded", encoded, lower(site), lower(options), items=1 + len(posts) // 100)
            plan = codec.loads(out.encode("ascii"), Plan)
        return Plan(plan.jobs, list(config_diags) + plan.diagnostics, plan.copies)

    def render_pages(self, jobs: Sequence[PageJob], posts: Sequence[Post], config: str | SiteConfig,
                     templates: Mapping[str, str]) -> SiteResult:
        out = self._invoke("render-pages", lower(list(jobs)), lower(list(posts)), config_record(config),
                           templates_record(templates), items=render_items(jobs, posts))
        return lift(out, SiteResult)

    def render_site(self, sources: Sequence[Source], config: str, templates: Mapping[str, str],
                    options: BuildOptions, tzif: bytes = b"") -> SiteResult:
        out = self._invoke("render-site", _sources_record(sources), config, templates_record(templates),
                           lower(options), tzif.decode("latin-1"), items=3 * len(sources) + 10)
        return lift(out, SiteResult)

    def render_markdown(self, text: str, **options: Any) -> str:
        html: str = self._invoke("render-markdown", text, lower(MarkdownOptions(**normalize_options(options))))
        return html


class WasmRenderer(_CoreAPI):
    """The render core's API, run in a fresh sandbox instance per call.

    Same methods, arguments and result types as the native engine; switch
    engines by switching this object for :class:`wasm_host.NativeRenderer`.
    """

    name = "wasm"

    def __init__(self, timeout: float = 2.0, memory_mb: int = 512,
                 cache_dir: str | os.PathLike[str] | None = None, pooling: bool = True,
                 resident_mb: int = KEEP_RESIDENT_MB) -> None:
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.cache_dir = cache_dir
        self.pooling = pooling
        self.resident_mb = resident_mb
        self._runtime: Runtime | None = None

    @property
    def runtime(self) -> Runtime:
        """The component, loaded (or built) on first use: a build the render cache answers whole never needs it."""
        if self._runtime is None:
            self._runtime = runtime(self.cache_dir, self.pooling, self.resident_mb)
        return self._runtime

    def limited(self, limits: Limits) -> WasmRenderer:
        # The same component (loaded or not yet) and, for a subclass, its own state (a prewarmed
        # engine's spares): a field-by-field copy, since copy.copy would go through __reduce__ and
        # make a plain engine (as it did until 2026-12-08: served pages never used the spares).
        limited = object.__new__(type(self))
        limited.__dict__.update(self.__dict__)
        limited.timeout, limited.memory_mb = limits.render_timeout, limits.memory_mb
        return limited

    def __reduce__(self) -> tuple[Any, ...]:
        """Sent to a worker process, it rebuilds itself there from the (cached) component."""
        return (WasmRenderer, (self.timeout, self.memory_mb, self.cache_dir, self.pooling, self.resident_mb))

    def sandbox(self) -> Sandbox:
        """A new instance (for callers that time instantiation separately)."""
        try:
            return Sandbox(self.runtime, self.memory_mb)
        except wasmtime.WasmtimeError as exc:
            raise _fault(exc, self.timeout, self.memory_mb) from None

    def _invoke(self, export: str, *args: Any, items: int = 1) -> Any:
        return self.sandbox().call(export, *args, timeout=self.timeout * max(1, items))

    def session(self, max_calls: int = 100) -> Session:
        """One instance for up to ``max_calls`` calls (then a fresh one): see :class:`Session`."""
        return Session(self, max_calls)


class Session(_CoreAPI):
    """The render core's API with one sandbox instance reused across calls.

    For a library rendering many small documents: a fresh instance costs
    more than a small render (``wasmblog bench`` reports both per-document
    costs). What stays isolated: the host and everything outside this
    session, exactly as with a fresh instance per call (the instance has no
    capabilities, a memory cap and a deadline per call). What does not:
    calls in one session share the instance's memory. The core keeps
    caches there, not documents, and its results do not depend on what ran
    before (a test checks this), but a document crafted to exploit a bug in
    the core could observe or disturb what an earlier call left in memory.
    So use one session per trust domain, never across users. The instance
    is replaced after ``max_calls`` calls and after any fault (deadline,
    memory cap, trap), so one runaway input cannot poison the calls after
    it. Use it as a context manager, or call :meth:`close`.
    """

    name = "wasm"

    def __init__(self, renderer: WasmRenderer, max_calls: int = 100) -> None:
        self.renderer = renderer
        self.timeout = renderer.timeout
        self.max_calls = max(1, max_calls)
        self.instances = 0  # instances this session has made
        self._sandbox: Sandbox | None = None

    def _new_sandbox(self) -> Sandbox:
        sandbox = self.renderer.sandbox()
        self.instances += 1
        return sandbox

    def _invoke(self, export: str, *args: Any, items: int = 1) -> Any:
        if self._sandbox is None or self._sandbox.calls >= self.max_calls:
            self._sandbox = self._new_sandbox()
        try:
            return self._sandbox.call(export, *args, timeout=self.timeout * max(1, items))
        except SandboxFault:
            self._sandbox = None  # never reuse an instance that was stopped
            raise

    def open(self) -> Session:
        """Make the instance now (else the first call makes it): for callers that time the steps."""
        if self._sandbox is None:
            self._sandbox = self._new_sandbox()
        return self

    def close(self) -> None:
        """Drop the instance (the next call, if any, makes a fresh one)."""
        self._sandbox = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["Runtime", "Sandbox", "Session", "WasmRenderer", "make_config", "runtime", "POOL_INSTANCES"]
