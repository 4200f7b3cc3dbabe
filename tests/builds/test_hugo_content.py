"""Hugo's content rules, as Hugo 0.168 applies them to a site folder built as it is (issue 18, item 4).

Each test writes a small Hugo site and builds it on both engines; what Hugo does with the same files was
checked with the pinned Hugo (``tests/hugo/``), and the comments say what it does.
"""

from __future__ import annotations

from pathlib import Path

from renderer import BuildOptions
from sitekit import BUILD_TIME, Rendered, tzif_for
from sitekit import get_renderer
from wasm_host.site import build, load_site

CONFIG = 'baseURL = "https://example.org/"\ntitle = "Site"\n'


def hugo_site(root: Path, files: dict[str, str], config: str = CONFIG) -> Path:
    site = root / "site"
    (site / "content").mkdir(parents=True)
    (site / "hugo.toml").write_text(config)
    for name, text in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return site


def render_folder(engine, site: Path) -> Rendered:
    """The site as ``wasmblog build`` renders it: its templates, and its Go shortcodes and partials."""
    loaded = load_site(site)
    return Rendered(engine.render_site(loaded.sources, loaded.config_text, {**loaded.templates, **loaded.shortcodes},
                                       BuildOptions(build_time=BUILD_TIME), tzif_for(loaded.config_text)))


def post(title: str, body: str = "Text.", extra: str = "", date: str = "2024-01-02") -> str:
    dated = f"date: {date}\n" if date else ""
    return f"---\ntitle: {title}\n{dated}{extra}---\n\n{body}\n"


def test_a_content_file_without_front_matter_is_a_page_titled_after_its_name(engine, tmp_path):
    site = hugo_site(tmp_path, {"content/docs/getting-started.md": "# Start\n\nNo front matter here.\n"})
    built = render_folder(engine, site)
    assert built.errors == []
    assert "No front matter here." in built["docs/getting-started/index.html"]


def test_an_author_written_as_a_mapping_gives_its_name(engine, tmp_path):
    site = hugo_site(tmp_path, {"content/blog/a.md": post("A", extra="author:\n  name: Jane Doe\n  position: Dev\n"),
                                "templates/post.html": "by {{ page.author }}"})
    built = render_folder(engine, site)
    assert built.errors == []
    assert built["blog/a/index.html"] == "by Jane Doe"


def test_relative_aliases_resolve_against_the_pages_folder(engine, tmp_path):
    # Hugo 0.168: blog/sub/x/ with aliases ../old, y and ../../z/ writes blog/old/, blog/sub/y/ and z/.
    site = hugo_site(tmp_path, {"content/blog/sub/x.md": post("X", extra='aliases: ["../old", "y", "../../z/"]\n')})
    built = render_folder(engine, site)
    assert built.errors == []
    assert {"blog/old/index.html", "blog/sub/y/index.html", "z/index.html"} <= set(built.files)
    assert "/blog/sub/x/" in built["blog/old/index.html"]


REFS_FROM_A_BUNDLE = """\
1 [x]({{< relref "b/index.md" >}})
2 [x]({{< relref "b" >}})
3 [x]({{< relref "c" >}})
4 [x]({{< relref "sub" >}})
5 [x]({{< relref "page.md" >}})
6 [x]({{< relref "docs/sub" >}})
7 [x]({{< relref "../c.md" >}})
8 [x]({{< relref "./b" >}})
9 [x]({{< relref "/blog/b/index.md#part" >}})
"""
REFS_FROM_A_FILE = """\
1 [x]({{< relref "b/index.md" >}})
2 [x]({{< relref "../other/o.md" >}})
3 [x]({{< relref "o" >}})
4 [x]({{< relref "index.md" >}})
"""


def ref_site(root: Path, extra: dict[str, str] | None = None) -> Path:
    return hugo_site(root, {
        "content/blog/a/index.md": post("A", REFS_FROM_A_BUNDLE), "content/blog/b/index.md": post("B"),
        "content/blog/c.md": post("C", REFS_FROM_A_FILE), "content/docs/sub/_index.md": post("Sub", date=""),
        "content/docs/sub/page.md": post("P", date=""), "content/other/o.md": post("O", date=""),
        "templates/post.html": "{{ page.content }}", **(extra or {})})


