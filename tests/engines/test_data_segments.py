"""The component's data segments, packed: runs of zeros are left out of them, and an instance
starts with the same memory, byte for byte (``wasm_host.engines.component.pack_data_segments``)."""

from __future__ import annotations

import wasmtime

from wasm_host.engines.component import _enc_sleb, _enc_uleb, pack_data_segments

# A memory image like a snapshot's: objects, runs of zeros of every length between them, and an
# offset whose signed LEB128 needs a byte more than its unsigned one (bit 6 of its last group set).
IMAGE = (b"head" + b"\0" * 3 + b"short" + b"\0" * 40 + b"object" + b"\0" * 5000 + bytes(range(1, 200))
         + b"\0" * 12 + b"tail")
OFFSET = 0x3F00


def _module(segments: list[tuple[int, bytes]]) -> bytes:
    def section(sid: int, body: bytes) -> bytes:
        return bytes([sid]) + _enc_uleb(len(body)) + body

    data = _enc_uleb(len(segments)) + b"".join(
        b"\0\x41" + _enc_sleb(at) + b"\x0b" + _enc_uleb(len(body)) + body for at, body in segments)
    memory = b"\x01\x00\x01"  # one memory, at least one page
    export = b"\x01\x06memory\x02\x00"
    return (b"\0asm\x01\0\0\0" + section(5, memory) + section(7, export) + section(12, _enc_uleb(len(segments)))
            + section(11, data))


def _memory(module: bytes) -> bytes:
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, module), [])
    memory = instance.exports(store)["memory"]
    assert isinstance(memory, wasmtime.Memory)
    return bytes(memory.read(store, 0, 65536))


def test_runs_of_zeros_are_left_out_and_the_memory_is_the_same():
    module = _module([(OFFSET, IMAGE), (16, b"x\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0y")])
    packed = pack_data_segments(module)
    assert len(packed) < len(module) - 5000
    assert _memory(packed) == _memory(module)


def test_no_more_segments_than_the_limit_the_longest_runs_first():
    module = _module([(OFFSET, IMAGE)])
    packed = pack_data_segments(module, limit=2)  # one cut: the 5,000 zeros
    assert _memory(packed) == _memory(module)
    assert len(module) - 5000 < len(packed) < len(module) - 4900
