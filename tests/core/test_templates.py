"""Templates: autoescaping, overrides from SITE/templates, and template errors."""

from __future__ import annotations

from sitekit import SITES, find_all, parse_html, render, render_folder, text_of

NASTY_TITLE = '</title><script>alert("pwned")</script> & "quoted"'


def test_titles_are_escaped_in_every_page(engine):
    site = render(engine, ["script-title.md"])
    for path in ("posts/script-title/index.html", "index.html", "tags/script-x-script/index.html"):
        doc = site.html(path)
        assert list(doc.iter("script")) == [], path
        assert NASTY_TITLE in text_of(doc), path


def test_the_document_title_is_the_post_title_verbatim(engine):
    doc = render(engine, ["script-title.md"]).html("posts/script-title/index.html")
    assert text_of(doc.find(".//head/title")) == f"{NASTY_TITLE} · Test blog"


def test_quotes_cannot_break_out_of_attributes(engine):
    doc = render(engine, ["script-title.md"]).html("posts/script-title/index.html")
    metas = {m.get("property") or m.get("name"): m.get("content") for m in doc.iter("meta")}
    assert metas["og:title"] == NASTY_TITLE
    assert metas["description"] == '<b>bold?</b> "quotes" & ampersands'


def test_term_names_are_escaped_too(engine):
    doc = render(engine, ["script-title.md"]).html("posts/script-title/index.html")
    assert 'a "quoted" category' in [text_of(a) for a in doc.iter("a")]
    assert "<script>x</script>" in [text_of(a).lstrip("#") for a in doc.iter("a")]


def test_feeds_escape_titles_as_xml_text(engine):
    site = render(engine, ["script-title.md"])
    assert [i["title"] for i in site.feed_items("index.xml")] == [NASTY_TITLE]


def test_a_template_in_site_templates_overrides_the_theme_by_name(engine):
    site = render_folder(engine, SITES / "themed")
    assert not site.diagnostics
    doc = site.html("posts/hello/index.html")
    assert [text_of(h) for h in find_all(doc, "h1", class_="custom-title")] == ["Hello from a themed site"]
    assert text_of(next(doc.iter("h1"))) == "Hello from a themed site"
    assert text_of(find_all(site.html("404.html"), "main")[0]) == "Lost in the sandbox"


def test_templates_not_overridden_come_from_the_theme(engine):
    site = render_folder(engine, SITES / "themed")
    assert site.post_titles("index.html") == ["Hello from a themed site"]


def test_unknown_front_matter_keys_reach_templates_as_page_params(engine):
    doc = render_folder(engine, SITES / "themed").html("posts/hello/index.html")
    assert [a.get("data-series") for a in find_all(doc, "article", class_="custom-post")] == ["sandboxes"]


def test_overrides_are_autoescaped(engine):
    templates = {"post.html": '{% extends "base.html" %}{% block main %}<p class="t">{{ page.title }}</p>'
                              '{% endblock %}'}
    doc = render(engine, ["script-title.md"], templates=templates).html("posts/script-title/index.html")
    assert list(doc.iter("script")) == []
    assert [text_of(p) for p in find_all(doc, "p", class_="t")] == [NASTY_TITLE]


def test_a_template_syntax_error_is_reported_with_its_line_and_the_theme_is_used(engine):
    site = render_folder(engine, SITES / "broken")
    assert "templates/post.html:3: error: template syntax error: unexpected '}'; using the default theme's template" \
        in site.errors
    doc = site.html("posts/good/index.html")  # still built, with the theme's post template
    assert text_of(next(doc.iter("h1"))) == "The one good post"


def test_a_template_error_at_render_time_names_template_and_line_and_spares_other_pages(engine):
    templates = {"list.html": '{% extends "base.html" %}\n{% block main %}\n{{ 1 // 0 }}\n{% endblock %}\n'}
    site = render(engine, ["more.md"], templates=templates)
    assert len(site.errors) == 1  # only the home page uses list.html in a site without tags
    assert site.errors[0].startswith("templates/list.html:3: error: while rendering index.html: ZeroDivisionError")
    assert "index.html" not in site
    assert "posts/more/index.html" in site and "404.html" in site


def test_templates_cannot_reach_python_internals(engine):
    templates = {"404.html": "{{ ''.__class__.__mro__[1].__subclasses__() }}"}
    site = render(engine, ["more.md"], templates=templates)
    assert "404.html" not in site
    assert [e for e in site.errors if e.startswith("templates/404.html:1: error: while rendering 404.html:")]


def test_html_outputs_parse(engine):
    site = render_folder(engine, SITES / "themed")
    for path, text in site.files.items():
        if path.endswith(".html"):
            parse_html(text)
