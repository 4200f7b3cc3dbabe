"""Posts: source bytes -> front matter + Markdown -> a validated :class:`Post`.

Every problem becomes a :class:`Diagnostic` with the file and line it is on.
A post with an error is left out; warnings keep it.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import dates, languages, search, slugs, uri, urls
from .config import SiteConfig
from .diagnostics import Diagnostic, SourceError, describe_exception, error, megabytes, warning
from .front_matter import FrontMatter, split_front_matter
from .markdown import MarkdownOptions, Rendered, TooManyMarks, convert
from .removed_html import PREFIX as REMOVED_PREFIX
from .sanitize import sanitize_html
from .model import INTRO, PAGE, POST, Post, RefUse, SourceLink, TermList
from .refs import page_path
from .shortcodes import Context
from .shortcodes.site import SiteShortcodes
from .summary import auto_summary, reading_minutes, word_count
from .ucd import has_unassigned
from .values import Budget, ContainsItself, TooLarge, jsonable, type_name

MORE_RE = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)
KNOWN_KEYS = ("title", "description", "date", "lastmod", "draft", "tags", "categories",
              "preview", "slug", "summary", "aliases")
# Keys wasmblog also understands (Hugo's, case-insensitive as in Hugo); they stay
# in page.params too, for templates written for them.
HUGO_KEYS = ("url", "weight", "author", "authors", "publishdate", "pubdate", "expirydate", "featured_image",
             "images", "image", "headless", "keywords", "linktitle", "translationkey")
MAX_PARAM_NODES = 20_000
MAX_PARAM_CHARS = 1_000_000  # characters the unknown keys may expand to beyond the text itself


# What limits.max_elements counts: each possible HTML tag, comment or declaration (a "<" before a
# letter, "/", "!" or "?") and each run of emphasis marks ("*", "_", "~"), wherever they stand in the
# body. Both engines count the same source the same way, so a post over the limit is refused with the
# same error at the same line on both, before any parsing; what the parsers and the sanitizer then
# spend is bounded by it (the wasm engine's worst cases, <div>s on one line or one a line, took 0.4-0.6 s
# for 5,000 on an idle machine, twice that on a busy one: within the default 2 s deadline).
ELEMENTS = re.compile(r"<[A-Za-z/!?]|\*+|_+|~+")
# One run of inline text (a paragraph, a heading, a table cell) may hold two fifths of them as
# emphasis marks: mistune resolves emphasis in time that grows faster than the marks in one run (see
# renderer.markdown.TooManyMarks): 2,000 nested ones take 0.15 s natively, 0.4 s in wasm.
def max_marks(max_elements: int) -> int:
    """Runs of emphasis marks one paragraph, heading or table cell may hold."""
    return max(1, max_elements * 2 // 5)


def check_elements(body: str, first_line: int, limit: int) -> None:
    """Refuse a body with more than ``limit`` elements (``ELEMENTS``), naming the line where it goes over."""
    # Every element holds one of "<*_~" and no two overlap, so a body with no more of those
    # characters than ``limit`` is within it: four counts in C instead of a regex match per
    # element (0.28 s of a cProfiled cold build of 1,000 posts, where no post is near the limit).
    if body.count("<") + body.count("*") + body.count("_") + body.count("~") <= limit:
        return
    for count, m in enumerate(ELEMENTS.finditer(body), 1):
        if count > limit:
            raise SourceError(f"more than {limit:,} HTML tags and emphasis marks (runs of *, _ or ~), the "
                              "limits.max_elements of a post (raise it in site.toml, with limits.render_timeout, "
                              "if this is intended)",
                              first_line + body.count("\n", 0, m.start()))


def decode_source(data: bytes, max_bytes: int) -> str:
    """Bytes of a post as text: UTF-8 (BOM allowed) or UTF-16 with a BOM."""
    if len(data) > max_bytes:
        raise SourceError(
            f"file is {megabytes(len(data))} MB, over the {max_bytes / 1e6:g} MB limit "
            "(raise limits.max_file_mb in site.toml if this is intended)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:  # exc.reason is Python's wording: not used
            raise SourceError(f"not valid UTF-16 despite its byte-order mark (bad data at byte {exc.start}: "
                              "an odd number of bytes, or half of a surrogate pair)") from None
    elif b"\x00" in data[:8192]:  # an image or archive saved as .md: say so, not "invalid UTF-8"
        raise SourceError("contains NUL bytes: this looks like a binary file, not Markdown",
                          data.count(b"\n", 0, data.index(b"\x00")) + 1)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            offset = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
            line = data.count(b"\n", 0, offset) + 1
            start = data.rfind(b"\n", 0, offset) + 1
            col = len(data[start:offset].decode("utf-8", "replace")) + 1  # in characters, as editors count
            raise SourceError(
                f"not valid UTF-8: byte 0x{data[offset]:02x} at column {col}; save the file as UTF-8",
                line) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise SourceError("contains NUL bytes: this looks like a binary file, not Markdown", line)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _string(fm: FrontMatter, key: str, default: str = "") -> str:
    value = fm.data.get(key)
    if value is None:
        return default
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    raise SourceError(f"'{key}' must be text, not {type_name(value)}", fm.lines.get(key, 1))


def _string_list(fm: FrontMatter, key: str) -> list[str]:
    value = fm.data.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if not isinstance(value, list):
        raise SourceError(f"'{key}' must be a list of text such as [\"a\", \"b\"], not {type_name(value)}",
                          fm.lines.get(key, 1))
    out: list[str] = []
    lines = fm.item_lines.get(key, [])
    for i, item in enumerate(value):
        if not isinstance(item, str):
            line = lines[i] if i < len(lines) else fm.lines.get(key, 1)
            hint = f" (quote it: \"{item}\")" if isinstance(item, (int, float)) and not isinstance(item, bool) else ""
            raise SourceError(f"'{key}' item {i + 1} must be text, not {type_name(item)}{hint}", line)
        item = item.strip()
        if key in ("tags", "categories") and slugs.too_long(slugs.slugify(item)):
            line = lines[i] if i < len(lines) else fm.lines.get(key, 1)
            raise SourceError(f"'{key}' item {i + 1} is too long to make a URL from "
                              f"(over {slugs.MAX_SLUG_BYTES} bytes)", line)
        if item and item not in out:
            out.append(item)
    return out


def _params(params: dict[str, Any], raw_chars: int) -> Any:
    """The unknown front-matter keys as JSON data, within bounds: YAML aliases
    can expand a few lines into millions of values."""
    # Written out in full, front matter always fits; only aliases can expand
    # it past its own size (a 2 MB string referenced 1,000 times).
    try:
        return jsonable(params, Budget(MAX_PARAM_NODES, max(MAX_PARAM_CHARS, raw_chars)))
    except TooLarge:
        raise SourceError(f"front matter expands to more than {MAX_PARAM_NODES:,} values or "
                          f"{MAX_PARAM_CHARS:,} characters (YAML aliases?); simplify it") from None
    except ContainsItself:
        raise SourceError("front matter contains itself (a YAML alias inside its own anchor, "
                          "such as 'x: &a [*a]')") from None


_SAFE_SCHEMES = ("http:", "https:")


def _safe_url(url: str) -> bool:
    """An http(s) URL or a path (what ``preview`` may be): no ``javascript:``,
    ``data:`` or other schemes, however spelled."""
    plain = re.sub(r"[\x00-\x20\x7f]+", "", url).lower()
    if plain.startswith(_SAFE_SCHEMES) or plain.startswith(("/", "#", "?", ".")):
        return not uri.backslash_host(url)
    return ":" not in plain.split("/", 1)[0] and not any(slugs.is_control(ch) for ch in url)


def title_from_filename(path: str) -> str:
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if stem == "index" and "/" in path:
        stem = path.rsplit("/", 2)[-2]
    words = re.sub(r"[-_]+", " ", stem).strip()
    if not words:
        return "Untitled"
    first = words[:1].upper()
    if has_unassigned(first):  # e.g. 'ƛ'.upper() is U+A7DC from Unicode 16 on: keep it as written
        first = words[:1]
    return first + words[1:]


def default_slug(path: str) -> str:
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if stem in ("index", "_index") and "/" in path.rstrip("/"):
        stem = path.rsplit("/", 2)[-2]
    return slugs.slugify(stem)


# How the host lists a bundle image's size with its path: "blog/x/a.jpg\x00640x480" (wasm_host/site/images.py).
SIZE_MARK = "\x00"


def image_sizes(resources: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, tuple[int, int]]]:
    """A bundle's files as paths, and the sizes the host read of its images (by path)."""
    if not any(SIZE_MARK in r for r in resources):
        return resources, {}
    paths, sizes = [], {}
    for item in resources:
        path, _, size = item.partition(SIZE_MARK)
        paths.append(path)
        w, _, h = size.partition("x")
        if w.isdigit() and h.isdigit() and 0 < int(w) < 1 << 20 and 0 < int(h) < 1 << 20:
            sizes[path] = (int(w), int(h))
    return tuple(paths), sizes


