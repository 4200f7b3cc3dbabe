"""Shared fixtures: every behaviour is checked on each engine.

``engine`` is parametrised over the engines in ENGINES, so a test written
once runs natively and in the WebAssembly sandbox on the same inputs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wasm_host.engines import Renderer, make_renderer

ENGINES = ["native", "wasm"]
TESTS = Path(__file__).parent
ROOT = TESTS.parent
SAMPLE_SITE = ROOT / "content"
BUILD_TIME = 1_800_000_000 * 1_000_000  # 2027-01-15, fixed so tests are reproducible

_renderers: dict[str, Renderer] = {}


def get_renderer(name: str) -> Renderer:
    if name not in _renderers:
        _renderers[name] = make_renderer(name)
    return _renderers[name]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Renderer:
    """The render engine under test (native, then wasm)."""
    return get_renderer(request.param)


@pytest.fixture
def native() -> Renderer:
    return get_renderer("native")
