"""Every use of wasmtime-py's private API, in one place, for one version.

wasmtime-py 50 has no Config property for the pooling allocator or the async
stack size, rebuilds type objects and copies strings twice on every call.
Each workaround below reaches into its internals (``wasmtime._ffi``,
``wasmtime.component._types``, ``Func._func``, ``enter_wasm``), so this
module refuses to load with a wasmtime-py it was not written for, and
``tests/engines/test_wasmtime_internals.py`` checks every name it touches:
an upgrade fails loudly there instead of misbehaving at run time.
"""

from __future__ import annotations

import ctypes
import functools
import importlib.metadata
from typing import Any
from collections.abc import Sequence

import wasmtime
from wasmtime import _ffi as ffi
from wasmtime.component import Func
from wasmtime.component import _types
from wasmtime.component._enter import enter_wasm

SUPPORTED_MAJOR = 50  # wasmtime-py major version this module was written and tested against
VERSION = importlib.metadata.version("wasmtime")

if int(VERSION.split(".")[0]) != SUPPORTED_MAJOR:
    raise ImportError(f"wasmblog's wasm engine uses wasmtime-py {SUPPORTED_MAJOR}.x internals "
                      f"(wasm_host/engines/wasmtime_internals.py) but wasmtime {VERSION} is installed: "
                      f"install wasmtime=={SUPPORTED_MAJOR}.0.1 (as pyproject.toml pins it) or port that module")

# Names of the C API this module calls, for the test that checks them.
FFI_NAMES = (
    "wasmtime_pooling_allocation_config_new", "wasmtime_pooling_allocation_config_delete",
    "wasmtime_pooling_allocation_config_total_component_instances_set",
    "wasmtime_pooling_allocation_config_total_core_instances_set",
    "wasmtime_pooling_allocation_config_total_memories_set", "wasmtime_pooling_allocation_config_total_tables_set",
    "wasmtime_pooling_allocation_config_total_stacks_set",
    "wasmtime_pooling_allocation_config_max_core_instances_per_component_set",
    "wasmtime_pooling_allocation_config_max_memories_per_component_set",
    "wasmtime_pooling_allocation_config_max_tables_per_component_set",
    "wasmtime_pooling_allocation_config_max_memories_per_module_set",
    "wasmtime_pooling_allocation_config_max_tables_per_module_set",
    "wasmtime_pooling_allocation_config_table_elements_set",
    "wasmtime_pooling_allocation_config_max_memory_size_set",
    "wasmtime_pooling_allocation_config_max_core_instance_size_set",
    "wasmtime_pooling_allocation_config_max_component_instance_size_set",
    "wasmtime_pooling_allocation_config_linear_memory_keep_resident_set",
    "wasmtime_pooling_allocation_config_table_keep_resident_set",
    "wasmtime_pooling_allocation_strategy_set", "wasmtime_config_async_stack_size_set",
    "wasmtime_component_val_t", "wasmtime_component_val_delete", "wasmtime_component_func_call",
    "wasm_byte_vec_t", "wasm_byte_vec_new_uninitialized", "bytes_to_capi", "str_to_capi", "to_str",
)
# Properties of wasmtime-py's type classes cached below (each must still be a property).
CACHED_PROPERTIES = ((_types.RecordType, "fields"), (_types.ListType, "element"),
                     (_types.ResultType, "ok"), (_types.ResultType, "err"))


# --- configuration the Python API does not offer --------------------------------------------


def enable_pooling(config: wasmtime.Config, *, instances: int, max_memory_bytes: int = 1 << 32,
                   keep_resident_bytes: int = 16 << 20) -> bool:
    """Switch ``config`` to wasmtime's pooling allocator (through the C API).

    A componentize-py component has dozens of core instances, memories and
    tables, so the per-component limits are generous. Memory pages up to
    ``keep_resident_bytes`` stay mapped between instances, which is what
    makes a fresh instance cheap. Returns False if this wasmtime build lacks
    the API.
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


def set_async_stack_size(config: wasmtime.Config, size: int) -> None:
    """``Config.async_stack_size``, which wasmtime-py does not expose (max_wasm_stack must fit in it)."""
    ffi.wasmtime_config_async_stack_size_set(config.ptr(), size)


# --- cheaper value conversion -----------------------------------------------------------------


def _cache_type_introspection() -> None:
    """Make wasmtime-py ask the C API for a record's fields once per value type.

    Its converters call ``RecordType.fields`` (one FFI call per field) for
    every record in a list, and ``ListType.element`` for every list: for a
    few thousand posts that is most of the host-side cost. The answers never
    change for a given type object, so they are cached on it.
    """
    for cls, name in CACHED_PROPERTIES:
        prop = cls.__dict__.get(name)
        if isinstance(prop, property) and prop.fget is not None:
            cached = functools.cached_property(prop.fget)
            cached.__set_name__(cls, name)
            setattr(cls, name, cached)


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


_installed = False


def install() -> None:
    """Apply the conversion speed-ups (once per process): every string crossing the
    boundary, and every record field's name, goes through these."""
    global _installed
    if _installed:
        return
    _cache_type_introspection()
    ffi.bytes_to_capi = _bytes_to_capi  # type: ignore[assignment]  # returns the same C struct, typed Any here
    ffi.str_to_capi = _str_to_capi  # type: ignore[assignment]  # returns the same C struct, typed Any here
    ffi.to_str = _to_str
    _installed = True


def call(func: Func, store: wasmtime.Store, params: list[Any], result_type: Any, args: Sequence[Any]) -> Any:
    """``func(store, *args)`` as wasmtime-py's ``Func.__call__`` does it, with the types given
    (``Func.__call__`` asks the C API for them again on every call)."""
    if len(args) != len(params):
        raise TypeError(f"{len(args)} arguments given, {len(params)} expected")
    values = (ffi.wasmtime_component_val_t * len(args))()
    done = 0
    try:
        for ty, value in zip(params, args, strict=True):
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