def parse_post(path: str, data: bytes, config: SiteConfig, zone: Any, resources: tuple[str, ...] = (),
               shortcodes: SiteShortcodes | None = None,
               cascade: tuple[bytes, ...] = (), logical: str = "") -> tuple[Post | None, list[Diagnostic]]:
    """Parse one content file. Returns ``(post, diagnostics)``; ``post`` is None on
    error, and for files that publish nothing (a headless bundle, a file out of place).
    ``logical`` is its path without its language (``posts/a.fr.md`` -> ``posts/a.md``), which places it."""
    diags: list[Diagnostic] = []
    logical = logical or path
    resources, sizes = image_sizes(resources)
    where = urls.place(logical, config.layout, config.content_dir, tuple(t.plural for t in config.taxonomies))
    if where.kind == "skip":
        diags.append(warning(path, 0, f"not used: {where.note}"))
        return None, diags
    try:
        text = decode_source(data, int(config.limits.max_file_mb * 1_000_000))
        fm = split_front_matter(text, optional=config.layout == "hugo")
        if cascade and config.layout == "hugo":
            _cascade(fm, logical, cascade, config, diags)
        if fm.data.get("headless") is True and logical.rsplit("/", 1)[-1] in urls.INDEX_NAMES:
            return None, diags  # a headless bundle publishes nothing of its own
        body_line = text.count("\n", 0, len(text) - len(fm.body)) + 1
        post = _build_post(path, where, fm, body_line, config, zone, resources, shortcodes, diags, sizes)
    except SourceError as exc:
        diags.append(error(path, exc.line, exc.message))
        return None, diags
    except TooManyMarks as exc:
        first = exc.text.split("\n", 1)[0].strip()[:200]
        at = text.find(first) if first else -1
        diags.append(error(path, text.count("\n", 0, at) + 1 if at >= 0 else 0,
                           f"more than {exc.limit:,} runs of emphasis marks (*, _) in one paragraph, heading or "
                           "table cell, two fifths of limits.max_elements (raise it in site.toml, with "
                           "limits.render_timeout, if this is intended)"))
        return None, diags
    except RecursionError:
        diags.append(error(path, 0, "nested too deeply to render; flatten the lists or quotes"))
        return None, diags
    except MemoryError:
        diags.append(error(path, 0, "ran out of memory while rendering (the sandbox's cap is limits.memory_mb)"))
        return None, diags
    except Exception as exc:  # a bug or a library edge case: report it, lose only this post
        diags.append(error(path, 0, f"could not render: {describe_exception(exc)}"))
        return None, diags
    return post, diags


