"""A fast path for the front matter almost every post has.

PyYAML's pure-Python loader (the one both engines use, so they agree to the
byte) costs about as much as rendering the Markdown. Nearly all front matter
is a flat list of ``key: scalar`` lines and simple lists, like the seed
post's. This module reads exactly that subset and hands anything else to
PyYAML. Scalars are resolved and constructed by PyYAML's own resolver and
constructors, so the results are the ones PyYAML would give; a property
test checks the two agree.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_\-]*):(?: +(.*?))? *$")
_ITEM = re.compile(r"( *)- +(.*?) *$")
# A plain scalar we are sure PyYAML reads as one plain scalar on one line.
_PLAIN = re.compile(r"[^\-?:,\[\]{}#&*!|>'\"%@`\s](?:[^:#\s]|:(?! |$)|(?<! )#| (?![ #]))*(?<![ :])")
_PLAIN_IN_FLOW = re.compile(r"[^\-?:,\[\]{}#&*!|>'\"%@`\s](?:[^:?#,\[\]{}\s]|(?<! )#| (?![ #]))*(?<! )")
_DOUBLE = re.compile(r'"([^"\\]*)"')
_SINGLE = re.compile(r"'([^']*)'")


class _Scalars(yaml.SafeLoader):
    """Resolver and constructors only; never reads a stream."""

    def __init__(self) -> None:  # deliberately skips the stream machinery
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


class Unsupported(Exception):
    """The text is outside the simple subset: use the full YAML loader."""


def _make(implicit_resolvers: dict[Any, Any]) -> _Scalars:
    class Scalars(_Scalars):
        yaml_implicit_resolvers = implicit_resolvers

    return Scalars()


class SimpleYaml:
    """Reads the simple subset with the given loader's scalar rules."""

    def __init__(self, loader_cls: type[yaml.SafeLoader]) -> None:
        self._scalars = _make(loader_cls.yaml_implicit_resolvers)

    def _plain(self, text: str) -> Any:
        tag = self._scalars.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]  # untyped in PyYAML's stubs
        construct = self._scalars.yaml_constructors.get(tag)
        if construct is None or (tag == "tag:yaml.org,2002:int" and len(text) > 100):
            raise Unsupported(text)  # e.g. "=", or a number too long: let the full loader report it
        return construct(self._scalars, yaml.ScalarNode(tag, text))

    def _scalar(self, text: str, flow: bool = False) -> Any:
        m = _DOUBLE.fullmatch(text) or _SINGLE.fullmatch(text)
        if m:
            return m.group(1)
        if (_PLAIN_IN_FLOW if flow else _PLAIN).fullmatch(text):
            return self._plain(text)
        raise Unsupported(text)

    def _flow_list(self, text: str) -> list[Any]:
        inner = text[1:-1].strip(" ")
        if not inner:
            return []
        items = []
        for part in _split_flow(inner):
            part = part.strip(" ")
            if not part:
                raise Unsupported(text)
            items.append(self._scalar(part, flow=True))
        return items

    def load(self, raw: str) -> tuple[dict[str, Any], dict[str, int], dict[str, list[int]]]:
        """``(data, key lines, item lines)`` with lines counted from 2, like the full loader."""
        if "\t" in raw or "\r" in raw or yaml.reader.Reader.NON_PRINTABLE.search(raw):
            raise Unsupported("tabs, carriage returns or non-printable characters")
        data: dict[str, Any] = {}
        lines: dict[str, int] = {}
        item_lines: dict[str, list[int]] = {}
        rows = raw.split("\n")
        i = 0
        while i < len(rows):
            row = rows[i]
            if not row.strip(" ") or row.startswith("#"):
                i += 1
                continue
            m = _KEY.fullmatch(row)
            if not m or self._scalars.resolve(  # type: ignore[no-untyped-call]  # untyped in PyYAML's stubs
                    yaml.ScalarNode, m.group(1), (True, False)) != "tag:yaml.org,2002:str":
                raise Unsupported(row)
            key, value = m.group(1), m.group(2) or ""
            lines.setdefault(key, i + 2)
            if value.startswith("["):
                if not value.endswith("]"):
                    raise Unsupported(row)
                data[key] = self._flow_list(value)
                item_lines[key] = [i + 2] * len(data[key])
                i += 1
                continue
            if value:
                data[key] = self._scalar(value)
                i += 1
                continue
            # "key:" then maybe a block list on the following lines
            items: list[Any] = []
            where: list[int] = []
            indent = None
            j = i + 1
            while j < len(rows):
                item = _ITEM.fullmatch(rows[j])
                if not item:
                    if rows[j].startswith((" ", "-")):
                        raise Unsupported(rows[j])
                    break
                if indent is None:
                    indent = item.group(1)
                elif item.group(1) != indent:
                    raise Unsupported(rows[j])
                items.append(self._scalar(item.group(2)))
                where.append(j + 2)
                j += 1
            if items:
                data[key] = items
                item_lines[key] = where
            else:
                data[key] = None
            i = j
        return data, lines, item_lines


def _split_flow(inner: str) -> list[str]:
    """Split ``a, "b, c", d`` at top-level commas; nested brackets are unsupported."""
    parts, start, quote = [], 0, ""
    for pos, ch in enumerate(inner):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[]{}":
            raise Unsupported(inner)
        elif ch == ",":
            parts.append(inner[start:pos])
            start = pos + 1
    if quote:
        raise Unsupported(inner)
    parts.append(inner[start:])
    return parts
