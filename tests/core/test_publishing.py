"""What gets published: drafts and future posts stay out unless asked for.

The site is tests/sites/basic: five published posts, one draft (tagged
``drafts-only``), one post dated 2099 (tagged ``future-only``).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# --- the span of build times that publish the same posts ------------------------------------------

_stamp = st.integers(1_600_000_000 * 10**6, 1_900_000_000 * 10**6)


@settings(max_examples=60, deadline=None)
@given(stamps=st.lists(_stamp, min_size=0, max_size=8), drafts=st.lists(st.booleans(), min_size=8, max_size=8),
       publish=st.lists(st.one_of(st.just(0), _stamp), min_size=8, max_size=8),
       expiry=st.lists(st.one_of(st.just(0), _stamp), min_size=8, max_size=8),
       build=_stamp, other=_stamp, future=st.booleans(), with_drafts=st.booleans())
def test_any_build_time_in_the_publication_window_gives_the_same_plan(stamps, drafts, publish, expiry, build, other,
                                                                      future, with_drafts):
    """The render cache reuses a plan for every build time in plan.publication_window: it must be the same plan."""
    from renderer import BuildOptions, SiteConfig
    from renderer.model import Post
    from renderer.plan import make_plan, publication_window

    posts = [Post(source=f"posts/p{i}.md", slug=f"p{i}", title=f"P{i}", description="", date="", timestamp=ts,
                  lastmod="", draft=drafts[i], tags=["t"] if i % 2 else [], categories=[], aliases=[], preview="",
                  summary_html="", content_html="", toc_html="", toc_count=0, truncated=False, word_count=1,
                  reading_time=1, params_json="{}", publish=publish[i], expiry=expiry[i])  # publishDate, expiryDate
             for i, ts in enumerate(stamps)]
    options = BuildOptions(build, drafts=with_drafts, future=future)
    lo, hi = publication_window(posts, options)
    assert lo <= build < hi
    inside = BuildOptions(min(max(other, lo), hi - 1), drafts=with_drafts, future=future)
    assert publication_window(posts, inside) == (lo, hi)
    assert make_plan(posts, SiteConfig(), inside) == make_plan(posts, SiteConfig(), options)