def _cascade_entries(value: Any) -> list[tuple[dict[str, Any], str]]:
    """A ``cascade`` value's entries: (values, the path glob of its ``_target``/``target``, "" for all)."""
    entries = value if isinstance(value, list) else [value]
    out = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        target = entry.get("_target", entry.get("target"))
        glob = target.get("path", "") if isinstance(target, dict) else ""
        out.append(({k: v for k, v in entry.items() if k not in ("_target", "target")},
                    glob if isinstance(glob, str) else ""))
    return out


def _glob(pattern: str, path: str) -> bool:
    """Hugo's target path glob (``/blog/**``, ``{/docs,/docs/**}``) on a page path, ``*`` within a segment."""
    def one(pat: str) -> bool:
        regex = "".join(".*" if part == "**" else "[^/]*" if part == "*" else re.escape(part)
                        for part in re.split(r"(\*\*|\*)", pat.lower()))
        return re.fullmatch(regex, path) is not None
    if pattern.startswith("{") and pattern.endswith("}"):
        return any(one(p.strip()) for p in pattern[1:-1].split(","))
    return one(pattern)


def _cascade(fm: FrontMatter, path: str, cascade: tuple[bytes, ...], config: SiteConfig,
             diags: list[Diagnostic]) -> None:
    """The values ``cascade`` in the _index.md files above (nearest first) sets, where the page's own front
    matter leaves them unset (a ``params`` table key by key), as Hugo applies them down the tree."""
    root = config.content_dir + "/" if config.content_dir else ""
    own = page_path(path[len(root):] if path.startswith(root) else path)
    for data in cascade:
        try:
            above = split_front_matter(decode_source(data, int(config.limits.max_file_mb * 1_000_000)), True)
        except SourceError:
            continue  # reported with that file
        for values, glob in _cascade_entries(above.data.get("cascade")):
            if glob and not _glob(glob, own):
                continue
            present = {k.lower(): k for k in fm.data}
            for key, value in values.items():
                if key.lower() == "params" and isinstance(value, dict):
                    block = fm.data.get(present.get("params", "params"))
                    if block is None:
                        block = fm.data[present.get("params", "params")] = {}
                    if isinstance(block, dict):
                        for k, v in value.items():
                            block.setdefault(k, v)
                elif key.lower() not in present:
                    fm.data[key] = value


