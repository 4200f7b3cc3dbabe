"""Hugo site folders build as they are, and `wasmblog import hugo` moves them to wasmblog's layout.

The sites under tests/sites/hugo-* reproduce what real Hugo sites do (a
config file or a config/_default/ folder, content/SECTION/, _index.md
intros, bundles, headless bundles, a third taxonomy, shortcodes, raw HTML,
translations, templates wasmblog cannot run), with content of our own.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from safety import assert_well_formed
from sitekit import BUILD_TIME, SITES, code_scripts, get_renderer, parse_html, text_of, tree_bytes
from wasm_host.site import build, load_site
from wasm_host.site.importer import import_hugo

BASIC = SITES / "hugo-basic"
CONFIG_DIR = SITES / "hugo-config-dir"


@pytest.fixture(scope="module")
def basic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """hugo-basic built natively (once for the module); the wasm build is compared with it below."""
    folder = tmp_path_factory.mktemp("hugo-basic-native")
    report = build(BASIC, folder / "out", get_renderer("native"), build_time=BUILD_TIME)
    return {"native": (report, folder / "out")}


def files(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def content_text(out: Path, page: str) -> str:
    doc = parse_html((out / page).read_bytes())
    return " ".join(text_of(div) for div in doc.iter("div") if "content" in (div.get("class") or "").split())


def test_a_hugo_folder_is_read_as_it_is():
    site = load_site(BASIC)
    assert site.config_text.startswith("# Made by wasmblog from this Hugo site's configuration.")
    assert [s.path for s in site.sources if s.path.startswith("content/post/")] == [
        "content/post/_index.md", "content/post/expired.md", "content/post/html-tags.md",
        "content/post/rich-content.md", "content/post/trip/index.md"]
    assert "content/homepage/work.md" not in [s.path for s in site.sources]  # a bundle's Markdown: a resource
    trip = next(s for s in site.sources if s.path == "content/post/trip/index.md")
    assert trip.resources == ("content/post/trip/cover.png\x001x1",)  # an image's size listed with it (.Width)


@pytest.mark.wasm
def test_it_builds_the_same_bytes_on_both_engines(basic, tmp_path):
    build(BASIC, tmp_path / "wasm", get_renderer("wasm"), build_time=BUILD_TIME)
    assert tree_bytes(basic["native"][1]) == tree_bytes(tmp_path / "wasm")


def test_pages_land_where_hugo_puts_them(basic):
    report, out = basic["native"]
    assert report.errors == 0, [d.format() for d in report.diagnostics]
    assert {"index.html", "post/index.html", "post/rich-content/index.html", "post/html-tags/index.html",
            "post/trip/index.html", "post/trip/cover.png", "about/index.html", "archives/index.html",
            "series/index.html", "series/themes-guide/index.html", "series/themes-guide/index.xml",
            "series/travel/index.html", "tags/shortcodes/index.html", "categories/syntax/index.html",
            "images/pixel.png"} <= files(out)
    # Aliases: relative ones are relative to the page's folder, as in Hugo.
    assert {"about-us/index.html", "contact/index.html", "posts/index.html", "articles/index.html"} <= files(out)
    assert not [f for f in files(out) if f.startswith(("homepage/", "post/expired/", "post/page/1/index"))
                and f != "post/page/1/index.html"]
    assert "post/expired/index.html" not in files(out)  # expiryDate has passed


def test_intros_give_lists_their_title_and_text(basic):
    _, out = basic["native"]
    home = parse_html((out / "index.html").read_bytes())
    assert "This blog is a Hugo site, built by wasmblog as it is." in text_of(home)
    section = parse_html((out / "post/index.html").read_bytes())
    assert text_of(next(section.iter("h1"))) == "All the posts" and "Everything, newest first." in text_of(section)
    term = parse_html((out / "series/travel/index.html").read_bytes())
    assert text_of(next(term.iter("h1"))) == "Travels" and "Posts from the road." in text_of(term)


def test_no_allowed_tag_or_shortcode_shows_as_text(basic):
    _, out = basic["native"]
    for page in ("post/html-tags/index.html", "post/rich-content/index.html", "about/index.html"):
        text = content_text(out, page)
        assert not re.search(r"<(abbr|kbd|sub|sup|cite|dl|dt|dd|table|div|img)\b", text), page
        assert "{{" not in text.replace('{{< gallery dir="/images" >}}', ""), page
    doc = parse_html((out / "post/html-tags/index.html").read_bytes())
    for tag in ("abbr", "kbd", "sub", "sup", "cite", "dl", "table", "td"):
        assert list(doc.iter(tag)), tag
    assert not code_scripts(doc)
    assert_well_formed({p: (out / p).read_bytes() for p in files(out) if p.endswith((".html", ".xml"))},
                       unsafe_html=False)


def test_a_bundle_keeps_its_files_beside_it_and_its_image_is_the_preview(basic):
    _, out = basic["native"]
    doc = parse_html((out / "post/trip/index.html").read_bytes())
    assert [img.get("src") for img in doc.iter("img")] == ["/post/trip/cover.png"]
    assert next(m.get("content") for m in doc.iter("meta") if m.get("property") == "og:image") == \
        "https://example.org/post/trip/cover.png"
    assert (out / "post/trip/cover.png").read_bytes() == (BASIC / "content/post/trip/cover.png").read_bytes()


def test_what_wasmblog_cannot_use_is_one_warning_each(basic):
    report, _ = basic["native"]
    warnings = [d.format() for d in report.diagnostics if not d.is_error]
    assert "config.toml:11: warning: Hugo setting 'googleanalytics' is not used by wasmblog" in warnings
    assert ("layouts: warning: layouts/: Hugo page templates (Go templates), which wasmblog does not run (only "
            "shortcodes and the partials they call); the pages use wasmblog's theme (override it in templates/)") \
        in warnings
    assert ("content/archives.md: warning: front-matter key 'layout' (in 1 file) is not used by wasmblog; "
            "templates still see it as page.params.layout") in warnings
    assert ("content/post/html-tags.md:30: warning: shortcode 'css.inline' is a Hugo inline shortcode (Go template "
            "code), which wasmblog cannot run; left out of the page") in warnings
    assert ("content/post/rich-content.md:27: warning: shortcode 'gallery' is not built in, and there is no "
            "templates/shortcodes/gallery.html; shown as text") in warnings
    assert len(warnings) == len(set(warnings))


def test_settings_in_a_config_folder_with_permalinks_and_translations(tmp_path):
    report = build(CONFIG_DIR, tmp_path / "out", get_renderer("native"), build_time=BUILD_TIME)
    out = tmp_path / "out"
    assert report.errors == 0, [d.format() for d in report.diagnostics]
    assert {"p/markdown-syntax-guide/index.html", "p/markdown-syntax-guide/pixel.png", "p/second/index.html",
            "about/index.html", "categories/notes/index.html", "post/index.html"} <= files(out)
    assert "fr/p/markdown-syntax/index.html" in files(out)  # index.fr.md: the French page, under /fr/
    french = parse_html((out / "fr/p/markdown-syntax/index.html").read_bytes())
    assert [(link.get("hreflang"), link.get("href")) for link in french.iter("link")
            if link.get("rel") == "alternate" and link.get("hreflang")] == [
        ("en", "https://example.org/blog/p/markdown-syntax-guide/"),
        ("fr", "https://example.org/blog/fr/p/markdown-syntax/"),
        ("x-default", "https://example.org/blog/p/markdown-syntax-guide/")]
    warnings = [d.format() for d in report.diagnostics]
    assert "config/_default/menu.toml:1: warning: Hugo menus social: only menu.main is used" in warnings
    second = parse_html((out / "p/second/index.html").read_bytes())
    assert [a.get("href") for a in second.iter("a") if text_of(a) == "the guide"] == ["/blog/p/markdown-syntax-guide/"]
    notes = parse_html((out / "categories/notes/index.html").read_bytes())
    assert text_of(next(notes.iter("h1"))) == "Field notes"
    home = (out / "index.html").read_text()
    assert '<a href="/blog/about/">About</a>' in home  # menu.main, with the base path


@pytest.mark.wasm
def test_the_config_folder_site_builds_the_same_bytes_on_both_engines(tmp_path):
    for name in ("native", "wasm"):
        build(CONFIG_DIR, tmp_path / name, get_renderer(name), build_time=BUILD_TIME)
    assert tree_bytes(tmp_path / "native") == tree_bytes(tmp_path / "wasm")


def test_import_writes_the_same_site_in_wasmblogs_layout(tmp_path):
    report = import_hugo(BASIC, tmp_path / "moved")
    moved = tmp_path / "moved"
    assert (report.posts, report.pages, report.intros) == (4, 2, 3)
    assert {"site.toml", "_index.md", "posts/_index.md", "posts/post/rich-content.md", "posts/post/trip/index.md",
            "posts/post/trip/cover.png", "pages/about.md", "pages/archives.md", "series/travel/_index.md",
            "static/images/pixel.png"} <= files(moved)
    assert (BASIC / "content/post/trip/cover.png").is_file()  # SRC untouched
    original = build(BASIC, tmp_path / "a", get_renderer("native"), build_time=BUILD_TIME)
    again = build(moved, tmp_path / "b", get_renderer("native"), build_time=BUILD_TIME)
    assert again.errors == 0, [d.format() for d in again.diagnostics]
    kept = {"post/rich-content/index.html", "post/trip/index.html", "post/trip/cover.png", "about/index.html",
            "series/travel/index.html", "about-us/index.html"}
    assert kept <= files(tmp_path / "a") and kept <= files(tmp_path / "b")
    assert "posts/index.html" in files(tmp_path / "b")  # the post list: /posts/ in wasmblog's layout
    assert original.posts == again.posts


def test_import_brings_the_translation_tables_the_themes_merged_under_the_sites(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(BASIC, src)
    assert 'theme = "ananke"' in (src / "config.toml").read_text()
    (src / "i18n").mkdir()
    (src / "i18n" / "en.toml").write_text('readMore = "Keep reading"\n')
    (src / "themes" / "ananke" / "i18n").mkdir(parents=True)
    (src / "themes" / "ananke" / "i18n" / "en.yaml").write_text('readMore: "Theme\'s"\nolderPosts: "Earlier"\n')
    (src / "themes" / "ananke" / "i18n" / "fr.json").write_text('{"readMore": "La suite"}')
    import_hugo(src, tmp_path / "moved")
    moved = tmp_path / "moved"
    assert sorted(p.name for p in (moved / "i18n").iterdir()) == ["en.toml", "fr.json"]
    assert not (moved / "templates" / "i18n").exists()
    out = tmp_path / "out"
    report = build(moved, out, get_renderer("native"), build_time=BUILD_TIME)
    assert report.errors == 0, [d.format() for d in report.diagnostics]
    home = (out / "index.html").read_text()
    assert "Keep reading" in home and "Earlier" in home


def test_import_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "dest").mkdir()
    (tmp_path / "dest" / "x").write_text("x")
    proc = subprocess.run([sys.executable, "-m", "wasm_host", "import", "hugo", str(BASIC), str(tmp_path / "dest")],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "exists and is not empty; choose a new folder" in proc.stderr


def test_the_cli_builds_a_hugo_folder_in_one_command(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "wasm_host", "build", str(BASIC), "-o", str(tmp_path / "out"),
                           "--engine", "native"], capture_output=True, text=True,
                          env={"SOURCE_DATE_EPOCH": str(BUILD_TIME // 1_000_000), "PATH": ""})
    assert proc.returncode == 0, proc.stderr
    assert "Built" in proc.stderr.splitlines()[-1]
    assert (tmp_path / "out" / "post/trip/cover.png").is_file()


def test_import_keeps_every_language_with_translations_beside_their_originals(tmp_path):
    real = SITES.parent / "hugo" / "sites"
    report = import_hugo(real / "otel", tmp_path / "otel")  # a content folder per language
    assert not [d for d in report.diagnostics if d.is_error]
    for name in ("how-to-name-your-spans.md", "how-to-name-your-spans.es.md", "how-to-name-your-spans.pt.md"):
        assert (tmp_path / "otel/posts/blog/2025" / name).is_file()
    assert "content_dir" not in (tmp_path / "otel/site.toml").read_text()
    import_hugo(real / "justindesio", tmp_path / "blog")  # index.fr.md beside index.md
    out = tmp_path / "out"
    built = build(tmp_path / "blog", out, get_renderer("native"), build_time=BUILD_TIME)
    assert [d.format() for d in built.diagnostics if d.is_error] == [
        "pages/posts/linkding/index.md:1: error: no front matter: start the file with a '---' "
        "line, then 'title:' and 'date:' lines, then another '---' line"]  # as it is in the blog (Hugo allows it)
    assert {"posts/arch/index.html", "fr/posts/arch/index.html", "fr/about/index.html"} <= files(out)
    page = parse_html((out / "fr/posts/arch/index.html").read_bytes())
    assert [(link.get("hreflang"), link.get("href")) for link in page.iter("link") if link.get("hreflang")] == [
        ("en", "https://blog.justindesio.com/posts/arch/"), ("fr", "https://blog.justindesio.com/fr/posts/arch/"),
        ("x-default", "https://blog.justindesio.com/posts/arch/")]


def test_a_translation_table_or_go_template_that_leads_out_of_the_site_or_is_too_large_is_left_out(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(SITES / "hugo-basic", site)
    outside = tmp_path / "secret.toml"
    outside.write_text('hello = "from outside"\n')
    (site / "i18n").mkdir(exist_ok=True)
    (site / "i18n" / "fr.toml").symlink_to(outside)
    (site / "layouts" / "_shortcodes").mkdir(parents=True, exist_ok=True)
    (site / "layouts" / "_shortcodes" / "big.html").write_text("x" * 1_000_001)
    loaded = load_site(site)
    said = [d.format() for d in loaded.diagnostics]
    assert "i18n/fr.toml: error: symlink to a file outside the site; ignored" in said
    assert "layouts/_shortcodes/big.html: warning: larger than 1,000,000 bytes; ignored" in said
    assert "i18n/fr.toml" not in loaded.templates and "go:shortcodes/big.html" not in loaded.shortcodes
