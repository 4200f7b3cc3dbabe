"""What safe, well-formed output means, for every test that checks it.

HTML is parsed with html5lib in strict mode, XML with xml.etree: independent
parsers, not the code under test.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib

SAFE_SCHEMES = ("http", "https", "mailto", "tel", "ftp", "ftps", "irc", "ircs")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "background", "xlink:href", "srcset", "content")
UNSAFE_ELEMENTS = {"script", "iframe", "object", "embed", "svg", "math", "style", "base", "form", "frame"}


def _scheme(url: str) -> str:
    plain = re.sub(r"[\x00-\x20\x7f]", "", url).lower()
    head = plain.split("/", 1)[0]
    return head.split(":", 1)[0] if ":" in head else ""


def parse_strictly(data: bytes) -> tuple[ET.Element, list[str]]:
    """A page as an element tree, and what html5lib's conformance checks object to."""
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    doc = parser.parse(data)
    return doc, [f"line {line}, col {col}: {code} {info or ''}" for (line, col), code, info in parser.errors]


def _theme_element(path: str, el: ET.Element) -> bool:
    """What the theme itself puts in pages: JSON-LD data (which must be JSON that cannot
    close its element or open a comment), and on the search page its form and script."""
    if el.tag == "script" and el.get("type") == "application/ld+json" and not el.get("src"):
        text = el.text or ""
        json.loads(text)
        assert "<" not in text, (path, text)  # "</script>" and "<!--" are escaped as \u003c
        return True
    if path == "search/index.html" and el.tag == "script":
        return not (el.text or "").strip() and (el.get("src") or "").endswith("/js/search.js") and not el.get("type")
    if path == "search/index.html" and el.tag == "form":
        return el.get("method") == "get" and (el.get("action") or "").endswith("/search/")
    return False


def assert_safe_html(path: str, doc: ET.Element) -> None:
    """No script, handler or script URL in a page, beyond the theme's own (:func:`_theme_element`)."""
    for el in doc.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        assert tag not in UNSAFE_ELEMENTS or _theme_element(path, el), (path, tag)
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (path, name, value)
            if name in URL_ATTRIBUTES and (name != "content" or el.get("property") == "og:image"):
                scheme = _scheme(value)
                ok = scheme in SAFE_SCHEMES or scheme == "" or re.match(r"data:image/(gif|png|jpeg|webp);", value)
                assert ok, (path, name, value)


_HIDDEN_SCHEME = re.compile(r"^(?:java|vb|live)script:|^data:(?!image/(?:gif|png|jpeg|webp);)", re.I)


def assert_safe_fragment(where: str, html_text: str) -> None:
    """An HTML fragment (a post body) is safe: :func:`assert_safe_html` on it, and no URL
    attribute hides a script URL behind entities, controls or spaces."""
    import html as _html

    doc = html5lib.parse(f"<!DOCTYPE html><html><body>{html_text}</body></html>", treebuilder="etree",
                         namespaceHTMLElements=False)
    assert_safe_html(where, doc)
    for el in doc.iter():
        for name, value in el.attrib.items():
            if name in URL_ATTRIBUTES or name == "cite":
                plain = re.sub(r"[\x00-\x20\x7f]+", "", _html.unescape(value))
                assert not _HIDDEN_SCHEME.match(plain), (where, name, value)


def assert_well_formed(out: dict[str, bytes], unsafe_html: bool) -> None:
    for path, data in out.items():
        if path.endswith(".html"):
            doc, errors = parse_strictly(data)
            assert errors == [], path
            if not unsafe_html:
                assert_safe_html(path, doc)
        elif path.endswith(".xml"):
            root = ET.fromstring(data)
            if path.endswith("index.xml"):  # feed item links are http(s)
                assert all(_scheme(link.text or "") in ("http", "https") for link in root.iter("link"))


def outside(root: Path, out: Path) -> dict[str, bytes]:
    """Every file under ``root`` except the output folder (what a build must not change)."""
    files = {}
    for dirpath, dirnames, filenames in os.walk(root):
        if Path(dirpath) == root:
            dirnames[:] = [d for d in dirnames if d != out.name]
        for name in filenames:
            path = Path(dirpath) / name
            files[path.relative_to(root).as_posix()] = b"" if path.stat().st_size > 1_000_000 else path.read_bytes()
    return files
