"""What the sanitizer removes is said, once per post, with its lines; raw YouTube and Vimeo iframes and
http(s) video and audio become the privacy-respecting cards of the built-in shortcodes (renderer/removed_html.py)."""

from __future__ import annotations

import re

from renderer import Source
from sitekit import CONFIG, render

HOW = ('to keep it, write it as a shortcode, or trust the site\'s authors with raw_html = "allow" in '
       "site.toml's [markdown] (a Hugo folder: markup.goldmark.renderer.unsafe = true)")


def post(body: str) -> Source:
    return Source("posts/x.md", f"---\ntitle: X\ndate: 2024-01-01\n---\n\n{body}".encode())


def body_of(site) -> str:
    page = site.files["posts/x/index.html"]
    return page[page.index("<article"):page.index("</article>")]


def test_one_warning_per_post_names_each_removed_element_at_its_line_and_how_to_keep_it(engine):
    site = render(engine, [post("Intro\n\n<style>p { color: red }</style>\n\n<form action=\"/x\">\n"
                                "<button>Go</button></form>\n\n<style>again</style>\n")])
    assert site.warnings == ["posts/x.md:8: warning: the sanitizer removed raw HTML: <style> (line 8), "
                             f"<form> (line 10), <button> (line 11); {HOW}"]
    assert "color: red" not in body_of(site) and "<form" not in body_of(site)


def test_a_post_whose_raw_html_is_all_allowed_gets_no_warning(engine):
    site = render(engine, [post('<details><summary>More</summary>\n\n*text*\n\n</details>\n\n`<script>` in code\n')])
    assert site.warnings == []


def test_the_summary_before_more_does_not_repeat_the_warning(engine):
    site = render(engine, [post("<style>x</style>\n\n<!--more-->\n\nrest <iframe src=\"https://e.org/\"></iframe>\n")])
    assert site.warnings == ["posts/x.md:6: warning: the sanitizer removed raw HTML: <style> (line 6), "
                             f"<iframe> (line 10); {HOW}"]


def test_a_raw_youtube_iframe_is_the_card_the_youtube_shortcode_makes(engine):
    raw = ('<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ?start=42" '
           'title="A talk" frameborder="0" allowfullscreen></iframe>\n')
    shortcode = '{{< youtube id="dQw4w9WgXcQ" start="42" title="A talk" >}}\n'
    from_raw, from_shortcode = render(engine, [post(raw)]), render(engine, [post(shortcode)])
    assert re.sub(r"\n+", "\n", body_of(from_raw)) == re.sub(r"\n+", "\n", body_of(from_shortcode))
    assert 'href="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=42"' in body_of(from_raw)
    assert "<iframe" not in body_of(from_raw) and from_raw.warnings == []


def test_a_raw_vimeo_iframe_inside_a_paragraph_is_an_inline_card(engine):
    site = render(engine, [post('Watch <iframe src="https://player.vimeo.com/video/146022717?h=1"></iframe> now.\n')])
    assert '<p>Watch <span class="embed embed-vimeo"><a class="embed-card" href="https://vimeo.com/146022717"' \
        in body_of(site)
    assert "</span> now.</p>" in body_of(site) and site.warnings == []


def test_video_and_audio_with_http_sources_are_cards_linking_to_the_file(engine):
    site = render(engine, [post('<video controls src="https://e.org/a.mp4" title="Demo"></video>\n\n'
                                '<audio controls>\n<source src="https://e.org/a.ogg" type="audio/ogg">\n</audio>\n')])
    body = body_of(site)
    assert '<p class="embed embed-video"><a class="embed-card" href="https://e.org/a.mp4" rel="noopener">' in body
    assert '<span class="embed-label">Play the video</span><span class="embed-title">Demo</span>' in body
    assert '<p class="embed embed-audio"><a class="embed-card" href="https://e.org/a.ogg" rel="noopener">' in body
    assert site.warnings == []


def test_other_iframes_and_unsafe_media_sources_are_removed_and_said(engine):
    site = render(engine, [post('<iframe src="https://evil.example/x"></iframe>\n\n'
                                '<video src="javascript:alert(1)"></video>\n')])
    assert "evil.example" not in body_of(site) and "javascript" not in body_of(site)
    assert site.warnings == ["posts/x.md:6: warning: the sanitizer removed raw HTML: <iframe> (line 6), "
                             f"<video> (line 8); {HOW}"]


def test_with_raw_html_allowed_nothing_is_changed_or_said(engine):
    raw = '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>\n\n<style>p{}</style>\n'
    site = render(engine, [post(raw)], config=CONFIG + '[markdown]\nraw_html = "allow"\n')
    assert '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>' in body_of(site)
    assert site.warnings == []
