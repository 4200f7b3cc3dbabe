"""Front matter: every field a post can set, as the core reads it.

Posts are real files under tests/posts; they go through the engine's
``parse_posts`` (and ``render_site`` where a field only shows in pages).
"""

from __future__ import annotations

import json

from renderer import Source
from sitekit import CONFIG, parse_one, post_source, render, tzif_for


def test_the_seed_post_is_read_exactly_as_written(engine):
    post = parse_one(engine, "unikernals-and-wasm.md")
    assert post.title == "unikernals-and-wasm"
    assert post.description == "Quick post on why I keep coming back to these subjects"
    assert post.date == "2023-11-15T17:04:04Z"
    assert post.preview == ""
    assert post.draft is False
    assert post.tags == ["NaBloPoMo2023"]
    assert post.categories == ["challenge"]
    assert post.slug == "unikernals-and-wasm"


def test_title_and_description_are_plain_text(engine):
    post = parse_one(engine, "all-fields.md")
    assert post.title == "Every field at once"
    assert post.description == "A post that sets every front-matter key wasmblog knows"


def test_tags_and_categories_are_lists_of_names_in_order(engine):
    post = parse_one(engine, "all-fields.md")
    assert post.tags == ["NaBloPoMo2023", "wasm"]
    assert post.categories == ["challenge"]


def test_slug_from_front_matter_names_the_post_url(engine):
    post = parse_one(engine, "all-fields.md")
    assert post.slug == "every-field"
    assert post.url_path == "posts/every-field/"


def test_slug_defaults_to_the_file_name(engine):
    assert parse_one(engine, "more.md").slug == "more"


def test_slug_of_an_index_file_is_its_folder_name(engine):
    post = parse_one(engine, "more.md", as_path="posts/2023/ling-remembered/index.md")
    assert post.slug == "ling-remembered"


def test_draft_flag_is_read(engine):
    assert parse_one(engine, "draft.md").draft is True
    assert parse_one(engine, "more.md").draft is False


def test_preview_is_kept_as_given(engine):
    assert parse_one(engine, "all-fields.md").preview == "/images/erlang-on-zen.png"


def test_preview_becomes_the_open_graph_image_of_the_post_page(engine):
    site = render(engine, ["all-fields.md"])
    doc = site.html("posts/every-field/index.html")
    images = [m.get("content") for m in doc.iter("meta") if m.get("property") == "og:image"]
    assert images == ["https://example.org/images/erlang-on-zen.png"]


def test_lastmod_is_read_and_defaults_to_the_date(engine):
    assert parse_one(engine, "all-fields.md").lastmod == "2023-11-20T08:00:00Z"
    post = parse_one(engine, "more.md")
    assert post.lastmod == post.date


def test_lastmod_is_the_sitemap_date_of_the_post(engine):
    site = render(engine, ["all-fields.md"])
    entries = {url.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
               url.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}lastmod")
               for url in site.xml("sitemap.xml")}
    assert entries["https://example.org/posts/every-field/"] == "2023-11-20T08:00:00Z"


def test_summary_from_front_matter_is_rendered_as_markdown(engine):
    post = parse_one(engine, "all-fields.md")
    assert post.summary_html == "<p>A <em>hand-written</em> summary.</p>"
    assert post.truncated is True


def test_aliases_become_output_paths(engine):
    post = parse_one(engine, "all-fields.md")
    assert post.aliases == ["old/url/index.html", "2023/11/every-field.html"]


def test_unknown_keys_are_kept_as_params(engine):
    params = json.loads(parse_one(engine, "all-fields.md").params_json)
    assert params == {"series": "sandboxes", "toc": False,
                      "weights": {"reading": 3, "mood": ["calm", "curious"]}}


def test_known_keys_are_not_repeated_in_params(engine):
    params = json.loads(parse_one(engine, "unikernals-and-wasm.md").params_json)
    assert params == {}


def test_toml_front_matter_between_plus_fences(engine):
    post = parse_one(engine, "toml-front-matter.md")
    assert post.title == "TOML front matter"
    assert post.date == "2023-11-16T09:30:00+01:00"
    assert post.tags == ["toml", "wasm"]
    assert post.categories == ["formats"]
    assert json.loads(post.params_json) == {"rating": 5}


def test_missing_title_falls_back_to_the_file_name_with_a_warning(engine):
    result = engine.parse_posts([post_source("no-title.md")], CONFIG, tzif_for(CONFIG))
    assert [p.title for p in result.posts] == ["No title"]
    assert [d.format() for d in result.diagnostics] == [
        "posts/no-title.md:1: warning: no 'title' in front matter; using 'No title' from the file name"]


def test_order_of_sources_is_kept(engine):
    names = ["more.md", "all-fields.md", "draft.md"]
    result = engine.parse_posts([post_source(n) for n in names], CONFIG, tzif_for(CONFIG))
    assert [p.source for p in result.posts] == [f"posts/{n}" for n in names]


def test_windows_line_endings_and_a_byte_order_mark_are_accepted(engine):
    data = b"\xef\xbb\xbf" + post_source("all-fields.md").data.replace(b"\n", b"\r\n")
    result = engine.parse_posts([Source("posts/all-fields.md", data)], CONFIG, tzif_for(CONFIG))
    assert result.diagnostics == []
    assert result.posts[0].title == "Every field at once"
    assert result.posts[0].aliases == ["old/url/index.html", "2023/11/every-field.html"]


def test_utf16_with_a_byte_order_mark_is_accepted(engine):
    data = post_source("more.md").data.decode("utf-8").encode("utf-16")
    result = engine.parse_posts([Source("posts/more.md", data)], CONFIG, tzif_for(CONFIG))
    assert [p.title for p in result.posts] == ["A post with a more divider"]
