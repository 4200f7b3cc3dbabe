"""Shared fixtures: every behaviour is checked on each engine.

``engine`` is parametrised over the engines in ENGINES, so a test written
once runs natively and in the WebAssembly sandbox on the same inputs.
"""

from __future__ import annotations

import os
import shutil
import tempfile

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


# CLI builds in the tests keep their render caches in a folder of their own, never the user's. Set at
# import time, before any test module copies the environment for the subprocesses it starts.
_RENDER_CACHE = tempfile.mkdtemp(prefix="wasmblog-test-render-cache-")
os.environ["WASMBLOG_RENDER_CACHE"] = _RENDER_CACHE


@pytest.fixture(autouse=True, scope="session")
def _private_render_cache():
    yield
    shutil.rmtree(_RENDER_CACHE, ignore_errors=True)
