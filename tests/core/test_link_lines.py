"""Where each link of a post was written: ``Post.links``, what `wasmblog check` reports against.

mistune keeps no positions, so the core finds each destination in the Markdown as written;
these are the cases it must get right, on both engines.
"""

from __future__ import annotations

from renderer import Source
from renderer.model import SourceLink
from sitekit import CONFIG, tzif_for

POST = """\
---
title: Links
date: 2024-01-01
summary: "A [summary link](/from/summary/)."
---
Intro [inline](/a/) and ![image](/img/b.png "t").
Same [inline](/a/) again on the next line.

- a list with <https://example.org/auto> and [ref][r]
- [prefix](/a/bc/)

Footnote.[^1]

[r]: /ref/def/

[^1]: With [a link](/foot/).
"""


def links_of(engine, text: str, config: str = CONFIG) -> list[SourceLink]:
    result = engine.parse_posts([Source("posts/links.md", text.encode())], config, tzif_for(config))
    assert not [d for d in result.diagnostics if d.is_error]
    return result.posts[0].links


def test_each_link_and_image_has_the_line_it_was_written_on(engine):
    assert links_of(engine, POST) == [
        SourceLink("/a/", 6), SourceLink("/img/b.png", 6), SourceLink("/a/", 7),
        SourceLink("https://example.org/auto", 9), SourceLink("/ref/def/", 14), SourceLink("/a/bc/", 10),
        SourceLink("/foot/", 16), SourceLink("/from/summary/", 4),
    ]  # footnote references are the renderer's own anchors, not links anyone wrote


def test_links_are_as_the_page_has_them_under_a_base_path(engine):
    config = CONFIG.replace('"https://example.org/"', '"https://example.org/blog/"')
    assert links_of(engine, POST, config)[:2] == [SourceLink("/blog/a/", 6), SourceLink("/blog/img/b.png", 6)]


def test_raw_html_links_count_unless_raw_html_is_escaped_or_omitted(engine):
    text = "---\ntitle: Raw\ndate: 2024-01-01\n---\nText.\n\n<p><a href=\"/raw/\">raw</a> <img src='/r.png'></p>\n"
    for mode in ("sanitize", "allow"):
        assert links_of(engine, text, CONFIG + f'[markdown]\nraw_html = "{mode}"\n') == [
            SourceLink("/raw/", 7), SourceLink("/r.png", 7)], mode
    for mode in ("escape", "omit"):  # shown as text, or left out: not links at all
        assert links_of(engine, text, CONFIG + f'[markdown]\nraw_html = "{mode}"\n') == [], mode


def test_an_unsafe_link_is_recorded_as_the_page_has_it(engine):
    text = "---\ntitle: Unsafe\ndate: 2024-01-01\n---\n\n[x](javascript:alert(1))\n"
    assert links_of(engine, text) == [SourceLink("#harmful-link", 6)]
