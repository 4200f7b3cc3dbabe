"""A Hugo site's Markdown render hooks (renderer.hooks) print the author's destination and text; what they
print goes through the sanitizer like the author's HTML (SECURITY.md, "Render hooks"). Each hook below is as
careless as a hook can be (``safeURL``, ``safeHTML``, ``safeHTMLAttr``): hostile Markdown still makes no
script, no event handler and no ``javascript:`` URL, on every raw-HTML policy."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from renderer.markdown import MarkdownOptions, convert
from renderer.shortcodes import Context
from renderer.shortcodes.site import compiled

CARELESS = {
    "go:_markup/render-link.html": '<a href="{{ .Destination | safeURL }}" {{ printf "title=%q" .Title | safeHTMLAttr }}>'
                                   '{{ .Text | safeHTML }}</a>',
    "go:_markup/render-image.html": '<img src="{{ .Destination | safeURL }}" alt="{{ .Text | safeHTML }}"'
                                    '{{ with .Title }} {{ . | safeHTMLAttr }}{{ end }}>',
    "go:_markup/render-heading.html": '<h{{ .Level }} id="{{ .Anchor | safeHTMLAttr }}">{{ .Text | safeHTML }}'
                                      '</h{{ .Level }}>',
    "go:_markup/render-codeblock.html": ('<pre {{ range $k, $v := .Attributes }}{{ printf "%s=%q " $k $v | safeHTMLAttr }}'
                                         '{{ end }}{{ range $k, $v := .Options }}{{ printf "%s=%s " $k $v | safeHTMLAttr }}'
                                         '{{ end }}>{{ .Inner | safeHTML }}</pre>{{ .Type | safeHTML }}'),
}
HOSTILE = [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt&colon;alert(1))",
    '[x](/a "t\\" onmouseover=\\"alert(1)")',
    "[<img src=x onerror=alert(1)>](/a)",
    "[<script>alert(1)</script>](/a)",
    "![x](javascript:alert(1))",
    '![x](/a.png "onerror=alert(1)")',
    "# <script>alert(1)</script> {#x onclick=alert(1)}",
    "```<script>alert(1)</script>\n<script>alert(2)</script>\n```",
    "<https://example.org/\"onmouseover=alert(1)>",
    '```js {.c onclick="alert(1)" style="x" hl_lines="1 onmouseover=alert(1)"}\nx\n```',
    "## H {.c onmouseover=alert(1) style=x}",
]


def render(text: str, raw_html: str) -> str:
    context = Context(source="post.md", page={"title": "T", "url": "p/", "rel_permalink": "/p/"},
                      templates=compiled(CARELESS))
    options = MarkdownOptions(raw_html=raw_html, heading_id_type="github", heading_attributes=True, markup="hugo")
    return convert(text, options, context).html


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def elements(html_text: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Elements()
    parser.feed(html_text)
    parser.close()
    return parser.found


@pytest.mark.parametrize("raw_html", ["sanitize", "escape", "omit"])
@pytest.mark.parametrize("text", HOSTILE)
def test_a_careless_render_hook_fed_hostile_markdown_makes_no_script(text, raw_html) -> None:
    for tag, attrs in elements(render(text, raw_html)):
        assert tag not in ("script", "iframe", "object", "embed")
        for name, value in attrs:
            assert not name.lower().startswith("on"), (tag, name, value)
            assert "javascript" not in (value or "").lower().replace("\t", ""), (tag, name, value)


def test_a_hooks_link_stays_a_link_inside_its_paragraph() -> None:
    assert render("[a](/b)", "sanitize").strip() == '<p><a href="/b" title>a</a></p>'


@pytest.mark.wasm
def test_a_hugo_site_with_careless_hooks_builds_no_script_on_either_engine(engine, tmp_path) -> None:
    from renderer import BuildOptions
    from sitekit import BUILD_TIME, tzif_for
    from wasm_host.site import load_site

    (tmp_path / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "T"\n')
    for key, text in CARELESS.items():
        path = tmp_path / "layouts" / key[len("go:"):]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    post = tmp_path / "content" / "posts" / "p.md"
    post.parent.mkdir(parents=True)
    post.write_text("---\ntitle: P\ndate: 2024-01-02T03:04:05Z\n---\n\n" + "\n\n".join(HOSTILE) + "\n")
    site = load_site(tmp_path)
    templates = {**site.templates, **site.shortcodes, "post.html": "{{ page.content }}"}
    result = engine.render_site(site.sources, site.config_text, templates, BuildOptions(build_time=BUILD_TIME),
                                tzif_for(site.config_text))
    body = next(f.content for f in result.files if f.path == "posts/p/index.html")
    assert "<pre" in body and "<h1" in body  # the hooks ran
    for tag, attrs in elements(body):
        assert tag not in ("script", "iframe", "object", "embed")
        for name, value in attrs:
            assert not name.lower().startswith("on"), (tag, name, value)
            assert "javascript" not in (value or "").lower(), (tag, name, value)


def test_a_hooks_output_may_keep_a_links_target_which_the_authors_html_may_not() -> None:
    from renderer.sanitize import sanitize_html

    link = '<a href="/x" target="_blank">x</a>'
    assert sanitize_html(link, hook=True) == link
    assert sanitize_html(link) == '<a href="/x">x</a>'
    assert sanitize_html('<a href="/x" target="javascript:alert(1)" data-x="1" style="x">x</a>', hook=True) == \
        '<a href="/x">x</a>'
