"""How a request path maps to a site's output files, and the answers that depend only on the site.

Pure and shared: ``wasmblog serve`` (``wasm_host/serve/app.py``) and the
deployed ``wasi:http`` component (``wasm_host/deploy/guest/app.py``) both
route with these functions, so both answer every URL the same way: the
same status codes, redirects, validators and bodies. Nothing here trusts
the request: a path is decoded once, strictly, or refused (400).

Routing, as a static host does it: ``/`` and ``/index.html``,
``/posts/x/`` and ``/posts/x/index.html`` name the same file; ``/posts/x``
redirects (301) to ``/posts/x/``; a ``base_url`` path prefix
(``https://example.org/blog/``) moves the site under ``/blog/`` and ``/``
redirects there (302); anything else is the site's 404 page.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from typing import Callable, Mapping
from urllib.parse import quote, unquote_to_bytes

MAX_PATH_BYTES = 4096  # a longer request path is refused (400)
MAX_GET_BODY = 1024  # bytes of body a GET or HEAD may carry (ignored); more is refused with 413
SAFE_URL_CHARS = "/:@!$&'()*+,;=-._~"

Header = tuple[bytes, bytes]
COMMON: tuple[Header, ...] = ((b"x-content-type-options", b"nosniff"),)  # on every answer
NO_CACHE: Header = (b"cache-control", b"no-cache")  # pages and files: revalidate (ETag) before use
NO_STORE: Header = (b"cache-control", b"no-store")  # errors and messages: never cached
HTML = "text/html; charset=utf-8"
PLAIN = "text/plain; charset=utf-8"


class BadPath(ValueError):
    """The request path is malformed or tries to leave the site (answer 400)."""


def decode_path(raw: bytes) -> str:
    """The request path (before ``?``), percent-decoded once, or :class:`BadPath`."""
    if not raw.startswith(b"/"):
        raise BadPath("the path must start with /")
    if len(raw) > MAX_PATH_BYTES:
        raise BadPath("path too long")
    lowered = raw.lower()
    if b"\\" in raw or b"%5c" in lowered:
        raise BadPath("backslash in path")
    if b"%2f" in lowered:
        raise BadPath("encoded slash in path")
    try:
        path = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise BadPath("path is not UTF-8") from None
    if any(ord(ch) < 0x20 or ch in "\x7f\\" for ch in path):
        raise BadPath("control character in path")
    segments = path.split("/")
    if any(seg in (".", "..") for seg in segments):
        raise BadPath("dot segment in path")
    return path


@dataclass(frozen=True)
class Refusal:
    """A request refused before routing: its status, message and extra headers."""

    status: int
    message: str
    headers: tuple[Header, ...] = ()


def check_request(method: str, headers: Mapping[str, str]) -> Refusal | None:
    """405 for anything but GET and HEAD, 413 for a GET or HEAD with a body; else None.

    ``headers`` has lower-case names, repeated headers joined with ``", "``.
    """
    if method not in ("GET", "HEAD"):
        return Refusal(405, "only GET and HEAD are served", ((b"allow", b"GET, HEAD"),))
    length = headers.get("content-length", "0")
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if ("transfer-encoding" in headers or not length or length.strip("0123456789")
            or int(length) > MAX_GET_BODY):
        return Refusal(413, "GET and HEAD requests take no body", ((b"connection", b"close"),))
    return None


@dataclass(frozen=True)
class Serve:
    """Answer with the output file ``target`` (200)."""

    target: str


@dataclass(frozen=True)
class Redirect:
    """Answer with a redirect to ``location`` (a decoded path)."""

    status: int
    location: str


@dataclass(frozen=True)
class NotFound:
    """Answer with the site's 404 page: ``page``, the 404 page of the language the path is in
    (``fr/404.html`` for ``/fr/...`` on a multilingual site), else ``404.html``."""

    page: str = "404.html"


Route = Serve | Redirect | NotFound


def route(path: str, base_path: str, exists: Callable[[str], bool]) -> Route:
    """Where the decoded request ``path`` leads, for a site under ``base_path`` ("/" or "/blog/")
    whose output files are those for which ``exists(output_path)`` is true."""
    if not path.startswith(base_path):
        if path + "/" == base_path:
            return Redirect(301, base_path)
        if path == "/":
            return Redirect(302, base_path)
        return NotFound()
    rel = path[len(base_path):]
    target = rel + "index.html" if rel == "" or rel.endswith("/") else rel
    if exists(target):
        return Serve(target)
    if rel and not rel.endswith("/") and exists(rel + "/index.html"):
        return Redirect(301, path + "/")
    first, slash, _ = rel.partition("/")
    own = f"{first}/404.html"
    return NotFound(own) if slash and first and exists(own) else NotFound()


def redirect_answer(location: str, query: bytes) -> tuple[str, bytes]:
    """The ``Location`` value (query kept) and the small HTML body of a redirect."""
    url = quote(location, safe=SAFE_URL_CHARS)
    if query:
        url += "?" + query.decode("latin-1")
    safe = html.escape(url)
    return url, f'<!DOCTYPE html>\n<title>Moved</title>\n<p>Moved to <a href="{safe}">{safe}</a>.</p>\n'.encode()


def plain_body(message: str) -> bytes:
    return (message + "\n").encode()


def error_page(status: int, title: str, text: str, detail: str = "") -> bytes:
    """A small HTML page for a server-side problem (500, 503); ``detail`` shown when given."""
    shown = f"<pre>{html.escape(detail)}</pre>\n" if detail else ""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{status} {html.escape(title)}</title>\n</head>\n<body>\n"
            f"<h1>{html.escape(title)}</h1>\n<p>{html.escape(text)}</p>\n{shown}</body>\n</html>\n").encode()


def body_etag(body: bytes) -> str:
    """The strong ETag of a generated page: a hash of its bytes."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def file_etag(mtime_ns: int, size: int) -> str:
    """The ETag of a static file, from its modification time and size (as static hosts do)."""
    return f'"{mtime_ns:x}-{size:x}"'


def http_date(seconds: float) -> str:
    return formatdate(seconds, usegmt=True)


def etag_matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison of ``If-None-Match`` with our (strong) ETag."""
    value = if_none_match.strip()
    if value == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in value.split(","))


def not_modified_since(if_modified_since: str, mtime: float) -> bool:
    try:
        when = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False
    if when is None or when.tzinfo is None:
        return False
    return int(mtime) <= when.timestamp()


def static_not_modified(headers: Mapping[str, str], etag: str, mtime: float) -> bool:
    """Whether a static file's conditional request is answered 304 (If-None-Match wins)."""
    inm = headers.get("if-none-match")
    ims = headers.get("if-modified-since")
    return etag_matches(inm, etag) if inm is not None else ims is not None and not_modified_since(ims, mtime)


def join_headers(pairs: list[tuple[bytes, bytes]] | tuple[tuple[bytes, bytes], ...]) -> dict[str, str]:
    """Request headers as one mapping: lower-case names, repeated headers joined with ``", "``."""
    out: dict[str, str] = {}
    for name, value in pairs:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        out[key] = f"{out[key]}, {text}" if key in out else text
    return out
