"""``wasmblog check``: every internal link, image and ``#anchor`` of a site, checked in memory.

The site is built as ``wasmblog build`` builds it (same engine, same bytes;
nothing is written), then every HTML page is parsed with the standard
library's HTML parser. Each ``href``/``src`` that points into the site (a
path, or an absolute URL on ``base_url``'s host) must name a page, a
generated file or a static file, and its ``#fragment`` an ``id`` on that
page. A broken one is reported where it was written: the post's Markdown
line (the core records each link's line when it parses a post:
``Post.links``), the ``[[menu]]`` entry of ``site.toml``, or else the
template that made the page. Links to other sites are counted, never
fetched: the checker makes no network requests.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from collections.abc import Iterable
from urllib.parse import unquote, urljoin, urlsplit

from renderer import BuildOptions, Diagnostic, OutputFile, PageJob, Post, SiteConfig, finalize
from renderer.diagnostics import error
from renderer.refs import UNRESOLVED_REF
from renderer.slugs import url_quote
from renderer.templates import TEMPLATE_FOR_KIND
from renderer.templates.views import Urls

from ..engines import Renderer
from .build import Progress, output_files, render_traced
from .uptodate import Counted
from .reader import SiteInput, build_time_micros, load_site

PLACEHOLDER_ORIGIN = "http://site.invalid"  # pages' origin when base_url is only a path
# Elements and the attributes that hold a URL the browser follows or loads.
_URL_ATTRIBUTES = {
    "a": ("href",), "area": ("href",), "link": ("href",), "img": ("src", "srcset"), "source": ("src", "srcset"),
    "script": ("src",), "iframe": ("src",), "audio": ("src",), "video": ("src", "poster"), "track": ("src",),
    "embed": ("src",), "object": ("data",), "form": ("action",),
}
# <meta> tags whose content is a URL on the site (social cards).
_META_URLS = frozenset(("og:url", "og:image", "twitter:image"))
HARMFUL = "#harmful-link"  # what the Markdown renderer puts in place of a javascript: (or similar) link
UNSAFE = "an unsafe link (javascript:, vbscript: or data:) was removed here"


@dataclass(frozen=True)
class Reference:
    """One URL in a page: the attribute's value, as a browser reads it, and its line in the page."""

    tag: str
    value: str
    line: int


class _PageParser(HTMLParser):
    """The ids of a page and every URL in it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[Reference] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        line = self.getpos()[0]
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        if tag == "meta" and values.get("property", values.get("name")) in _META_URLS and values.get("content"):
            self.refs.append(Reference(tag, values["content"].strip(), line))
        for attr in _URL_ATTRIBUTES.get(tag, ()):
            value = values.get(attr)
            if value is None:
                continue
            if attr == "srcset":  # "a.png 1x, b.png 2x": each candidate's URL
                for candidate in value.split(","):
                    if candidate.strip():
                        self.refs.append(Reference(tag, candidate.split()[0], line))
            elif value.strip():
                self.refs.append(Reference(tag, value.strip(), line))

    handle_startendtag = handle_starttag


@dataclass
class CheckReport(Counted):
    site: str
    engine: str
    pages: int = 0  # HTML pages parsed
    links: int = 0  # internal URLs checked (links, images, stylesheets...)
    anchors: int = 0  # of those, with a #fragment checked against the target's ids
    external: int = 0  # links to other sites: counted, not fetched
    broken: int = 0
    seconds: float = 0.0
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def to_json(self, prefix: str = "") -> dict[str, Any]:
        return {
            "site": self.site, "engine": self.engine, "pages": self.pages, "links": self.links,
            "anchors": self.anchors, "external": self.external, "broken": self.broken,
            "seconds": round(self.seconds, 4), "errors": self.errors, "warnings": self.warnings,
            "diagnostics": self.diagnostics_json(prefix),
        }


def page_url(path: str) -> str:
    """The site-relative URL an output file is served at (``posts/a/index.html`` -> ``posts/a/``)."""
    if path == "index.html" or path.endswith("/index.html"):
        return path[:-len("index.html")]
    return path


class _Site:
    """What exists in a built site: files by site-relative path, and each HTML page's ids."""

    def __init__(self, config: SiteConfig, generated: list[OutputFile], static: list[tuple[str, Path]]) -> None:
        self.config = config
        self.origin = config.site_root or PLACEHOLDER_ORIGIN
        self.base = config.base_path
        self.html = {f.path: f.content for f in generated if f.path.endswith(".html")}
        self.files = {f.path for f in generated} | {rel for rel, _ in static}
        self._ids: dict[str, set[str]] = {}

    def absolute(self, path: str) -> str:
        return self.origin + self.base + url_quote(page_url(path))

    def target(self, rel: str) -> str | None:
        """The file a site-relative URL path is served from, or None."""
        if rel == "" or rel.endswith("/"):
            candidates = [rel + "index.html"]
        else:
            candidates = [rel, rel + "/index.html"]  # a folder without its slash: servers redirect
        return next((c for c in candidates if c in self.files), None)

    def parse(self, path: str) -> _PageParser:
        parser = _PageParser()
        parser.feed(self.html.get(path, ""))
        parser.close()
        self._ids[path] = parser.ids
        return parser

    def ids(self, path: str) -> set[str]:
        if path not in self._ids:
            self.parse(path)
        return self._ids[path]


