"""Value helpers shared by the config, front-matter and template code.

Each lives here once so that the same value is named, shortened, checked
and turned into JSON the same way wherever a message or a page shows it.
"""

from __future__ import annotations

import re
from typing import Any

import tomli

# Half of a UTF-16 surrogate pair: not a character, so not writable as UTF-8
# nor passable out of the sandbox as a WIT string.
SURROGATE = re.compile("[\ud800-\udfff]")
# An IANA time-zone name as site.toml may give it ('Europe/Paris'). The host
# checks names with the same pattern before it looks for their TZif data.
TIMEZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$")

_TOML_POSITION = re.compile(r"\s*\(at (line \d+, column \d+|end of document)\)")
_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def type_name(value: object) -> str:
    """How a value's type is named in error messages ("not a list")."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (bytes, bytearray)):
        return "binary data"
    if isinstance(value, (set, frozenset)):
        return "a set"
    return "a " + type(value).__name__


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters (and "..."), for quoting in a message."""
    return text if len(text) <= limit else text[:limit] + "..."


def toml_error(exc: tomli.TOMLDecodeError) -> tuple[str, int]:
    """tomli's message without its position, and the line it names.

    The line is 1-based in the TOML text, 0 for "(at end of document)":
    something was left open, and tomli does not say where it started.
    """
    msg = str(exc)
    m = _TOML_LINE.search(msg)
    return _TOML_POSITION.sub("", msg), int(m.group(1)) if m else 0


def toml_key_line(text: str, key: str) -> int:
    """The 1-based line of ``key = ...`` in TOML text, 0 if not found (tomli gives
    no positions: best effort, the first line that assigns a key of that name)."""
    m = re.search(r"^[ \t]*" + re.escape(key) + r"[ \t]*=", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else 0


class TooLarge(ValueError):
    """The value expands past its :class:`Budget`."""


class ContainsItself(ValueError):
    """The value holds itself (a YAML alias inside its own anchor)."""


class Budget:
    """How much a value may expand to when it is copied out: YAML aliases
    share one object many times, and copying them writes it out each time."""

    def __init__(self, nodes: int, chars: int) -> None:
        self.nodes = nodes
        self.chars = chars
        self.active: set[int] = set()  # containers on the current path (cycles)

    def spend(self, value: Any) -> None:
        self.nodes -= 1
        if isinstance(value, (str, bytes)):
            self.chars -= len(value)
        if self.nodes < 0 or self.chars < 0:
            raise TooLarge()


def jsonable(value: Any, budget: Budget | None = None) -> Any:
    """``value`` (parsed YAML or TOML) as JSON-compatible data, the same on every engine.

    Dates become ISO strings, sets lists in a fixed order, bytes latin-1 text,
    NaN and infinities ``None`` (JSON has none). With a ``budget``, expansion
    is bounded and a value that contains itself is refused.
    """
    if budget is not None:
        budget.spend(value)
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        if budget is not None:
            if id(value) in budget.active:
                raise ContainsItself()
            budget.active.add(id(value))
        try:
            if isinstance(value, dict):
                out: Any = {}
                for k, v in value.items():
                    if budget is not None:
                        budget.spend(k)
                    out[str(k)] = jsonable(v, budget)
                return out
            if isinstance(value, (set, frozenset)):  # YAML !!set: in a fixed order, not the hash order of this run
                return [jsonable(v, budget) for v in sorted(value, key=lambda v: (type(v).__name__, str(v)))]
            return [jsonable(v, budget) for v in value]
        finally:
            if budget is not None:
                budget.active.discard(id(value))
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        if isinstance(value, float) and value in (float("inf"), float("-inf")):
            return None
        return value
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