def test_ref_and_relref_find_pages_by_hugos_rules(engine, tmp_path):
    # What Hugo 0.168 writes for the same files: a bundle's relative refs start from the folder it is in
    # (blog/), with an extension also from the file's own folder (../c.md); bare names match a file's or a
    # bundle's or a section's name; /blog/b/index.md and docs/sub are paths from the content folder.
    built = render_folder(engine, ref_site(tmp_path))
    assert [w for w in built.warnings if "ref" in w] == []
    assert built["blog/a/index.html"] == (
        '<p>1 <a href="/blog/b/">x</a>\n2 <a href="/blog/b/">x</a>\n3 <a href="/blog/c/">x</a>\n'
        '4 <a href="/docs/sub/">x</a>\n5 <a href="/docs/sub/page/">x</a>\n6 <a href="/docs/sub/">x</a>\n'
        '7 <a href="/blog/c/">x</a>\n8 <a href="/blog/b/">x</a>\n9 <a href="/blog/b/#part">x</a></p>\n')
    assert built["blog/c/index.html"] == (
        '<p>1 <a href="/blog/b/">x</a>\n2 <a href="/other/o/">x</a>\n3 <a href="/other/o/">x</a>\n'
        '4 <a href="/blog/">x</a></p>\n')


def test_a_ref_hugo_cannot_resolve_goes_nowhere_with_a_warning(engine, tmp_path):
    # Hugo 0.168 fails on both (REF_NOT_FOUND): "../b" from blog/ leaves the section ("page not found");
    # from third/, "a" is the name of blog/a/ and of other/a.md ("ambiguous"). From blog/d.md "a" is
    # found relative to the page first: blog/a/.
    site = ref_site(tmp_path, {"content/blog/d.md": post("D", '[x]({{< relref "../b" >}}) [y]({{< relref "a" >}})'),
                               "content/third/t.md": post("T", '[z]({{< relref "a" >}})'),
                               "content/other/a.md": post("Other A", date="")})
    built = render_folder(engine, site)
    assert built["blog/d/index.html"] == '<p><a href="#">x</a> <a href="/blog/a/">y</a></p>\n'
    assert built["third/t/index.html"] == '<p><a href="#">z</a></p>\n'
    assert [w.split(": ", 2)[2] for w in built.warnings if "shortcode ref" in w] == [
        "shortcode ref '../b': no page of the site has that path; the link goes nowhere",
        "shortcode ref 'a': two or more pages are named 'a'; write its path; the link goes nowhere"]


def test_every_folder_with_an_index_is_a_section_at_its_folders_url(engine, tmp_path):
    # Hugo 0.168: docs/, docs/guides/ and docs/guides/deep/ are sections (each has an _index.md) at
    # /docs/, /docs/guides/, /docs/guides/deep/; docs/guides/deep/x.md is a page of the deepest one.
    site = hugo_site(tmp_path, {
        "content/docs/_index.md": post("Documentation", "The docs.", date=""),
        "content/docs/intro.md": post("Introduction", date=""),
        "content/docs/guides/_index.md": post("Guides", "All the guides.", date=""),
        "content/docs/guides/diagram.png": "png",
        "content/docs/guides/first.md": post("First guide", date="2024-03-01"),
        "content/docs/guides/deep/_index.md": post("Deep", date=""),
        "content/docs/guides/deep/x.md": post("X", date=""),
    }, CONFIG + "[pagination]\npagerSize = 1\n")
    built = render_folder(engine, site)
    assert built.errors == []
    assert {"docs/index.html", "docs/guides/index.html", "docs/guides/deep/index.html",
            "docs/guides/deep/x/index.html", "docs/intro/index.html"} <= set(built.files)
    docs = built.html("docs/index.html")
    children = [(a.get("href"), a.text) for nav in docs.iter("nav") if nav.get("class") == "children"
                for a in nav.iter("a")]
    assert children == [("/docs/guides/", "Guides"), ("/docs/intro/", "Introduction")]
    assert "All the guides." in built["docs/guides/index.html"]
    assert built.post_titles("docs/guides/index.html") == ["First guide"]
    assert "docs/guides/page/1/index.html" in built  # paginated at Hugo's URLs: page/1/ redirects


def test_files_beside_an_index_are_copied_with_the_section_page(tmp_path):
    from wasm_host.site import load_site

    site = hugo_site(tmp_path, {"content/docs/_index.md": post("Docs", "![d](diagram.png)", date=""),
                                "content/docs/diagram.png": "png", "content/docs/page.md": post("P", date="")})
    loaded = load_site(site)
    intro = next(s for s in loaded.sources if s.path == "content/docs/_index.md")
    assert intro.resources == ("content/docs/diagram.png",)
    assert next(s for s in loaded.sources if s.path == "content/docs/page.md").resources == ()
    report = build(site, tmp_path / "out", get_renderer("native"), build_time=BUILD_TIME)
    assert report.errors == 0
    assert (tmp_path / "out" / "docs" / "diagram.png").read_text() == "png"
    assert 'src="/docs/diagram.png"' in (tmp_path / "out" / "docs" / "index.html").read_text()


