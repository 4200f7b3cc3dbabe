"""Hugo's shortcode syntax: finding ``{{< name args >}}`` tags in a post and pairing them.

Forms: ``{{< name args >}}``, ``{{% name args %}}``, self-closing
``{{< name />}}``, paired ``{{< name >}}inner{{< /name >}}``, and the
escaped ``{{</* name */>}}``, which prints the tag itself. Arguments are
positional or ``key=value``, bare words, ``"quoted strings"`` (with
backslash escapes) or ```raw strings``` (which may span lines).

Tags are found in one pass over the whole text (fenced code included, as
Hugo does), then paired with a stack: a closing tag pairs with the nearest
open tag of its name, and the tags opened after that one become tags
without inner text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_OPEN = re.compile(r"\{\{([<%])")
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]*")
_SPACE = re.compile(r"\s*")
_ARG = re.compile(r'''(?:(?P<key>[A-Za-z0-9_-]+)\s*=\s*)?(?:"(?P<dq>(?:[^"\\]|\\.)*)"|`(?P<raw>[^`]*)`|'''
                  r'''(?P<bare>(?:(?!/?\s*[>%]\}\})[^\s"`=])+))''', re.DOTALL)
_ESCAPES = re.compile(r"\\(.)", re.DOTALL)
MAX_TAGS = 2_000  # per document: a bound on the work a hostile post can cause
MAX_TAG_CHARS = 4_096  # one tag, arguments included, is at most this long


class SyntaxProblem(ValueError):
    """A tag that could not be read; the message says why."""


@dataclass
class Tag:
    """One shortcode tag as written."""

    start: int  # offset of '{{' in the text
    end: int  # offset after '}}'
    delim: str  # '<' or '%'
    name: str
    closing: bool = False
    self_closing: bool = False
    args: list[str] = field(default_factory=list)
    kwargs: dict[str, str] = field(default_factory=dict)
    bare: set[str | int] = field(default_factory=set)  # arguments written unquoted (Hugo types those)
    escaped: bool = False  # {{</* ... */>}}: printed as written, without the comment marks
    problem: str = ""  # set when the tag is malformed


@dataclass
class Node:
    """A shortcode call: its tag and, when paired, its inner text and the nodes inside it."""

    tag: Tag
    inner_start: int = -1
    inner_end: int = -1  # -1: no inner text
    close_end: int = -1  # offset after the closing tag, when paired
    children: list[Node] = field(default_factory=list)

    @property
    def end(self) -> int:
        return self.close_end if self.close_end >= 0 else self.tag.end

    @property
    def paired(self) -> bool:
        return self.inner_start >= 0


def _unquote(m: re.Match[str]) -> str:
    if m.group("dq") is not None:
        return _ESCAPES.sub(r"\1", m.group("dq"))
    if m.group("raw") is not None:
        return m.group("raw")
    return m.group("bare")


def _read_tag(text: str, start: int, delim: str) -> Tag:
    """The tag opening at ``start`` (``{{<`` or ``{{%``); one with a ``problem`` when malformed."""
    close = ">}}" if delim == "<" else "%}}"
    limit = min(len(text), start + MAX_TAG_CHARS)
    tag = Tag(start, start + 3, delim, "")
    pos = _SPACE.match(text, start + 3, limit).end()  # type: ignore[union-attr]  # \s* always matches
    if text.startswith("/*", pos):
        m = re.compile(r"\*/\s*" + re.escape(close)).search(text, pos, limit)
        if m is None:
            tag.problem = f"an escaped shortcode ('{{{{{delim}/* ... */{close}') that is never closed"
            return tag
        tag.escaped = True
        tag.name = text[pos + 2:m.start()]  # what is printed between the delimiters
        tag.end = m.end()
        return tag
    if text.startswith("/", pos):
        tag.closing = True
        pos = _SPACE.match(text, pos + 1, limit).end()  # type: ignore[union-attr]  # \s* always matches
    name = _NAME.match(text, pos, limit)
    if name is None:
        tag.problem = "a shortcode tag without a name"
        return tag
    tag.name = name.group(0)
    pos = name.end()
    while True:
        pos = _SPACE.match(text, pos, limit).end()  # type: ignore[union-attr]  # \s* always matches
        if text.startswith(close, pos) and pos + 3 <= limit:
            tag.end = pos + 3
            return tag
        if text.startswith("/", pos):
            after = _SPACE.match(text, pos + 1, limit).end()  # type: ignore[union-attr]  # \s* always matches
            if text.startswith(close, after) and after + 3 <= limit:
                tag.self_closing = True
                tag.end = after + 3
                return tag
        arg = _ARG.match(text, pos, limit)
        if arg is None or pos >= limit:
            tag.problem = (f"cannot read shortcode '{tag.name}': a quote left open, or no closing "
                           f"'{close}' within {MAX_TAG_CHARS:,} characters")
            return tag
        value = _unquote(arg)
        key: str | int = arg.group("key") or len(tag.args)
        if arg.group("bare") is not None:
            tag.bare.add(key)
        if arg.group("key"):
            tag.kwargs[arg.group("key")] = value
        else:
            tag.args.append(value)
        pos = arg.end()


def find_tags(text: str) -> list[Tag]:
    """Every shortcode tag in ``text``, in order (malformed ones with a ``problem``)."""
    tags: list[Tag] = []
    pos = 0
    while len(tags) < MAX_TAGS:
        m = _OPEN.search(text, pos)
        if m is None:
            break
        tag = _read_tag(text, m.start(), m.group(1))
        tags.append(tag)
        pos = max(tag.end, m.start() + 3)
    return tags


def pair(tags: list[Tag]) -> tuple[list[Node], list[Tag]]:
    """Tags as a tree of calls, and the closing tags that close nothing.

    Escaped and malformed tags are calls of their own (they print as text).
    """
    root: list[Node] = []
    stack: list[Node] = []
    stray: list[Tag] = []
    for tag in tags:
        if tag.closing and not tag.escaped and not tag.problem:
            match = next((i for i in range(len(stack) - 1, -1, -1) if stack[i].tag.name == tag.name), None)
            if match is None:
                stray.append(tag)
                continue
            node = stack[match]
            # Tags opened after it and still open had no closing tag: they stay
            # calls without inner text, inside the paired one.
            flat: list[Node] = []
            for open_node in stack[match + 1:]:
                flat.append(Node(open_node.tag))
                flat.extend(open_node.children)
            node.children = node.children + flat
            node.inner_start = node.tag.end
            node.inner_end = tag.start
            node.close_end = tag.end
            del stack[match:]
            (stack[-1].children if stack else root).append(node)
            continue
        node = Node(tag)
        if tag.escaped or tag.problem or tag.self_closing:
            (stack[-1].children if stack else root).append(node)
        else:
            stack.append(node)
    # Whatever is still open had no closing tag: calls without inner text.
    while stack:
        node = stack.pop()
        children = node.children
        node.children = []
        target = stack[-1].children if stack else root
        target.append(node)
        target.extend(children)
    _sort(root)
    return root, stray


def _sort(nodes: list[Node]) -> None:
    nodes.sort(key=lambda n: n.tag.start)
    for node in nodes:
        _sort(node.children)
