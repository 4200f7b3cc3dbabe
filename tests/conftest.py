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


@pytest.fixture(autouse=True, scope="session")
def _private_render_cache(tmp_path_factory: pytest.TempPathFactory):
    """CLI builds in the tests keep their render caches in a folder of their own, not the user's."""
    import os

    saved = os.environ.get("WASMBLOG_RENDER_CACHE")
    os.environ["WASMBLOG_RENDER_CACHE"] = str(tmp_path_factory.mktemp("render-cache"))
    yield
    if saved is None:
        os.environ.pop("WASMBLOG_RENDER_CACHE", None)
    else:
        os.environ["WASMBLOG_RENDER_CACHE"] = saved
