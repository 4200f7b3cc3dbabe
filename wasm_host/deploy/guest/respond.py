"""The deployed site's answers: a request in, status, headers and body out.

Pure Python over the render core and :mod:`renderer.routing` (the routing
``wasmblog serve`` uses), so it runs inside the ``wasi:http`` component and,
for the tests, natively. :class:`DeployedSite` is made once, while
componentize-py pre-initialises the component: the site's posts are parsed
and planned then and live in the snapshot; each request renders its page
on the spot in the instance the engine gives it.

The answers are ``wasmblog serve``'s: the same routing, status codes,
content types, ETags (a hash of a page's bytes; a static file's mtime and
size), conditional requests, HEAD, and the site's 404 page. A page that
cannot be rendered is a 500 page; details stay out of it (the component
is meant for public engines).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import renderer
from renderer import routing
from renderer.diagnostics import describe_exception
from renderer.routing import HTML, NO_CACHE, NO_STORE, PLAIN
from renderer.site import shortcode_templates

Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True)
class StaticEntry:
    """A file of ``SITE/static``, embedded, with the validators ``wasmblog serve`` gives it."""

    ctype: str
    etag: str
    mtime: float
    body: bytes


@dataclass
class Answer:
    status: int
    headers: Headers
    body: bytes  # empty for HEAD; content-length says what GET would carry
    rendered: float | None = None  # seconds spent rendering, when a page was rendered


@dataclass
class DeployedSite:
    """The site as the component holds it: posts parsed, pages planned, static files embedded."""

    base_path: str
    config: renderer.SiteConfig
    templates: dict[str, str]
    pages: dict[str, renderer.PageJob]  # output path -> job
    ctypes: dict[str, str]  # output path -> content type (computed by the host, as serve does)
    posts: dict[str, renderer.Post]  # source -> post
    static: dict[str, StaticEntry] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: Any) -> DeployedSite:
        """Parse and plan the site described by the generated ``site_data`` module.

        The host planned the same site and kept only the pages it would write
        (``data.PAGES``); the plan made here must name exactly those, or the
        build stops (the two would disagree about the site).
        """
        config = renderer.load_config(data.CONFIG)[0]
        sources = [renderer.Source(path, body, tuple(resources), tuple(cascade))
                   for path, body, resources, cascade in data.SOURCES]
        parsed = renderer.parse_posts(sources, config, data.TZIF, shortcode_templates(data.TEMPLATES))
        options = renderer.BuildOptions(*data.OPTIONS)
        plan = renderer.plan_site([p.without_body() for p in parsed.posts], config, options)
        pages = {job.path: job for job in plan.jobs if job.path in data.PAGES}
        missing = sorted(set(data.PAGES) - set(pages))
        if missing:
            raise RuntimeError(f"the component's plan lacks pages the host planned: {missing[:5]}")
        static = {path: StaticEntry(*entry) for path, entry in data.STATIC.items()}
        return cls(data.BASE_PATH, config, dict(data.TEMPLATES), pages, dict(data.PAGES),
                   {p.source: p for p in parsed.posts}, static)

    def __contains__(self, path: str) -> bool:
        return path in self.static or path in self.pages

    def render(self, path: str) -> bytes:
        """The page at output ``path``, as ``wasmblog build`` writes it (raises if it cannot be made)."""
        job = self.pages[path]
        result = renderer.render_pages([job], renderer.job_posts([job], self.posts, self.templates), self.config, self.templates)
        content = next((f.content for f in result.files if f.path == path), None)
        if content is None:
            errors = [d.format() for d in result.diagnostics if d.is_error]
            raise RuntimeError("; ".join(errors) or "the renderer returned no file")
        body = content.encode("utf-8")
        limit = int(self.config.limits.max_output_mb * 1_000_000)
        if len(body) > limit:  # what the build would refuse to write is not served either
            raise RuntimeError(f"refused output {path!r}: {len(body)} bytes, over the {limit} limit")
        return body


def answer(site: DeployedSite, method: str, target: str, headers: dict[str, str]) -> Answer:
    """The answer to ``METHOD target`` (path and query as the engine passes them)."""
    head = method == "HEAD"
    refusal = routing.check_request(method, headers)
    if refusal is not None:
        return _plain(refusal.status, refusal.message, head, list(refusal.headers))
    raw, _, query = target.partition("?")
    if not target.isascii():  # as serve's HTTP layer: only ASCII request targets
        return _plain(400, "bad request path: not ASCII", head)
    try:
        path = routing.decode_path(raw.encode("ascii"))
    except routing.BadPath as exc:
        return _plain(400, f"bad request path: {exc}", head)
    where = routing.route(path, site.base_path, site.__contains__)
    if isinstance(where, routing.Serve):
        return _serve(site, where.target, headers, head, 200)
    if isinstance(where, routing.Redirect):
        url, body = routing.redirect_answer(where.location, query.encode("latin-1"))
        return _send(where.status, HTML, body, head, [(b"location", url.encode("latin-1"))])
    return _not_found(site, head, where.page)


def _serve(site: DeployedSite, target: str, headers: dict[str, str], head: bool, status: int) -> Answer:
    entry = site.static.get(target)
    if entry is not None:
        validators = [(b"etag", entry.etag.encode()), (b"last-modified", routing.http_date(entry.mtime).encode())]
        if status == 200 and routing.static_not_modified(headers, entry.etag, entry.mtime):
            return _not_modified(validators)
        return Answer(status, [(b"content-type", entry.ctype.encode()), (b"content-length", str(len(entry.body)).encode()),
                               NO_CACHE, *validators, *routing.COMMON], b"" if head else entry.body)
    started = time.perf_counter()
    try:
        body = site.render(target)
    except Exception:  # never trap: a trap would take the engine's instance (jco: the server) down
        return _error_page(500, "This page could not be rendered",
                           "The sandbox that rendered it stopped (error). The server carries on; "
                           "other pages are not affected.", head)
    seconds = time.perf_counter() - started
    etag = routing.body_etag(body)
    extra = [(b"etag", etag.encode()), (b"server-timing", f"render;dur={seconds * 1e3:.2f}".encode())]
    if status == 200 and routing.etag_matches(headers.get("if-none-match", ""), etag):
        return _not_modified(extra)
    done = _send(status, site.ctypes.get(target, "application/octet-stream"), body, head, extra + [NO_CACHE])
    done.rendered = seconds
    return done


def _not_found(site: DeployedSite, head: bool, page: str = "404.html") -> Answer:
    if page in site:  # the 404 page of the path's language (routing.NotFound), else the site's
        return _serve(site, page, {}, head, 404)
    if "404.html" in site:
        return _serve(site, "404.html", {}, head, 404)
    return _plain(404, "not found", head)


def _not_modified(validators: Headers) -> Answer:
    return Answer(304, [*validators, NO_CACHE, *routing.COMMON], b"")


def _error_page(status: int, title: str, text: str, head: bool) -> Answer:
    return _send(status, HTML, routing.error_page(status, title, text), head, [NO_STORE])


def _plain(status: int, message: str, head: bool, extra: Headers | None = None) -> Answer:
    return _send(status, PLAIN, routing.plain_body(message), head, [NO_STORE, *(extra or [])])


def _send(status: int, ctype: str, body: bytes, head: bool, extra: Headers) -> Answer:
    return Answer(status, [(b"content-type", ctype.encode()), (b"content-length", str(len(body)).encode()), *extra,
                           *routing.COMMON], b"" if head else body)


def internal_error(exc: BaseException) -> Answer:
    """The answer when something outside a render failed (a bug): a 500 page, never a trap."""
    return _error_page(500, "Internal error", f"The site could not answer ({describe_exception(exc)}).", False)
