"""``WasmRenderer.session(max_calls)``: one sandbox instance for many small calls, and what it isolates.

A session gives the results a fresh instance per call gives, reuses one
instance for at most ``max_calls`` calls, and replaces it after any fault.
"""

from __future__ import annotations

import pytest

from renderer import BuildOptions, Source
from sitekit import BUILD_TIME, POSTS, get_renderer
from wasm_host.engines import SandboxFault
from wasm_host.engines.wasm import WasmRenderer

pytestmark = pytest.mark.wasm

RUNAWAY = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
DOCUMENTS = [(POSTS / name).read_text(encoding="utf-8") for name in ("code.md", "toc.md", "extensions.md", "long.md")]


@pytest.fixture(scope="module")
def wasm() -> WasmRenderer:
    return get_renderer("wasm")  # type: ignore[return-value]  # the lazy engine, which has session() too


def test_a_session_gives_what_a_fresh_instance_per_call_gives(wasm):
    native = get_renderer("native")
    with wasm.session(max_calls=50) as session:
        for text in DOCUMENTS * 2:
            assert session.render_markdown(text) == wasm.render_markdown(text) == native.render_markdown(text)
        sources = [Source(f"posts/{i}.md", (POSTS / "code.md").read_bytes()) for i in range(2)]
        assert session.parse_posts(sources, "") == wasm.parse_posts(sources, "")
    assert session.instances == 1


def test_one_instance_serves_at_most_max_calls_calls(wasm):
    session = wasm.session(max_calls=3)
    for text in DOCUMENTS[:2] * 4:  # 8 calls
        session.render_markdown(text)
    assert session.instances == 3  # 3 + 3 + 2


def test_a_fault_replaces_the_instance_and_the_next_call_is_clean(wasm):
    engine = WasmRenderer(timeout=0.5)
    sources = [Source("posts/a.md", b"---\ntitle: A\ndate: 2023-01-01\n---\nA.\n")]
    with engine.session(max_calls=100) as session:
        posts = session.parse_posts(sources, "").posts
        plan = session.plan_site(posts, "", BuildOptions(BUILD_TIME))
        (job,) = [j for j in plan.jobs if j.kind == "list"]
        assert session.instances == 1
        with pytest.raises(SandboxFault) as fault:
            session.render_pages([job], posts, "", {"list.html": RUNAWAY})
        assert fault.value.kind == "timeout"
        after = session.render_pages([job], posts, "", {})
        assert session.instances == 2
    assert after == engine.render_pages([job], posts, "", {})


def test_what_one_call_leaves_behind_does_not_change_the_next_result(wasm):
    """A session's instance keeps the core's caches (compiled templates, Markdown renderers) between
    calls; the results are still those of a fresh instance."""
    sources = [Source("posts/a.md", b"---\ntitle: A\ndate: 2023-01-01\n---\n*A*.\n")]
    posts = wasm.parse_posts(sources, "").posts
    (job,) = [j for j in wasm.plan_site(posts, "", BuildOptions(BUILD_TIME)).jobs if j.kind == "list"]
    with wasm.session() as session:
        themed = session.render_pages([job], posts, "", {"list.html": "custom {{ posts|length }}"})
        plain = session.render_pages([job], posts, "", {})
        no_highlight = session.render_markdown("```python\nx = 1\n```\n", highlight=False)
        highlighted = session.render_markdown("```python\nx = 1\n```\n")
    assert themed.files[0].content == "custom 1"
    assert plain == wasm.render_pages([job], posts, "", {})
    assert no_highlight == wasm.render_markdown("```python\nx = 1\n```\n", highlight=False)
    assert highlighted == wasm.render_markdown("```python\nx = 1\n```\n")
    assert highlighted != no_highlight


def test_a_closed_session_starts_a_new_instance_when_used_again(wasm):
    session = wasm.session()
    session.render_markdown("*a*")
    session.close()
    session.render_markdown("*b*")
    assert session.instances == 2
