"""The sample site in content/: it builds cleanly, every output parses, no link is broken,
and together its posts use every feature the generator has.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sitekit import ENGINES, get_renderer
from sitekit import (BUILD_TIME, SAMPLE_SITE, SITEMAP_NS, find_all, html_parse_errors, links_of, local_target,
                     page_url, parse_html, text_of)
from wasm_host.site import build

BASE = "https://example.org/"
PREFIXED = "https://example.org/blog/"


class Built:
    def __init__(self, out: Path, report, base_url: str) -> None:
        self.out, self.report, self.base_url = out, report, base_url

    def files(self, *suffixes: str) -> list[Path]:
        return sorted(p for p in self.out.rglob("*") if p.is_file() and p.name.endswith(suffixes))

    def html(self, rel: str) -> ET.Element:
        return parse_html((self.out / rel).read_bytes())

    def text(self, rel: str) -> str:
        return (self.out / rel).read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=ENGINES)
def sample(request, tmp_path_factory) -> Built:
    out = tmp_path_factory.mktemp(f"sample-{request.param}") / "public"
    report = build(SAMPLE_SITE, out, get_renderer(request.param), build_time=BUILD_TIME)
    return Built(out, report, BASE)


@pytest.fixture(scope="module", params=ENGINES)
def prefixed(request, tmp_path_factory) -> Built:
    """The sample site built with base_url = https://example.org/blog/."""
    root = tmp_path_factory.mktemp(f"prefixed-{request.param}")
    site = root / "content"
    shutil.copytree(SAMPLE_SITE, site)
    config = (site / "site.toml").read_text()
    (site / "site.toml").write_text(config.replace(f'base_url = "{BASE}"', f'base_url = "{PREFIXED}"'))
    report = build(site, root / "public", get_renderer(request.param), build_time=BUILD_TIME)
    return Built(root / "public", report, PREFIXED)


def test_the_sample_site_builds_without_errors_or_warnings(sample):
    assert [d.format() for d in sample.report.diagnostics] == []
    assert sample.report.posts == 10


def test_every_html_file_is_valid_html5(sample):
    files = sample.files(".html")
    assert len(files) > 50
    for path in files:
        assert html_parse_errors(path.read_bytes()) == [], path


def test_every_xml_file_and_svg_parses(sample):
    files = sample.files(".xml", ".svg")
    assert len(files) > 20
    for path in files:
        ET.parse(path)


def _broken_links(built: Built) -> list[tuple[str, str]]:
    broken = []
    for path in built.files(".html"):
        page = page_url(built.out, path, built.base_url)
        doc = parse_html(path.read_bytes())
        og = [m.get("content") for m in doc.iter("meta") if m.get("property") in ("og:url", "og:image")]
        for url in links_of(doc) + og:
            target = local_target(url, page, built.out, built.base_url)
            if target is not None and not target.is_file():
                broken.append((str(path.relative_to(built.out)), url))
    for path in built.files(".xml"):
        root = ET.parse(path).getroot()
        for el in root.iter():
            url = el.text if el.tag in ("link", f"{SITEMAP_NS}loc") else el.get("href")
            if url:
                target = local_target(url.strip(), built.base_url, built.out, built.base_url)
                if target is not None and not target.is_file():
                    broken.append((str(path.relative_to(built.out)), url))
    return broken


def test_no_link_points_to_a_missing_file(sample):
    assert _broken_links(sample) == []


def test_with_a_path_prefix_no_link_is_broken_or_leaves_the_prefix(prefixed):
    assert [d.format() for d in prefixed.report.diagnostics] == []
    assert _broken_links(prefixed) == []
    for path in prefixed.files(".html"):
        for url in links_of(parse_html(path.read_bytes())):
            assert not url.startswith("/") or url.startswith("/blog/"), (path, url)


def test_images_are_small_real_pngs_and_an_svg(sample):
    images = sorted((SAMPLE_SITE / "static" / "images").iterdir())
    assert {p.suffix for p in images} == {".png", ".svg"}
    for image in images:
        data = image.read_bytes()
        assert len(data) < 60_000, image
        if image.suffix == ".png":
            assert data.startswith(b"\x89PNG\r\n\x1a\n"), image
        assert (sample.out / "images" / image.name).read_bytes() == data