def _problem(site: _Site, page: str, value: str) -> str | None:
    """Why ``value`` on ``page`` is broken, or None when it is fine.

    Raises LookupError for a link to another site, or a ``mailto:`` (not checked).
    """
    if value.endswith(HARMFUL):  # on a list page, a summary's "#harmful-link" points at its post
        return UNSAFE
    here = site.absolute(page)
    parts = urlsplit(urljoin(here, value))
    if parts.scheme not in ("http", "https"):
        raise LookupError(value)  # mailto:, tel: and the like: not a page of this site
    if f"{parts.scheme}://{parts.netloc}" != site.origin:
        raise LookupError(value)
    path = unquote(parts.path, errors="replace")
    if not path.startswith(site.base):
        raise LookupError(value)  # on the same host, but not this site's (another app under /)
    rel = path[len(site.base):]
    target = site.target(rel)
    if target is None:
        looks_like_page = rel == "" or rel.endswith(("/", ".html", ".htm")) or "." not in rel.rsplit("/", 1)[-1]
        return "no such page" if looks_like_page else "no such file"
    fragment = unquote(parts.fragment, errors="replace")
    if fragment and target.endswith(".html") and fragment != "top" and fragment not in site.ids(target):
        return f'no heading or element with id "{fragment}" on {site.base}{page_url(target)}'
    return None


def _menu_lines(config_text: str, config: SiteConfig) -> dict[str, int]:
    """The ``href`` of each ``[[menu]]`` entry (as templates get it), and the line of
    site.toml that sets its url."""
    out: dict[str, int] = {}
    lines = config_text.split("\n")
    urls = Urls(config)
    for item in config.menu:
        line = next((i + 1 for i, text in enumerate(lines) if "url" in text and item.url in text), 0)
        out.setdefault(urls.rel(item.url), line)
    return out


def _template(job: PageJob | None, templates: dict[str, str]) -> str:
    if job is None:
        return "site"
    name = TEMPLATE_FOR_KIND[job.kind]
    return f"templates/{name}" if name in templates else f"theme/{name}"


def _content_posts(job: PageJob | None, posts: dict[str, Post]) -> list[Post]:
    """The posts whose Markdown a page shows (a post's page; summaries on lists)."""
    if job is None or job.kind not in ("post", "page", "list", "term", "taxonomy"):
        return []
    sources = job.posts[:1] if job.kind in ("post", "page") else job.posts
    shown = [posts[s] for s in sources if s in posts]
    return shown + ([posts[job.intro]] if job.intro in posts else [])  # a list's _index.md text


def check_links(site_input: SiteInput, rendering_files: Iterable[OutputFile], static: list[tuple[str, Path]],
                posts: list[Post], jobs: list[PageJob], report: CheckReport) -> list[Diagnostic]:
    """The broken links of a built site, each where it was written; fills in ``report``'s counts."""
    config = site_input.config
    site = _Site(config, list(rendering_files), static)
    by_path = {job.path: job for job in jobs}
    by_source = {p.source: p for p in posts}
    menu = _menu_lines(site_input.config_text, config)
    diags: list[Diagnostic] = []
    in_templates: dict[tuple[str, str, str], list[str]] = {}  # (template, url, problem) -> pages
    for page in sorted(site.html):
        parser = site.parse(page)
        report.pages += 1
        job = by_path.get(page)
        content = _content_posts(job, by_source)
        for ref in parser.refs:
            if ref.value == "#":  # a link that goes nowhere: reported where a post wrote it (themes use them)
                report.links += 1
                nowhere = {(post.source, link.line) for post in content for link in post.links if link.url == "#"}
                diags += [error(source, line, "link to # goes nowhere; give it a target") for source, line in
                          sorted(nowhere)]
                continue
            try:
                found = _problem(site, page, ref.value)
            except LookupError:
                report.external += urlsplit(ref.value).scheme in ("http", "https", "")
                continue
            report.links += 1
            report.anchors += "#" in ref.value
            if found is None:
                continue
            target = urljoin(site.absolute(page), ref.value)
            written = [(post.source, link) for post in content for link in post.links
                       if link.url == ref.value or urljoin(site.absolute(post.url_path), link.url) == target]
            message = found if found == UNSAFE else f"broken link to {ref.value} ({found})"
            if written:  # worded with the link as the post has it (a summary elsewhere may point it at the post)
                diags += [error(source, link.line, found if found == UNSAFE else f"broken link to {link.url} ({found})")
                          for source, link in written]
            elif ref.value in menu:
                diags.append(error("site.toml", menu[ref.value], message + " ([[menu]] entry)"))
            else:
                in_templates.setdefault((_template(job, site_input.templates), ref.value, message), []).append(page)
    for (template, _, message), pages in in_templates.items():
        where = "/" + page_url(pages[0])
        more = f" on {len(pages)} pages, first {where}" if len(pages) > 1 else f" on {where}"
        diags.append(error(template, 0, message + more))
    diags = finalize(diags)
    report.broken = len(diags)
    return diags


def check(site_dir: Path | str, engine: Renderer, *, drafts: bool = False, future: bool = False,
          build_time: int | None = None, jobs: int = 1, limits: dict[str, float] | None = None,
          progress: Progress | None = None) -> CheckReport:
    """Build ``site_dir`` in memory and check its links; never raises for bad input, only reports."""
    started = time.perf_counter()
    report = CheckReport(site=str(site_dir), engine=engine.name)
    site = load_site(site_dir, limits)
    options = BuildOptions(build_time=build_time if build_time is not None else build_time_micros(),
                           drafts=drafts, future=future)
    rendering = render_traced(site, engine.limited(site.config.limits), options, jobs, progress)
    files, static, output_diags = output_files(site, rendering.result)
    link_diags = check_links(site, files, static, rendering.posts, rendering.jobs, report)
    built = [error(d.path, d.line, d.message) if d.message.startswith(UNRESOLVED_REF) else d
             for d in rendering.result.diagnostics]  # Hugo fails the build on a ref it cannot resolve
    report.diagnostics = finalize([*built, *output_diags, *link_diags])
    report.seconds = time.perf_counter() - started
    return report
