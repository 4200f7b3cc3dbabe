"""wasmtime-py's private API, as ``wasm_host/engines/wasmtime_internals.py`` uses it.

These fail loudly when an upgrade of wasmtime-py moves or changes what that
module reaches into, instead of the engine misbehaving at run time.
"""

from __future__ import annotations

import importlib.metadata
import inspect

import wasmtime
from wasmtime import _ffi as ffi
from wasmtime.component import Func

from wasm_host.engines import wasmtime_internals as internals
from wasm_host.engines.wasm import POOL_INSTANCES, make_config


def test_the_installed_wasmtime_is_the_version_the_internals_were_written_for():
    assert importlib.metadata.version("wasmtime").split(".")[0] == str(internals.SUPPORTED_MAJOR)


def test_every_c_api_name_the_internals_call_exists():
    missing = [name for name in internals.FFI_NAMES if not hasattr(ffi, name)]
    assert missing == []


def test_the_type_properties_cached_are_properties_of_wasmtime_py():
    for cls, name in internals.CACHED_PROPERTIES:
        assert name in cls.__dict__, (cls, name)
        assert isinstance(cls.__dict__[name], (property, type(internals.functools.cached_property(lambda s: 0)))), \
            (cls, name)


def test_the_copy_of_func_call_matches_the_shape_of_wasmtime_pys_own():
    source = inspect.getsource(Func.__call__)
    for piece in ("wasmtime_component_val_t", "convert_to_c", "wasmtime_component_func_call", "enter_wasm",
                  "convert_from_c", "wasmtime_component_val_delete", "self._func", "store._context()"):
        assert piece in source, piece


def test_a_config_with_pooling_and_the_async_stack_size_makes_an_engine():
    wasmtime.Engine(make_config(pooling=True))
    config = wasmtime.Config()
    assert internals.enable_pooling(config, instances=POOL_INSTANCES) is True
    wasmtime.Engine(config)


def test_strings_cross_the_boundary_through_the_one_copy_conversions():
    assert ffi.str_to_capi is internals._str_to_capi and ffi.to_str is internals._to_str
    vec = ffi.str_to_capi("héllo ✓")
    try:
        assert internals._to_str(vec) == "héllo ✓"
    finally:
        ffi.wasm_byte_vec_delete(vec)
