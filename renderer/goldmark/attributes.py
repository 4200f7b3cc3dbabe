"""goldmark's attributes (``parser.WithAttribute``, Hugo's ``markup.goldmark.parser.attribute``).

- ``title`` (heading attributes, on in Hugo): ``## Heading {#id .class key=value}``;
- ``block`` (off in Hugo unless set): a line ``{.class}`` right after a
  paragraph, list, table, blockquote... (no blank line between) gives it
  those attributes; elsewhere the line is dropped.

The syntax is goldmark's ``parser.ParseAttributes``: ``#id``, ``.class``
(classes add up), ``name=value`` with a value that is a ``"string"`` (JSON
escapes), a number (written as Go writes the float), ``true``/``false``,
``null`` (empty) or a word; commas may separate them. As in Hugo, a name
starting with ``on`` (any case: event handlers) is dropped, and values are
escaped: an attribute never becomes markup. Unless the site allows raw HTML,
only the attributes its sanitizer keeps on every element are given
(:func:`allowed`).
"""

from __future__ import annotations

import re
from typing import Any

import mistune
from mistune.util import escape as escape_text

from ..sanitize import ALLOWED_ATTRIBUTES

ATTRS = "goldmark_attrs"  # token["attrs"] key: [(name, value)] in written order, ids and classes included

