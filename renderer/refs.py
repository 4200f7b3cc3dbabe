"""``ref`` and ``relref``: a post names another by its file, resolved to its URL when the site is planned.

A target matches a page by its content path, with or without the extension
and the content folder (``posts/hello.md``, ``post/hello``, ``/post/hello``),
by its bundle's folder (``post/trip`` for ``post/trip/index.md``), by its file
name alone when that is unique (``hello.md``), or by its URL (``/posts/hello/``).
``#anchor`` is kept. A target that matches nothing is a warning at the line
of the shortcode, and the link goes nowhere (``#``).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Sequence
from urllib.parse import unquote

from .config import SiteConfig
from .diagnostics import Diagnostic, warning
from .model import Link, Post

UNRESOLVED = "#"
# What a ref/relref shortcode leaves in a post's HTML until the site is planned.
# (A target is percent-encoded, so "wasmblog-ref:" cannot be part of one: two markers side by side
# are two, not one whose target runs on.)
_MARKER = re.compile(r"wasmblog-(abs)?ref:([A-Za-z0-9%._~-]*?)(?=wasmblog-(?:abs)?ref:|[^A-Za-z0-9%._~-]|$)")


def resolve_refs(html_text: str, url_for: Callable[[str, bool], str]) -> str:
    """``html_text`` with the markers ``ref``/``relref`` leave replaced by
    ``url_for(target, absolute)``."""
    if "wasmblog-" not in html_text:
        return html_text
    return _MARKER.sub(lambda m: _attr(url_for(unquote(m.group(2)), bool(m.group(1)))), html_text)


def _attr(url: Any) -> str:
    return str(url).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _stems(path: str) -> list[str]:
    """``post/x/index.md`` -> ``post/x/index.md``, ``post/x/index``, ``post/x``."""
    out = [path]
    for suffix in (".md", ".markdown"):
        if path.endswith(suffix):
            out.append(path[:-len(suffix)])
    for index in ("/index", "/_index"):
        if out[-1].endswith(index):
            out.append(out[-1][:-len(index)])
    return out


class RefIndex:
    """Every published page's names, and the URL each leads to."""

    def __init__(self, pages: Sequence[Post], config: SiteConfig) -> None:
        root = config.content_dir + "/" if config.content_dir else ""
        self.exact: dict[str, str] = {}
        by_name: dict[str, list[str]] = {}
        for page in sorted(pages, key=lambda p: p.source):
            rel = page.source[len(root):] if page.source.startswith(root) else page.source
            if config.layout == "wasmblog" and rel.startswith(("posts/", "pages/")):
                rel = rel.split("/", 1)[1]  # posts/post/x.md is also post/x.md, as in the Hugo site it came from
            for key in {*_stems(page.source), *_stems(rel)}:
                self.exact.setdefault(key.casefold(), page.url_path)
            self.exact.setdefault(("/" + page.url_path).rstrip("/").casefold() or "/", page.url_path)
            for key in _stems(rel.rsplit("/", 1)[-1]):
                by_name.setdefault(key.casefold(), []).append(page.url_path)
        self.names = {k: v[0] for k, v in by_name.items() if len(set(v)) == 1}
        self.reported: set[tuple[str, int, str]] = set()

    def resolve(self, target: str) -> str | None:
        """The URL (site-relative path, with its #anchor) ``target`` names, or None."""
        path, _, anchor = target.partition("#")
        key = path.strip().lstrip("./").strip("/").casefold()
        url = self.exact.get(key) or self.exact.get(("/" + key).rstrip("/")) or self.names.get(key)
        if url is None and not path.strip():
            url = ""  # "#anchor" alone: this page
        if url is None:
            return None
        return url + (f"#{anchor}" if anchor else "")

    def links(self, posts: Sequence[Post], diags: list[Diagnostic]) -> list[Link]:
        """``(target, URL)`` for every ref the posts use; unknown targets reported and sent to ``#``."""
        out: dict[str, str] = {}
        for post in posts:
            for ref in post.refs:
                url = self.resolve(ref.target)
                if url is None and (post.source, ref.line, ref.target) not in self.reported:
                    self.reported.add((post.source, ref.line, ref.target))
                    diags.append(warning(post.source, ref.line, f"shortcode ref {ref.target!r}: no page of the "
                                                                "site has that path; the link goes nowhere"))
                if url is None:
                    url = UNRESOLVED
                elif url == "" and "#" in ref.target:
                    url = post.url_path + "#" + ref.target.partition("#")[2]
                out.setdefault(ref.target, url)
        return [Link(target, url) for target, url in sorted(out.items())]
