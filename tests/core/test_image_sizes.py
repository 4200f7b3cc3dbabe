"""A Hugo site's bundle images: the host reads each one's size from its header (wasm_host/site/images.py)
and the core gives ``.Width``, ``.Height`` and the sizes of ``.Resize``/``.Fit``/``.Fill`` as Hugo's
image processing makes them (checked against Hugo on zwbetz's figures, tests/hugo/test_real_blogs.py)."""

from __future__ import annotations

import struct

import pytest

from renderer.content import image_sizes
from renderer.gotemplate import Call, compiled
from wasm_host.site.images import header_size

PNG = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 24, 32) + b"\x08\x02\0\0\0"
GIF = b"GIF89a" + struct.pack("<HH", 40, 10)
JPEG = b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 4) + b"JF" + b"\xff\xc0" + struct.pack(">HBHH", 11, 8, 30, 20) \
    + b"\0" * 8


@pytest.mark.parametrize(("head", "size"), [(PNG, (24, 32)), (GIF, (40, 10)), (JPEG, (20, 30)),
                                            (b"not an image", None)])
def test_the_host_reads_an_images_size_from_its_header(head, size) -> None:
    assert header_size(head) == size


def test_the_core_takes_the_sizes_the_host_listed_with_a_bundles_files() -> None:
    assert image_sizes(("b/x/a.png\x0024x32", "b/x/notes.txt")) == (("b/x/a.png", "b/x/notes.txt"),
                                                                   {"b/x/a.png": (24, 32)})


@pytest.mark.parametrize(("call", "out"), [
    ('$img.Width $img.Height', "24 32"),
    ('($img.Resize "700x").Width ($img.Resize "700x").Height', "700 933"),
    ('($img.Resize "700x r270").Width ($img.Resize "700x r270").Height', "700 525"),
    ('($img.Resize "x64").Width ($img.Resize "x64").Height', "48 64"),
    ('($img.Fit "12x12").Width ($img.Fit "12x12").Height', "9 12"),
    ('($img.Fit "100x100").Width ($img.Fit "100x100").Height', "24 32"),
    ('($img.Fill "10x10").Width ($img.Fill "10x10").Height', "10 10"),
    ('($img.Resize "700x").RelPermalink', "/b/x/a.png"),
])
def test_resize_fit_and_fill_give_hugos_sizes(call, out) -> None:
    go = compiled({"shortcodes/s.html": '{{ $img := .Page.Resources.Get "a.png" }}{{ print ' + call + " }}"})
    page = {"title": "X", "url": "b/x/", "rel_permalink": "/b/x/", "resources": ["a.png"],
            "image_sizes": {"a.png": [24, 32]}}
    assert go.render(Call("s", [], {}, None, False, 1, page=page)) == out
