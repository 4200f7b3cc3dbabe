"""Front matter: a post's text -> its metadata (with the line of each key) and its body.

Detecting and splitting go through python-frontmatter's handlers
(``detect_format``, ``handler.split``); loading is ours, on both engines:
the ``simple_yaml`` fast path, then PyYAML's pure-Python loader with our
limits (python-frontmatter would pick PyYAML's C loader natively, which
words its errors differently), and ``tomli`` for TOML (python-frontmatter's
TOML handler wants the old ``toml`` package, and exists only when that is
installed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

import frontmatter
import tomli
import yaml
from frontmatter.default_handlers import BaseHandler, YAMLHandler

from .diagnostics import SourceError, describe_exception
from .simple_yaml import SimpleYaml, Unsupported
from .values import SURROGATE, toml_error, toml_key_line

MAX_YAML_DEPTH = 64
MAX_NUMBER_CHARS = 100  # a longer number in front matter is refused (Python limits int <-> str)


@dataclass
class FrontMatter:
    """A post's front matter, loaded, with the line of each key, and the body after it."""

    data: dict[str, Any]
    lines: dict[str, int]  # key -> 1-based line in the file
    item_lines: dict[str, list[int]]  # list-valued key -> line of each item
    body: str = ""
    raw_chars: int = 0  # length of the front matter's text


class FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, used by both engines.

    Dates stay strings (we parse them ourselves, strictly, with good
    errors); nesting is bounded so a hostile document cannot exhaust the
    stack.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def construct_scalar(self, node: Any) -> Any:
        """PyYAML turns ``"\\ud800"`` into a lone surrogate, which is not text
        that can be written as UTF-8 (nor passed out of the sandbox): pair
        up ``\\uD83D\\uDE00``-style escapes, refuse lone ones."""
        value = super().construct_scalar(node)
        if isinstance(value, str) and SURROGATE.search(value):
            try:
                value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
            except UnicodeDecodeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a \\u escape in a quoted string names half of a surrogate pair "
                    "(D800-DFFF), which is not a character; write the character itself", node.start_mark) from None
        return value

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]  # untyped in PyYAML's stubs
                raise yaml.composer.ComposerError(
                    None, None, f"nesting deeper than {MAX_YAML_DEPTH} levels", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_int(loader: FrontMatterLoader, node: Any) -> Any:
    """PyYAML's int constructor, refusing absurdly long numbers: converting a
    5,000-digit int to text fails in Python (and sexagesimal ``1:2:3:...``
    grows quadratically)."""
    if isinstance(node.value, str) and len(node.value) > MAX_NUMBER_CHARS:
        raise yaml.constructor.ConstructorError(
            None, None, f"a number longer than {MAX_NUMBER_CHARS} characters; quote it if it is text",
            node.start_mark)
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


FrontMatterLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)

FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_SIMPLE_YAML = SimpleYaml(FrontMatterLoader)


class _LineExact(BaseHandler):
    """A python-frontmatter handler whose split keeps line numbers exact.

    The library's split cuts the front matter where its boundary match ends,
    and a ``\\s*$`` boundary may end before the fence line's newline or
    after blank lines that follow it: the front matter would start a line
    early or late, and every line in an error message would be off. So the
    front matter is taken from the start of the line after the opening
    fence to where the library found the closing one.
    """

    def split(self, text: str) -> tuple[str, str]:
        fm, content = super().split(text)  # ValueError: no closing fence
        opening = self.FM_BOUNDARY.match(text)  # type: ignore[union-attr]  # detect() matched it
        assert opening is not None
        closing = opening.end() + len(fm)
        return text[text.index("\n") + 1:closing], content.lstrip("\n")


class _Yaml(_LineExact, YAMLHandler):
    """``---`` fences (python-frontmatter's own boundary), loaded by :func:`_load_yaml`."""

    def load(self, fm: str) -> FrontMatter:  # type: ignore[override]  # returns FrontMatter, a dict with lines
        return _load_yaml(fm)


