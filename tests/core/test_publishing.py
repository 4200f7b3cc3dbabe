"""What gets published: drafts and future posts stay out unless asked for.

The site is tests/sites/basic: five published posts, one draft (tagged
``drafts-only``), one post dated 2099 (tagged ``future-only``).
"""

from __future__ import annotations

import pytest

from sitekit import SITES, render_folder

BASIC = SITES / "basic"


@pytest.fixture
def default(engine):
    return render_folder(engine, BASIC)


def test_drafts_are_left_out_by_default(default):
    assert "posts/draft/index.html" not in default
    assert "tags/drafts-only/index.html" not in default
    assert "Draft post" not in default["index.html"] + default["index.xml"] + default["tags/wasm/index.xml"]
    assert "posts/draft/" not in default["sitemap.xml"]


def test_drafts_are_published_when_asked_for(engine):
    site = render_folder(engine, BASIC, drafts=True)
    assert "posts/draft/index.html" in site
    assert "tags/drafts-only/index.html" in site
    assert "Draft post" in site.post_titles("index.html")


def test_a_published_draft_is_marked_as_such(engine):
    site = render_folder(engine, BASIC, drafts=True)
    badges = [b for b in site.html("posts/draft/index.html").iter("span") if b.get("class") == "badge"]
    assert [b.text for b in badges] == ["Draft"]


def test_future_posts_are_left_out_by_default(default):
    assert "posts/future/index.html" not in default
    assert "tags/future-only/index.html" not in default
    assert "Future post" not in default["index.html"] + default["index.xml"]
    assert "posts/future/" not in default["sitemap.xml"]


def test_future_posts_are_published_when_asked_for(engine):
    site = render_folder(engine, BASIC, future=True)
    assert "posts/future/index.html" in site
    assert site.post_titles("index.html")[0] == "Future post"


def test_drafts_flag_does_not_publish_future_posts(engine):
    site = render_folder(engine, BASIC, drafts=True)
    assert "posts/future/index.html" not in site


def test_future_is_relative_to_the_build_time_given_by_the_host(engine):
    # 2023-11-02T12:00:00Z: only the first two posts exist yet.
    site = render_folder(engine, BASIC, build_time=1_698_926_400 * 1_000_000)
    assert sorted(p for p in site.files if p.startswith("posts/")) == [
        "posts/first/index.html", "posts/second/index.html"]


def test_a_site_with_nothing_published_still_has_its_pages(engine):
    site = render_folder(engine, BASIC, build_time=0)
    assert not site.errors
    assert {"index.html", "index.xml", "sitemap.xml", "404.html", "tags/index.html",
            "categories/index.html"} <= set(site.files)
    assert "No posts yet." in site["index.html"]