def test_the_seed_post_is_published_with_its_image(sample):
    doc = sample.html("posts/unikernals-and-wasm/index.html")
    imgs = [(i.get("src"), i.get("title")) for i in doc.iter("img")]
    assert imgs == [("/images/erlang-on-zen.png", "Snapshot when LING was around")]


def test_drafts_and_future_posts_are_not_published(sample):
    assert not (sample.out / "posts" / "firecracker-notes").exists()
    assert not (sample.out / "posts" / "letter-to-future-me").exists()


# --- the sample site shows off every feature -----------------------------------------------


def _all_post_html(sample: Built) -> str:
    return "".join(p.read_text() for p in (sample.out / "posts").rglob("index.html"))


def test_sample_uses_code_in_several_languages(sample):
    langs = set(re.findall(r'<pre class="highlight" data-lang="([\w-]+)">', _all_post_html(sample)))
    assert {"python", "rust", "bash", "wat", "toml", "js", "erlang", "json"} <= langs


def test_sample_uses_tables_footnotes_strikethrough_and_task_lists(sample):
    html = _all_post_html(sample)
    for needle in ("<table>", 'class="footnotes"', "<del>", 'class="task-list-item-checkbox"'):
        assert needle in html, needle


def test_sample_uses_png_and_svg_images(sample):
    srcs = {src for p in (sample.out / "posts").rglob("index.html") for src in links_of(sample.html(
        str(p.relative_to(sample.out)))) if src.startswith("/images/")}
    assert any(s.endswith(".png") for s in srcs) and any(s.endswith(".svg") for s in srcs)


def test_sample_home_page_paginates(sample):
    assert (sample.out / "page" / "2" / "index.html").is_file()
    assert (sample.out / "page" / "3" / "index.html").is_file()


def test_sample_has_shared_tags_and_categories(sample):
    def counts(taxonomy):
        doc = sample.html(f"{taxonomy}/index.html")
        return {text_of(li.find("a")): int(text_of(li.find("span"))) for li in doc.iter("li")
                if li.find("span") is not None}

    assert max(counts("tags").values()) >= 3
    assert max(counts("categories").values()) >= 3


def test_sample_has_an_alias_a_toc_a_more_divider_and_non_utc_dates(sample):
    assert "url=/posts/static-sites-are-enough/" in sample.text("old/url/index.html")
    assert find_all(sample.html("posts/python-in-a-component/index.html"), "nav", class_="toc")
    assert "<!--more-->" not in sample.text("posts/hello-wat/index.html")
    datetimes = {t.get("datetime") for p in sample.files(".html") for t in parse_html(p.read_bytes()).iter("time")}
    assert any(d.endswith("+01:00") for d in datetimes) and any(d.endswith("+02:00") for d in datetimes)
    assert any(d.endswith("-05:00") for d in datetimes) and any(d.endswith("Z") for d in datetimes)


def test_sample_menu_links_resolve(sample):
    nav = sample.html("index.html").find(".//nav[@aria-label='Main']")
    hrefs = [a.get("href") for a in nav.iter("a")]
    assert "/posts/unikernals-and-wasm/" in hrefs and "/tags/sandboxes/" in hrefs


def test_sample_has_a_page_a_bundle_shortcodes_and_sanitized_raw_html(sample):
    about = sample.html("about/index.html")
    assert text_of(next(about.iter("h1"))) == "About this blog"
    assert [a.get("href") for a in about.iter("a") if "embed-card" in (a.get("class") or "")] == [
        "https://www.youtube-nocookie.com/embed/ZJthWmvUzzc"]  # a built-in shortcode
    ling = sample.html("posts/ling-remembered/index.html")
    assert [img.get("src") for img in ling.iter("img")] == ["/posts/ling-remembered/ling-boot.png"]
    assert (sample.out / "posts/ling-remembered/ling-boot.png").read_bytes() == \
        (SAMPLE_SITE / "posts/2023/ling-remembered/ling-boot.png").read_bytes()
    assert [a.get("class") for a in ling.iter("aside")] == ["note"]  # the site's own shortcode
    cost = sample.html("posts/measuring-the-cost/index.html")
    assert list(cost.iter("abbr")) and list(cost.iter("kbd")) and len(list(cost.iter("details"))) == 2
    home = sample.html("index.html")
    assert "Notes on unikernels, WebAssembly and sandboxes. New here?" in text_of(home)  # _index.md
