"""Three real Hugo blogs (``tests/hugo/sites/``), built by Hugo and by wasmblog: the agreement may not drop.

:mod:`realblogs` measures each blog (exit status of ``wasmblog build``, content URLs at Hugo's URLs,
article bodies equal to Hugo's ``.Content`` after its documented normalisation, shortcode calls shown as
text); the floors below are the figures measured and reported in ``tests/hugo/README.md``. A change that
improves a figure raises its floor there and here. Both engines build each blog to the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from realblogs import BLOGS, hugo_reference, measure, tree
from sitekit import ENGINE_NAMES, get_renderer


# (exit status, content URLs as Hugo's, bodies equal, bodies equal up to the typographer, shortcodes shown as
# text, shortcodes not run): measured on Hugo 0.168.0, tests/hugo/README.md.
FLOORS = {
    "zwbetz": (0, 230, 225, 225, 0, 2),
    "grpc": (0, 61, 57, 57, 0, 0),
    "keda": (0, 18, 17, 17, 0, 0),
}


@pytest.fixture(scope="module")
def references(hugo: Path) -> dict[str, list]:
    return {site: hugo_reference(site, hugo) for site in BLOGS}


@pytest.mark.hugo
@pytest.mark.slow
@pytest.mark.wasm
@pytest.mark.parametrize("site", BLOGS)
def test_a_real_blog_builds_as_hugo_builds_it(site, references, tmp_path) -> None:
    exit_status, urls, equal, untyped, as_text, not_run = FLOORS[site]
    trees = {}
    for name in ENGINE_NAMES:
        m = measure(site, name, get_renderer(name), references[site], tmp_path / name)
        assert m.exit == exit_status, f"{site} on {name}: exit {m.exit}, {m.errors} errors"
        assert m.urls >= urls, f"{site}: {m.urls}/{m.content_pages} URLs as Hugo's; missing {m.missing_urls}"
        assert m.bodies >= equal, f"{site}: {m.bodies}/{m.articles} bodies equal, floor {equal}"
        assert m.untyped >= untyped, f"{site}: {m.untyped}/{m.articles} equal up to the typographer"
        assert m.as_text <= as_text, f"{site}: {m.as_text} shortcodes shown as text, at most {as_text}"
        assert m.not_run <= not_run, f"{site}: {m.not_run} shortcodes not run, at most {not_run}"
        trees[name] = tree(tmp_path / name)
    assert trees["native"] == trees["wasm"], f"{site}: the engines' builds differ"