class _Toml(_LineExact):
    """``+++`` fences, loaded with tomli by :func:`_load_toml`."""

    FM_BOUNDARY = re.compile(r"^\+{3,}[ \t]*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str) -> FrontMatter:  # type: ignore[override]  # returns FrontMatter, a dict with lines
        return _load_toml(fm)


_HANDLERS = (_Yaml(), _Toml())


def split_front_matter(text: str, optional: bool = False) -> FrontMatter:
    """The front matter of a post's text, loaded, and the body after it.

    ``optional``: a file without front matter (or an empty one) is all body, as Hugo takes it; else it
    is an error (wasmblog's own sites, where a post needs its title and date).
    """
    if not text.strip() and not optional:
        raise SourceError("file is empty: a post needs front matter (title, date) and a body", 1)
    handler = frontmatter.detect_format(text, _HANDLERS)
    if handler is None and optional:
        return FrontMatter({}, {}, {}, text, 0)
    if handler is None:
        raise SourceError("no front matter: start the file with a '---' line, then 'title:' and "
                          "'date:' lines, then another '---' line", 1)
    try:
        raw, body = handler.split(text)
    except ValueError:
        opened = handler.FM_BOUNDARY.match(text).group(0).strip()  # type: ignore[union-attr]  # split() matched it first
        raise SourceError(f"front matter opened with {opened!r} is never closed", 1) from None
    fm = cast(FrontMatter, handler.load(raw))  # our handlers' load returns FrontMatter, a dict subclass
    fm.body = body
    fm.raw_chars = len(raw)
    return fm


def _load_yaml(raw: str) -> FrontMatter:
    try:
        data, lines, item_lines = _SIMPLE_YAML.load(raw)
        return FrontMatter(data, lines, item_lines)
    except Unsupported:
        pass  # anything beyond flat keys and simple lists: the full loader
    loader = FrontMatterLoader(raw)
    try:
        node = loader.get_single_node()
        if node is None:
            return FrontMatter({}, {}, {})
        if not isinstance(node, yaml.MappingNode):
            raise SourceError("front matter must be 'key: value' lines, not a "
                              + ("list" if isinstance(node, yaml.SequenceNode) else "single value"),
                              node.start_mark.line + 2)
        lines = {}
        item_lines = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                lines.setdefault(key_node.value, key_node.start_mark.line + 2)
                if isinstance(value_node, yaml.SequenceNode):
                    item_lines[key_node.value] = [n.start_mark.line + 2 for n in value_node.value]
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and mark is not None and mark.index >= len(raw.rstrip()):
            mark = exc.context_mark  # ran off the end: point at what was left open, e.g. a '['
        line = mark.line + 2 if mark else 1
        problem = exc.problem or "malformed YAML"
        context = ""
        if exc.context:
            where = exc.context_mark
            started = f" started on line {where.line + 2}" if where is not None and where is not mark \
                and where.line + 2 != line else ""
            context = f" ({exc.context}{started})"
        raise SourceError(f"invalid YAML front matter: {problem}{context}", line) from None
    except yaml.YAMLError as exc:
        raise SourceError(f"invalid YAML front matter: {describe_exception(exc)}", 1) from None
    finally:
        loader.dispose()
    for key in data:
        if not isinstance(key, str):
            line = next((k.start_mark.line + 2 for k, _ in node.value if not (
                isinstance(k, yaml.ScalarNode) and k.tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"))), 1)
            shown = "null" if key is None else str(key)[:40]
            raise SourceError(f"front-matter key {shown!r} must be text (quote it)", line)
    return FrontMatter(data, lines, item_lines)


def _load_toml(raw: str) -> FrontMatter:
    try:
        data = tomli.loads(raw)
    except ValueError as exc:
        if not isinstance(exc, tomli.TOMLDecodeError):  # int("9" * 5000): Python's own digit limit
            raise SourceError("invalid TOML front matter: a number too long to read "
                              "(quote it if it is text)", 1) from None
        msg, line = toml_error(exc)
        # Lines of the file count from the fence. "(at end of document)": something
        # was left open; its last line is the best guess.
        raise SourceError(f"invalid TOML front matter: {msg}",
                          line + 1 if line else raw.rstrip().count("\n") + 2) from None
    lines = {}
    for key in data:
        line = toml_key_line(raw, key)
        lines[key] = line + 1 if line else 1
    return FrontMatter(data, lines, {})
