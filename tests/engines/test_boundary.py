"""What crosses the WIT boundary lines up with the core's own types.

The guest and the host convert by name, so the core's ``PageKind`` must be
the WIT enum ``page-kind`` case for case, and its ``Link`` the WIT record
``menu-item`` field for field; both engines hand back the core's types. The
default theme is package data, read when the guest pre-initialises: the
component's cache key covers its files.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from renderer import BuildOptions, Source, load_config
from renderer.model import Link, PageKind
from renderer.templates import TEMPLATE_FOR_KIND
from sitekit import BUILD_TIME, ROOT
from wasm_host.engines.component import WIT_DIR, _source_files

WORLD = (WIT_DIR / "world.wit").read_text(encoding="utf-8")
THEME = ROOT / "renderer" / "themes" / "default" / "templates"


def wit_names(kind: str, name: str, python: bool = True) -> list[str]:
    """The cases of a WIT enum or the fields of a WIT record, as Python names (or as written)."""
    body = re.search(rf"\b{kind} {name} \{{(.*?)\}}", WORLD, re.DOTALL).group(1)
    items = [item.split(":")[0].strip().lstrip("%") for item in body.split(",")]
    return [item.replace("-", "_") if python else item for item in items if item]


def test_page_kind_is_the_wit_enum_case_for_case():
    # wasmtime-py hands an enum case over as its WIT name ("json-feed"): the values are those names.
    assert [kind.value for kind in PageKind] == wit_names("enum", "page-kind", python=False)
    assert [kind.name.lower() for kind in PageKind] == wit_names("enum", "page-kind")
    assert set(TEMPLATE_FOR_KIND) == set(PageKind)


def test_page_kinds_are_strings_to_templates_and_json():
    assert PageKind.NOTFOUND == "notfound" and f"kind-{PageKind.LIST}" == "kind-list"
    assert str(PageKind.POST) == "post"


def test_a_link_is_the_wit_menu_item_field_for_field():
    assert [f.name for f in dataclasses.fields(Link)] == wit_names("record", "menu-item")


def test_both_engines_plan_pages_with_page_kinds(engine):
    post = Source("posts/a.md", b"---\ntitle: A\ndate: 2023-01-01\ntags: [x]\n---\nBody.\n")
    page = Source("pages/about.md", b"---\ntitle: About\n---\nMe.\n")
    config = 'title = "Kinds"\n[[menu]]\nname = "About"\nurl = "/about/"\n'
    parsed = engine.parse_posts([post, page], config)
    plan = engine.plan_site(parsed.posts, config, BuildOptions(BUILD_TIME))
    assert {type(job.kind) for job in plan.jobs} == {PageKind}
    assert {job.kind for job in plan.jobs} == set(PageKind) - {PageKind.SITEMAP_INDEX}  # a site in one language
    several = config + '[languages.en]\nweight = 1\n[languages.fr]\nweight = 2\n'
    plan_fr = engine.plan_site(engine.parse_posts([post], several).posts, several, BuildOptions(BUILD_TIME))
    assert PageKind.SITEMAP_INDEX in {job.kind for job in plan_fr.jobs}
    site, _ = load_config(config)
    assert site.menu == (Link("About", "/about/"),)
    result = engine.render_pages(plan.jobs, parsed.posts, site, {})
    home = next(f.content for f in result.files if f.path == "index.html")
    assert '<li><a href="/about/">About</a></li>' in home and '<body class="kind-list">' in home


@pytest.mark.parametrize("name", sorted(p.name for p in THEME.iterdir()))
def test_the_component_key_covers_each_default_template(name):
    assert THEME / name in _source_files()



ODD = Source("posts/odd.md", b"---\ntitle: \"Odd \\u00e9 \\U0001F600 \\\\ \\\" </script>\"\ndate: 2023-02-01\n"
                             b"tags: [\"\\u00e9t\\u00e9\", x]\nparams: {1: one, nested: {a: [1, 2.5, true, null]}}\n"
                             b"---\nBody.\n")


@pytest.mark.wasm
def test_planning_in_the_sandbox_as_one_encoded_value_gives_the_native_plan():
    """The posts go in and the plan comes out as one JSON string each (plan-site-encoded): escapes,
    characters beyond the BMP, numbers and nested front matter come back as the native plan has them."""
    from wasm_host.engines import NativeRenderer
    from wasm_host.engines.wasm import WasmRenderer

    native, wasm = NativeRenderer(), WasmRenderer(timeout=30)
    config = 'title = "Plans"\n'
    sources = [ODD, Source("posts/b.md", b"---\ntitle: B\ndate: 2023-03-01\n---\nB.\n")]
    posts = native.parse_posts(sources, config).posts
    assert posts == wasm.parse_posts(sources, config).posts
    plan = wasm.plan_site(posts, config, BuildOptions(BUILD_TIME))
    assert plan == native.plan_site(posts, config, BuildOptions(BUILD_TIME))
    assert any(job.term == "\u00e9t\u00e9" for job in plan.jobs)  # a term page for the accented tag
