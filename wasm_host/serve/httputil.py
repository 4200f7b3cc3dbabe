"""HTTP helpers for the server: request paths, content types, validators, safe file opening.

Nothing here trusts the request. A path is decoded once, strictly (UTF-8,
no control characters, no backslashes, no encoded slashes, no ``.`` or
``..`` segments) or refused; a static file is served only if it is in the
set loaded from ``SITE/static``, its real path is still inside that folder
at the moment it is opened, and it is opened without following symlinks.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import stat
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote_to_bytes


class BadPath(ValueError):
    """The request path is malformed or tries to leave the site (answer 400)."""


def decode_path(raw: bytes) -> str:
    """The request path (before ``?``), percent-decoded once, or :class:`BadPath`."""
    if not raw.startswith(b"/"):
        raise BadPath("the path must start with /")
    if len(raw) > 4096:
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


# Content types: Python's built-in table (never the machine's /etc/mime.types,
# so every machine answers the same) plus what blogs serve today.
_TYPES = mimetypes.MimeTypes()
for _ext, _type in {
    ".svg": "image/svg+xml", ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon",
    ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
    ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json",
    ".wasm": "application/wasm", ".webmanifest": "application/manifest+json", ".md": "text/markdown",
    ".xml": "application/xml", ".txt": "text/plain", ".css": "text/css", ".html": "text/html",
    ".htm": "text/html", ".mp4": "video/mp4", ".webm": "video/webm", ".pdf": "application/pdf",
}.items():
    _TYPES.add_type(_type, _ext)

_TEXTUAL = ("application/json", "application/xml", "application/manifest+json", "image/svg+xml")


def content_type(path: str) -> str:
    """The Content-Type for an output path, with ``charset=utf-8`` for text."""
    ctype, encoding = _TYPES.guess_type(path, strict=False)
    if encoding or not ctype:  # .gz and friends: serve the bytes as they are
        return "application/octet-stream"
    if ctype.startswith("text/") or ctype in _TEXTUAL:
        return f"{ctype}; charset=utf-8"
    return ctype


def body_etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def file_etag(st: os.stat_result) -> str:
    return f'"{st.st_mtime_ns:x}-{st.st_size:x}"'


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


@dataclass
class OpenedFile:
    fd: int
    size: int
    mtime: float
    etag: str

    def close(self) -> None:
        os.close(self.fd)


def open_static(static_root: Path, rel: str) -> OpenedFile | None:
    """Open ``static_root/rel`` for reading, or None if it is not a regular file
    whose real path lies inside ``static_root``.

    The real path is checked, then opened one segment at a time from the
    folder's descriptor with ``O_NOFOLLOW``, so a symlink swapped in after the
    check cannot redirect the open. (Symlinks that stay inside static/ are
    served, as ``wasmblog build`` copies them.)
    """
    try:
        root = os.path.realpath(static_root)
        real = os.path.realpath(os.path.join(root, rel))
    except (OSError, ValueError):
        return None
    if os.path.commonpath([root, real]) != root or real == root:
        return None
    parts = os.path.relpath(real, root).split(os.sep)
    flags = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    dir_flags = flags | os.O_DIRECTORY
    fds: list[int] = []
    try:
        fds.append(os.open(root, dir_flags))
        for part in parts[:-1]:
            fds.append(os.open(part, dir_flags, dir_fd=fds[-1]))
        fd = os.open(parts[-1], flags | os.O_NONBLOCK, dir_fd=fds[-1])
    except (OSError, ValueError):
        return None
    finally:
        for d in fds:
            os.close(d)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            return None
        os.set_blocking(fd, True)
    except OSError:
        os.close(fd)
        return None
    return OpenedFile(fd, st.st_size, st.st_mtime, file_etag(st))
