"""``ref`` and ``relref``: a post names another by its file, resolved to its URL when the site is planned.

On a Hugo site, a target is looked up as Hugo 0.168 does (``pageFinder.getContentNode``; each rule was
checked against the pinned Hugo, ``tests/builds/test_hugo_content.py``): first relative to the page's
folder (a bundle's ``blog/a/index.md`` is in ``blog/``: ``b/index.md`` and ``./b`` name ``blog/b``), and a
target with an extension also relative to the file itself (``../c.md``); a target starting with ``.``
stops there; then from the content folder's root (``docs/sub``, ``/docs/sub/page.md``); then, when it has
no ``/`` at all, by its name alone (``c``, or a bundle's or section's folder name), unless two pages have
that name. ``index.md``/``_index.md`` and extensions are not part of a page's path.

On wasmblog's own sites, a target matches a page by its content path, with or without the extension
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
# How the warning about a ref that resolves nowhere starts: ``wasmblog check`` makes it an error, as Hugo
# fails the build (REF_NOT_FOUND).
UNRESOLVED_REF = "shortcode ref"
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


def ref_key(source: str, target: str) -> str:
    """How a page's job names the ref ``target`` of the post in ``source``: relative targets mean
    different pages in different posts."""
    return f"{source}\x00{target}"


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


AMBIGUOUS = "\x00ambiguous"  # a name two pages have


def _join(base: str, ref: str) -> str:
    """``ref`` joined to the folder ``base`` ("/blog"), ``.`` and ``..`` resolved (above the root: stays at it)."""
    segments = [s for s in base.split("/") if s]
    for part in ref.split("/"):
        if part == "..":
            if segments:
                segments.pop()
        elif part not in ("", "."):
            segments.append(part)
    return "/" + "/".join(segments)


def _has_ext(ref: str) -> bool:
    return "." in ref.rsplit("/", 1)[-1].lstrip(".")


def page_path(rel: str) -> str:
    """A content file's page path as Hugo has it: ``/blog/a`` for ``blog/a.md``, ``blog/a/index.md`` and
    ``blog/a/_index.md``; ``/`` for the home page; lower case."""
    path = "/" + rel.strip("/")
    last = path.rsplit("/", 1)
    if _has_ext(last[-1]):
        path = last[0] + "/" + last[-1].rsplit(".", 1)[0]
    for index in ("/index", "/_index"):
        if path.endswith(index):
            path = path[:-len(index)]
    return (path or "/").lower()


class RefIndex:
    """Every published page's names, and the URL each leads to."""

    def __init__(self, pages: Sequence[Post], config: SiteConfig) -> None:
        root = config.content_dir + "/" if config.content_dir else ""
        self.hugo = config.layout == "hugo"
        self.root = root
        self.paths: dict[str, str] = {}  # Hugo's page path -> URL
        self.files: dict[str, str] = {}  # content-relative file, lower case -> URL
        self.by_base: dict[str, set[str]] = {}
        by_base = self.by_base
        for page in sorted(pages, key=lambda p: p.source):
            rel = page.source[len(root):] if page.source.startswith(root) else page.source
            path = page_path(rel)
            self.paths.setdefault(path, page.url_path)
            self.files.setdefault("/" + rel.lower(), page.url_path)
            by_base.setdefault(path.rsplit("/", 1)[-1], set()).add(page.url_path)
        self.by_name = {k: (next(iter(v)) if len(v) == 1 else AMBIGUOUS) for k, v in by_base.items() if k}
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

    def resolve(self, target: str, source: str = "") -> str | None:
        """The URL (site-relative path, with its #anchor) ``target`` names from the page in the content file
        ``source``, or None."""
        path, _, anchor = target.partition("#")
        if self.hugo and path.strip():
            url = self._hugo(path.strip(), source)
            return None if url is None or url == AMBIGUOUS else url + (f"#{anchor}" if anchor else "")
        key = path.strip().lstrip("./").strip("/").casefold()
        url = self.exact.get(key) or self.exact.get(("/" + key).rstrip("/")) or self.names.get(key)
        if url is None and not path.strip():
            url = ""  # "#anchor" alone: this page
        if url is None:
            return None
        return url + (f"#{anchor}" if anchor else "")

    def add_section(self, folder: str, url: str) -> None:
        """A section's list page (its folder in the content folder, its URL), when no _index.md names it."""
        path = page_path(folder + "/_index.md")
        if path in self.paths:
            return
        self.paths[path] = url
        name = path.rsplit("/", 1)[-1]
        self.by_base.setdefault(name, set()).add(url)
        self.by_name[name] = next(iter(self.by_base[name])) if len(self.by_base[name]) == 1 else AMBIGUOUS

    def _hugo(self, ref: str, source: str) -> str | None:
        """Hugo's lookup (see the module's docstring): a URL, :data:`AMBIGUOUS`, or None."""
        ref = ref.replace("\\", "/")
        ref = ref.rstrip("/") or "/"
        ext = _has_ext(ref)
        rel = source[len(self.root):] if source.startswith(self.root) else source
        if source and not ref.startswith("/"):
            base = page_path(rel).rsplit("/", 1)[0]
            url = self.paths.get(page_path(_join(base, ref)))
            if url is None and ext:
                url = self.files.get(_join("/" + rel.rsplit("/", 1)[0] if "/" in rel else "/", ref).lower())
            if url is not None:
                return url
        if ref.startswith("."):
            return None
        url = self.paths.get(page_path(_join("/", ref)))
        if url is None and ext:
            url = self.files.get(_join("/", ref).lower())
        if url is None and "/" not in ref:
            url = self.by_name.get(page_path(ref).lstrip("/"))
        return url

    def links(self, posts: Sequence[Post], diags: list[Diagnostic]) -> list[Link]:
        """``(target, URL)`` for every ref the posts use; unknown targets reported and sent to ``#``."""
        out: dict[str, str] = {}
        for post in posts:
            for ref in post.refs:
                url = self.resolve(ref.target, post.source)
                if url is None and (post.source, ref.line, ref.target) not in self.reported:
                    self.reported.add((post.source, ref.line, ref.target))
                    name = page_path(ref.target.partition("#")[0]).lstrip("/")
                    why = (f"two or more pages are named {name!r}; write its path" if self.hugo and
                           self.by_name.get(name) == AMBIGUOUS else "no page of the site has that path")
                    diags.append(warning(post.source, ref.line, f"{UNRESOLVED_REF} {ref.target!r}: {why}; the "
                                                                "link goes nowhere"))
                if url is None:
                    url = UNRESOLVED
                elif url == "" and "#" in ref.target:
                    url = post.url_path + "#" + ref.target.partition("#")[2]
                out.setdefault(ref_key(post.source, ref.target), url)
        return [Link(target, url) for target, url in sorted(out.items())]