def _get(fm: FrontMatter, *names: str) -> tuple[str, Any]:
    """The first of ``names`` in front matter, matched case-insensitively as Hugo does: (key, value)."""
    lowered = {k.lower(): k for k in fm.data}
    for name in names:
        key = lowered.get(name)
        if key is not None and fm.data[key] not in (None, ""):
            return key, fm.data[key]
    return "", None


def _date(fm: FrontMatter, key: str, zone: Any) -> Any:
    try:
        return dates.parse_date(fm.data[key], zone, key)
    except SourceError as exc:
        raise SourceError(exc.message, fm.lines.get(key, 1)) from None


def _title(path: str, where: urls.Place, fm: FrontMatter, config: SiteConfig, diags: list[Diagnostic]) -> str:
    title = _string(fm, "title").strip() if fm.data.get("title") is not None else ""
    if title:
        return title
    if where.kind == INTRO:  # a list keeps its own title: the site's, the section's, the term's
        if not where.list_url:
            return config.title
        return title_from_filename(where.list_url.rstrip("/").rsplit("/", 1)[-1] + ".md")
    title = title_from_filename(path)
    diags.append(warning(path, fm.lines.get("title", 1),
                         f"no 'title' in front matter; using {title!r} from the file name"))
    return title


def _slug(path: str, where: urls.Place, fm: FrontMatter, diags: list[Diagnostic]) -> str:
    if fm.data.get("slug") not in (None, ""):
        try:
            slug = slugs.check_segment(_string(fm, "slug"), "slug")
        except SourceError as exc:
            raise SourceError(exc.message, fm.lines.get("slug", 1)) from None
    else:
        slug = slugs.slugify(where.name) if where.name else default_slug(path)
        if not slug and where.kind != INTRO:
            raise SourceError("the file name has no letters or digits to make a URL from; "
                              "add a 'slug:' to the front matter", 1)
        if slugs.too_long(slug):
            raise SourceError(f"the file name is too long to make a URL from (over {slugs.MAX_SLUG_BYTES} "
                              "bytes); add a shorter 'slug:' to the front matter", 1)
    if slugs.is_reserved(slug):
        diags.append(warning(path, fm.lines.get("slug", 1),
                             f"slug {slug!r} is a reserved file name on Windows; the site will not "
                             "copy to a Windows machine"))
    return slug


def _url(where: urls.Place, kind: str, slug: str, title: str, date: str, fm: FrontMatter,
         config: SiteConfig) -> str:
    """The page's site-relative URL: ``url`` in front matter, a permalink pattern, or the layout's default."""
    key, value = _get(fm, "url")
    if kind == INTRO:
        return where.list_url
    if value is not None:
        try:
            return urls.url_from_front_matter(str(value))
        except SourceError as exc:
            raise SourceError(exc.message, fm.lines.get(key, 1)) from None
    pattern = next((p.url for p in config.permalinks if p.name == (where.section or "pages")), "")
    if pattern:
        try:
            return urls.expand(pattern, urls.tokens(slug, title, where.name, where.section, where.folder, date))
        except SourceError as exc:
            raise SourceError(f"permalink {pattern!r}: {exc.message}", 1) from None
    if config.layout == "wasmblog" and kind == POST:
        return f"posts/{slug}/"
    return (where.folder + "/" if where.folder else "") + f"{slug}/"


def _aliases(path: str, fm: FrontMatter, url: str, config: SiteConfig, diags: list[Diagnostic]) -> list[str]:
    aliases = []
    lines = fm.item_lines.get("aliases", [])
    for i, alias in enumerate(_string_list(fm, "aliases")):
        line = lines[i] if i < len(lines) else fm.lines.get("aliases", 1)
        if config.layout == "hugo" and not alias.startswith("/") and "://" not in alias:
            alias = urls.resolve_relative(urls.parent_url(url), alias)  # Hugo: relative to the page's folder
        try:
            aliases.append(slugs.alias_path(alias))
        except SourceError as exc:
            raise SourceError(exc.message, line) from None
        if any(slugs.is_reserved(seg.lower()) for seg in aliases[-1].split("/")):
            diags.append(warning(path, line, f"alias {alias!r} uses a reserved file name on Windows; the site "
                                             "will not copy to a Windows machine"))
    return aliases


