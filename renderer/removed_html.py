"""What the sanitizer takes out of a post, said; and common embeds kept, as cards.

With ``raw_html = "sanitize"`` a post's raw HTML outside the allow-list
(``renderer.sanitize``) is removed. Two things happen first, on the rendered
body, before the sanitizer sees it:

- raw embeds become the privacy-respecting cards the built-in shortcodes
  make (``renderer.shortcodes.builtins``): a YouTube or Vimeo ``<iframe>``
  (``youtube.com/embed/ID``, ``youtube-nocookie.com/embed/ID``,
  ``player.vimeo.com/video/NUMBER``), and a ``<video>`` or ``<audio>`` whose
  source (``src``, or its first ``<source src>``) is an http(s) URL or a
  path: a link, nothing loaded from the service until the reader clicks;
- every other element the sanitizer will remove is named in a warning at its
  first line in the post, with how to keep it (a shortcode, or
  ``raw_html = "allow"`` for trusted authors): one warning per post, at the
  line of the first, naming each element (``<iframe>``, ``<style>``,
  ``<form>``...) with the line where it first appears.

Only the post's own raw HTML is in the body at that point: shortcode output
and highlighted code wait behind placeholders (``renderer.placeholders``),
and code spans are escaped text.
"""

from __future__ import annotations

import html
import re
from typing import Any

import mistune

from .sanitize import ALLOWED_TAGS, safe_url
from .shortcodes import Note
from .shortcodes.builtins import media_card, vimeo_card, youtube_card

SOURCE = "removed_html_source"  # state.env key: the post's text as written (for lines)
PREFIX = "the sanitizer removed raw HTML:"  # every such warning starts so (renderer.content keeps one per post)
HOW_TO_KEEP = ('to keep it, write it as a shortcode, or trust the site\'s authors with raw_html = "allow" '
               "in site.toml's [markdown] (a Hugo folder: markup.goldmark.renderer.unsafe = true)")
MAX_NAMED = 5  # elements named in the one warning; the rest counted

# An embed's start tag (bounded: a run of "<iframe" without ">" costs its length once per start, not more).
_EMBED_START = re.compile(r"<(iframe|video|audio)\b([^>]{0,4000})>", re.IGNORECASE)
_CLOSE = re.compile(r"\s*>")
_P_BEFORE = re.compile(r"<p>\s*$")
_P_AFTER = re.compile(r"\s*</p>")
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_SOURCE_TAG = re.compile(r"<source\b([^>]*)>", re.IGNORECASE)
_YOUTUBE = re.compile(r"^https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([A-Za-z0-9_-]{1,64})(?:[?&#]|$)",
                      re.IGNORECASE)
_VIMEO = re.compile(r"^https?://player\.vimeo\.com/video/([0-9]{1,32})(?:[?&#/]|$)", re.IGNORECASE)
_START = re.compile(r"[?&](?:start|t)=([0-9]{1,9})\b")
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)(?=[\s/>])")


