"""An image's width and height from its header, for a Hugo site's bundle images (``.Width``, ``.Height``
and the sizes ``.Resize``/``.Fit``/``.Fill`` give, renderer.gotemplate.hugo). The pure core reads no
file: the host reads the first bytes of each image and lists the size with the file
(:data:`renderer.site.SIZE_MARK`). PNG, GIF, JPEG and WebP; anything else (or a damaged header) has no size.
"""

from __future__ import annotations

import struct
from pathlib import Path

IMAGE_SUFFIXES = (".png", ".gif", ".jpg", ".jpeg", ".webp")
_HEAD = 1 << 16  # a JPEG's frame header may follow large EXIF and ICC segments; past that, no size


def image_size(path: Path) -> tuple[int, int] | None:
    if not path.name.lower().endswith(IMAGE_SUFFIXES):
        return None
    try:
        with path.open("rb") as f:
            head = f.read(_HEAD)
    except OSError:
        return None
    return header_size(head)


def header_size(head: bytes) -> tuple[int, int] | None:
    if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
        w, h = struct.unpack(">II", head[16:24])
        return (w, h) if w and h else None
    if head[:6] in (b"GIF87a", b"GIF89a"):
        w, h = struct.unpack("<HH", head[6:10])
        return (w, h) if w and h else None
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = head[12:16]
        if kind == b"VP8 " and len(head) >= 30:
            w, h = struct.unpack("<HH", head[26:30])
            return w & 0x3FFF, h & 0x3FFF
        if kind == b"VP8L" and len(head) >= 25:
            bits = int.from_bytes(head[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        if kind == b"VP8X" and len(head) >= 30:
            return int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1
        return None
    if head[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(head):
            if head[i] != 0xFF:
                return None
            marker = head[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            length = struct.unpack(">H", head[i + 2:i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", head[i + 5:i + 9])
                return (w, h) if w and h else None
            i += 2 + length
    return None
