"""Shortcodes in Hugo's syntax: the forms, the built-ins, a site's own, and what goes wrong."""

from __future__ import annotations

import pytest

from renderer import BuildOptions, Source
from sitekit import BUILD_TIME, CONFIG, code_scripts, find_all, parse_html, render, text_of


def post(body: str, name: str = "x", front: str = "") -> Source:
    return Source(f"posts/{name}.md", f"---\ntitle: {name.title()}\ndate: 2023-01-01\n{front}---\n{body}".encode())


def page_of(site, name: str = "x"):
    return site.html(f"posts/{name}/index.html")


# --- syntax -------------------------------------------------------------------------------------


def test_a_shortcode_alone_on_its_line_is_a_block_not_a_paragraph(engine):
    html = engine.render_markdown("Before.\n\n{{< youtube ZJthWmvUzzc >}}\n\nAfter.\n")
    assert '<p>Before.</p>\n<p class="embed embed-youtube">' in html
    assert "<p><p" not in html


@pytest.mark.parametrize("call", ['{{< youtube ZJthWmvUzzc >}}', '{{< youtube id="ZJthWmvUzzc" >}}',
                                  "{{< youtube `ZJthWmvUzzc` >}}", "{{<youtube ZJthWmvUzzc>}}",
                                  "{{< youtube ZJthWmvUzzc />}}", '{{% youtube "ZJthWmvUzzc" %}}'])
def test_positional_named_quoted_raw_and_self_closing_arguments(engine, call):
    doc = parse_html(engine.render_markdown(call))
    assert [a.get("href") for a in doc.iter("a")] == ["https://www.youtube-nocookie.com/embed/ZJthWmvUzzc"]


def test_an_escaped_shortcode_prints_itself(engine):
    html = engine.render_markdown("Write `{{</* youtube ID */>}}` or {{</* figure src=\"x\" */>}}.")
    assert text_of(parse_html(html)) == 'Write {{< youtube ID >}} or {{< figure src="x" >}}.'


def test_shortcodes_are_expanded_in_fenced_code_too_as_in_hugo(engine):
    site = render(engine, [post('```toml\nowner = "{{< param owner >}}"\n```\n', front="owner: Sam\n")])
    code = next(site.html("posts/x/index.html").iter("pre"))
    assert text_of(code) == 'owner = "Sam"'


def test_paired_shortcodes_get_their_inner_text(engine):
    html = engine.render_markdown("{{< highlight python >}}\nx = '<b>'\n{{< /highlight >}}")
    assert html.startswith('<pre class="highlight" data-lang="python">') and "&lt;b&gt;" in html


def test_the_percent_form_renders_its_inner_text_as_markdown(engine):
    html = engine.render_markdown('{{% details summary="More" %}}**bold** text{{% /details %}}')
    doc = parse_html(html)
    assert text_of(next(doc.iter("summary"))) == "More"
    assert [text_of(b) for b in doc.iter("strong")] == ["bold"]


# --- built-ins ----------------------------------------------------------------------------------


def test_figure_makes_a_figure_with_caption_and_link(engine):
    doc = parse_html(engine.render_markdown(
        '{{< figure src="/images/x.png" alt="Alt" title="T" caption="A *nice* view" link="/big/" '
        'attr="Photo" attrlink="https://example.org/" width="40" >}}'))
    figure = next(doc.iter("figure"))
    img = next(figure.iter("img"))
    assert (img.get("src"), img.get("alt"), img.get("width")) == ("/images/x.png", "Alt", "40")
    assert [a.get("href") for a in figure.iter("a")] == ["/big/", "https://example.org/"]
    assert text_of(next(figure.iter("h4"))) == "T" and [text_of(e) for e in figure.iter("em")] == ["nice"]


@pytest.mark.parametrize("call, href", [
    ("{{< vimeo 146022717 >}}", "https://vimeo.com/146022717"),
    ("{{< vimeo_simple 48912912 >}}", "https://vimeo.com/48912912"),
    ('{{< x user="SanDiegoZoo" id="1453110110599868418" >}}', "https://x.com/SanDiegoZoo/status/1453110110599868418"),
    ("{{< tweet 877500564405444608 >}}", "https://x.com/i/status/877500564405444608"),
    ("{{< twitter_simple user=\"DesignReviewed\" id=\"1085870671291310081\" >}}",
     "https://x.com/DesignReviewed/status/1085870671291310081"),
    ("{{< instagram BWNjjyYFxVx >}}", "https://www.instagram.com/p/BWNjjyYFxVx/"),
    ("{{< instagram_simple BGvuInzyFAe hidecaption >}}", "https://www.instagram.com/p/BGvuInzyFAe/"),
    ('{{< gist spf13 7896402 "img.html" >}}', "https://gist.github.com/spf13/7896402#file-img-html"),
])
def test_embeds_are_link_cards_that_load_nothing_from_the_service(engine, call, href):
    html = engine.render_markdown(call)
    doc = parse_html(html)
    assert [a.get("href") for a in doc.iter("a")] == [href]
    assert not list(doc.iter("iframe")) and not list(doc.iter("script")) and not list(doc.iter("img"))


