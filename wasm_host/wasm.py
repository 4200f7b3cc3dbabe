"""The wasm engine: the render core inside a wasmtime sandbox, one Store per call.

Engine, linker and component are made once per process (the compiled
component is cached on disk, so a second process loads it in milliseconds).
Every call gets a fresh Store and instance from the pre-initialised
snapshot, with limits: a wall-clock deadline (epoch interruption), a memory
cap (``Store.set_limits``) and a bounded wasm stack. A trap, a deadline, a
memory cap or a stack overflow becomes a :class:`SandboxFault`; the store is
dropped and the next call starts clean. ctypes releases the GIL while wasm
runs, so calls on separate threads use separate cores.
"""

from __future__ import annotations

import atexit
import ctypes
import dataclasses
import enum
import functools
import hashlib
import importlib.metadata
import logging
import os
import threading
import time
import typing
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Mapping, Sequence

import wasmtime
from wasmtime import _ffi as ffi
from wasmtime.component import Component, Func, Linker, Variant
from wasmtime.component._enter import enter_wasm

from renderer import (BuildOptions, Diagnostic, OutputFile, PageJob, ParseResult, Plan, Post, SiteConfig, SiteResult,
                      Source)
from renderer.site import site_config
from renderer.markdown import MarkdownOptions

from .component import cache_root, component_key, component_path, ensure_component, verified, write_verified
from .engines import SandboxFault, parse_items, render_items

_LOG = logging.getLogger("wasmblog")

EPOCH_TICK = 0.005  # seconds per epoch tick
# The guest's CPython sizes its recursion limits for a native C stack; recursion
# that passes through C (deep expressions, nested filters) needs megabytes of
# wasm stack before Python's own RecursionError can fire, as it does natively.
MAX_WASM_STACK = 8 << 20
ASYNC_STACK = 16 << 20  # wasmtime requires max_wasm_stack <= the async stack size
POOL_INSTANCES = 64  # concurrent sandboxes the pooling allocator has slots for


# --- engine set-up ---------------------------------------------------------------


def enable_pooling(config: wasmtime.Config, *, instances: int = POOL_INSTANCES,
                   max_memory_bytes: int = 1 << 32, keep_resident_bytes: int = 16 << 20) -> bool:
    """Switch ``config`` to wasmtime's pooling allocator (through the C API).

    wasmtime-py has no Config property for it. A componentize-py component
    has dozens of core instances, memories and tables, so the per-component
    limits are generous. Memory pages up to ``keep_resident_bytes`` stay
    mapped between instances, which is what makes a fresh instance cheap.
    Returns False if this wasmtime build lacks the API.
    """
    if not hasattr(ffi, "wasmtime_pooling_allocation_config_new"):
        return False
    pool = ffi.wasmtime_pooling_allocation_config_new()
    try:
        ffi.wasmtime_pooling_allocation_config_total_component_instances_set(pool, instances)
        ffi.wasmtime_pooling_allocation_config_total_core_instances_set(pool, instances * 64)
        ffi.wasmtime_pooling_allocation_config_total_memories_set(pool, instances * 4)
        ffi.wasmtime_pooling_allocation_config_total_tables_set(pool, instances * 16)
        ffi.wasmtime_pooling_allocation_config_total_stacks_set(pool, instances)
        ffi.wasmtime_pooling_allocation_config_max_core_instances_per_component_set(pool, 64)
        ffi.wasmtime_pooling_allocation_config_max_memories_per_component_set(pool, 4)
        ffi.wasmtime_pooling_allocation_config_max_tables_per_component_set(pool, 16)
        ffi.wasmtime_pooling_allocation_config_max_memories_per_module_set(pool, 1)
        ffi.wasmtime_pooling_allocation_config_max_tables_per_module_set(pool, 1)
        ffi.wasmtime_pooling_allocation_config_table_elements_set(pool, 1 << 16)
        ffi.wasmtime_pooling_allocation_config_max_memory_size_set(pool, max_memory_bytes)
        ffi.wasmtime_pooling_allocation_config_max_core_instance_size_set(pool, 1 << 20)
        ffi.wasmtime_pooling_allocation_config_max_component_instance_size_set(pool, 1 << 20)
        ffi.wasmtime_pooling_allocation_config_linear_memory_keep_resident_set(pool, keep_resident_bytes)
        ffi.wasmtime_pooling_allocation_config_table_keep_resident_set(pool, 1 << 16)
        ffi.wasmtime_pooling_allocation_strategy_set(config.ptr(), pool)
    finally:
        ffi.wasmtime_pooling_allocation_config_delete(pool)
    return True


KEEP_RESIDENT_MB = 16  # default: see Runtime