def _preview(path: str, fm: FrontMatter, url: str, config: SiteConfig, diags: list[Diagnostic]) -> str:
    """``preview``, else Hugo's ``featured_image`` or first of ``images``: the og:image."""
    key, value = "preview", fm.data.get("preview")
    if value in (None, ""):
        key, value = _get(fm, "featured_image", "images", "image")
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if value in (None, ""):
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise SourceError(f"'{key}' must be text, not {type_name(value)}", fm.lines.get(key, 1))
    preview = str(value).strip()
    if preview and not _safe_url(preview):
        diags.append(warning(path, fm.lines.get(key, 1), f"'{key}' {preview[:80]!r} is not an http(s) URL or a "
                                                         "path on this site; left out"))
        return ""
    if preview and ":" not in preview.split("/", 1)[0] and not preview.startswith(("/", "#", "?")):
        preview = "/" + url + preview  # bundle-relative: beside the page
    return preview


def _terms(fm: FrontMatter, config: SiteConfig) -> list[TermList]:
    out = []
    for taxonomy in config.taxonomies:
        if taxonomy.plural not in ("tags", "categories") and fm.data.get(taxonomy.plural) is not None:
            out.append(TermList(taxonomy.plural, _string_list(fm, taxonomy.plural)))
    return out


def _author(fm: FrontMatter) -> str:
    key, value = _get(fm, "author", "authors")
    if isinstance(value, dict) and isinstance(value.get("name"), (str, int, float)):
        value = value["name"]  # author: {name: ..., link: ...}, as Hugo themes (Docsy's blog) read it
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if isinstance(v, (str, int, float)) and not isinstance(v, bool))
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    if value is not None:
        raise SourceError(f"'{key}' must be text or a list of names, not {type_name(value)}", fm.lines.get(key, 1))
    return ""


def _weight(fm: FrontMatter) -> int:
    key, value = _get(fm, "weight")
    if value is None:
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) > 2**31:
        raise SourceError(f"'{key}' must be a whole number, not {type_name(value)}", fm.lines.get(key, 1))
    return value


_RELATIVE_URL = re.compile(r'(\s(?:href|src)=")(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#|\?)')


def _bundle_names(path: str, resources: tuple[str, ...]) -> list[str]:
    """A bundle's files by their names inside the bundle (``images/a.png``), as Hugo's .Resources has them."""
    folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    return [r[len(folder):] for r in resources if r.startswith(folder)]


def _bundle_sizes(path: str, sizes: dict[str, tuple[int, int]]) -> dict[str, list[int]]:
    """The sizes of a bundle's images by their names inside the bundle."""
    folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    return {r[len(folder):]: list(size) for r, size in sorted(sizes.items()) if r.startswith(folder)}


def bundle_urls(html_text: str, prefix: str) -> str:
    """Relative links and images of a bundle's page made root-relative: they then work
    on lists and in feeds too, not only on the page beside its files."""
    return _RELATIVE_URL.sub(lambda m: m.group(1) + prefix, html_text) if 'src="' in html_text or \
        'href="' in html_text else html_text


def _html_body(body: str, config: SiteConfig) -> Rendered:
    """An HTML content file's body (Hugo does not run Markdown on it), through the raw-HTML policy."""
    mode = config.raw_html
    if mode == "allow":
        out = body
    elif mode == "sanitize":
        out = sanitize_html(body)
    elif mode == "escape":
        out = f"<pre>{html.escape(body, quote=False)}</pre>\n" if body.strip() else ""
    else:
        out = ""
    return Rendered(out, ())


def _param_scope(fm: FrontMatter, title: str, params: dict[str, Any]) -> dict[str, Any]:
    """What Hugo's ``.Page.Param`` (and so ``{{% param %}}``) looks in first: every front-matter key,
    lower-cased (``title``, ``date``...), the ``params:`` block's and the other keys' values; then the site's."""
    scope: dict[str, Any] = {str(k).lower(): v for k, v in fm.data.items() if k not in ("params", "cascade")}
    scope["title"] = title
    scope.update({str(k).lower(): v for k, v in params.items()})
    plain: dict[str, Any] = jsonable(scope, Budget(MAX_PARAM_NODES, max(MAX_PARAM_CHARS, fm.raw_chars)))
    return plain