def test_check_makes_an_unresolved_ref_an_error_and_reports_links_to_nothing(engine, tmp_path):
    from wasm_host.site.check import check

    site = hugo_site(tmp_path, {"content/blog/a.md": post("A", "Intro.\n\n[gone]({{< relref \"missing\" >}})\n\n"
                                                              "[todo](#) and [top](#top)\n")})
    lines = [d.format() for d in check(site, engine).diagnostics]
    assert lines == ["content/blog/a.md:8: error: shortcode ref 'missing': no page of the site has that path; "
                     "the link goes nowhere",
                     "content/blog/a.md:10: error: link to # goes nowhere; give it a target"]


MOUNTS = CONFIG + """
[module]
[[module.mounts]]
source = "content/en"
target = "content"
[[module.mounts]]
source = "static"
target = "static"
[[module.mounts]]
source = "vendor/icons"
target = "static/icons"
[[module.mounts]]
source = "theme-layouts"
target = "layouts"
[[module.mounts]]
source = "content/fr"
target = "content"
lang = "fr"
"""


def test_module_mounts_say_where_content_static_files_and_layouts_are(engine, tmp_path):
    site = hugo_site(tmp_path, {
        "content/en/blog/a.md": post("A", "{{< note >}}Hi{{< /note >}}"), "content/fr/blog/a.md": post("Un"),
        "static/robots-extra.txt": "x", "vendor/icons/star.svg": "<svg/>",
        "theme-layouts/_shortcodes/note.html": '<aside class="note">{{ .Inner }}</aside>',
        "templates/post.html": "{{ page.content }}"}, MOUNTS)
    loaded = load_site(site)
    assert sorted(rel for rel, _ in loaded.static) == ["icons/star.svg", "robots-extra.txt"]
    assert [s.path for s in loaded.sources] == ["content/en/blog/a.md"]
    built = render_folder(engine, site)
    assert built.errors == []
    assert built["blog/a/index.html"] == '<aside class="note">Hi</aside>\n'


def test_content_dir_of_the_default_language(engine, tmp_path):
    config = CONFIG + '[languages.en]\ncontentDir = "content/en"\n[languages.de]\ncontentDir = "content/de"\n'
    site = hugo_site(tmp_path, {"content/en/blog/a.md": post("A"), "content/de/blog/b.md": post("B")}, config)
    built = render_folder(engine, site)
    assert "blog/a/index.html" in built and "blog/b/index.html" not in built


def test_param_finds_front_matter_the_params_block_and_the_sites_params_as_hugo_does(engine, tmp_path):
    # Hugo 0.168 writes exactly this for the same page (its {{% %}} values rendered as Markdown).
    body = ('1 {{< param "title" >}}\n\n2 {{% param "note" %}}\n\n3 {{< param "nested.key" >}}\n\n'
            '4 {{< param "top" >}}\n\n5 {{% param "siteonly" %}}')
    extra = 'Top: top value\nparams:\n  note: "**bold** note"\n  Nested:\n    Key: deep\n'
    site = hugo_site(tmp_path, {"content/blog/a.md": post("The Title", body, extra),
                                "templates/post.html": "{{ page.content }}"},
                     CONFIG + '[params]\nsiteonly = "S *x*"\n')
    built = render_folder(engine, site)
    assert built.errors == [] and [w for w in built.warnings if "not used by wasmblog" not in w] == []
    assert built["blog/a/index.html"] == ('<p>1 The Title</p>\n<p>2 <strong>bold</strong> note</p>\n<p>3 deep</p>\n'
                                          '<p>4 top value</p>\n<p>5 S <em>x</em></p>\n')


def test_disable_aliases_and_disable_kinds(engine, tmp_path):
    config = CONFIG + 'disableAliases = true\ndisableKinds = ["taxonomy", "term", "RSS", "section"]\n'
    site = hugo_site(tmp_path, {"content/blog/a.md": post("A", extra='tags: ["go"]\naliases: ["/old/"]\n')}, config)
    built = render_folder(engine, site)
    assert built.errors == []
    assert "blog/a/index.html" in built and "index.html" in built and "sitemap.xml" in built
    assert not [f for f in built.files if f.startswith(("tags/", "old/", "page/", "blog/index", "blog/page/"))
                or f.endswith(("index.xml", "atom.xml", "feed.json"))]
    assert "/blog/" not in built["sitemap.xml"].replace("/blog/a/", "")


