"""Goldmark's Markdown (Hugo's) in wasmblog: typographer, attributes, heading ids, definition lists,
tables in containers, hard wraps, and the settings that turn them on (renderer/goldmark/).

Each expected output here is what the pinned Hugo 0.168 writes for the same Markdown
(tests/hugo/test_goldmark_hugo.py checks thousands more against Hugo itself), except that
wasmblog adds its ``#`` anchor to headings (``heading_ids``).
"""

from __future__ import annotations

import pytest

from renderer.config import parse_config
from renderer.hugo import hugo_config
from sitekit import CONFIG, render

HUGO = dict(typographer=True, definition_lists=True, heading_attributes=True, heading_id_type="github",
            heading_ids=False, highlight=False)


def md(engine, text: str, **options) -> str:
    return engine.render_markdown(text, **{**HUGO, **options})


# --- the typographer ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "html"), [
    ('"Hello," she said.', "<p>&ldquo;Hello,&rdquo; she said.</p>\n"),
    ("'single' and don't, it's", "<p>&lsquo;single&rsquo; and don&rsquo;t, it&rsquo;s</p>\n"),
    ("the '90s, 'twas", "<p>the &rsquo;90s, &rsquo;twas</p>\n"),
    ("pages 1--3 --- and then...", "<p>pages 1&ndash;3 &mdash; and then&hellip;</p>\n"),
    ("<<guillemets>>", "<p>&laquo;guillemets&raquo;</p>\n"),
    ('the Smiths\' car, a 21" screen', "<p>the Smiths&rsquo; car, a 21&quot; screen</p>\n"),
])
def test_the_typographer_curls_quotes_and_makes_dashes_ellipses_and_guillemets_as_goldmark(engine, text, html):
    assert md(engine, text) == html


def test_the_typographer_never_touches_code_urls_or_raw_html(engine):  # the dots after a URL end it, in Hugo too
    text = '`"a" -- b...`\n\n```\n"x" --- y\n```\n\n<span title="a--b">"q"</span> https://e.org/a--b...'
    assert md(engine, text, raw_html="allow") == (
        '<p><code>&quot;a&quot; -- b...</code></p>\n<pre><code>&quot;x&quot; --- y\n</code></pre>\n'
        '<p><span title="a--b">&ldquo;q&rdquo;</span> <a href="https://e.org/a--b">https://e.org/a--b</a>&hellip;</p>\n')


def test_a_quote_left_open_in_one_paragraph_does_not_close_in_the_next(engine):
    assert md(engine, '"open\n\nclose" here') == "<p>&ldquo;open</p>\n<p>close&quot; here</p>\n"


def test_without_the_typographer_quotes_stay_ascii(engine):
    assert md(engine, '"a" -- b', typographer=False) == "<p>&quot;a&quot; -- b</p>\n"


# --- heading ids and attributes ----------------------------------------------------------------


@pytest.mark.parametrize(("kind", "text", "ident"), [
    ("github", "📚 Further reading", "-further-reading"),
    ("github", "Don't stop", "dont-stop"),
    ("github", "Hello `co de` & a_b", "hello-co-de--a_b"),
    ("github", "Café Über", "café-über"),
    ("github-ascii", "Café Über", "cafe-uber"),
    ("blackfriday", "Hello, World & a_b!", "hello-world-a-b"),
    ("github", "!!!", "heading"),
])
def test_heading_ids_follow_hugos_auto_id_types(engine, kind, text, ident):
    assert md(engine, f"## {text}", heading_id_type=kind).startswith(f'<h2 id="{ident}">')


def test_repeated_headings_get_numbered_ids_in_lists_and_quotes_too(engine):
    out = md(engine, "# x\n\n> # x\n\n- # x-1\n")
    assert [line.split('"')[1] for line in out.splitlines() if "<h1" in line] == ["x", "x-1", "x-1-1"]


def test_heading_attributes_give_id_classes_and_values_and_drop_event_handlers(engine):
    out = md(engine, '## H {.b #x .a data-z=1 k="q\\"<x" onclick=2 n=-1.50}\n\n## H\n', raw_html="allow")
    assert out == ('<h2 class="b a" id="x" data-z="1" k="q&quot;&lt;x" n="-1.5">H</h2>\n'
                   '<h2 id="h">H</h2>\n')


def test_unless_raw_html_is_allowed_attributes_are_those_the_sanitizer_keeps(engine):
    text = '## H {#x .a style="position:fixed" title="T" data-z=1 aria-label="L" contenteditable=true}'
    for mode in ("sanitize", "escape", "omit"):
        assert md(engine, text, raw_html=mode) == '<h2 id="x" class="a" title="T" aria-label="L">H</h2>\n', mode