def make_config(pooling: bool = True, resident_mb: int = KEEP_RESIDENT_MB) -> wasmtime.Config:
    config = wasmtime.Config()
    config.epoch_interruption = True
    ffi.wasmtime_config_async_stack_size_set(config.ptr(), ASYNC_STACK)
    config.max_wasm_stack = MAX_WASM_STACK
    config.cranelift_opt_level = "speed"
    if pooling:
        enable_pooling(config, keep_resident_bytes=resident_mb << 20)
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
            f"{importlib.metadata.version('wasmtime')}|pooling={self.pooling}|stack={MAX_WASM_STACK}".encode()
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
        return component

    def _compile(self, cache: Path, wasm: Path) -> Component:
        started = time.perf_counter()
        component = Component.from_file(self.engine, str(wasm))
        self.times.compile = time.perf_counter() - started
        tmp = self.compiled_path.with_name(self.compiled_path.name + f".tmp{os.getpid()}")
        tmp.write_bytes(component.serialize())
        write_verified(self.compiled_path, tmp)
        for stale in cache.glob("wasmblog-*.cwasm"):
            if stale != self.compiled_path:
                stale.unlink(missing_ok=True)
                stale.with_name(stale.name + ".sha256").unlink(missing_ok=True)
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


# --- values across the boundary ---------------------------------------------------


def _cache_type_introspection() -> None:
    """Make wasmtime-py ask the C API for a record's fields once per value type.

    Its converters call ``RecordType.fields`` (one FFI call per field) for
    every record in a list, and ``ListType.element`` for every list: for a
    few thousand posts that is most of the host-side cost. The answers never
    change for a given type object, so they are cached on it.
    """
    from wasmtime.component import _types

    for cls, name in ((_types.RecordType, "fields"), (_types.ListType, "element"),
                      (_types.ResultType, "ok"), (_types.ResultType, "err")):
        prop = cls.__dict__.get(name)
        if isinstance(prop, property) and prop.fget is not None:
            cached = functools.cached_property(prop.fget)
            cached.__set_name__(cls, name)
            setattr(cls, name, cached)


_cache_type_introspection()


def _bytes_to_capi(data: bytes | bytearray) -> Any:
    """wasmtime-py's ``bytes_to_capi`` with one copy instead of two (no ctypes array between)."""
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("expected bytes or bytearray")
    vec = ffi.wasm_byte_vec_t()
    ffi.wasm_byte_vec_new_uninitialized(ctypes.byref(vec), len(data))
    if data:
        ctypes.memmove(vec.data, bytes(data) if isinstance(data, bytearray) else data, len(data))
    return vec


def _str_to_capi(text: str) -> Any:
    if not isinstance(text, str):
        raise TypeError("expected a string")
    return _bytes_to_capi(text.encode("utf-8"))


def _to_str(vec: Any) -> str:
    """wasmtime-py's ``to_str`` with one copy instead of two (no bytearray between)."""
    return ctypes.string_at(vec.data, vec.size).decode("utf-8") if vec.size else ""


# Every string crossing the boundary, and every record field's name, goes through these.
ffi.bytes_to_capi = _bytes_to_capi
ffi.str_to_capi = _str_to_capi
ffi.to_str = _to_str


class _Lowered:
    """A core dataclass seen through WIT field names (``summary-html``)."""

    __slots__ = ("_obj",)

    def __init__(self, obj: Any) -> None:
        self._obj = obj

    def __getattr__(self, name: str) -> Any:
        return lower(getattr(self._obj, name.replace("-", "_")))


def lower(value: Any) -> Any:
    """A Python value as wasmtime-py expects it for the matching WIT type."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _Lowered(value)
    if isinstance(value, (list, tuple)):
        return [lower(v) for v in value]
    return value


def _record(**fields: Any) -> SimpleNamespace:
    ns = SimpleNamespace()
    for name, value in fields.items():
        setattr(ns, name.replace("_", "-"), value)
    return ns


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def lift(value: Any, target: Any) -> Any:
    """A wasmtime-py value (Record, list, str...) as the core's type ``target``."""
    origin = typing.get_origin(target)
    if origin is list:
        (item,) = typing.get_args(target)
        return [lift(v, item) for v in value]
    if isinstance(target, type) and dataclasses.is_dataclass(target):
        hints = _hints(target)
        return target(**{f.name: lift(getattr(value, f.name.replace("_", "-")), hints[f.name])
                         for f in dataclasses.fields(target)})
    if isinstance(target, type) and issubclass(target, enum.Enum):
        return target(value)  # wasmtime-py gives an enum case as its WIT name: "post"
    return value


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


def _call(func: Func, store: wasmtime.Store, params: list[Any], result_type: Any, args: Sequence[Any]) -> Any:
    """``func(store, *args)`` as wasmtime-py's ``Func.__call__`` does it, with the types given."""
    if len(args) != len(params):
        raise TypeError(f"{len(args)} arguments given, {len(params)} expected")
    values = (ffi.wasmtime_component_val_t * len(args))()
    done = 0
    try:
        for ty, value in zip(params, args):
            ty.convert_to_c(store, value, ctypes.pointer(values[done]))
            done += 1
        result = ffi.wasmtime_component_val_t()

        def run() -> Any:
            return ffi.wasmtime_component_func_call(ctypes.byref(func._func), store._context(), values, done,
                                                    ctypes.byref(result), 1)
        enter_wasm(run)
        return result_type.convert_from_c(result)
    finally:
        for i in range(done):
            ffi.wasmtime_component_val_delete(ctypes.byref(values[i]))


