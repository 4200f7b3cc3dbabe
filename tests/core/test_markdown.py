"""Markdown: the library call, extensions, headings and TOC, highlighting, raw HTML and unsafe links."""

from __future__ import annotations

import pytest

from renderer import Source
from sitekit import CONFIG, code_scripts, find_all, links_of, parse_html, parse_one, post_source, render, text_of


def _body(name: str) -> str:
    """The Markdown body of a post file under tests/posts (after its front matter)."""
    text = post_source(name).data.decode("utf-8")
    return text.split("---\n", 2)[2]


# --- render_markdown(text, **options) ----------------------------------------------


def test_render_markdown_renders_one_document(engine):
    assert engine.render_markdown("*hi*") == "<p><em>hi</em></p>\n"


def test_render_markdown_gives_headings_ids_by_default(engine):
    assert engine.render_markdown("## Hello world").startswith('<h2 id="hello-world">Hello world')


def test_render_markdown_without_heading_ids_gives_plain_headings(engine):
    assert engine.render_markdown("## Hello world", heading_ids=False) == "<h2>Hello world</h2>\n"


def test_render_markdown_extensions_can_be_switched_off(engine):
    table = "| a | b |\n|---|---|\n| 1 | 2 |\n"
    assert "<table>" in engine.render_markdown(table)
    assert "<table>" not in engine.render_markdown(table, extensions=False)


def test_render_markdown_prefixes_site_links_with_the_base_path(engine):
    html = engine.render_markdown("[a](/posts/x/) ![i](/images/i.png) [b](https://example.com/) [c](rel/) "
                                  "[d](//cdn.example.com/x) [e](#top)", base_path="/blog/")
    doc = parse_html(html)
    assert links_of(doc) == ["/blog/posts/x/", "/blog/images/i.png", "https://example.com/", "rel/",
                             "//cdn.example.com/x", "#top"]


def test_render_markdown_rejects_unknown_options(engine):
    with pytest.raises(TypeError):
        engine.render_markdown("x", no_such_option=True)


def test_images_are_lazy_loaded_in_site_mode(engine):
    assert 'loading="lazy"' in engine.render_markdown("![a](/a.png)")


# --- extensions -------------------------------------------------------------------------


def test_tables(engine):
    doc = parse_html(engine.render_markdown(_body("extensions.md")))
    table = next(doc.iter("table"))
    assert [text_of(th) for th in table.iter("th")] == ["Box", "Cold start"]
    assert [[text_of(td) for td in tr.iter("td")] for tr in table.find("tbody")] == [
        ["Container", "~100 ms"], ["Wasm", "~1 ms"]]


def test_footnotes_link_both_ways(engine):
    doc = parse_html(engine.render_markdown(_body("extensions.md")))
    ref = next(doc.iter("sup")).find("a")
    note = find_all(doc, "section", class_="footnotes")[0].find(".//li")
    assert ref.get("href") == "#" + note.get("id")
    assert text_of(note).startswith("Only the parts of the kernel the app needs.")
    assert any(a.get("href") == "#" + next(doc.iter("sup")).get("id") for a in note.iter("a"))


def test_strikethrough(engine):
    doc = parse_html(engine.render_markdown(_body("extensions.md")))
    assert [text_of(d) for d in doc.iter("del")] == ["Every blog needs a database."]


def test_task_lists(engine):
    doc = parse_html(engine.render_markdown(_body("extensions.md")))
    boxes = [(i.get("type"), "checked" in i.attrib, "disabled" in i.attrib) for i in doc.iter("input")]
    assert boxes == [("checkbox", True, True), ("checkbox", False, True)]


def test_entities_are_resolved_once(engine):
    html = engine.render_markdown("Tom &amp; Jerry &copy; 2023, 5 < 6 & `a &amp; b`")
    assert html == "<p>Tom &amp; Jerry \u00a9 2023, 5 &lt; 6 &amp; <code>a &amp;amp; b</code></p>\n"


# --- headings and table of contents -------------------------------------------------------


def test_heading_ids_are_unique_within_a_post(engine):
    doc = parse_html(engine.render_markdown(_body("toc.md"), raw_html="escape"))
    ids = [h.get("id") for level in ("h2", "h3", "h4") for h in doc.iter(level)]
    assert sorted(ids) == sorted(["setup", "install", "setup-1", "rust-wasm", "deep-detail", "überblick"])
    assert len(set(ids)) == len(ids)


def test_headings_carry_a_self_link(engine):
    doc = parse_html(engine.render_markdown("## Setup"))
    anchor = next(doc.iter("h2")).find("a")
    assert anchor.get("href") == "#setup" and anchor.get("aria-hidden") == "true"


