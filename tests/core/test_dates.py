"""Dates: every accepted form, the site's time zone for naive times, and how dates are shown.

The site zone in these tests is Europe/Berlin (UTC+1 in winter, UTC+2 in
summer), so a naive time that were read as UTC would show up at once.
"""

from __future__ import annotations

import pytest

from renderer import BuildOptions
from sitekit import CONFIG, parse_one, post_source, render, text_of, tzif_for

UTC_CONFIG = 'title = "UTC blog"\nbase_url = "https://example.org/"\ntimezone = "UTC"\n'


@pytest.mark.parametrize("name, iso", [
    ("zulu-millis.md", "2023-11-15T17:04:04Z"),  # the seed post's form
    ("date-only.md", "2023-11-20T00:00:00+01:00"),  # midnight, site time
    ("naive-winter.md", "2023-11-18T10:15:00+01:00"),  # "2023-11-18 10:15", site time
    ("naive-summer.md", "2024-07-01T09:00:00+02:00"),  # daylight saving time applies
    ("offset-plus.md", "2024-06-12T09:30:00+02:00"),  # own offset kept
    ("offset-minus.md", "2023-11-22T08:00:00-05:00"),
    ("quoted.md", "2023-11-29T18:00:00Z"),  # a YAML string is read the same way
])
def test_date_forms(engine, name, iso):
    assert parse_one(engine, f"dates/{name}").date == iso


def test_fractional_seconds_count_for_ordering(engine):
    post = parse_one(engine, "dates/zulu-millis.md")
    assert post.timestamp == 1_700_067_844_016_000  # microseconds since the epoch


def test_offsets_give_the_right_instant(engine):
    post = parse_one(engine, "dates/offset-minus.md")
    assert post.timestamp == 1_700_658_000 * 1_000_000  # 2023-11-22T13:00:00Z


def test_naive_times_are_in_the_site_time_zone_not_utc(engine):
    berlin = parse_one(engine, "dates/naive-winter.md")
    utc = parse_one(engine, "dates/naive-winter.md", config=UTC_CONFIG)
    assert utc.date == "2023-11-18T10:15:00Z"
    assert utc.timestamp - berlin.timestamp == 3600 * 1_000_000


def test_toml_dates_are_native_dates(engine):
    assert parse_one(engine, "toml-front-matter.md").date == "2023-11-16T09:30:00+01:00"


def test_an_unknown_time_zone_is_reported_and_utc_is_used(engine):
    config = 'title = "x"\ntimezone = "Mars/Olympus_Mons"\n'
    result = engine.parse_posts([post_source("dates/naive-winter.md")], config, b"")
    assert [p.date for p in result.posts] == ["2023-11-18T10:15:00Z"]
    assert [d.format() for d in result.diagnostics if d.is_error] == [
        "site.toml: error: unknown time zone 'Mars/Olympus_Mons': use an IANA name such as 'Europe/Paris'; "
        "dates without an offset are read as UTC"]


def test_post_page_shows_the_date_in_a_time_element(engine):
    site = render(engine, ["dates/naive-winter.md"])
    times = list(site.html("posts/naive-winter/index.html").iter("time"))
    assert [(t.get("datetime"), text_of(t)) for t in times] == [("2023-11-18T10:15:00+01:00", "18 November 2023")]


def test_feed_dates_are_rfc_822_with_the_posts_offset(engine):
    site = render(engine, ["dates/zulu-millis.md", "dates/offset-minus.md"])
    dates = {item["title"]: item["pubDate"] for item in site.feed_items("index.xml")}
    assert dates == {"zulu-millis": "Wed, 15 Nov 2023 17:04:04 +0000",
                     "offset-minus": "Wed, 22 Nov 2023 08:00:00 -0500"}


def test_posts_are_ordered_by_instant_not_by_the_text_of_their_dates(engine):
    # 20:00+09:00 is 11:00Z and 08:00-05:00 is 13:00Z on the same day: the text
    # sorts the other way round.
    site = render(engine, ["dates/tokyo-evening.md", "dates/offset-minus.md"])
    assert site.post_titles("index.html") == ["offset-minus", "tokyo-evening"]


def test_the_date_decides_publication_against_the_build_time(engine):
    post = parse_one(engine, "dates/offset-minus.md")
    sources = [post_source("dates/offset-minus.md")]
    just_before = engine.render_site(sources, CONFIG, {}, BuildOptions(build_time=post.timestamp - 1),
                                     tzif_for(CONFIG))
    exactly = engine.render_site(sources, CONFIG, {}, BuildOptions(build_time=post.timestamp), tzif_for(CONFIG))
    assert "posts/offset-minus/index.html" not in {f.path for f in just_before.files}
    assert "posts/offset-minus/index.html" in {f.path for f in exactly.files}
