"""Social cards and structured data: Open Graph, Twitter cards, JSON-LD, <time datetime>.

Every value is read back with independent parsers (html5lib for the page, json for the
JSON-LD), so escaping is checked by what a consumer sees, not by the bytes written.
"""

from __future__ import annotations

import json

import pytest

from renderer import Source
from sitekit import CONFIG, SITES, find_all, json_ld, parse_html, render

HOSTILE = SITES.parent / "hostile" / "posts" / "title-quotes-and-brackets.md"
HOSTILE_TITLE = "He said \"<b>hi</b>\" & left ]]> ' --> <!-- <script>x</script>"


def metas(doc) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in doc.iter("meta"):
        key = m.get("property") or m.get("name")
        if key:
            out.setdefault(key, []).append(m.get("content"))
    return out


def post(extra: str = "", body: str = "The body of the post, with enough words to summarise.") -> Source:
    return Source("posts/card.md", f"---\ntitle: A card\ndate: 2024-03-04T05:06:07Z\nlastmod: 2024-03-05\n"
                                   f"tags: [wasm, sandboxes]\ncategories: [notes]\n{extra}---\n{body}\n".encode())


def test_a_post_page_has_open_graph_article_tags(engine):
    doc = render(engine, [post('description: "What it is about"\npreview: /images/card.png\n')]).html(
        "posts/card/index.html")
    m = metas(doc)
    assert m["og:type"] == ["article"] and m["og:title"] == ["A card"]
    assert m["og:description"] == ["What it is about"]
    assert m["og:url"] == ["https://example.org/posts/card/"]
    assert m["og:image"] == ["https://example.org/images/card.png"]
    assert m["og:site_name"] == ["Test blog"]
    assert m["article:published_time"] == ["2024-03-04T05:06:07Z"]
    assert m["article:modified_time"] == ["2024-03-05T00:00:00+01:00"]
    assert m["article:tag"] == ["wasm", "sandboxes"] and m["article:section"] == ["notes"]


def test_a_post_page_has_a_twitter_card(engine):
    with_image = metas(render(engine, [post("preview: https://cdn.example.net/x.png\n")]).html("posts/card/index.html"))
    assert with_image["twitter:card"] == ["summary_large_image"]
    assert with_image["twitter:image"] == ["https://cdn.example.net/x.png"]
    assert with_image["twitter:title"] == ["A card"]
    without = metas(render(engine, [post()]).html("posts/card/index.html"))
    assert without["twitter:card"] == ["summary"] and "twitter:image" not in without


def test_without_a_description_the_card_quotes_the_summary(engine):
    m = metas(render(engine, [post()]).html("posts/card/index.html"))
    assert m["og:description"] == ["The body of the post, with enough words to summarise."]
    assert m["twitter:description"] == m["og:description"]


def test_hugo_images_give_the_card_image_resolved_against_the_post(engine):
    relative = metas(render(engine, [post("images: [pics/card.png, other.png]\n")]).html("posts/card/index.html"))
    assert relative["og:image"] == ["https://example.org/posts/card/pics/card.png"]
    unsafe = metas(render(engine, [post("images: ['javascript:alert(1)']\n")]).html("posts/card/index.html"))
    assert "og:image" not in unsafe


def test_a_post_page_has_blogposting_json_ld(engine):
    doc = render(engine, [post('description: "What it is about"\npreview: /images/card.png\n')]).html(
        "posts/card/index.html")
    (data,) = json_ld(doc)
    assert data["@context"] == "https://schema.org" and data["@type"] == "BlogPosting"
    assert data["headline"] == "A card" and data["description"] == "What it is about"
    assert data["datePublished"] == "2024-03-04T05:06:07Z" and data["dateModified"] == "2024-03-05T00:00:00+01:00"
    assert data["url"] == data["mainEntityOfPage"]["@id"] == "https://example.org/posts/card/"
    assert data["author"] == {"@type": "Person", "name": "Test Author"}
    assert data["image"] == ["https://example.org/images/card.png"]
    assert data["keywords"] == ["wasm", "sandboxes"] and data["wordCount"] == 10


def test_dates_are_machine_readable_time_elements(engine):
    doc = render(engine, [post()]).html("posts/card/index.html")
    times = [t.get("datetime") for t in find_all(doc, "main")[0].iter("time")]
    assert times == ["2024-03-04T05:06:07Z"]


def test_the_home_page_has_website_json_ld_with_the_search_action(engine):
    posts = [Source(f"posts/p{i}.md", f"---\ntitle: P{i}\ndate: 2024-01-0{i + 1}\n---\nx\n".encode())
             for i in range(3)]
    site = render(engine, posts)
    (data,) = json_ld(site.html("index.html"))
    assert data["@type"] == "WebSite" and data["name"] == "Test blog" and data["url"] == "https://example.org/"
    assert data["description"] == "A blog for the tests"
    assert data["potentialAction"]["target"]["urlTemplate"] == "https://example.org/search/?q={search_term_string}"
    assert json_ld(site.html("page/2/index.html")) == []  # only the home page
    assert metas(site.html("index.html"))["og:type"] == ["website"]


def test_without_search_the_website_json_ld_has_no_search_action(engine):
    site = render(engine, ["more.md"], CONFIG + "[search]\nenabled = false\n")
    (data,) = json_ld(site.html("index.html"))
    assert "potentialAction" not in data


@pytest.mark.parametrize("path", ["posts/hostile/index.html", "index.html"])
def test_hostile_titles_are_escaped_in_cards_and_json_ld(engine, path):
    site = render(engine, [Source("posts/hostile.md", HOSTILE.read_bytes())])
    text = site[path]
    doc = parse_html(text)
    blocks = [s for s in doc.iter("script")]
    assert blocks and all(s.get("type") == "application/ld+json" for s in blocks)  # no script was injected
    for block in blocks:
        assert "<" not in block.text  # neither "</script>" nor "<!--" inside the element: \u003c
        json.loads(block.text)
    if path.startswith("posts/"):
        assert json_ld(doc)[0]["headline"] == HOSTILE_TITLE
        assert json_ld(doc)[0]["keywords"] == ["<script>", 'a"b', "x&y", "]]>c"]
        m = metas(doc)
        assert m["og:title"] == m["twitter:title"] == [HOSTILE_TITLE]
        assert m["article:tag"] == ["<script>", 'a"b', "x&y", "]]>c"]
