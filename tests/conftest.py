"""Shared fixtures: every behaviour is checked on each engine.

``engine`` is parametrised over the engines in ENGINES, so a test written
once runs natively and in the WebAssembly sandbox on the same inputs.
"""

from __future__ import annotations

import pytest

from wasm_host.engines import Renderer

from sitekit import ENGINES, get_renderer


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Renderer:
    """The render engine under test (native, then wasm)."""
    return get_renderer(request.param)


@pytest.fixture
def native() -> Renderer:
    return get_renderer("native")
