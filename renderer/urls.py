"""Where content lands: a source path -> what it is (post, page, intro) and its URL.

Two layouts:

- ``wasmblog``: ``posts/**`` are posts (URL ``posts/SLUG/``, whatever the
  folders), ``pages/**`` standalone pages (``pages/about.md`` -> ``about/``),
  ``_index.md`` the home page's intro, ``posts/_index.md`` the post list's,
  ``TAXONOMY/_index.md`` and ``TAXONOMY/TERM/_index.md`` a taxonomy's and a
  term's.
- ``hugo``: under ``content_dir``, ``SECTION/**`` are posts of that section
  (dateless ones are pages) at ``SECTION/FOLDERS/SLUG/`` as Hugo puts them,
  top-level files and bundles are pages, ``_index.md`` files the intros.

A bundle is a folder with an ``index.md``: its page takes the folder's name
and its other files are copied next to the page. ``permalinks`` patterns
(``/:year/:month/:slug/``) override a section's default URL, ``url`` in front
matter a page's. The host only reads files; these rules are the core's, so
both engines put every page in the same place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .diagnostics import SourceError
from .slugs import MAX_SLUG_BYTES, is_control, slugify, term_slug

INDEX_NAMES = ("index.md", "index.markdown")
INTRO_NAMES = ("_index.md", "_index.markdown")
# Top-level URL folders a taxonomy may not take: the site's own.
RESERVED_PATHS = frozenset(("css", "page", "posts", "pages"))
TOKENS = ("year", "month", "monthname", "day", "slug", "title", "filename", "contentbasename",
          "slugorfilename", "slugorcontentbasename", "section", "sections")
_TOKEN = re.compile(r":([a-z]+)")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")


@dataclass(frozen=True)
class Place:
    """What a content file is, from its path alone."""

    kind: str  # post (a page if it has no date, in Hugo sections) | page | intro | skip
    section: str = ""
    folder: str = ""  # the URL folder its default URL starts from ("post/2023", "" at the top)
    name: str = ""  # file stem, or the bundle's folder name
    list_url: str = ""  # intros: the URL of the list they introduce ("" home, "posts/", "tags/go/")
    taxonomy: str = ""  # intros of taxonomy and term pages
    note: str = ""  # kind skip: why


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0]


def _slug_folder(parts: list[str]) -> str:
    return "/".join(s for s in (slugify(p) for p in parts) if s)


def place(path: str, layout: str, content_dir: str, taxonomies: tuple[str, ...]) -> Place:
    """What the content file at site-relative ``path`` is (see the module's docstring)."""
    root = content_dir + "/" if content_dir else ""
    if root and not path.startswith(root):
        return Place("skip", note=f"not under {content_dir}/")
    parts = path[len(root):].split("/")
    name = parts[-1]
    bundle = name in INDEX_NAMES or (layout == "hugo" and name in ("index.html", "index.htm"))
    intro = name in INTRO_NAMES
    folders = parts[:-1]
    if intro:
        if not folders:
            return Place("intro", list_url="")
        if folders[0] in taxonomies and len(folders) <= 2:
            term = term_slug(folders[1]) if len(folders) == 2 else ""
            url = f"{folders[0]}/" + (f"{term}/" if term else "")
            return Place("intro", list_url=url, taxonomy=folders[0])
        if layout == "hugo":  # a section at any depth: Hugo's URL is its folders' path
            url = _slug_folder(folders)
            return Place("intro", section=folders[0], folder=url, list_url=f"{url}/" if url else "")
        if layout == "wasmblog" and folders == ["posts"]:
            return Place("intro", section="posts", list_url="posts/")
        return Place("skip", note="an _index.md of a nested section: its posts are listed in the section "
                                  "above it, and this intro is not used")
    stem = folders[-1] if bundle and folders else _stem(name)
    container = folders[:-1] if bundle else folders
    if layout == "hugo":
        if not container:
            return Place("page", folder="", name=stem)
        return Place("post", section=container[0], folder=_slug_folder(container), name=stem)
    if parts[0] == "posts" and len(parts) > 1:
        return Place("post", section="posts", folder="posts", name=stem)
    if parts[0] == "pages" and len(parts) > 1:
        return Place("page", folder=_slug_folder(container[1:]), name=stem)
    return Place("skip", note="not under posts/ or pages/")


def permalink_problem(pattern: str) -> str:
    """Why ``pattern`` is not a usable permalink, or ""."""
    unknown = sorted({t for t in _TOKEN.findall(pattern) if t not in TOKENS})
    if unknown:
        return f"unknown token :{unknown[0]} (known: {', '.join(':' + t for t in TOKENS)})"
    if ".." in pattern or "\\" in pattern or any(is_control(ch) for ch in pattern):
        return "it must be a path such as /:year/:month/:slug/"
    return ""


def expand(pattern: str, values: dict[str, str]) -> str:
    """A permalink pattern with its tokens replaced: a site-relative URL path ending in '/'."""
    text = _TOKEN.sub(lambda m: values.get(m.group(1), ""), pattern)
    segments = [s for s in text.split("/") if s]
    return folder_url(segments)


def folder_url(segments: list[str]) -> str:
    """``a/b/`` from segments, each checked: no '.', '..', control characters or overlong parts."""
    for seg in segments:
        if seg in (".", "..") or any(is_control(ch) for ch in seg) or "\\" in seg:
            raise SourceError(f"URL part {seg!r} is not allowed")
        if len(seg.encode("utf-8", "surrogatepass")) > MAX_SLUG_BYTES:
            raise SourceError(f"URL part {seg[:40]!r}... is longer than {MAX_SLUG_BYTES} bytes")
    return "".join(f"{seg}/" for seg in segments)


def tokens(slug: str, title: str, name: str, section: str, folder: str, date: str) -> dict[str, str]:
    """The values of a permalink's tokens for one page (``date`` is RFC 3339, or "")."""
    year, month, day = (date[:4], date[5:7], date[8:10]) if date else ("", "", "")
    title_slug = slugify(title)
    return {
        "year": year, "month": month, "day": day,
        "monthname": _MONTHS[int(month) - 1] if month.isdigit() and 1 <= int(month) <= 12 else "",
        "slug": slug or title_slug, "title": title_slug, "filename": slugify(name),
        "contentbasename": slugify(name), "slugorfilename": slug or slugify(name),
        "slugorcontentbasename": slug or slugify(name), "section": slugify(section), "sections": folder,
    }


# What a `url` or alias may not hold, checked by the core so that the error names the post and line
# (the host would refuse the output path later, naming neither): a scheme's colon, markup characters,
# NUL and other control characters.
PATH_CHARS_RULE = "no ':', '<', '>', '\"', NUL or control characters"


def bad_path_chars(value: str) -> bool:
    """Whether ``value`` (a ``url`` or alias) holds a character no URL path of the site may have."""
    return any(ch in ':<>"' or is_control(ch) for ch in value)


def url_from_front_matter(value: str) -> str:
    """``url: /about-us/`` as a site-relative URL path (a folder, or a file ending in .html)."""
    path = value.strip().split("#", 1)[0].split("?", 1)[0]
    if "://" in path or path.startswith("//"):
        raise SourceError(f"'url' {value!r} must be a path on this site, not a URL")
    if bad_path_chars(value):
        raise SourceError(f"'url' {value!r} must be a path on this site: {PATH_CHARS_RULE}")
    segments = [s for s in path.split("/") if s]
    if not segments:
        raise SourceError(f"'url' {value!r} is the home page's URL; give the page its own")
    if segments[-1].endswith((".html", ".htm")):
        return folder_url(segments)[:-1]
    return folder_url(segments)


def output_path(url: str) -> str:
    """The file a page at ``url`` is written to."""
    return url if url.endswith((".html", ".htm")) else url + "index.html"


def parent_url(url: str) -> str:
    """The folder a page's URL is in (relative aliases and refs resolve against it)."""
    trimmed = url.rstrip("/")
    return trimmed.rsplit("/", 1)[0] + "/" if "/" in trimmed else ""


def resolve_relative(folder: str, path: str) -> str:
    """``path`` (``x/``, ``../x``, ``./x.html``) resolved against the site-relative ``folder`` (``a/b/``) as
    a root-relative path; ``..`` above the site's root stays at the root, as a browser resolves it."""
    segments = [s for s in folder.split("/") if s]
    parts = path.split("/")
    for i, part in enumerate(parts):
        if part == "..":
            if segments:
                segments.pop()
        elif part not in ("", ".") or i == len(parts) - 1:
            segments.append(part)
    return "/" + "/".join(segments)