def test_a_heading_id_given_as_an_attribute_is_used_by_the_anchor_and_the_toc(engine):
    out = md(engine, "## Intro {#start}", heading_ids=True)
    assert out.startswith('<h2 id="start">Intro <a class="anchor" href="#start"')


def test_braces_that_are_not_attributes_stay_text(engine):
    assert md(engine, "## H {x}") == '<h2 id="h-x">H {x}</h2>\n'


def test_block_attributes_go_to_the_block_just_before_when_turned_on(engine):
    text = "para\n{.note #p}\n\n| a |\n|---|\n| 1 |\n{.wide}\n\n{.alone}\n"
    assert md(engine, text, block_attributes=True) == (
        '<p class="note" id="p">para</p>\n<table class="wide">\n<thead>\n<tr>\n  <th>a</th>\n</tr>\n</thead>\n'
        "<tbody>\n<tr>\n  <td>1</td>\n</tr>\n</tbody>\n</table>\n")
    assert md(engine, "para\n{.note}") == "<p>para\n{.note}</p>\n"  # off, as in Hugo by default


# --- definition lists, tables in containers, hard wraps ----------------------------------------


def test_definition_lists(engine):
    assert md(engine, "Term\n: One\n: Two") == "<dl>\n<dt>Term</dt>\n<dd>One</dd>\n<dd>Two</dd>\n</dl>\n"


def test_tables_inside_blockquotes_and_list_items(engine):
    table = "| a |\n|---|\n| 1 |"
    quoted = md(engine, "\n".join("> " + line for line in table.splitlines()))
    listed = md(engine, "- " + table.replace("\n", "\n  "))
    assert quoted.startswith("<blockquote>\n<table>") and listed.startswith("<ul>\n<li><table>")


def test_table_rows_in_hugos_markup_need_no_end_pipes_and_get_the_headers_width(engine):
    out = md(engine, "| a | b |\n|---|:-:|\n|1|2|\n|3|4\n5|6|7\n8\n\nafter", markup="hugo")
    rows = out.split("<tbody>")[1].split("</tbody>")[0].replace("\n", "").replace("  ", "")
    assert rows == ('<tr><td>1</td><td style="text-align:center">2</td></tr>'
                    '<tr><td>3</td><td style="text-align:center">4</td></tr>'
                    '<tr><td>5</td><td style="text-align:center">6</td></tr>'
                    '<tr><td>8</td><td style="text-align:center"></td></tr>')
    assert out.endswith("</table>\n<p>after</p>\n")


def test_a_table_in_hugos_markup_may_start_under_a_paragraph_line_and_unescapes_pipes(engine):
    out = md(engine, "Intro\n| `a\\|b` |\n| --- |", markup="hugo")
    assert out.startswith("<p>Intro</p>\n<table>") and "<th><code>a|b</code></th>" in out
    assert "<tbody>\n</tbody>" in out  # as Hugo's table hook writes it, even without rows


def test_a_setext_underline_under_a_row_of_other_width_is_no_table(engine):
    assert md(engine, "a | b\n---", markup="hugo").startswith("<h2")


def test_footnotes_in_hugos_markup_number_repeated_references_apart(engine):
    out = md(engine, "A[^n] and again[^n].\n\n[^n]: The *note*.", markup="hugo")
    assert out == (
        '<p>A<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a></sup> and again'
        '<sup id="fnref1:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a></sup>.</p>\n'
        '<div class="footnotes" role="doc-endnotes">\n<hr>\n<ol>\n<li id="fn:1">\n<p>The <em>note</em>.&#160;'
        '<a href="#fnref:1" class="footnote-backref" role="doc-backlink">&#x21a9;&#xfe0e;</a>&#160;'
        '<a href="#fnref1:1" class="footnote-backref" role="doc-backlink">&#x21a9;&#xfe0e;</a></p>\n</li>\n'
        "</ol>\n</div>\n")


@pytest.mark.parametrize(("text", "html"), [
    ("Visit www.commonmark.org/help.", '<p>Visit <a href="https://www.commonmark.org/help">www.commonmark.org/help</a>.</p>\n'),
    ("Served at http://localhost:1313/ now", "<p>Served at http://localhost:1313/ now</p>\n"),
    ("(https://e.org/a_(b)) x", '<p>(<a href="https://e.org/a_(b)">https://e.org/a_(b)</a>) x</p>\n'),
    ("mail hello+xyz@mail.example.", '<p>mail <a href="mailto:hello+xyz@mail.example">hello+xyz@mail.example</a>.</p>\n'),
    ("www.e.org/?q=a&hl;", '<p><a href="https://www.e.org/?q=a">www.e.org/?q=a</a>&amp;hl;</p>\n'),
    ("[see www.x.org](https://y.org)", '<p><a href="https://y.org">see www.x.org</a></p>\n'),
])
def test_bare_links_are_found_as_goldmarks_linkify_finds_them(engine, text, html):
    assert md(engine, text, markup="hugo") == html


