"""Two real multilingual Hugo sites (``tests/hugo/sites/``, see its README) built by Hugo and by wasmblog
(issue 19): a two-language blog with its translations beside the originals (``index.fr.md`` in each
bundle, ``config/_default/languages.fr.toml``...) and a six-language site with a content folder per
language (opentelemetry.io's blog).

- every page Hugo makes from a content file, in every language, wasmblog writes at the same URL;
- every ``<link rel="alternate" hreflang>`` leads to a page that links back (and ``x-default`` to one of them);
- every feed (RSS, Atom, JSON Feed) and sitemap parses, the root sitemap is the index of each language's;
- the native and wasm builds are the same bytes.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from feedcheck import check_atom, check_json_feed, check_rss
from hugokit import HugoPage, hugo_pages
from sitekit import get_renderer, parse_html, tree_bytes
from wasm_host.site import build

SITES = Path(__file__).parent / "sites"
MULTILINGUAL = ("justindesio", "otel")
BUILD_TIME = int(time.time()) * 1_000_000  # Hugo publishes by the clock: so does the build compared with it
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# (languages, pages with a content file in Hugo's build), as measured with Hugo 0.168.0.
FIGURES = {"justindesio": (2, 17), "otel": (6, 155)}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each site built natively (once for the module)."""
    out = {}
    for site in MULTILINGUAL:
        dest = tmp_path_factory.mktemp(site) / "out"
        report = build(SITES / site, dest, get_renderer("native"), build_time=BUILD_TIME)
        assert report.errors == 0, [d.format() for d in report.diagnostics if d.is_error]
        out[site] = dest
    return out


def written(out: Path, url: str) -> bool:
    rel = url.lstrip("/")
    return (out / rel / "index.html").is_file() if rel.endswith("/") or not rel else (out / rel).is_file()


@pytest.mark.hugo
@pytest.mark.parametrize("site", MULTILINGUAL)
def test_every_content_page_of_every_language_is_at_hugos_url(site, built, hugo):
    pages, proc = hugo_pages(SITES / site, hugo, "--enableGitInfo=false")
    assert proc.returncode == 0, proc.stderr[-2000:]
    content: list[HugoPage] = [p for p in pages if p.path]
    languages, count = FIGURES[site]
    assert len({p.lang for p in content}) == languages and len(content) == count
    missing = [(p.lang, p.path, p.url) for p in content if not written(built[site], p.url)]
    assert not missing, f"{len(missing)}/{len(content)} not at Hugo's URL: {missing[:10]}"
    by_lang = Counter(p.lang for p in content)
    assert all(by_lang[lang] > 0 for lang in by_lang)


def alternates(path: Path) -> dict[str, str]:
    doc = parse_html(path.read_bytes())
    return {link.get("hreflang") or "": link.get("href") or "" for link in doc.iter("link")
            if link.get("rel") == "alternate" and link.get("hreflang")}


def local(out: Path, href: str, root: str) -> Path:
    assert href.startswith(root), href
    rel = href[len(root):].lstrip("/")
    return out / rel / "index.html" if rel.endswith("/") or not rel else out / rel


@pytest.mark.parametrize("site", MULTILINGUAL)
def test_hreflang_links_lead_to_pages_that_link_back(site, built):
    out = built[site]
    root = {"justindesio": "https://blog.justindesio.com", "otel": "https://opentelemetry.io"}[site]
    checked = translated = 0
    for page in sorted(out.rglob("*.html")):
        links = alternates(page)
        if not links:
            continue
        translated += 1
        default = links.pop("x-default")
        assert default in links.values(), page
        own = [href for href in links.values() if local(out, href, root) == page]
        assert len(own) == 1, f"{page}: does not list itself once among its alternates"
        for lang, href in links.items():
            target = local(out, href, root)
            assert target.is_file(), f"{page}: {lang} -> {href}, not written"
            back = alternates(target)
            assert own[0] in back.values(), f"{href} does not link back to {page}"
            checked += 1
    assert translated > 0 and checked > translated


@pytest.mark.parametrize("site", MULTILINGUAL)
def test_every_feed_and_sitemap_parses_and_the_root_sitemap_indexes_each_language(site, built):
    out = built[site]
    feeds = {"index.xml": check_rss, "atom.xml": check_atom, "feed.json": check_json_feed}
    parsed = Counter()
    for path in sorted(out.rglob("*")):
        check = feeds.get(path.name)
        if check is not None and path.is_file():
            check(path.read_text(encoding="utf-8"))
            parsed[path.name] += 1
    assert parsed["index.xml"] == parsed["atom.xml"] == parsed["feed.json"] > 2
    index = ET.fromstring((out / "sitemap.xml").read_bytes())
    assert index.tag == SITEMAP + "sitemapindex"
    locations = [e.text or "" for e in index.iter(SITEMAP + "loc")]
    assert len(locations) == FIGURES[site][0]
    for location in locations:
        sitemap = ET.fromstring(local(out, location, location.split("/")[0] + "//" + location.split("/")[2])
                                .read_bytes())
        assert sitemap.tag == SITEMAP + "urlset" and len(list(sitemap.iter(SITEMAP + "url"))) > 0


@pytest.mark.wasm
@pytest.mark.slow
@pytest.mark.parametrize("site", MULTILINGUAL)
def test_both_engines_build_the_same_bytes(site, built, tmp_path):
    report = build(SITES / site, tmp_path / "wasm", get_renderer("wasm"), build_time=BUILD_TIME)
    assert report.errors == 0
    assert tree_bytes(tmp_path / "wasm") == tree_bytes(built[site])
