"""Content types of output paths, as ``wasmblog serve`` sends them and ``wasmblog deploy`` embeds them.

The host decides them (the deployed component gets a table made at build
time), so the guest's newer Python, whose ``mimetypes`` table differs,
never changes an answer.
"""

from __future__ import annotations

import mimetypes

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