def test_no_page_links_the_taxonomy_pages_that_disable_kinds_leaves_out(engine, tmp_path):
    config = CONFIG + 'disableKinds = ["taxonomy"]\n'
    site = hugo_site(tmp_path, {"content/blog/a.md": post("A", extra='tags: ["go"]\n')}, config)
    built = render_folder(engine, site)
    assert built.errors == [] and "tags/index.html" not in built and "tags/go/index.html" in built
    for page in ("index.html", "blog/a/index.html", "404.html", "search/index.html"):
        assert 'href="/tags/"' not in built[page] and 'href="/categories/"' not in built[page], page

def test_terms_of_a_standalone_page_make_term_pages(engine, tmp_path):
    # Hugo 0.168 makes /tags/notes/ listing the page about.md (top level, no date) and the post.
    site = hugo_site(tmp_path, {"content/about.md": post("About", extra='tags: ["notes"]\n', date=""),
                                "content/blog/a.md": post("A", extra='tags: ["notes", "go"]\n')})
    built = render_folder(engine, site)
    assert built.errors == []
    assert built.post_titles("tags/notes/index.html") == ["A", "About"]
    assert built.post_titles("tags/go/index.html") == ["A"]


def test_cascade_applies_down_the_tree_nearest_first_and_by_target(engine, tmp_path):
    # Hugo 0.168 writes exactly these three bodies for the same files.
    shown = '{{< param "color" >}} {{< param "shape" >}} {{< param "kicker" >}}'
    site = hugo_site(tmp_path, {
        "content/blog/_index.md": "---\ntitle: Blog\ncascade:\n  params:\n    color: red\n    shape: round\n"
                                  "  kicker: from blog\n---\n",
        "content/blog/sub/_index.md": '---\ntitle: Sub\ncascade:\n  - params:\n      color: blue\n  - _target:\n'
                                      '      path: "/blog/sub/b*"\n    params:\n      shape: square\n---\n',
        "content/blog/a.md": post("A", shown), "content/blog/sub/b.md": post("B", shown),
        "content/blog/sub/c.md": post("C", shown, "params:\n  color: green\n"),
        "templates/post.html": "{{ page.content }}"})
    built = render_folder(engine, site)
    assert built.errors == []
    assert [built[f"blog/{p}/index.html"] for p in ("a", "sub/b", "sub/c")] == [
        "<p>red round from blog</p>\n", "<p>blue square from blog</p>\n", "<p>green round from blog</p>\n"]


def test_a_go_shortcodes_page_param_sees_the_title_and_cascaded_values(engine, tmp_path):
    # .Page.Param as Hugo's own param shortcode calls it: the front matter (title too), then cascade.
    site = hugo_site(tmp_path, {
        "content/blog/_index.md": "---\ntitle: Blog\ncascade:\n  params:\n    color: red\n---\n",
        "content/blog/a.md": post("A", 'Seen: {{< p >}}'),
        "layouts/_shortcodes/p.html": '{{ .Page.Param "title" }} {{ .Page.Param "color" }}',
        "templates/post.html": "{{ page.content }}"})
    built = render_folder(engine, site)
    assert built.errors == []
    assert built["blog/a/index.html"] == "<p>Seen: A red</p>\n"


def test_an_html_content_file_is_a_page_whose_body_is_html(engine, tmp_path):
    # Hugo (with security.allowContent allowing text/html, as Hugo 0.153+ asks) makes /tools/b64/ of
    # content/tools/b64/index.html, its body as written; wasmblog's raw-HTML policy still applies.
    site = hugo_site(tmp_path, {
        "content/tools/b64/index.html": '---\ntitle: Base64\n---\n\n<form id="f"><p>Decode *this*</p></form>\n'
                                        '<script>alert(1)</script>\n',
        "content/tools/b64/index.css": "form {}", "content/about.md": post("About", '[b]({{< relref "b64" >}})'),
        "templates/page.html": "{{ page.content }}"})
    built = render_folder(engine, site)
    assert built.errors == []
    body = built["tools/b64/index.html"]
    assert "<p>Decode *this*</p>" in body and "<script" not in body
    assert built["about/index.html"] == '<p><a href="/tools/b64/">b</a></p>\n'
