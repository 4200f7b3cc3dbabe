"""Slugs and URL paths: turning names into safe, stable path segments."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from .diagnostics import SourceError

_UNSAFE = re.compile(r"[^\w\-.~]+", re.UNICODE)
_DASHES = re.compile(r"-{2,}")
# Names Windows refuses as file or folder names, whatever the extension.
RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)]
)


def slugify(text: str) -> str:
    """A lower-case URL segment: letters (any script), digits, ``-``, ``_``, ``.``."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    text = _UNSAFE.sub("-", text)
    text = _DASHES.sub("-", text).strip("-.")
    return text


def check_segment(value: str, what: str) -> str:
    """Validate a user-given slug; raise :class:`SourceError` if unsafe."""
    if any(ch in value for ch in "/\\") or ".." in value:
        raise SourceError(f"{what} {value!r} must not contain '/', '\\' or '..'")
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        raise SourceError(f"{what} {value!r} must not contain control characters")
    slug = slugify(value)
    if not slug:
        raise SourceError(f"{what} {value!r} has no letters or digits to make a URL from")
    return slug


def is_reserved(slug: str) -> bool:
    return slug.split(".", 1)[0] in RESERVED


def alias_path(value: str) -> str:
    """The output path for an alias such as ``/old/url/`` or ``old.html``."""
    path = value.strip()
    if not path or any(unicodedata.category(ch).startswith("C") for ch in path):
        raise SourceError(f"alias {value!r} is not a URL path")
    if "://" in path or path.startswith("//"):
        raise SourceError(f"alias {value!r} must be a path on this site, not a URL")
    path = path.split("#", 1)[0].split("?", 1)[0].strip("/")
    segments = path.split("/") if path else []
    if not segments or any(seg in ("", ".", "..") or "\\" in seg for seg in segments):
        raise SourceError(f"alias {value!r} must be a path inside the site (no '..', no empty parts)")
    if segments[-1].endswith((".html", ".htm")):
        return "/".join(segments)
    return "/".join(segments) + "/index.html"


def url_quote(path: str) -> str:
    """Percent-encode a site path for use in an href (keeps ``/``)."""
    return quote(path, safe="/-._~")
