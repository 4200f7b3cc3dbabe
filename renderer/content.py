"""Posts: source bytes -> front matter + Markdown -> a validated :class:`Post`.

Every problem becomes a :class:`Diagnostic` with the file and line it is on.
A post with an error is left out; warnings keep it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import dates, slugs
from .config import SiteConfig
from .diagnostics import Diagnostic, SourceError, describe_exception, error, megabytes, warning
from .front_matter import FrontMatter, split_front_matter
from .markdown import MarkdownOptions, convert
from .model import Post
from .summary import auto_summary, reading_minutes, word_count
from .ucd import has_unassigned
from .values import Budget, ContainsItself, TooLarge, jsonable, type_name

MORE_RE = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)
KNOWN_KEYS = ("title", "description", "date", "lastmod", "draft", "tags", "categories",
              "preview", "slug", "summary", "aliases")
MAX_PARAM_NODES = 20_000
MAX_PARAM_CHARS = 1_000_000  # characters the unknown keys may expand to beyond the text itself


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
        return not plain.startswith("/\\")
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


def parse_post(path: str, data: bytes, config: SiteConfig, zone: Any) -> tuple[Post | None, list[Diagnostic]]:
    """Parse one post. Returns ``(post, diagnostics)``; ``post`` is None on error."""
    diags: list[Diagnostic] = []
    try:
        text = decode_source(data, int(config.limits.max_file_mb * 1_000_000))
        fm = split_front_matter(text)
        post = _build_post(path, fm, config, zone, diags)
    except SourceError as exc:
        diags.append(error(path, exc.line, exc.message))
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


def _build_post(path: str, fm: FrontMatter, config: SiteConfig, zone: Any,
                diags: list[Diagnostic]) -> Post:
    if "title" in fm.data and fm.data["title"] is not None:
        title = _string(fm, "title").strip()
    else:
        title = ""
    if not title:
        title = title_from_filename(path)
        diags.append(warning(path, fm.lines.get("title", 1),
                             f"no 'title' in front matter; using {title!r} from the file name"))

    if fm.data.get("date") in (None, ""):
        raise SourceError("missing 'date': add a line such as 'date: 2023-11-15T17:04:04Z' "
                          "to the front matter", fm.lines.get("date", 1))
    try:
        moment = dates.parse_date(fm.data["date"], zone, "date")
    except SourceError as exc:
        raise SourceError(exc.message, fm.lines.get("date", 1)) from None
    lastmod_moment = moment
    if fm.data.get("lastmod") not in (None, ""):
        try:
            lastmod_moment = dates.parse_date(fm.data["lastmod"], zone, "lastmod")
        except SourceError as exc:
            raise SourceError(exc.message, fm.lines.get("lastmod", 1)) from None

    draft = fm.data.get("draft", False)
    if draft is None:
        draft = False
    if not isinstance(draft, bool):
        raise SourceError(f"'draft' must be true or false, not {type_name(draft)}", fm.lines.get("draft", 1))

    if fm.data.get("slug") not in (None, ""):
        try:
            slug = slugs.check_segment(_string(fm, "slug"), "slug")
        except SourceError as exc:
            raise SourceError(exc.message, fm.lines.get("slug", 1)) from None
    else:
        slug = default_slug(path)
        if not slug:
            raise SourceError("the file name has no letters or digits to make a URL from; "
                              "add a 'slug:' to the front matter", 1)
        if slugs.too_long(slug):
            raise SourceError(f"the file name is too long to make a URL from (over {slugs.MAX_SLUG_BYTES} "
                              "bytes); add a shorter 'slug:' to the front matter", 1)
    if slugs.is_reserved(slug):
        diags.append(warning(path, fm.lines.get("slug", 1),
                             f"slug {slug!r} is a reserved file name on Windows; the site will not "
                             "copy to a Windows machine"))

    aliases = []
    for i, alias in enumerate(_string_list(fm, "aliases")):
        try:
            aliases.append(slugs.alias_path(alias))
            if any(slugs.is_reserved(seg.lower()) for seg in aliases[-1].split("/")):
                lines = fm.item_lines.get("aliases", [])
                diags.append(warning(path, lines[i] if i < len(lines) else fm.lines.get("aliases", 1),
                                     f"alias {alias!r} uses a reserved file name on Windows; the site will not "
                                     "copy to a Windows machine"))
        except SourceError as exc:
            lines = fm.item_lines.get("aliases", [])
            raise SourceError(exc.message, lines[i] if i < len(lines) else fm.lines.get("aliases", 1)) from None

    tags = _string_list(fm, "tags")
    categories = _string_list(fm, "categories")
    description = _string(fm, "description").strip()
    preview = _string(fm, "preview").strip()
    if preview and not _safe_url(preview):
        diags.append(warning(path, fm.lines.get("preview", 1),
                             f"'preview' {preview[:80]!r} is not an http(s) URL or a path on this site; "
                             "left out"))
        preview = ""
    summary_text = _string(fm, "summary").strip()

    params = {k: v for k, v in fm.data.items() if k not in KNOWN_KEYS}
    params_json = json.dumps(_params(params, fm.raw_chars), ensure_ascii=False)

    options = markdown_options(config)
    body = fm.body
    more = MORE_RE.search(body)
    if more:
        head = body[:more.start()]
        rendered = convert(body[:more.start()] + body[more.end():], options)
        summary_html = convert(head, options).html.strip()
        truncated = True
    else:
        rendered = convert(body, options)
        if summary_text:
            summary_html = convert(summary_text, options).html.strip()
            truncated = True
        else:
            summary_html, truncated = auto_summary(rendered.html, config.summary_words)
    words = word_count(rendered.html)
    return Post(
        source=path,
        slug=slug,
        title=title,
        description=description,
        date=dates.to_iso(moment),
        timestamp=dates.to_micros(moment),
        lastmod=dates.to_iso(lastmod_moment),
        draft=draft,
        tags=tags,
        categories=categories,
        aliases=aliases,
        preview=preview,
        summary_html=summary_html,
        content_html=rendered.html,
        toc_html=rendered.toc_html,
        toc_count=len(rendered.toc),
        truncated=truncated,
        word_count=words,
        reading_time=reading_minutes(words, config.words_per_minute),
        params_json=params_json,
    )


def markdown_options(config: SiteConfig) -> MarkdownOptions:
    """The site's Markdown settings as render options."""
    return MarkdownOptions(
        extensions=True,
        raw_html=config.raw_html,
        highlight=config.highlight,
        heading_ids=True,
        base_path=config.base_path,
        toc_min_level=config.toc_min_level,
        toc_max_level=config.toc_max_level,
        max_nesting=config.limits.max_nesting,
    )