@dataclass(frozen=True)
class _Input:
    """What the front-matter processors read: one file's front matter and where it sits."""

    path: str
    where: urls.Place
    fm: FrontMatter
    config: SiteConfig
    zone: Any
    diags: list[Diagnostic]  # where a processor says what it changed or could not use


@dataclass(frozen=True)
class _Header:
    """A post's fields taken from its front matter (the body's come after)."""

    title: str
    date_key: str
    publish: Any  # a datetime, or None
    moment: Any
    kind: str
    lastmod: Any
    expiry: Any
    draft: bool
    slug: str
    date_iso: str
    url: str
    aliases: list[str]
    description: str
    preview: str
    summary_text: str
    params: dict[str, Any]
    params_json: str
    unknown: list[str]
    tags: list[str]
    categories: list[str]
    terms: list[TermList]
    weight: int
    author: str


def _date_key(i: _Input, v: dict[str, Any]) -> str:
    date_key, _ = _get(i.fm, "date")
    return date_key or _get(i.fm, "publishdate", "pubdate")[0]


def _publish(i: _Input, v: dict[str, Any]) -> Any:
    publish_key, _ = _get(i.fm, "publishdate", "pubdate")
    return _date(i.fm, publish_key, i.zone) if publish_key else None


def _kind(i: _Input, v: dict[str, Any]) -> str:
    if v["date_key"] or i.where.kind != POST:
        return i.where.kind
    if i.config.layout != "hugo":
        raise SourceError("missing 'date': add a line such as 'date: 2023-11-15T17:04:04Z' "
                          "to the front matter", i.fm.lines.get("date", 1))
    return PAGE  # Hugo: a section's dateless file is a page of that section, not in lists or feeds


def _lastmod(i: _Input, v: dict[str, Any]) -> Any:
    return _date(i.fm, "lastmod", i.zone) if i.fm.data.get("lastmod") not in (None, "") else v["moment"]


def _expiry(i: _Input, v: dict[str, Any]) -> Any:
    expiry_key, _ = _get(i.fm, "expirydate")
    return _date(i.fm, expiry_key, i.zone) if expiry_key else None


def _draft(i: _Input, v: dict[str, Any]) -> bool:
    draft = i.fm.data.get("draft", False)
    if draft is None:
        return False
    if not isinstance(draft, bool):
        raise SourceError(f"'draft' must be true or false, not {type_name(draft)}", i.fm.lines.get("draft", 1))
    return draft


def _page_params(i: _Input, v: dict[str, Any]) -> dict[str, Any]:
    params = {k: val for k, val in i.fm.data.items() if k not in KNOWN_KEYS}
    block = params.pop("params", None) if i.config.layout == "hugo" else None
    if isinstance(block, dict):  # Hugo's `params:` block: its keys are the page's params
        params.update(block)
    elif block is not None:
        params["params"] = block
    return params


def _unknown(i: _Input, v: dict[str, Any]) -> list[str]:
    if i.config.layout != "hugo":
        return []
    understood = {*HUGO_KEYS, *(t.plural for t in i.config.taxonomies)}
    return [k for k in i.fm.data if k not in KNOWN_KEYS and k.lower() not in understood and
            k.lower() not in ("params", "cascade")]


Processor = Callable[[_Input, dict[str, Any]], Any]

# Each of a post's front-matter fields and how it is made (as Pelican's
# METADATA_PROCESSORS): a processor reads the front matter and the fields made
# above it, so a new key is one line here and one function. In this order: the
# diagnostics come out in it, and url needs kind, slug, title and date.
HEADER_PROCESSORS: tuple[tuple[str, Processor], ...] = (
    ("title", lambda i, v: _title(i.path, i.where, i.fm, i.config, i.diags)),
    ("date_key", _date_key),
    ("kind", _kind),
    ("moment", lambda i, v: _date(i.fm, v["date_key"], i.zone) if v["date_key"] else None),
    ("publish", _publish),
    ("lastmod", _lastmod),
    ("expiry", _expiry),
    ("draft", _draft),
    ("slug", lambda i, v: _slug(i.path, i.where, i.fm, i.diags)),
    ("date_iso", lambda i, v: dates.to_iso(v["moment"]) if v["moment"] else ""),
    ("url", lambda i, v: _url(i.where, v["kind"], v["slug"], v["title"], v["date_iso"], i.fm, i.config)),
    ("aliases", lambda i, v: _aliases(i.path, i.fm, v["url"], i.config, i.diags)),
    ("description", lambda i, v: _string(i.fm, "description").strip()),
    ("preview", lambda i, v: _preview(i.path, i.fm, v["url"], i.config, i.diags)),
    ("summary_text", lambda i, v: _string(i.fm, "summary").strip()),
    ("params", _page_params),
    ("params_json", lambda i, v: json.dumps(_params(v["params"], i.fm.raw_chars), ensure_ascii=False)),
    ("unknown", _unknown),
    ("tags", lambda i, v: _string_list(i.fm, "tags")),
    ("categories", lambda i, v: _string_list(i.fm, "categories")),
    ("terms", lambda i, v: _terms(i.fm, i.config)),
    ("weight", lambda i, v: _weight(i.fm)),
    ("author", lambda i, v: _author(i.fm)),
)