class Sandbox:
    """One instance of the component in its own Store, with limits.

    A sandbox is meant for one call; after a fault it must not be reused.
    """

    def __init__(self, rt: Runtime, memory_mb: int) -> None:
        self.rt = rt
        self.memory_mb = memory_mb
        self.store = wasmtime.Store(rt.engine)
        self.store.set_limits(memory_size=memory_mb << 20)
        self.store.set_epoch_deadline(1 << 40)  # instantiation itself is quick
        self.instance = rt.linker.instantiate(self.store, rt.component)

    def call(self, export: str, *args: Any, timeout: float) -> Any:
        func = self.instance.get_func(self.store, export)
        if func is None:
            raise SandboxFault("trap", f"the component has no export {export!r}")
        self.store.set_epoch_deadline(max(1, int(timeout / EPOCH_TICK)))
        params, result_type = self.rt.signature(export, func, self.store)
        try:
            result = _call(func, self.store, params, result_type, args)
        except wasmtime.WasmtimeError as exc:
            raise _fault(exc, timeout, self.memory_mb) from None
        # wasmtime-py returns a tagged Variant when ok and err have the same
        # Python type, else the bare payload (render-markdown: str or failure).
        if isinstance(result, Variant):
            failed, payload = result.tag == "err", result.payload
        else:
            failed, payload = not isinstance(result, str), result
        if failed:  # a bug in the core, not a sandbox limit
            raise SandboxFault("error", f"the renderer failed: {payload.message}")
        return payload


class WasmRenderer:
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
        self.runtime = runtime(cache_dir, pooling, resident_mb)

    def __reduce__(self) -> tuple[Any, ...]:
        """Sent to a worker process, it rebuilds itself there from the (cached) component."""
        return (WasmRenderer, (self.timeout, self.memory_mb, self.cache_dir, self.pooling, self.resident_mb))

    def sandbox(self) -> Sandbox:
        """A new instance (for callers that time instantiation separately)."""
        try:
            return Sandbox(self.runtime, self.memory_mb)
        except wasmtime.WasmtimeError as exc:
            raise _fault(exc, self.timeout, self.memory_mb) from None

    def _call(self, export: str, *args: Any, items: int = 1) -> Any:
        return self.sandbox().call(export, *args, timeout=self.timeout * max(1, items))

    def parse_posts(self, sources: Sequence[Source], config: str | SiteConfig, tzif: bytes = b"") -> ParseResult:
        wit_sources = [_record(path=s.path, data=s.data.decode("latin-1")) for s in sources]
        out = self._call("parse-posts", wit_sources, config_record(config), tzif.decode("latin-1"),
                         items=parse_items(sources))
        return lift(out, ParseResult)

    def plan_site(self, posts: Sequence[Post], config: str | SiteConfig, options: BuildOptions) -> Plan:
        site, config_diags = site_config(config)
        out = self._call("plan-site", lower(list(posts)), lower(site), lower(options), items=1 + len(posts) // 100)
        plan = lift(out, Plan)
        return Plan(plan.jobs, list(config_diags) + plan.diagnostics)

    def render_pages(self, jobs: Sequence[PageJob], posts: Sequence[Post], config: str | SiteConfig,
                     templates: Mapping[str, str]) -> SiteResult:
        out = self._call("render-pages", lower(list(jobs)), lower(list(posts)), config_record(config),
                         _templates(templates), items=render_items(jobs, posts))
        return lift(out, SiteResult)

    def render_site(self, sources: Sequence[Source], config: str, templates: Mapping[str, str],
                    options: BuildOptions, tzif: bytes = b"") -> SiteResult:
        wit_sources = [_record(path=s.path, data=s.data.decode("latin-1")) for s in sources]
        out = self._call("render-site", wit_sources, config, _templates(templates), lower(options),
                         tzif.decode("latin-1"), items=3 * len(sources) + 10)
        return lift(out, SiteResult)

    def render_markdown(self, text: str, **options: Any) -> str:
        return self._call("render-markdown", text, lower(MarkdownOptions(**options)))


def config_record(config: str | SiteConfig) -> Any:
    """``site.toml`` for the sandbox: parsed here, once per text (the host needs
    its limits anyway), and passed as a record instead of text to re-parse."""
    return lower(site_config(config)[0])


def _templates(templates: Mapping[str, str]) -> list[SimpleNamespace]:
    return [_record(name=name, source=source) for name, source in sorted(templates.items())]


__all__ = ["Runtime", "Sandbox", "WasmRenderer", "enable_pooling", "lift", "lower", "runtime",
           "Diagnostic", "OutputFile"]