def test_task_lists_in_hugos_markup(engine):
    assert md(engine, "- [ ] open\n- [x] done", markup="hugo") == (
        '<ul>\n<li><input disabled="" type="checkbox"> open</li>\n'
        '<li><input checked="" disabled="" type="checkbox"> done</li>\n</ul>\n')


def test_hard_wraps_make_every_line_break_a_br(engine):
    assert md(engine, "one\ntwo", hard_wraps=True) == "<p>one<br>\ntwo</p>\n"


def test_with_linkify_off_a_bare_url_stays_text(engine):
    for markup in ("hugo", ""):
        assert md(engine, "See https://example.org/x and www.example.org.", markup=markup, linkify=False) == \
            "<p>See https://example.org/x and www.example.org.</p>\n"
    assert "<a href" in md(engine, "See https://example.org/x", markup="hugo")


def test_a_hugo_sites_linkify_setting_and_languages_are_read():
    plain = parse_config(hugo_config([("hugo.toml", 'title = "T"\n')]).site_toml)[0]
    config, diags = parse_config(hugo_config([("hugo.toml", 'title = "T"\n[languages.en]\nweight = 1\n'
                                                            "[markup.goldmark.extensions]\nlinkify = false\n")]).site_toml)
    assert diags == []
    assert (plain.linkify, plain.link_hook, config.linkify, config.link_hook) == (True, "", False, "embedded")


# --- settings -----------------------------------------------------------------------------------


def test_a_hugo_site_gets_hugos_goldmark_defaults():
    config, diags = parse_config(hugo_config([("hugo.toml", 'title = "T"\n')]).site_toml)
    assert diags == []
    assert (config.typographer, config.definition_lists, config.heading_attributes, config.block_attributes,
            config.heading_id_type, config.hard_wraps, config.raw_html, config.markup) == \
        (True, True, True, False, "github", False, "sanitize", "hugo")


def test_a_hugo_sites_goldmark_settings_are_honoured():
    text = ('[markup.goldmark.extensions]\ndefinitionList = false\n[markup.goldmark.extensions.typographer]\n'
            'disable = true\n[markup.goldmark.parser]\nautoHeadingIDType = "blackfriday"\n'
            '[markup.goldmark.parser.attribute]\nblock = true\ntitle = false\n'
            '[markup.goldmark.renderer]\nhardWraps = true\nunsafe = true\n')
    config, diags = parse_config(hugo_config([("hugo.toml", text)]).site_toml)
    assert diags == []
    assert (config.typographer, config.definition_lists, config.heading_attributes, config.block_attributes,
            config.heading_id_type, config.hard_wraps, config.raw_html) == \
        (False, False, False, True, "blackfriday", True, "allow")


def test_a_wrong_goldmark_setting_is_an_error_naming_it():
    diags = hugo_config([("hugo.toml", '[markup.goldmark.parser]\nautoIDType = "gitlab"\n')]).diagnostics
    assert [d.message for d in diags] == ["Hugo setting 'markup.goldmark.parser.autoIDType' must be one of "
                                          "github, github-ascii, blackfriday, not a string"]


def test_a_wasmblog_site_has_the_typographer_on_unless_it_says_no(engine):
    body = '---\ntitle: T\ndate: 2024-01-01\n---\n\n"Quoted" -- text...\n'
    from renderer import Source
    on = render(engine, [Source("posts/t.md", body.encode())])
    off = render(engine, [Source("posts/t.md", body.encode())], config=CONFIG + "[markdown]\ntypographer = false\n")
    assert "<p>&ldquo;Quoted&rdquo; &ndash; text&hellip;</p>" in on.files["posts/t/index.html"]
    assert "<p>&quot;Quoted&quot; -- text...</p>" in off.files["posts/t/index.html"]


def test_an_unknown_heading_id_type_is_an_error():
    _, diags = parse_config('[markdown]\nheading_ids = "gitlab"\n')
    assert [d.message for d in diags] == ["'markdown.heading_ids' must be one of 'wasmblog', 'github', "
                                          "'github-ascii', 'blackfriday', not 'gitlab'"]