def _header(source: _Input) -> _Header:
    values: dict[str, Any] = {}
    for name, process in HEADER_PROCESSORS:
        values[name] = process(source, values)
    return _Header(**values)


def _build_post(path: str, where: urls.Place, fm: FrontMatter, body_line: int, config: SiteConfig, zone: Any,
                resources: tuple[str, ...], shortcodes: SiteShortcodes | None, diags: list[Diagnostic],
                sizes: dict[str, tuple[int, int]] | None = None) -> Post:
    h = _header(_Input(path, where, fm, config, zone, diags))
    options = markdown_options(config)
    page = {"title": h.title, "params": json.loads(h.params_json), "url": h.url, "section": where.section,
            "source": path, "kind": h.kind, "param_scope": _param_scope(fm, h.title, json.loads(h.params_json))}
    if shortcodes is not None and shortcodes.go is not None or options.link_hook:  # Go templates' .Page
        rel = config.base_path + h.url.lstrip("/")
        prefix = config.content_dir + "/" if config.content_dir else ""
        page.update(file=path[len(prefix):] if prefix and path.startswith(prefix) else path, date=h.date_iso,
                    lastmod=dates.to_iso(h.lastmod) if h.lastmod else "",
                    publish_date=dates.to_iso(h.publish) if h.publish else "", draft=h.draft, slug=h.slug,
                    description=h.description, resources=_bundle_names(path, resources), rel_permalink=rel,
                    image_sizes=_bundle_sizes(path, sizes or {}),
                    permalink=config.site_root + rel)
    site = {"title": config.title, "base_url": languages.site_base_url(config), "params": config.params,
            "language": config.language, **languages.go_site(config)}

    def context(line: int) -> Context:
        return Context(source=path, line=line, page=page, site=site, templates=shortcodes)

    body = fm.body
    is_html = config.layout == "hugo" and path.endswith((".html", ".htm"))  # Hugo's HTML content file
    check_elements(body, body_line, config.limits.max_elements)
    more = None if is_html else MORE_RE.search(body)
    if more:
        head = body[:more.start()]
        rendered = convert(body[:more.start()] + body[more.end():], options, context(body_line))
        words = word_count(rendered.html)
        summary = convert(head, options, context(body_line))
        summary_html = summary.html.strip()
        truncated = True
    else:
        rendered = _html_body(body, config) if is_html else convert(body, options, context(body_line))
        words = word_count(rendered.html)
        summary = None
        if h.summary_text:
            summary = convert(h.summary_text, options, context(fm.lines.get("summary", 1)))
            summary_html = summary.html.strip()
            truncated = True
        else:
            summary_html, truncated = auto_summary(rendered.html, config.summary_words, words)
    notes = [*rendered.notes, *(summary.notes if summary else ())]
    if more and summary is not None:  # the summary is the body's head: the body's warning says what was removed
        notes = [*rendered.notes, *(n for n in summary.notes if not n.message.startswith(REMOVED_PREFIX))]
    for note in sorted(set(notes), key=lambda n: (n.line, n.message)):
        diags.append(warning(path, note.line, note.message))
    refs = list(dict.fromkeys(RefUse(t, line) for t, line in (*rendered.refs, *(summary.refs if summary else ()))))
    content_html = rendered.html
    if resources:
        prefix = config.base_path + h.url
        content_html, summary_html = bundle_urls(content_html, prefix), bundle_urls(summary_html, prefix)
    links = link_lines(rendered.links, body, body_line)
    if summary is not None and not more:  # from the front matter's summary: its line
        line = fm.lines.get("summary", 1)
        links += [link for link in dict.fromkeys(SourceLink(url, line) for _, url in summary.links)
                  if link not in links]
    search_terms = ""
    if config.search_enabled and h.kind == POST:
        names = [*h.tags, *h.categories, *(name for t in h.terms for name in t.terms)]
        search_terms = search.post_terms(h.title, h.description, content_html, names)
    return Post(
        source=path,
        slug=h.slug,
        title=h.title,
        description=h.description,
        date=h.date_iso,
        timestamp=dates.to_micros(h.moment) if h.moment else 0,
        lastmod=dates.to_iso(h.lastmod) if h.lastmod else "",
        draft=h.draft,
        tags=h.tags,
        categories=h.categories,
        aliases=h.aliases,
        preview=h.preview,
        summary_html=summary_html,
        content_html=content_html,
        toc_html=rendered.toc_html,
        toc_count=len(rendered.toc),
        truncated=truncated,
        word_count=words,
        reading_time=reading_minutes(words, config.words_per_minute),
        params_json=h.params_json,
        kind=h.kind,
        section=where.section,
        url=h.url,
        terms=h.terms,
        weight=h.weight,
        author=h.author,
        expiry=dates.to_micros(h.expiry) if h.expiry else 0,
        publish=dates.to_micros(h.publish) if h.publish else 0,
        resources=list(resources),
        refs=refs,
        unknown_keys=h.unknown,
        search_terms=search_terms,
        links=links,
    )


