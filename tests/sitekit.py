"""Helpers shared by the tests: inputs from files under tests/, outputs as parsed documents.

Nothing here stands in for the code under test: posts are read from real
files, rendered by the engine under test, and the results parsed with
independent parsers (html5lib, xml.etree).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import unquote, urljoin, urlsplit

import html5lib
import pytest

from renderer import BuildOptions, Diagnostic, Post, SiteResult, Source, load_config
from wasm_host.engines import Renderer, make_renderer
from wasm_host.engines.zones import zone_data
from wasm_host.site import load_site

TESTS = Path(__file__).parent
ROOT = TESTS.parent
POSTS = TESTS / "posts"
SITES = TESTS / "sites"
SAMPLE_SITE = ROOT / "content"
BUILD_TIME = 1_800_000_000 * 1_000_000  # 2027-01-15T08:00:00Z, fixed so tests are reproducible
ENGINE_NAMES = ("native", "wasm")
# What a test parametrised over the engines gets as params: each engine carries `engine(NAME)` (the
# --engines option picks by it) and the wasm one `wasm` as well (it needs the component).
ENGINES = [pytest.param("native", id="native", marks=pytest.mark.engine("native")),
           pytest.param("wasm", id="wasm", marks=[pytest.mark.engine("wasm"), pytest.mark.wasm])]

# The test being run (set by conftest.py), so that the helpers below can insist that a test using a tool
# says so with its marker: a lane that leaves the marker out must not end up needing the tool.
running_test: pytest.Item | None = None
TOOL_OF_MARKER = {"wasm": "the WebAssembly component", "browser": "Chromium", "node": "Node 24 and jco",
                  "hugo": "Hugo", "load": "wrk"}


IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing_tool(tool: str, how: str) -> NoReturn:
    """A tool a test needs is not installed: a skip that names it, but a failure under CI (``CI=true``)."""
    message = f"{tool} is not installed ({how})"
    if IN_CI:
        pytest.fail(message + "; CI must run every test")
    pytest.skip(message)


def require_marker(marker: str) -> None:
    """Fail the running test if it uses the tool of ``marker`` without being marked with it."""
    item = running_test
    if item is not None and item.get_closest_marker(marker) is None:
        pytest.fail(f"{item.nodeid} uses {TOOL_OF_MARKER[marker]}: mark it @pytest.mark.{marker}", pytrace=False)

# The config most render-level tests use: a real zone, so naive times mean something.
CONFIG = """\
title = "Test blog"
base_url = "https://example.org/"
author = "Test Author"
description = "A blog for the tests"
timezone = "Europe/Berlin"
page_size = 2
summary_words = 20
"""

# `path:line: severity: message` or, when no line applies, `path: severity: message`.
DIAGNOSTIC_LINE = re.compile(r"^(?P<path>[^\s:][^:\n]*?)(?::(?P<line>\d+))?: (?P<severity>error|warning): (?P<message>[^\n]+)$")
RSS_ITEM_FIELDS = ("title", "link", "guid", "pubDate", "description")
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

_renderers: dict[str, Renderer] = {}


def get_renderer(name: str) -> Renderer:
    """One renderer per engine for the whole test run (the wasm one loads the component once, when
    first called)."""
    if name == "wasm":
        require_marker("wasm")
    if name not in _renderers:
        _renderers[name] = make_renderer(name)
    return _renderers[name]


# How long a test waits for something it is sure will happen before it gives up. A backstop against a
# hang, never a wait: every wait returns the moment its condition holds, so a loaded machine is only slower.
BACKSTOP = 120.0


def eventually(condition: Callable[[], bool], what: str, backstop: float = BACKSTOP) -> None:
    """Wait until ``condition()`` holds (checked every 50 ms); fail naming ``what`` after ``backstop`` s."""
    deadline = time.monotonic() + backstop
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not after {backstop:.0f} s"
        time.sleep(0.05)


def wasm_renderer(timeout: float = 2.0, memory_mb: int = 512) -> Renderer:
    """A wasm engine of the test's own, with other caps than the shared one."""
    require_marker("wasm")
    return make_renderer("wasm", timeout=timeout, memory_mb=memory_mb)