ESCAPE = CONFIG + '[markdown]\nraw_html = "escape"\n'  # toc.md has a heading "Rust & <Wasm>"


def test_toc_lists_headings_in_order_with_nesting(engine):
    post = parse_one(engine, "toc.md", config=ESCAPE)
    toc = parse_html(post.toc_html)
    top = toc.find(".//body/ul")
    assert [li.find("a").get("href") for li in top.findall("li")] == ["#setup", "#setup-1", "#rust-wasm", "#überblick"]
    assert [a.get("href") for a in top.findall("li")[0].iter("a")] == ["#setup", "#install"]
    assert post.toc_count == 6


def test_toc_shows_heading_text_escaped(engine):
    post = parse_one(engine, "toc.md", config=ESCAPE)
    assert '<a href="#rust-wasm">Rust &amp; &lt;Wasm&gt;</a>' in post.toc_html


def test_toc_levels_come_from_the_config(engine):
    config = CONFIG + "[markdown]\ntoc_max_level = 3\n"
    post = parse_one(engine, "toc.md", config=config)
    assert "#deep-detail" not in post.toc_html
    assert post.toc_count == 5


def test_post_pages_show_the_toc_when_there_are_enough_headings(engine):
    site = render(engine, ["toc.md", "more.md"])
    assert find_all(site.html("posts/toc/index.html"), "nav", class_="toc")
    assert not find_all(site.html("posts/more/index.html"), "nav", class_="toc")


def test_a_post_can_turn_its_toc_off_with_a_param(engine):
    text = post_source("toc.md").data.replace(b"date: 2023-11-21\n", b"date: 2023-11-21\ntoc: false\n")
    site = render(engine, [Source("posts/toc.md", text)])
    assert not find_all(site.html("posts/toc/index.html"), "nav", class_="toc")


# --- highlighting ------------------------------------------------------------------------


@pytest.mark.parametrize("lang, token", [("python", '<span class="k">def</span>'),
                                         ("rust", '<span class="k">fn</span>'),
                                         ("wat", '<span class="k">module</span>')])
def test_fenced_code_is_highlighted_with_pygments(engine, lang, token):
    html = engine.render_markdown(_body("code.md"))
    block = html.split(f'<pre class="highlight" data-lang="{lang}"><code class="language-{lang}">', 1)
    assert len(block) == 2, f"no highlighted {lang} block"
    assert token in block[1].split("</pre>", 1)[0]


@pytest.mark.wasm
@pytest.mark.slow
def test_every_supported_language_is_highlighted_alike_by_both_engines():
    """Lexers outside highlight.WARM_LEXERS are compiled on first use inside the sandbox, most of
    their modules too (the guest's lean.LazyModules keeps them as compressed source): each must
    work there and give the native bytes."""
    from pygments.lexers import get_all_lexers

    from renderer import highlight
    from wasm_host.engines import NativeRenderer
    from wasm_host.engines.wasm import WasmRenderer

    # (a few lexers, JSONBareObject for one, have no alias at all: none is in LEXER_NAMES)
    first_alias = {name: aliases[0] for name, aliases, _, _ in get_all_lexers(plugins=False) if aliases}
    langs = [first_alias[name] for name in highlight.LEXER_NAMES]
    doc = "".join(f"```{lang}\nx = 1 # one\nfn f(a) {{ return \"s\"; }}\n<b>x</b>\n+ added\n```\n\n" for lang in langs)
    html = NativeRenderer(timeout=60).render_markdown(doc)  # compiling ~40 lexers takes a few seconds
    assert WasmRenderer(timeout=60).render_markdown(doc) == html
    for lang in langs:
        block = html.split(f'data-lang="{lang}"', 1)[1].split("</pre>", 1)[0]
        assert "<span" in block or lang == "text", lang


def test_unknown_languages_are_escaped_plain_code(engine):
    html = engine.render_markdown(_body("code.md"))
    assert '<pre><code class="language-no-such-language">&lt;kept&gt; &amp; escaped\n</code></pre>' in html
    assert "<pre><code>plain fence, no language\n</code></pre>" in html


def test_highlighting_can_be_switched_off(engine):
    html = engine.render_markdown("```python\ndef f(): pass\n```", highlight=False)
    assert html == '<pre><code class="language-python">def f(): pass\n</code></pre>\n'


def test_the_stylesheet_has_light_and_dark_highlight_styles(engine):
    css = render(engine, ["code.md"])["css/style.css"]
    light, *dark_blocks = css.split("@media (prefers-color-scheme: dark) {")
    assert ".highlight .k" in light
    assert any(".highlight .k" in block.split("\n}\n", 1)[0] for block in dark_blocks)


# --- raw HTML and unsafe links ---------------------------------------------------------


