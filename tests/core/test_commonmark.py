"""CommonMark 0.31.2 conformance of ``render_markdown`` with the site's extensions off.

The spec examples are in tests/data/commonmark-spec-0.31.2.json (see
tests/data/README.md). Output is compared after the whitespace
normalisation mistune's own test suite uses. The bar is what plain
mistune achieves on the same examples, measured here, not remembered.
"""

from __future__ import annotations

import json
import re

import mistune
import pytest

from sitekit import TESTS

SPEC = json.loads((TESTS / "data" / "commonmark-spec-0.31.2.json").read_text(encoding="utf-8"))
PLAIN = dict(extensions=False, raw_html="allow", highlight=False, heading_ids=False)


def normalize_html(html: str) -> str:
    """mistune's tests/__init__.py normalize_html."""
    html = re.sub(r">\n+", ">", html)
    html = re.sub(r"\n+<", "<", html)
    return html.strip()


def passing(render) -> set[int]:
    return {ex["example"] for ex in SPEC if normalize_html(render(ex["markdown"])) == normalize_html(ex["html"])}


@pytest.fixture(scope="module")
def mistune_passes() -> set[int]:
    return passing(mistune.create_markdown(escape=False))  # mistune.html without its plugins


def test_the_spec_file_is_commonmark_0_31_2():
    assert len(SPEC) == 652
    assert [ex["example"] for ex in SPEC] == list(range(1, 653))
    assert SPEC[624]["markdown"] == "foo <!-- this is a --\ncomment - with hyphens -->\n"  # new in 0.31


@pytest.mark.slow
def test_render_markdown_passes_at_least_what_mistune_passes(engine, mistune_passes):
    ours = passing(lambda text: engine.render_markdown(text, **PLAIN))
    lost = sorted(mistune_passes - ours)
    assert lost == [], f"examples mistune passes and we fail: {lost}"
    assert len(ours) >= len(mistune_passes)
    assert len(ours) >= 640, f"{len(ours)}/652; failing: {sorted({ex['example'] for ex in SPEC} - ours)}"