_NAME = re.compile(r"[A-Za-z_:][A-Za-z0-9_:.\-]*")
_WORD = re.compile(r"[A-Za-z_:][A-Za-z0-9_:.\-]*")
_NUMBER = re.compile(r"[-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?")
_ESCAPES = {'"': '"', "/": "/", "\\": "\\", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_SPACE = " \t"


def _go_float(text: str) -> str:
    """A number as Go's ``cast.ToString`` of a float64 writes it (``1.50`` is ``1.5``)."""
    value = float(text)
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def parse(text: str, pos: int = 0) -> tuple[list[tuple[str, str]], int] | None:
    """The attributes of the ``{...}`` at ``text[pos]`` and the position after it, or None."""
    if pos >= len(text) or text[pos] != "{":
        return None
    pos += 1
    attrs: list[tuple[str, str]] = []
    while True:
        while pos < len(text) and text[pos] in _SPACE:
            pos += 1
        if pos >= len(text):
            return None
        c = text[pos]
        if c == "}":
            return attrs, pos + 1
        if c in "#.":
            end = pos + 1
            while end < len(text) and text[end] not in _SPACE + "\n" and (
                    not _punct(text[end]) or text[end] in "_-:."):
                end += 1
            name, value = ("id" if c == "#" else "class"), text[pos + 1:end]
            pos = end
        else:
            m = _NAME.match(text, pos)
            if not m:
                return None
            name, pos = m.group(0), m.end()
            while pos < len(text) and text[pos] in _SPACE:
                pos += 1
            if pos >= len(text) or text[pos] != "=":
                return None
            pos += 1
            while pos < len(text) and text[pos] in _SPACE:
                pos += 1
            found = _value(text, pos)
            if found is None:
                return None
            value, pos = found
        if name == "class" and any(n == "class" for n, _ in attrs):
            attrs = [(n, f"{v} {value}" if n == "class" else v) for n, v in attrs]
        else:
            attrs.append((name, value))
        while pos < len(text) and text[pos] in _SPACE:
            pos += 1
        if pos < len(text) and text[pos] == ",":
            pos += 1


def _punct(c: str) -> bool:
    return c.isascii() and not c.isalnum() and c.isprintable() and c != " "


def _value(text: str, pos: int) -> tuple[str, int] | None:
    if pos >= len(text):
        return None
    c = text[pos]
    if c == '"':
        out: list[str] = []
        pos += 1
        while pos < len(text) and text[pos] != "\n":
            ch = text[pos]
            if ch == "\\" and pos + 1 < len(text) and text[pos + 1] in _ESCAPES:
                out.append(_ESCAPES[text[pos + 1]])
                pos += 2
            elif ch == '"':
                return "".join(out), pos + 1
            else:
                out.append(ch)
                pos += 1
        return None
    if c in "-+" or c.isdigit() and c.isascii():
        m = _NUMBER.match(text, pos)
        return (_go_float(m.group(0)), m.end()) if m else None
    m = _WORD.match(text, pos)
    if not m:
        return None
    word = m.group(0)
    return ("" if word == "null" else word), m.end()


def html_attrs(attrs: list[tuple[str, str]]) -> str:
    """The attributes as HTML, event handlers (``on...``) left out as Hugo does."""
    return "".join(f' {name}="{escape_text(value)}"' for name, value in attrs
                   if not name.lower().startswith("on"))


def heading_attributes(text: str) -> tuple[str, list[tuple[str, str]]] | None:
    """A heading's text without its trailing ``{...}``, and those attributes; None when it has none."""
    stripped = text.rstrip(" \t")
    start = stripped.rfind("{")
    if not stripped.endswith("}") or start < 0 or "\n" in stripped[start:]:
        return None
    found = parse(stripped, start)
    if found is None or found[1] != len(stripped):
        return None
    return stripped[:start].rstrip(" \t"), found[0]


def inject(html_text: str, attrs: list[tuple[str, str]]) -> str:
    """``html_text`` with ``attrs`` added to its first start tag (an id or class there is replaced)."""
    m = re.match(r"\s*<([a-zA-Z][a-zA-Z0-9]*)", html_text)
    if not m or not attrs:
        return html_text
    names = {name for name, _ in attrs}
    head_end = html_text.index(">", m.end())
    head = html_text[m.end():head_end]
    kept = "".join(a.group(0) for a in re.finditer(r'\s+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="[^"]*")?', head)
                   if a.group(1) not in names)
    slash = " /" if head.rstrip().endswith("/") else ""
    return html_text[:m.end()] + html_attrs(attrs) + kept.removesuffix(" /") + slash + html_text[head_end:]


# ---- block attributes: a block rule, then a pass that gives them to the block before ----

BLOCK_PATTERN = r"^ {0,3}\{[^\n]*\}[ \t]*$"


def parse_attr_block(block: mistune.BlockParser, m: re.Match[str], state: Any) -> int | None:
    line = m.group(0).strip(" \t")
    found = parse(line)
    if found is None or found[1] != len(line):
        return None
    state.append_token({"type": "goldmark_attr_block", "attrs": {ATTRS: found[0]}})
    return m.end() + 1


def apply_block_attributes(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each attribute line to the block just before it (same container, no blank line);
    drop it when there is none (or that block is a fenced code block)."""
    out: list[dict[str, Any]] = []
    for tok in tokens:
        if "children" in tok and isinstance(tok["children"], list) and tok["type"] not in _INLINE_HOLDERS:
            tok["children"] = apply_block_attributes(tok["children"])
        if tok["type"] != "goldmark_attr_block":
            out.append(tok)
            continue
        prev = out[-1] if out else None
        if prev is not None and prev["type"] not in ("blank_line", "block_code", "goldmark_attr_block"):
            before = prev.setdefault("attrs", {}).get(ATTRS, [])
            have = {n for n, _ in before}
            prev["attrs"][ATTRS] = before + [(n, v) for n, v in tok["attrs"][ATTRS] if n not in have]
    return out


_INLINE_HOLDERS = frozenset(("paragraph", "heading", "block_text", "table_cell"))


def block_attributes_hook(md: mistune.Markdown, state: Any) -> None:
    state.tokens = apply_block_attributes(state.tokens)


def heading_attributes_hook(md: mistune.Markdown, state: Any) -> None:
    """Take ``{...}`` off the end of every heading into its attributes."""
    def walk(tokens: list[dict[str, Any]]) -> None:
        for tok in tokens:
            if tok["type"] == "heading":
                found = heading_attributes(tok["text"])
                if found is not None:
                    tok["text"] = found[0]
                    tok["attrs"][ATTRS] = found[1]
            elif isinstance(tok.get("children"), list):
                walk(tok["children"])
    walk(state.tokens)


def allowed(attrs: list[tuple[str, str]], raw_html: str) -> list[tuple[str, str]]:
    """The attributes a post may give with ``{...}`` under the site's raw-HTML policy: with
    ``raw_html = "allow"`` any (but event handlers); otherwise those the sanitizer keeps on
    every element (``id``, ``class``, ``title``, ``lang``, ``dir``, ``role``, ``aria-*``...), so
    that ``{style=...}`` cannot do what ``<p style=...>`` may not."""
    if raw_html == "allow":
        return attrs
    return [(name, value) for name, value in attrs if name.lower() in ALLOWED_ATTRIBUTES["*"]]


def wrap_hook(md: mistune.Markdown, state: Any) -> None:
    """Last before rendering: each block with attributes is wrapped in a token that renders
    it and adds them to its first start tag (renderers take no attributes of their own)."""
    raw_html: str = md.renderer.options.raw_html  # type: ignore[union-attr]  # wasmblog's SiteRenderer

    def wrap(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for tok in tokens:
            if isinstance(tok.get("children"), list) and tok["type"] not in _INLINE_HOLDERS:
                tok["children"] = wrap(tok["children"])
            attrs = tok.get("attrs", {}).pop(ATTRS, None) if isinstance(tok.get("attrs"), dict) else None
            attrs = allowed(attrs, raw_html) if attrs else attrs
            out.append({"type": "goldmark_attributed", "children": [tok], "attrs": {"attributes": attrs}}
                       if attrs else tok)
        return out
    state.tokens = wrap(state.tokens)


def render_attributed(renderer: Any, text: str, attributes: list[tuple[str, str]]) -> str:
    return inject(text, attributes)


def heading(md: mistune.Markdown) -> None:
    """``## Heading {#id .class}`` (Hugo's ``parser.attribute.title``)."""
    md.before_render_hooks.insert(0, heading_attributes_hook)
    _wrapping(md)


def block(md: mistune.Markdown) -> None:
    """``{.class}`` on the line after a block (Hugo's ``parser.attribute.block``)."""
    md.block.register("goldmark_attr_block", BLOCK_PATTERN, parse_attr_block, before="paragraph")
    for rules in (md.block.block_quote_rules, md.block.list_rules):
        if "goldmark_attr_block" not in rules:
            md.block.insert_rule(rules, "goldmark_attr_block", before="paragraph")
    md.before_render_hooks.insert(0, block_attributes_hook)
    _wrapping(md)


def wrap_last(md: mistune.Markdown) -> None:
    """Moves the wrapping after every other hook (heading ids read the attributes first)."""
    if wrap_hook in md.before_render_hooks:
        md.before_render_hooks.remove(wrap_hook)
        md.before_render_hooks.append(wrap_hook)


def _wrapping(md: mistune.Markdown) -> None:
    if wrap_hook not in md.before_render_hooks:
        md.before_render_hooks.append(wrap_hook)
    if md.renderer is not None:
        md.renderer.register("goldmark_attributed", render_attributed)
        md.renderer.register("goldmark_attr_block", lambda renderer, **attrs: "")
