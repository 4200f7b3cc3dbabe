"""A site's [limits] reach an engine as a value: ``engine.limited(limits)`` is a new
engine with those caps, and the engine it came from keeps its own.

A build or a server shares one engine between sites and versions of a site; a
cap set on the shared object (as wasmblog did until 2026-12) leaked from one
site's build into the next and from a reload into renders still running.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from renderer.config import Limits
from wasm_host.engines import NativeRenderer, make_renderer
from wasm_host.site import build

from sitekit import ENGINES

SLOW = "{% for i in range(40000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}{{ page.title }}"


def limits(timeout: float, memory_mb: int) -> Limits:
    return Limits(render_timeout=timeout, memory_mb=memory_mb)


@pytest.mark.parametrize("name", ENGINES)
def test_limited_gives_an_engine_with_the_caps_and_leaves_the_original_as_it_was(name):
    engine = make_renderer(name, timeout=7.0, memory_mb=300)
    capped = engine.limited(limits(0.5, 128))
    assert (capped.timeout, capped.memory_mb, capped.name) == (0.5, 128, name)
    assert (engine.timeout, engine.memory_mb) == (7.0, 300)


@pytest.mark.wasm
def test_a_limited_wasm_engine_shares_the_loaded_component():
    from wasm_host.engines.wasm import WasmRenderer

    engine = WasmRenderer(timeout=5.0)
    assert engine.render_markdown("*x*") == "<p><em>x</em></p>\n"
    capped = engine.limited(limits(1.0, 256))
    assert capped.runtime is engine.runtime
    assert capped.render_markdown("*x*") == "<p><em>x</em></p>\n"


@pytest.mark.wasm
def test_a_limited_prewarmed_engine_renders_in_the_spares_it_shares():
    from wasm_host.engines.instances import PrewarmedWasmRenderer

    engine = PrewarmedWasmRenderer(timeout=5.0, memory_mb=256, spares=1)
    try:
        capped = engine.limited(limits(1.0, 256))
        assert type(capped) is PrewarmedWasmRenderer and capped._ready is engine._ready
        assert capped.render_markdown("*x*") == "<p><em>x</em></p>\n"
        assert (engine.timeout, capped.timeout) == (5.0, 1.0)
    finally:
        engine.close()


def site_with_limits(root: Path, timeout: float) -> Path:
    (root / "posts").mkdir(parents=True)
    (root / "templates").mkdir()
    (root / "site.toml").write_text(f'title = "T"\nbase_url = "https://example.org/"\n[limits]\nrender_timeout = {timeout}\n')
    (root / "posts" / "p1.md").write_text("---\ntitle: P1\ndate: 2024-01-01\n---\nHello.\n")
    (root / "templates" / "post.html").write_text(SLOW)
    return root


def test_a_build_with_a_sites_limits_leaves_the_callers_engine_unchanged(tmp_path):
    engine = NativeRenderer(timeout=30.0, memory_mb=512)
    report = build(site_with_limits(tmp_path / "site", 0.05), tmp_path / "out", engine)
    assert any("limits.render_timeout" in d.message for d in report.diagnostics)  # the site's cap applied
    assert (engine.timeout, engine.memory_mb) == (30.0, 512)  # and stayed with that build
