"""The pages of a site: posts, paginated lists, taxonomies, feeds, sitemap, 404, aliases.

The site is tests/sites/basic (page_size 2, feed limit 3) with five
published posts, newest first: fifth, fourth, third, second, first.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from renderer import Source
from sitekit import RSS_ITEM_FIELDS, SITEMAP_NS, SITES, find_all, links_of, render, render_folder, text_of

BASIC = SITES / "basic"
NEWEST_FIRST = ["Fifth post", "Fourth post", "Third post", "Second post", "First post"]


@pytest.fixture
def site(engine):
    return render_folder(engine, BASIC)


def test_every_published_post_has_a_pretty_url(site):
    assert sorted(p for p in site.files if p.startswith("posts/")) == [
        f"posts/{slug}/index.html" for slug in ("fifth", "first", "fourth", "second", "third")]


def test_a_post_page_shows_title_content_tags_and_categories(site):
    doc = site.html("posts/first/index.html")
    assert text_of(next(doc.iter("h1"))) == "First post"
    assert "The first post links to the second one." in text_of(find_all(doc, "div", class_="content")[0])
    hrefs = links_of(doc)
    assert {"/tags/wasm/", "/tags/unikernels/", "/categories/notes/"} <= set(hrefs)


def test_the_home_page_lists_the_newest_posts_first(site):
    assert site.post_titles("index.html") == NEWEST_FIRST[:2]


def test_the_index_is_paginated_by_page_size(site):
    assert site.post_titles("page/2/index.html") == NEWEST_FIRST[2:4]
    assert site.post_titles("page/3/index.html") == NEWEST_FIRST[4:]
    assert "page/4/index.html" not in site


def test_list_pages_link_to_their_neighbours(site):
    def pager(path):
        nav = find_all(site.html(path), "nav", class_="pagination")[0]
        return {a.get("rel"): a.get("href") for a in nav.iter("a")}

    assert pager("index.html") == {"next": "/page/2/"}
    assert pager("page/2/index.html") == {"prev": "/", "next": "/page/3/"}
    assert pager("page/3/index.html") == {"prev": "/page/2/"}


def test_page_one_redirects_to_the_list_itself(site):
    assert 'http-equiv="refresh" content="0; url=/"' in site["page/1/index.html"]


def test_post_pages_link_to_the_newer_and_older_post(site):
    doc = site.html("posts/third/index.html")
    nav = find_all(doc, "nav", class_="post-nav")[0]
    assert {a.get("rel"): a.get("href") for a in nav.iter("a")} == {
        "next": "/posts/fourth/", "prev": "/posts/second/"}


def test_tags_page_lists_every_tag_with_its_count(site):
    doc = site.html("tags/index.html")
    terms = [(text_of(li.find("a")), li.find("a").get("href"), text_of(li.find("span")))
             for li in find_all(doc, "ul", class_="terms")[0].iter("li")]
    assert terms == [("Static Sites", "/tags/static-sites/", "1"), ("unikernels", "/tags/unikernels/", "2"),
                     ("wasm", "/tags/wasm/", "3")]


def test_categories_page_lists_every_category(site):
    doc = site.html("categories/index.html")
    assert [text_of(a) for a in find_all(doc, "ul", class_="terms")[0].iter("a")] == ["essays", "notes"]


def test_a_term_page_lists_its_posts_newest_first_and_paginates(site):
    assert site.post_titles("tags/wasm/index.html") == ["Third post", "Second post"]
    assert site.post_titles("tags/wasm/page/2/index.html") == ["First post"]
    assert site.post_titles("categories/notes/index.html") == ["Fifth post", "Second post"]
    assert site.post_titles("categories/notes/page/2/index.html") == ["First post"]


def test_term_pages_paginate_with_links_under_the_term(site):
    nav = find_all(site.html("tags/wasm/page/2/index.html"), "nav", class_="pagination")[0]
    assert [a.get("href") for a in nav.iter("a")] == ["/tags/wasm/"]


def test_a_term_page_links_to_its_feed(site):
    assert "/tags/wasm/index.xml" in links_of(site.html("tags/wasm/index.html"))


def test_the_main_feed_is_rss_2_with_the_newest_posts(site):
    root = site.xml("index.xml")
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title") == "Basic test site"
    assert channel.findtext("link") == "https://example.org/"
    items = site.feed_items("index.xml")
    assert [i["title"] for i in items] == NEWEST_FIRST[:3]  # [feed] limit = 3
    for item in items:
        assert set(RSS_ITEM_FIELDS) <= set(item)
        assert item["link"].startswith("https://example.org/posts/")
        assert item["guid"] == item["link"]


def test_the_feed_describes_posts_with_their_html(site):
    items = {i["title"]: i for i in site.feed_items("index.xml")}
    assert items["Fifth post"]["description"] == "<p>The fifth and newest published post, with no tags.</p>"


def test_each_term_has_its_own_feed(site):
    assert [i["title"] for i in site.feed_items("tags/wasm/index.xml")] == ["Third post", "Second post", "First post"]
    assert [i["title"] for i in site.feed_items("categories/essays/index.xml")] == ["Fourth post", "Third post"]
    channel = site.xml("tags/wasm/index.xml").find("channel")
    assert channel.findtext("link") == "https://example.org/tags/wasm/"


def test_the_sitemap_lists_home_taxonomies_terms_and_posts(site):
    root = site.xml("sitemap.xml")
    assert root.tag == f"{SITEMAP_NS}urlset"
    locs = [u.findtext(f"{SITEMAP_NS}loc") for u in root]
    expected = {"https://example.org/", "https://example.org/tags/", "https://example.org/categories/",
                "https://example.org/tags/wasm/", "https://example.org/categories/notes/",
                *(f"https://example.org/posts/{s}/" for s in ("first", "second", "third", "fourth", "fifth"))}
    assert expected <= set(locs)
    assert len(locs) == len(set(locs))
    assert not [loc for loc in locs if "/page/" in loc or "old/" in loc]


def test_sitemap_dates_are_the_posts_lastmod(site):
    entries = {u.findtext(f"{SITEMAP_NS}loc"): u.findtext(f"{SITEMAP_NS}lastmod") for u in site.xml("sitemap.xml")}
    assert entries["https://example.org/posts/fourth/"] == "2023-11-04T12:00:00+01:00"
    assert entries["https://example.org/"] == "2023-11-05T12:00:00Z"  # newest post


def test_there_is_a_404_page_that_leads_home(site):
    doc = site.html("404.html")
    assert text_of(next(doc.iter("h1"))) == "Page not found"
    assert "/" in links_of(doc)


def test_an_alias_is_a_redirect_page_to_the_post(site):
    doc = site.html("old/second/index.html")
    refresh = [m.get("content") for m in doc.iter("meta") if m.get("http-equiv") == "refresh"]
    assert refresh == ["0; url=/posts/second/"]  # relative: works on a local preview too
    assert [link.get("href") for link in doc.iter("link") if link.get("rel") == "canonical"] == [
        "https://example.org/posts/second/"]
    assert [m.get("content") for m in doc.iter("meta") if m.get("name") == "robots"] == ["noindex"]


def test_an_alias_ending_in_html_is_written_as_that_file(engine):
    site = render(engine, ["all-fields.md"])
    assert "2023/11/every-field.html" in site
    assert "old/url/index.html" in site


def test_robots_txt_points_to_the_sitemap(site):
    assert "Sitemap: https://example.org/sitemap.xml" in site["robots.txt"].splitlines()


def test_the_stylesheet_is_generated(site):
    css = site["css/style.css"]
    assert "prefers-color-scheme: dark" in css
    assert "/css/style.css" in links_of(site.html("index.html"))


def test_menu_entries_from_the_config_are_linked(engine):
    config = (BASIC / "site.toml").read_text() + '\n[[menu]]\nname = "About"\nurl = "/posts/first/"\n'
    site = render_folder(engine, BASIC, config=config)
    nav = site.html("index.html").find(".//nav[@aria-label='Main']")
    assert ("About", "/posts/first/") in [(text_of(a), a.get("href")) for a in nav.iter("a")]


def test_feeds_and_sitemap_are_well_formed_xml(site):
    for path in site.files:
        if path.endswith(".xml"):
            ET.fromstring(site[path].encode("utf-8"))


def test_a_post_naming_a_term_twice_is_listed_once_under_it(engine):
    post = Source("posts/twice.md", b'---\ntitle: Twice\ndate: 2024-01-02\ntags: ["Go", "go", "GO"]\n---\nBody.\n')
    site = render(engine, [post])
    doc = site.html("tags/index.html")
    terms = [(text_of(li.find("a")), text_of(li.find("span")))
             for li in find_all(doc, "ul", class_="terms")[0].iter("li")]
    assert terms == [("Go", "1")]
    assert site.post_titles("tags/go/index.html") == ["Twice"]