def test_param_reads_front_matter_then_site_params(engine):
    config = CONFIG + '[params]\nsite_only = "from the site"\n'
    site = render(engine, [post("{{< param own >}} / {{< param site_only >}} / {{< param nested.key >}}",
                                front="own: mine\nnested:\n  key: deep\n")], config=config)
    assert "mine / from the site / deep" in text_of(page_of(site))


def test_relref_and_ref_resolve_to_the_target_page(engine):
    site = render(engine, [post("See [the other]({{< relref \"posts/other.md\" >}}) and "
                                "[again]({{< ref \"other\" >}}) and [anchor]({{< relref \"other.md#part\" >}})."),
                           post("Other.", name="other")])
    hrefs = [a.get("href") for a in find_all(page_of(site), "a") if a.text in ("the other", "again", "anchor")]
    assert hrefs == ["/posts/other/", "https://example.org/posts/other/", "/posts/other/#part"]
    assert not site.warnings


def test_a_ref_to_no_page_is_a_warning_at_its_line(engine):
    site = render(engine, [post("Line one.\n\n[x]({{< ref \"missing.md\" >}})\n")])
    assert "posts/x.md:7: warning: shortcode ref 'missing.md': no page of the site has that path; the link goes " \
           "nowhere" in site.warnings
    assert [a.get("href") for a in find_all(page_of(site), "a") if a.text == "x"] == ["#"]


def test_built_in_arguments_are_escaped_and_urls_checked(engine):
    site = render(engine, [post('{{< figure src="javascript:alert(1)" >}}\n\n'
                                '{{< figure src="/a.png" caption="<script>alert(1)</script>" >}}\n\n'
                                '{{< youtube "x\\" onload=\\"alert(1)" >}}\n')])
    doc = site.html("posts/x/index.html")
    assert not code_scripts(doc)
    text_only = {"description", "og:description", "twitter:description"}  # the post's words, quoted as text
    assert not [el for el in doc.iter() for k, v in el.attrib.items() if k.startswith("on") or "javascript:" in v
                and not (el.tag == "meta" and (el.get("name") or el.get("property")) in text_only)]
    shown = text_of(doc).replace("\u201c", '"').replace("\u201d", '"')  # the site's typographer curls its quotes
    assert '{{< figure src="javascript:alert(1)" >}}' in shown  # refused: shown as text
    assert any("figure': src 'javascript:alert(1)' is not an http(s) URL or a path" in w for w in site.warnings)


# --- the site's own -----------------------------------------------------------------------------

NOTICE = ('<aside class="notice notice-{{ get(0) }}" data-title="{{ kwargs.title }}">{{ inner }}'
          '<small>{{ page.title }} · {{ site.title }} · {{ args|length }}</small></aside>')


def test_a_site_shortcode_is_a_jinja_template_seeing_args_inner_page_and_site(engine):
    templates = {"shortcodes/notice.html": NOTICE}
    site = render(engine, [post("{{< notice warning >}}*raw* <b>text</b>{{< /notice >}}\n\n"
                                "{{% notice info %}}*markdown*{{% /notice %}}\n")], templates=templates)
    asides = find_all(page_of(site), "aside")
    assert [a.get("class") for a in asides] == ["notice notice-warning", "notice notice-info"]
    assert "*raw* <b>text</b>" in text_of(asides[0])  # {{< >}}: the inner text, autoescaped
    assert [text_of(e) for e in asides[1].iter("em")] == ["markdown"]  # {{% %}}: rendered Markdown
    assert "X · Test blog · 1" in text_of(asides[0])


def test_a_site_shortcode_replaces_a_built_in_of_the_same_name(engine):
    site = render(engine, [post("{{< youtube abc >}}")], templates={"shortcodes/youtube.html": "<b>mine</b>"})
    assert [text_of(b) for b in find_all(page_of(site), "b")] == ["mine"]