MAX_LINK_RESCANS = 200  # searches from the top per post, at most (then a link's line is 0)
_URL_END = frozenset(" \t\n)>\"']")  # what may follow a destination as written


def _find_url(body: str, written: str, start: int = 0) -> int:
    """Where ``written`` occurs in ``body`` from ``start`` as a whole destination
    (``/u1`` is not found inside ``/u12``), or -1."""
    pos = body.find(written, start)
    end = len(written)
    while pos >= 0 and pos + end < len(body) and body[pos + end] not in _URL_END:
        pos = body.find(written, pos + 1)
    return pos


def link_lines(links: tuple[tuple[str, str], ...], body: str, first_line: int) -> list[SourceLink]:
    """Each link of a rendered body with the line it was written on.

    mistune keeps no positions, so each destination is looked for in the
    body as written, from where the previous one was found (links are
    rendered in document order; footnotes, rendered last, and reference
    definitions are found by looking from the top again). A destination
    that cannot be found as written (escapes, entities) gets line 0. The
    work is linear in the body: a destination missing after the cursor is
    not searched for again from there, and only MAX_LINK_RESCANS searches
    start from the top (20,000 references to one definition took seconds).
    """
    out: dict[SourceLink, None] = {}
    cursor = cursor_line = 0  # where the previous one was found, and its line in the body
    top: dict[str, tuple[int, int]] = {}  # written -> (first position, its line), or (-1, 0)
    none_after: dict[str, int] = {}  # written -> a position after which it does not occur
    rescans = 0
    for written, url in links:
        pos = -1
        if written and none_after.get(written, len(body) + 1) > cursor:
            pos = _find_url(body, written, cursor)
            if pos >= 0:
                cursor_line += body.count("\n", cursor, pos)
            else:
                none_after[written] = cursor
        if pos < 0 and written:
            if written not in top and rescans < MAX_LINK_RESCANS:
                rescans += 1
                first = _find_url(body, written)
                top[written] = (first, body.count("\n", 0, first)) if first >= 0 else (-1, 0)
            pos, line = top.get(written, (-1, 0))
            if pos >= 0:
                cursor_line = line
        if pos >= 0:
            cursor = pos + len(written)
            cursor_line += written.count("\n")
        out.setdefault(SourceLink(url, first_line + cursor_line if pos >= 0 else 0))
    return list(out)


def markdown_options(config: SiteConfig) -> MarkdownOptions:
    """The site's Markdown settings as render options."""
    return MarkdownOptions(
        extensions=True,
        raw_html=config.raw_html,
        highlight=config.highlight,
        heading_ids=True,
        base_path=languages.site_base_path(config),
        toc_min_level=config.toc_min_level,
        toc_max_level=config.toc_max_level,
        max_nesting=config.limits.max_nesting,
        typographer=config.typographer,
        definition_lists=config.definition_lists,
        heading_attributes=config.heading_attributes,
        block_attributes=config.block_attributes,
        heading_id_type=config.heading_id_type,
        hard_wraps=config.hard_wraps,
        markup=config.markup,
        link_hook=config.link_hook,
        linkify=config.linkify,
        max_marks=max_marks(config.limits.max_elements),
    )
