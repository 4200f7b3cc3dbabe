"""Summaries (<!--more-->, front matter, automatic), word count and reading time."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from renderer import Source
from sitekit import CONFIG, find_all, parse_one, render, text_of


def _well_formed(fragment: str) -> ET.Element:
    """Parse an HTML fragment as XML: every tag must be closed, in order."""
    return ET.fromstring(f"<div>{fragment}</div>")


def _words(fragment: str) -> int:
    return len(text_of(_well_formed(fragment)).split())


def test_more_divider_ends_the_summary(engine):
    post = parse_one(engine, "more.md")
    assert post.summary_html == "<p>This <strong>first part</strong> is the summary.</p>"
    assert post.truncated is True


def test_more_divider_is_not_in_the_post_page(engine):
    post = parse_one(engine, "more.md")
    assert "more" not in re.findall(r"<!--\s*(\w+)\s*-->", post.content_html)
    assert "This second part is only on the post page." in post.content_html
    assert "This <strong>first part</strong> is the summary." in post.content_html


def test_front_matter_summary_is_used_when_there_is_no_divider(engine):
    post = parse_one(engine, "summary-front-matter.md")
    assert post.summary_html == "<p>Written <em>by hand</em> &amp; short.</p>"
    assert "not the summary" not in post.summary_html


def test_automatic_summary_is_cut_at_the_configured_word_count(engine):
    post = parse_one(engine, "long.md")  # summary_words = 20 in the test config
    assert _words(post.summary_html) == 20
    assert post.summary_html.endswith("\u2026</a></p>")
    assert post.truncated is True


def test_automatic_summary_keeps_inline_markup_well_formed(engine):
    summary = _well_formed(parse_one(engine, "long.md").summary_html)
    assert [el.tag for el in summary.iter()] == ["div", "p", "strong", "em", "a"]
    assert summary.find(".//a").get("href") == "https://example.com/ling"


def test_automatic_summary_leaves_out_code(engine):
    config = CONFIG.replace("summary_words = 20", "summary_words = 200")
    post = parse_one(engine, "long.md", config=config)
    assert "<pre" not in post.summary_html and "code is never part" not in post.summary_html


@pytest.mark.parametrize("words", range(1, 120, 7))
def test_automatic_summary_is_well_formed_at_any_length(engine, words):
    config = CONFIG.replace("summary_words = 20", f"summary_words = {words}")
    post = parse_one(engine, "long.md", config=config)
    assert 0 < _words(post.summary_html) <= words


def test_a_short_post_is_its_own_summary(engine):
    post = parse_one(engine, "no-title.md")
    assert post.summary_html == "<p>A post that forgot its title: the file name stands in for it.</p>"
    assert post.truncated is False


def test_list_pages_show_summaries_and_read_more_only_when_truncated(engine):
    config = CONFIG.replace("page_size = 2", "page_size = 10")
    site = render(engine, ["more.md", "no-title.md"], config=config)
    doc = site.html("index.html")
    articles = {text_of(a.find(".//h2")): a for a in find_all(doc, "article", class_="summary")}
    more = articles["A post with a more divider"]
    assert text_of(find_all(more, "div", class_="excerpt")[0]) == "This first part is the summary."
    assert [a.get("href") for a in find_all(more, "a", class_="more")] == ["/posts/more/"]
    assert find_all(articles["No title"], "a", class_="more") == []


def test_word_count_counts_the_visible_words_of_the_body(engine):
    assert parse_one(engine, "words.md").word_count == 450


def test_reading_time_is_rounded_up_at_the_configured_speed(engine):
    assert parse_one(engine, "words.md").reading_time == 3  # 450 words at 200 per minute
    slow = CONFIG + "words_per_minute = 100\n"
    assert parse_one(engine, "words.md", config=slow).reading_time == 5


def test_reading_time_is_at_least_one_minute(engine):
    assert parse_one(engine, "more.md").reading_time == 1


def test_reading_time_is_shown_on_the_post_page(engine):
    site = render(engine, ["words.md"])
    meta = find_all(site.html("posts/words/index.html"), "p", class_="meta")[0]
    assert "3 min read" in text_of(meta)


def test_code_words_count_but_markup_does_not(engine):
    text = b"---\ntitle: t\ndate: 2023-01-01\n---\n\nOne **two** [three](/x/).\n\n```python\nfour five\n```\n"
    result = engine.parse_posts([Source("posts/t.md", text)], CONFIG, b"")
    assert result.posts[0].word_count == 5


def test_a_summary_given_the_bodys_word_count_is_the_one_counted_itself():
    from renderer.summary import auto_summary, word_count

    for html_text, limit in (("<p>one two three</p>\n<p>four</p>", 3), ("<p>one two</p>", 5), ("<p>a b c d</p>", 2)):
        assert auto_summary(html_text, limit, word_count(html_text)) == auto_summary(html_text, limit)
