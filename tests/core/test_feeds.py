"""Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1, for the site and for every term of every taxonomy.

Every feed is parsed with an independent parser (xml.etree for RSS and
Atom, json for JSON Feed) and checked for the elements and fields its
specification requires. The site is tests/sites/basic (feed limit 3; five
published posts, newest first: fifth, fourth, third, second, first).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest

from renderer import Source
from sitekit import CONFIG, SITES, find_all, parse_html, render, render_folder, tzif_for

from feedcheck import ATOM, check_atom, check_json_feed, check_rss

BASIC = SITES / "basic"
FEEDS = ("index.xml", "atom.xml", "feed.json")
NEWEST_FIRST = ["Fifth post", "Fourth post", "Third post"]


@pytest.fixture
def site(engine):
    return render_folder(engine, BASIC)


def test_the_site_has_all_three_feeds_by_default(site):
    assert check_rss(site["index.xml"]) == NEWEST_FIRST
    assert check_atom(site["atom.xml"]) == NEWEST_FIRST
    assert check_json_feed(site["feed.json"]) == NEWEST_FIRST


def test_every_term_of_every_taxonomy_has_all_three_feeds(site):
    terms = sorted(p[:-len("index.xml")] for p in site.files if p.endswith("/index.xml"))
    assert terms == ["categories/essays/", "categories/notes/", "tags/static-sites/", "tags/unikernels/", "tags/wasm/"]
    for term in terms:
        titles = check_rss(site[term + "index.xml"])
        assert check_atom(site[term + "atom.xml"]) == titles, term
        assert check_json_feed(site[term + "feed.json"]) == titles, term
    assert check_atom(site["tags/wasm/atom.xml"]) == ["Third post", "Second post", "First post"]


def test_atom_entries_have_absolute_links_stable_ids_and_times(site):
    root = ET.fromstring(site["atom.xml"])
    assert root.findtext(f"{ATOM}id") == "https://example.org/atom.xml"
    self_link = [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link == ["https://example.org/atom.xml"]
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}id") == "https://example.org/posts/fifth/"
    assert entry.find(f"{ATOM}link").get("href") == "https://example.org/posts/fifth/"
    published = datetime.fromisoformat(entry.findtext(f"{ATOM}published"))
    assert published.tzinfo is not None
    assert root.findtext(f"{ATOM}updated") == entry.findtext(f"{ATOM}updated")  # the newest post's


def test_json_feed_items_have_ids_urls_and_dates(site):
    feed = json.loads(site["feed.json"])
    assert feed["feed_url"] == "https://example.org/feed.json"
    assert feed["home_page_url"] == "https://example.org/"
    item = feed["items"][0]
    assert item["id"] == item["url"] == "https://example.org/posts/fifth/"
    assert datetime.fromisoformat(item["date_published"]).tzinfo is not None
    assert feed["authors"] == [{"name": "Test Author"}]


def test_feed_ids_do_not_change_from_build_to_build(engine):
    first = render_folder(engine, BASIC)
    later = render_folder(engine, BASIC, build_time=1_900_000_000 * 1_000_000)
    for path in FEEDS:
        assert first[path] == later[path], path


def test_feeds_carry_summaries_unless_full_content_is_asked_for(engine):
    post = Source("posts/long.md", b"---\ntitle: Long\ndate: 2024-01-01\n---\nThe start.\n\n<!--more-->\n\nThe rest.\n")
    summaries = render(engine, [post])
    full = render(engine, [post], CONFIG + "[feed]\nfull_content = true\n")
    assert "The rest." not in json.loads(summaries["feed.json"])["items"][0]["content_html"]
    assert "The rest." in json.loads(full["feed.json"])["items"][0]["content_html"]
    assert ET.fromstring(summaries["atom.xml"]).find(f"{ATOM}entry/{ATOM}content") is None
    assert "The rest." in ET.fromstring(full["atom.xml"]).find(f"{ATOM}entry/{ATOM}content").text


def test_formats_in_site_toml_choose_the_feeds(engine):
    site = render(engine, ["more.md"], CONFIG + '[feed]\nformats = ["atom"]\n')
    assert not site.errors
    assert sorted(p for p in site.files if p.endswith(FEEDS)) == ["atom.xml"]
    alternates = [link.get("href") for link in site.html("index.html").iter("link") if link.get("rel") == "alternate"]
    assert alternates == ["/atom.xml"]


def test_no_formats_means_no_feeds_and_no_feed_links(engine):
    site = render(engine, ["more.md"], CONFIG + "[feed]\nformats = []\n")
    assert not [p for p in site.files if p.endswith(FEEDS)]
    doc = site.html("index.html")
    assert [link for link in doc.iter("link") if link.get("rel") == "alternate"] == []
    assert find_all(doc, "a", class_="feed-link") == []


def test_an_unknown_format_is_an_error_on_its_line_and_the_others_are_kept(engine):
    site = render(engine, ["more.md"], CONFIG + '[feed]\nformats = ["json", "atom10"]\n')
    assert site.errors == ["site.toml:9: error: 'feed.formats': unknown format 'atom10' (known: rss, atom, json); "
                           "left out"]
    assert sorted(p for p in site.files if p.endswith(FEEDS)) == ["feed.json"]


def test_formats_must_be_a_list(engine):
    site = render(engine, ["more.md"], CONFIG + '[feed]\nformats = "atom"\n')
    assert site.errors == ['site.toml:9: error: \'feed.formats\' must be a list such as ["rss", "atom", "json"], '
                           "not a string"]
    assert sorted(p for p in site.files if p.endswith(FEEDS)) == sorted(FEEDS)


def test_every_page_links_to_every_feed_and_term_pages_to_their_own(site):
    site_feeds = [("application/rss+xml", "/index.xml"), ("application/atom+xml", "/atom.xml"),
                  ("application/feed+json", "/feed.json")]
    pages = [p for p in site.files if p.endswith(".html") and 'class="skip-link"' in site[p]]  # not redirects
    assert len(pages) > 15
    for path in pages:
        doc = parse_html(site[path])
        alternates = [(link.get("type"), link.get("href")) for link in doc.iter("link") if link.get("rel") == "alternate"]
        assert alternates[:3] == site_feeds, path
    doc = site.html("tags/wasm/index.html")
    alternates = [link.get("href") for link in doc.iter("link") if link.get("rel") == "alternate"]
    assert alternates[3:] == ["/tags/wasm/index.xml", "/tags/wasm/atom.xml", "/tags/wasm/feed.json"]


TRICKY = 'Ünïcödé & <b>bold</b> "quoted" \'single\' ]]> --> 日本語 \u2028 </script>'


@pytest.mark.parametrize("source", [
    "script-title.md",
    Source("posts/tricky.md", ("---\ntitle: " + json.dumps(TRICKY) + "\ndate: 2024-01-01\ntags: [" + json.dumps(TRICKY)
                               + "]\n---\nBody.\n").encode()),
    Source("posts/hostile.md", (SITES.parent / "hostile" / "posts" / "title-quotes-and-brackets.md").read_bytes()),
], ids=["script-title", "unicode-and-markup", "hostile-quotes-and-brackets"])
def test_titles_with_markup_quotes_and_non_ascii_text_survive_every_feed(engine, source):
    site = render(engine, [source])
    title = next(p.title for p in engine.parse_posts(
        [source if isinstance(source, Source) else Source(f"posts/{source}", (SITES.parent / "posts" / source).read_bytes())],
        CONFIG, tzif_for(CONFIG)).posts)
    assert check_rss(site["index.xml"]) == [title]
    assert check_atom(site["atom.xml"]) == [title]
    assert check_json_feed(site["feed.json"]) == [title]
    for term in [p for p in site.files if p.startswith("tags/") and p.endswith("/atom.xml")]:
        assert check_atom(site[term]) == [title]


def test_anchor_links_in_feeds_point_into_the_post(engine):
    post = Source("posts/anchors.md", b"---\ntitle: Anchors\ndate: 2024-01-01\n---\nSee [below](#below).\n\n## Below\n")
    site = render(engine, [post], CONFIG + "[feed]\nfull_content = true\n")
    content = json.loads(site["feed.json"])["items"][0]["content_html"]
    assert 'href="https://example.org/posts/anchors/#below"' in content
    assert 'href="/posts/anchors/#below"' in site["index.html"]  # the summary on the home page too
    assert 'href="#below"' in site["posts/anchors/index.html"]  # and on its own page, as written


def test_rss_text_elements_are_escaped_as_the_rss_profile_advises(engine):
    # A reader that treats an RSS title as HTML must still show text: "&", "<" and ">" are
    # hexadecimal character references (RSS Best Practices Profile, "Character Data").
    config = ('title = "Tom & <b>Jerry</b>"\nbase_url = "https://example.org/"\n'
              'description = "Cats <img src=x onerror=alert(1)> & mice"\n')
    post = ("---\ntitle: '<img src=x onerror=alert(1)> & more'\ndate: 2023-01-01\n"
            "categories: ['<i>cat</i> & dog']\n---\nBody.\n")
    site = render(engine, [Source("posts/p.md", post.encode())], config=config)
    rss = site["index.xml"]
    assert "<title>Tom &#x26; &#x3C;b&#x3E;Jerry&#x3C;/b&#x3E;</title>" in rss
    assert "<description>Cats &#x3C;img src=x onerror=alert(1)&#x3E; &#x26; mice</description>" in rss
    assert "<title>&#x3C;img src=x onerror=alert(1)&#x3E; &#x26; more</title>" in rss
    assert "<category>&#x3C;i&#x3E;cat&#x3C;/i&#x3E; &#x26; dog</category>" in rss
    # An XML parser still reads the text as written.
    item = ET.fromstring(rss.encode()).find("channel/item")
    assert item is not None and item.findtext("title") == "<img src=x onerror=alert(1)> & more"
    assert item.findtext("category") == "<i>cat</i> & dog"
    term = site["categories/i-cat-i-dog/index.xml"].split("<item>", 1)[0]
    assert "<title>Tom &#x26; &#x3C;b&#x3E;Jerry&#x3C;/b&#x3E; · &#x3C;i&#x3E;cat&#x3C;/i&#x3E; &#x26; dog</title>" in term
    assert "&lt;" not in term
