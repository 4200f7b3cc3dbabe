"""base_url with a path prefix (https://example.org/blog/): every link carries it.

The site is tests/sites/basic with its base_url replaced, plus a menu entry;
links are checked in every generated file, not only in a few pages.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from sitekit import SITEMAP_NS, SITES, find_all, links_of, render, render_folder

BASIC = SITES / "basic"
BASE = "https://example.org/blog/"
CONFIG = (BASIC / "site.toml").read_text().replace('base_url = "https://example.org/"', f'base_url = "{BASE}"') + \
    '\n[[menu]]\nname = "First"\nurl = "/posts/first/"\n'


@pytest.fixture
def site(engine):
    rendered = render_folder(engine, BASIC, config=CONFIG)
    assert not rendered.diagnostics
    return rendered


def _page_url(path: str) -> str:
    return BASE + (path[: -len("index.html")] if path.endswith("index.html") else path)


def _target(url: str, page: str) -> str | None:
    """The output path a link resolves to, or None for another site."""
    parts = urlsplit(urljoin(page, url))
    if parts.netloc != "example.org":
        return None
    assert parts.path.startswith("/blog/"), f"{url!r} on {page} is outside /blog/"
    rel = parts.path[len("/blog/"):]
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


STATIC = {"images/pixel.png", "files/notes.txt"}  # copied by the host, not rendered


def test_every_link_in_every_page_stays_under_the_prefix_and_resolves(site):
    for path in site.files:
        if not path.endswith(".html"):
            continue
        for url in links_of(site.html(path)):
            if url.startswith("#"):
                continue
            target = _target(url, _page_url(path))
            assert target is None or target in site.files or target in STATIC, (path, url)


def test_root_relative_links_in_pages_start_with_the_prefix(site):
    for path in site.files:
        if path.endswith(".html"):
            for url in links_of(site.html(path)):
                if url.startswith("/"):
                    assert url.startswith("/blog/"), (path, url)


def test_markdown_links_and_images_in_posts_get_the_prefix(site):
    first = site.html("posts/first/index.html")
    content = find_all(first, "div", class_="content")[0]
    assert [a.get("href") for a in content.iter("a")] == ["/blog/posts/second/"]
    second = find_all(site.html("posts/second/index.html"), "div", class_="content")[0]
    assert [img.get("src") for img in second.iter("img")] == ["/blog/images/pixel.png"]


def test_menu_entries_get_the_prefix(site):
    nav = site.html("index.html").find(".//nav[@aria-label='Main']")
    assert "/blog/posts/first/" in [a.get("href") for a in nav.iter("a")]


def test_feed_links_are_absolute_under_the_prefix(site):
    for path in ("index.xml", "tags/wasm/index.xml"):
        channel = site.xml(path).find("channel")
        links = [channel.findtext("link")] + [i.findtext("link") for i in channel.findall("item")]
        links += [el.get("href") for el in channel if el.get("href")]  # atom:link rel=self
        assert links and all(link.startswith(BASE) for link in links), links


def test_a_term_feed_links_to_its_term_page(site):
    channel = site.xml("tags/wasm/index.xml").find("channel")
    assert channel.findtext("link") == BASE + "tags/wasm/"


def test_open_graph_urls_carry_the_prefix_once(engine):
    config = CONFIG.replace("timezone = \"Europe/Berlin\"", "timezone = \"UTC\"")
    doc = render(engine, ["all-fields.md"], config=config).html("posts/every-field/index.html")
    og = {m.get("property"): m.get("content") for m in doc.iter("meta") if m.get("property")}
    assert og["og:url"] == BASE + "posts/every-field/"
    assert og["og:image"] == BASE + "images/erlang-on-zen.png"


def test_no_url_anywhere_carries_the_prefix_twice(site):
    for path, text in site.files.items():
        assert "/blog/blog/" not in text, path


def test_sitemap_locations_are_absolute_under_the_prefix(site):
    locs = [u.findtext(f"{SITEMAP_NS}loc") for u in site.xml("sitemap.xml")]
    assert BASE in locs
    assert all(loc.startswith(BASE) for loc in locs)


def test_alias_pages_redirect_under_the_prefix(site):
    page = site["old/second/index.html"]
    assert 'content="0; url=/blog/posts/second/"' in page
    assert '<link rel="canonical" href="https://example.org/blog/posts/second/">' in page


def test_robots_txt_names_the_prefixed_sitemap(site):
    assert f"Sitemap: {BASE}sitemap.xml" in site["robots.txt"]


def test_canonical_links_are_absolute_under_the_prefix(site):
    for path in site.files:
        if path.endswith(".html"):
            canon = [link.get("href") for link in site.html(path).iter("link") if link.get("rel") == "canonical"]
            assert all(c.startswith(BASE) for c in canon), (path, canon)


def test_a_relative_base_url_gives_relative_feed_links_and_a_warning(engine):
    config = CONFIG.replace(f'base_url = "{BASE}"', 'base_url = "/blog/"')
    site = render_folder(engine, BASIC, config=config)
    assert any(re.match(r"site.toml: warning: 'base_url' is not an absolute URL", w) for w in site.warnings)
    assert [i["link"] for i in site.feed_items("index.xml")][0] == "/blog/posts/fifth/"


def test_feed_item_bodies_link_absolutely_so_feed_readers_resolve_them(engine):
    config = CONFIG.replace("limit = 3", "limit = 10\nfull_content = true")
    site = render_folder(engine, BASIC, config=config)
    descriptions = [item.findtext("description") for item in site.xml("index.xml").iter("item")]
    bodies = "".join(descriptions)
    assert 'href="/' not in bodies and 'src="/' not in bodies
    assert 'href="https://example.org/blog/' in bodies or 'src="https://example.org/blog/' in bodies
