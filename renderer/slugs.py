"""Slugs and URL paths: turning names into safe, stable path segments."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote

from .diagnostics import SourceError
from .ucd import has_unassigned, mask_unassigned
from .values import shorten

_UNSAFE = re.compile(r"[^\w\-.~]+", re.UNICODE)
_DASHES = re.compile(r"-{2,}")
# Names Windows refuses as file or folder names, whatever the extension.
RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)]
)
# Longest slug (in UTF-8 bytes): a path segment must stay under the 255 bytes
# file systems allow, with room for the host's checks.
MAX_SLUG_BYTES = 200


def slugify(text: str) -> str:
    """A lower-case URL segment: letters (any script), digits, ``-``, ``_``, ``.``.

    Characters unassigned in Unicode 14.0 count as punctuation (see
    :mod:`renderer.ucd`), so the slug is the same on every Python version.
    """
    text = unicodedata.normalize("NFC", mask_unassigned(text, "-")).strip().lower()
    text = _UNSAFE.sub("-", text)
    text = _DASHES.sub("-", text).strip("-.")
    return text


def term_slug(name: str) -> str:
    """The URL segment of a tag or category, or "" when it cannot have one.

    Case-folded, so two names that differ only in a way a case-insensitive
    disk ignores ('ß' and 'ss', 'ǅ' and 'dž') are one term with one folder.
    """
    slug = unicodedata.normalize("NFC", slugify(name).casefold())
    if slug in ("index.html", "index.xml") or too_long(slug):  # the taxonomy's own files
        return ""
    return slug


def too_long(slug: str) -> bool:
    """Whether ``slug`` is too long to be a path segment."""
    return len(slug.encode("utf-8", "surrogatepass")) > MAX_SLUG_BYTES


def is_control(ch: str) -> bool:
    """Control, format, private-use, surrogate or unassigned (as of Unicode 14.0)."""
    return unicodedata.category(ch).startswith("C") or has_unassigned(ch)


def _lookalike(value: str) -> bool:
    """Whether ``value`` becomes '/', '\\' or '..' under compatibility
    normalisation (fullwidth '．．／', one-dot leaders...), as some servers and
    file systems apply it."""
    folded = unicodedata.normalize("NFKC", value)
    return folded != value and (any(ch in folded for ch in "/\\") or ".." in folded)


def check_segment(value: str, what: str) -> str:
    """Validate a user-given slug; raise :class:`SourceError` if unsafe."""
    if any(ch in value for ch in "/\\") or ".." in value or _lookalike(value):
        raise SourceError(f"{what} {value!r} must not contain '/', '\\' or '..' (or characters that look like them)")
    if any(is_control(ch) for ch in value):
        raise SourceError(f"{what} {value!r} must not contain control characters")
    slug = slugify(value)
    if not slug:
        raise SourceError(f"{what} {value!r} has no letters or digits to make a URL from")
    if too_long(slug):
        raise SourceError(f"{what} {shorten(value, 40)!r} is too long for a URL segment "
                          f"(over {MAX_SLUG_BYTES} bytes as UTF-8)")
    return slug


def is_reserved(slug: str) -> bool:
    return slug.split(".", 1)[0] in RESERVED


def alias_path(value: str) -> str:
    """The output path for an alias such as ``/old/url/`` or ``old.html``.

    An alias is a URL path, so it is percent-decoded once (``/my%20post/``
    is the folder ``my post``), and then it must stay inside the site.
    """
    path = value.strip()
    if not path or any(is_control(ch) for ch in path):
        raise SourceError(f"alias {value!r} is not a URL path")
    if "://" in path or path.startswith("//"):
        raise SourceError(f"alias {value!r} must be a path on this site, not a URL")
    path = path.split("#", 1)[0].split("?", 1)[0]
    decoded = unquote(path, errors="replace") if "%" in path else path
    if any(ch in ':<>"' for ch in path + decoded):
        raise SourceError(f"alias {value!r} must be a path on this site: no ':', '<', '>', '\"', NUL or "
                          "control characters")
    if any(is_control(ch) for ch in decoded) or ("\ufffd" in decoded and "\ufffd" not in path):
        raise SourceError(f"alias {value!r} is not a URL path (control characters, or %-escapes that are not UTF-8)")
    segments = decoded.strip("/").split("/") if decoded.strip("/") else []
    if (not segments or any(seg in ("", ".", "..") or "\\" in seg or _lookalike(seg) for seg in segments)
            or "//" in decoded.strip("/")):
        raise SourceError(f"alias {value!r} must be a path inside the site (no '..', no empty parts)")
    if any(len(seg.encode("utf-8")) > MAX_SLUG_BYTES for seg in segments):
        raise SourceError(f"alias {shorten(value, 40)!r} has a part longer than {MAX_SLUG_BYTES} bytes")
    if segments[-1].endswith((".html", ".htm")):
        return "/".join(segments)
    return "/".join(segments) + "/index.html"


def url_quote(path: str) -> str:
    """Percent-encode a site path for use in an href (keeps ``/``)."""
    return quote(path, safe="/-._~")