def post_source(name: str, as_path: str | None = None) -> Source:
    """A post file under tests/posts, as the core sees it (``posts/<file name>``)."""
    path = POSTS / name
    return Source(as_path or f"posts/{path.name}", path.read_bytes())


def tzif_for(config: str) -> bytes:
    """The TZif bytes the host passes for the config's time zone."""
    return zone_data(load_config(config)[0].timezone)


@dataclass
class Rendered:
    """The core's output for one site, with ways to look inside it."""

    result: SiteResult

    @property
    def files(self) -> dict[str, str]:
        return {f.path: f.content for f in self.result.files}

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.result.diagnostics

    @property
    def errors(self) -> list[str]:
        return [d.format() for d in self.result.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[str]:
        return [d.format() for d in self.result.diagnostics if not d.is_error]

    def __contains__(self, path: str) -> bool:
        return path in self.files

    def __getitem__(self, path: str) -> str:
        return self.files[path]

    def html(self, path: str) -> ET.Element:
        return parse_html(self.files[path])

    def xml(self, path: str) -> ET.Element:
        return ET.fromstring(self.files[path].encode("utf-8"))

    def post_titles(self, path: str) -> list[str]:
        """Titles of the posts listed on a list or term page, in order."""
        doc = self.html(path)
        return [text_of(h2) for article in doc.iter("article") if "summary" in article.get("class", "")
                for h2 in article.iter("h2")]

    def feed_items(self, path: str) -> list[dict[str, str]]:
        channel = self.xml(path).find("channel")
        assert channel is not None
        return [{child.tag: (child.text or "") for child in item} for item in channel.findall("item")]


def render(engine, posts: Iterable[Source | str], config: str = CONFIG,
           templates: Mapping[str, str] | None = None, *, drafts: bool = False, future: bool = False,
           build_time: int = BUILD_TIME) -> Rendered:
    """Render a whole site through the engine's ``render_site``.

    ``posts`` are Sources or names of files under tests/posts.
    """
    sources = [p if isinstance(p, Source) else post_source(p) for p in posts]
    options = BuildOptions(build_time=build_time, drafts=drafts, future=future)
    return Rendered(engine.render_site(sources, config, dict(templates or {}), options, tzif_for(config)))


def render_folder(engine, site_dir: Path | str, *, config: str | None = None, drafts: bool = False,
                  future: bool = False, build_time: int = BUILD_TIME) -> Rendered:
    """Render a site folder (read by the host's loader) through ``render_site``.

    ``config`` replaces the folder's site.toml text when given.
    """
    site = load_site(site_dir)
    config_text = site.config_text if config is None else config
    options = BuildOptions(build_time=build_time, drafts=drafts, future=future)
    return Rendered(engine.render_site(site.sources, config_text, site.templates, options,
                                       tzif_for(config_text)))


def parse_one(engine, name: str, config: str = CONFIG, as_path: str | None = None) -> Post:
    """Parse one post file that must parse without errors."""
    result = engine.parse_posts([post_source(name, as_path)], config, tzif_for(config))
    errors = [d.format() for d in result.diagnostics if d.is_error]
    assert not errors, errors
    assert len(result.posts) == 1
    return result.posts[0]


def parse_html(text: str | bytes) -> ET.Element:
    """An HTML document as an element tree (html5lib, no namespaces)."""
    return html5lib.parse(text, treebuilder="etree", namespaceHTMLElements=False)


def html_parse_errors(text: str | bytes) -> list[str]:
    """What html5lib's conformance checks object to in a document."""
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    parser.parse(text)
    return [f"line {line}, col {col}: {code} {data or ''}".strip() for (line, col), code, data in parser.errors]


def text_of(element: ET.Element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def find_all(doc: ET.Element, tag: str, **attrs: str) -> list[ET.Element]:
    """Elements with ``tag`` whose attributes contain the given values (``class_`` for class)."""
    found = []
    for el in doc.iter(tag):
        ok = True
        for key, value in attrs.items():
            name = key.rstrip("_")
            actual = el.get(name)
            if actual is None or (value not in actual.split() if name == "class" else actual != value):
                ok = False
                break
        if ok:
            found.append(el)
    return found


def json_ld(doc: ET.Element) -> list[dict]:
    """The JSON-LD blocks of a page (``<script type="application/ld+json">``), parsed."""
    return [json.loads(el.text or "") for el in doc.iter("script") if el.get("type") == "application/ld+json"]


def code_scripts(doc: ET.Element) -> list[ET.Element]:
    """The script elements of a page that a browser would run (JSON-LD is data, not code)."""
    return [el for el in doc.iter("script") if el.get("type") != "application/ld+json"]


def links_of(doc: ET.Element) -> list[str]:
    """Every href and src in a document."""
    return [el.get(attr) for el in doc.iter() for attr in ("href", "src") if el.get(attr) is not None]


def copy_site(name: str, dest: Path) -> Path:
    """A writable copy of tests/sites/<name>."""
    target = dest / name
    shutil.copytree(SITES / name, target)
    return target


def make_site(dest: Path, posts: Iterable[str], config: str = CONFIG) -> Path:
    """A site folder with ``site.toml`` and the given files from tests/posts in ``posts/``."""
    site = dest / "site"
    (site / "posts").mkdir(parents=True)
    (site / "site.toml").write_text(config, encoding="utf-8")
    for name in posts:
        shutil.copyfile(POSTS / name, site / "posts" / Path(name).name)
    return site


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


MANIFEST = ".wasmblog-output"  # what a build wrote, kept in the output folder (wasm_host/site/output.py)


def site_files(folder: Path) -> dict[str, bytes]:
    """The site a build wrote into ``folder``: :func:`tree_bytes` without the build's record of it."""
    return {path: data for path, data in tree_bytes(folder).items() if path != MANIFEST}


def leftovers(out: Path) -> list[str]:
    """What a build left beside its output other than its lock and spare copy (which are meant to stay,
    in ``.OUT.wasmblog/``): temporary or backup folders."""
    workspace = out.parent / f".{out.name}.wasmblog"
    found = [p.name for p in out.parent.glob(f".{out.name}.wasmblog-*")]
    if workspace.is_dir():
        found += [f"{workspace.name}/{p.name}" for p in workspace.iterdir()
                  if p.name not in (".gitignore", "lock", "spare")]
    return sorted(found)


def page_url(out: Path, file: Path, base_url: str) -> str:
    """The absolute URL a built file is served at."""
    rel = file.relative_to(out).as_posix()
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return base_url + rel


def local_target(url: str, page: str, out: Path, base_url: str) -> Path | None:
    """The file that a link on the page at URL ``page`` refers to; None for other sites.

    Links are resolved against the page's URL as a browser would. A link to
    this site must stay under base_url's path (AssertionError otherwise).
    """
    base = urlsplit(base_url)
    parts = urlsplit(urljoin(page, url))
    if parts.scheme not in ("http", "https") or parts.netloc != base.netloc:
        return None  # mailto:, another site
    path = unquote(parts.path)
    assert path.startswith(base.path), f"{url!r} on {page} leaves the base path {base.path!r}"
    rel = path[len(base.path):]
    target = out / rel
    if rel == "" or rel.endswith("/"):
        target = target / "index.html"
    return target


def postings(text: str) -> list[int]:
    """A search index term's postings, ``gap weight gap weight...``, read from their base-64 VLQ
    string (written out from the format's definition, not the core's encoder)."""
    digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    out, n, shift = [], 0, 0
    for char in text:
        value = digits.index(char)
        n |= (value & 31) << shift
        if value & 32:
            shift += 5
        else:
            out.append(n)
            n, shift = 0, 0
    assert shift == 0, f"a VLQ string that stops mid-number: {text!r}"
    return out