def test_raw_html_is_sanitized_by_default(engine):
    doc = parse_html(engine.render_markdown(_body("raw-html.md")))
    assert list(doc.iter("script")) == []
    assert [s.get("class") for s in doc.iter("span")] == ["x"]
    assert [d.get("class") for d in doc.iter("div")] == ["block"]
    assert "alert" not in text_of(doc)  # a script goes with its content


def test_raw_html_is_shown_as_text_when_escaped(engine):
    doc = parse_html(engine.render_markdown(_body("raw-html.md"), raw_html="escape"))
    assert list(doc.iter("script")) == [] and list(doc.iter("span")) == [] and list(doc.iter("div")) == []
    assert '<script>alert("inline")</script>' in text_of(doc)


def test_raw_html_passes_through_when_allowed(engine):
    doc = parse_html(engine.render_markdown(_body("raw-html.md"), raw_html="allow"))
    assert [s.get("class") for s in doc.iter("span")] == ["x"]
    assert [d.get("class") for d in doc.iter("div")] == ["block"]
    assert len(list(doc.iter("script"))) == 2


def test_raw_html_is_left_out_when_omitted_as_hugo_does(engine):
    html = engine.render_markdown(_body("raw-html.md"), raw_html="omit")
    doc = parse_html(html)
    assert list(doc.iter("script")) == [] and list(doc.iter("div")) == []
    # As Hugo: each piece of raw HTML is left out; the text between inline tags stays.
    assert html.startswith("<p>Inline <!-- raw HTML omitted -->span<!-- raw HTML omitted --> and ")
    assert "<!-- raw HTML omitted -->\n" in html and 'alert("block")' not in html


def test_raw_html_policy_comes_from_the_site_config(engine):
    escaped = render(engine, ["raw-html.md"], config=CONFIG + '[markdown]\nraw_html = "escape"\n')
    sanitized = render(engine, ["raw-html.md"])
    assert not find_all(escaped.html("posts/raw-html/index.html"), "div", class_="block")
    assert find_all(sanitized.html("posts/raw-html/index.html"), "div", class_="block")


@pytest.mark.parametrize("old, mode", [("true", "allow"), ("false", "escape")])
def test_the_old_true_false_setting_still_works_with_a_deprecation_warning(engine, old, mode):
    site = render(engine, ["raw-html.md"], config=CONFIG + f"[markdown]\nraw_html = {old}\n")
    assert f'site.toml:9: warning: \'raw_html = {old}\' is deprecated: write raw_html = "{mode}"' in site.warnings
    assert bool(code_scripts(site.html("posts/raw-html/index.html"))) == (mode == "allow")


def test_the_old_true_false_option_still_works_in_the_python_api(engine):
    with pytest.deprecated_call(match="raw_html=True is deprecated: use raw_html='allow'"):
        allowed = engine.render_markdown("<b>x</b>", raw_html=True)
    assert allowed == engine.render_markdown("<b>x</b>", raw_html="allow")


def test_an_unknown_raw_html_setting_is_an_error_and_falls_back_to_sanitize(engine):
    site = render(engine, ["raw-html.md"], config=CONFIG + '[markdown]\nraw_html = "strip"\n')
    assert any("'markdown.raw_html' must be one of 'sanitize', 'escape', 'omit', 'allow'" in e for e in site.errors)
    assert find_all(site.html("posts/raw-html/index.html"), "div", class_="block")


UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")


@pytest.mark.parametrize("raw_html", ["sanitize", "escape", "omit", "allow"])
def test_unsafe_link_schemes_are_never_emitted(engine, raw_html):
    doc = parse_html(engine.render_markdown(_body("unsafe-links.md"), raw_html=raw_html))
    urls = links_of(doc)
    assert len(urls) == 13
    assert not [u for u in urls if u.strip().lower().startswith(UNSAFE_SCHEMES)]
    assert urls[-3:] == ["https://example.org/ok", "/posts/x/", "mailto:me@example.org"]


def test_unsafe_links_are_neutralised_in_built_pages(engine):
    site = render(engine, ["unsafe-links.md"])
    for path, text in site.files.items():
        if path.endswith(".html"):
            urls = links_of(parse_html(text))
            assert not [u for u in urls if u.strip().lower().startswith(UNSAFE_SCHEMES)], path


def test_element_count_counts_runs_of_marks_not_their_characters():
    import pytest

    from renderer.content import SourceError, check_elements

    check_elements("***a*** ~~b~~", 1, 4)  # four runs in ten mark characters: within a limit of 4
    with pytest.raises(SourceError) as caught:
        check_elements("*a*\n\n<b>x</b>", 1, 3)  # the 4th element, </b>, is on line 3
    assert caught.value.line == 3