def _attributes(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for m in _ATTR.finditer(text):
        value = next((g for g in m.groups()[1:] if g is not None), "")
        found.setdefault(m.group(1).lower(), html.unescape(value))
    return found


def embed(tag: str, attrs: str, inner: str) -> str | None:
    """The card a raw ``<iframe>``/``<video>``/``<audio>`` becomes, or None when it is none of the known embeds."""
    found = _attributes(attrs)
    title = found.get("title", "")
    if tag == "iframe":
        src = found.get("src", "")
        m = _YOUTUBE.match(src)
        if m:
            start = _START.search(src)
            return youtube_card(m.group(1), start.group(1) if start else "", title)
        m = _VIMEO.match(src)
        return vimeo_card(m.group(1), title) if m else None
    src = found.get("src") or next((_attributes(s.group(1)).get("src", "") for s in _SOURCE_TAG.finditer(inner)), "")
    if src and safe_url(src, ("http", "https")) and not src.strip().startswith("//"):
        return media_card(tag, src.strip(), title)
    return None


_P_OPEN = re.compile(r"<p[\s>]")


def _inside_paragraph(body: str, pos: int) -> bool:
    opened = max((m.start() for m in _P_OPEN.finditer(body, 0, pos)), default=-1)
    return opened > body.rfind("</p>", 0, pos)


def _inline(card: str) -> str:
    """A card inside a paragraph: its link in a ``<span>`` rather than a paragraph of its own."""
    head, _, rest = card.partition(">")
    return head.replace("<p ", "<span ", 1) + ">" + rest.removesuffix("</p>") + "</span>"


def _closing(low: str, tag: str, start: int, memo: dict[str, tuple[int, int]]) -> tuple[int, int] | None:
    """The span of the first ``</tag>`` at or after ``start`` in ``low`` (the body lower-cased); each
    search is remembered, so many start tags without an end tag cost one pass."""
    found = memo.get(tag)
    while found is None or (found[0] >= 0 and found[0] < start):
        at = low.find("</" + tag, start)
        close = _CLOSE.match(low, at + 2 + len(tag)) if at >= 0 else None
        if at >= 0 and close is None:
            start = at + 1
            continue
        found = (at, close.end()) if at >= 0 and close else (-1, -1)
        memo[tag] = found
    return found if found[0] >= 0 else None


def _paragraph_start(body: str, pos: int) -> int:
    """Where a ``<p>`` (and white space) right before ``pos`` starts, or ``pos``."""
    at = body.rfind("<p>", max(0, pos - 64), pos)
    return at if at >= 0 and not body[at + 3:pos].strip() else pos


def embeds(body: str) -> tuple[str, list[tuple[int, int]]]:
    """``body`` with its known embeds as cards, and the spans of ``body`` they replaced."""
    spans: list[tuple[int, int]] = []
    out: list[str] = []
    low, done = body.lower(), 0
    memo: dict[str, tuple[int, int]] = {}
    for m in _EMBED_START.finditer(body):
        if m.start() < done:
            continue
        tag = m.group(1).lower()
        close = _closing(low, tag, m.end(), memo)
        made = embed(tag, m.group(2), body[m.end():close[0]]) if close else None
        if made is None or close is None:
            continue
        start, end = _paragraph_start(body, m.start()), close[1]
        after = _P_AFTER.match(body, end)
        if start < m.start() and after:  # alone in its paragraph: the card takes the paragraph's place
            made, end = made + "\n", after.end()
        elif start < m.start() or after or _inside_paragraph(body, m.start()):
            made, start = _inline(made), m.start()
        out += [body[done:start], made]
        spans.append((start, end))
        done = end
    return "".join(out) + body[done:], spans


def removed(body: str, skip: list[tuple[int, int]] | None = None) -> list[tuple[str, int]]:
    """The elements of ``body`` the sanitizer removes (lower-cased, in order of first appearance), each
    with the ordinal of its first such occurrence among the tags of that name in ``body`` (0 for the
    first), leaving out those inside comments and the ``skip`` spans."""
    skip = sorted([*(skip or []), *_comments(body)])
    seen: dict[str, int] = {}
    first: dict[str, int] = {}
    k = 0
    for m in _TAG.finditer(body):
        while k < len(skip) and skip[k][1] <= m.start():
            k += 1
        name = m.group(1).lower()
        ordinal = seen.get(name, 0)
        seen[name] = ordinal + 1
        if name in ALLOWED_TAGS or name in first or (k < len(skip) and skip[k][0] <= m.start()):
            continue
        first[name] = ordinal
    return list(first.items())


def _comments(body: str) -> list[tuple[int, int]]:
    """The spans of the HTML comments in ``body`` (one pass: an unclosed one runs to the end)."""
    spans, pos = [], body.find("<!--")
    while pos >= 0:
        end = body.find("-->", pos + 4)
        end = len(body) if end < 0 else end + 3
        spans.append((pos, end))
        pos = body.find("<!--", end)
    return spans


def _line(source: str, name: str, ordinal: int, first_line: int) -> int:
    found = list(re.finditer(rf"<{re.escape(name)}(?=[\s/>])", source, re.IGNORECASE))
    m = found[ordinal] if ordinal < len(found) else (found[0] if found else None)
    return first_line + (source.count("\n", 0, m.start()) if m else 0)


def keep_source_hook(md: mistune.Markdown, state: Any) -> None:
    """Before anything else rewrites it: the post's text as written, for the lines of the warnings."""
    state.env[SOURCE] = state.src


def report_hook(md: mistune.Markdown, result: Any, state: Any) -> Any:
    """Before the sanitizer (``raw_html = "sanitize"`` only): embeds to cards, then a warning per
    element it will remove."""
    if not state.env.get("raw_html"):
        return result
    body, spans = embeds(str(result))
    context = state.env.get("context")
    if context is not None:
        source = state.env.get(SOURCE, "")
        found = removed(str(result), spans)
        if found:
            lines = [(name, _line(source, name, ordinal, context.line)) for name, ordinal in found[:MAX_NAMED]]
            shown = ", ".join(f"<{name}> (line {line})" for name, line in lines)
            more = f" and {len(found) - MAX_NAMED} more" if len(found) > MAX_NAMED else ""
            context.notes.append(Note(lines[0][1], "warning", f"{PREFIX} {shown}{more}; {HOW_TO_KEEP}"))
    return body


def register(md: mistune.Markdown) -> None:
    """On wasmblog's own instance, before its sanitizing hook."""
    md.before_parse_hooks.insert(0, keep_source_hook)
    md.after_render_hooks.insert(0, report_hook)