def test_a_site_shortcode_runs_in_the_template_sandbox(engine):
    templates = {"shortcodes/evil.html": "{{ ''.__class__.__mro__ }}"}
    site = render(engine, [post("Text.\n\n{{< evil >}}\n")], templates=templates)
    assert any(w.startswith("posts/x.md:7: warning: shortcode 'evil' failed in templates/shortcodes/evil.html: "
                            "SecurityError") for w in site.warnings)
    assert "{{&lt; evil &gt;}}" in site["posts/x/index.html"]


def test_a_site_shortcode_that_does_not_compile_is_reported_at_each_use(engine):
    site = render(engine, [post("{{< broken >}}")], templates={"shortcodes/broken.html": "{% for x in %}"})
    assert any(w.startswith("posts/x.md:5: warning: shortcode 'broken' cannot be used: "
                            "templates/shortcodes/broken.html:1: template syntax error") for w in site.warnings)


def test_site_shortcodes_are_not_theme_templates(engine):
    site = render(engine, [post("x")], templates={"shortcodes/list.html": "{{ 1 // 0 }}"})
    assert not site.errors and "index.html" in site


# --- what goes wrong ----------------------------------------------------------------------------


def test_an_unknown_shortcode_is_a_warning_at_its_opening_line_and_shown_as_text(engine):
    site = render(engine, [post("One.\n\nTwo.\n\n{{< gallery dir=\"/img\" >}}\n")])
    assert site.warnings == ["posts/x.md:9: warning: shortcode 'gallery' is not built in, and there is no "
                             "templates/shortcodes/gallery.html; shown as text"]
    assert '{{< gallery dir="/img" >}}' in text_of(page_of(site))


def test_a_malformed_shortcode_is_a_warning_and_shown_as_text(engine):
    site = render(engine, [post('{{< youtube "unclosed >}}\n')])
    assert any("posts/x.md:5: warning: shortcode: cannot read shortcode 'youtube': a quote left open" in w
               for w in site.warnings)


def test_an_inline_shortcode_is_a_warning_and_left_out(engine):
    site = render(engine, [post("A\n\n{{< time.inline >}}{{ now }}{{< /time.inline >}}\n\nB\n")])
    assert site.warnings == ["posts/x.md:7: warning: shortcode 'time.inline' is a Hugo inline shortcode (Go "
                             "template code), which wasmblog cannot run; left out of the page"]
    assert "now" not in site["posts/x/index.html"]


def test_a_closing_tag_that_closes_nothing_is_a_warning(engine):
    site = render(engine, [post("{{< /details >}}")])
    assert any("shortcode closing tag '{{< /details }}' closes nothing" in w for w in site.warnings)


def test_line_numbers_count_from_the_top_of_the_file_in_toml_posts_too(engine):
    source = Source("posts/t.md", b'+++\ntitle = "T"\ndate = 2023-01-01\n+++\n\nText.\n\n{{< nope >}}\n')
    site = render(engine, [source])
    assert site.warnings == ["posts/t.md:8: warning: shortcode 'nope' is not built in, and there is no "
                             "templates/shortcodes/nope.html; shown as text"]


def test_strict_makes_shortcode_warnings_errors(engine, tmp_path):
    from sitekit import make_site
    from wasm_host.site import build
    site = make_site(tmp_path, [])
    (site / "posts" / "x.md").write_text("---\ntitle: X\ndate: 2023-01-01\n---\n{{< nope >}}\n")
    loose = build(site, tmp_path / "a", engine, build_time=BUILD_TIME)
    strict = build(site, tmp_path / "b", engine, build_time=BUILD_TIME, strict=True)
    assert (loose.errors, loose.warnings, loose.written) == (0, 1, True)
    assert (strict.errors, strict.warnings, strict.written) == (1, 0, False)


@pytest.mark.wasm
def test_shortcodes_give_the_same_bytes_on_both_engines(native):
    from sitekit import get_renderer
    text = ('{{< figure src="/x.png" caption="**c**" >}}\n{{< youtube w7Ft2ymGmfc >}}\n{{< nope >}}\n'
            '{{% details summary="s" %}}*i*{{% /details %}}\n{{< highlight go >}}\nx := 1\n{{< /highlight >}}\n')
    assert get_renderer("wasm").render_markdown(text) == native.render_markdown(text)
    options = BuildOptions(build_time=BUILD_TIME)
    sources = [post(text)]
    templates = {"shortcodes/x.html": "<i>{{ args|join(',') }}</i>"}
    wasm = get_renderer("wasm").render_site(sources, CONFIG, templates, options)
    assert wasm == native.render_site(sources, CONFIG, templates, options)
