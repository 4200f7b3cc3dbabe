"""Values across the WIT boundary: the core's dataclasses <-> wasmtime-py values.

Conversion goes by field name (``summary_html`` <-> ``summary-html``),
driven by the core's type annotations, so it follows the WIT file without a
table of its own. The guest does the same on its side
(``wasm_host/engines/guest/app.py``).
"""

from __future__ import annotations

import dataclasses
import enum
import typing
from functools import cache
from types import SimpleNamespace
from typing import Any, TypeVar, overload
from collections.abc import Mapping

from renderer import SiteConfig
from renderer.site import site_config


class _Lowered:
    """A core dataclass seen through WIT field names (``summary-html``)."""

    __slots__ = ("_obj",)

    def __init__(self, obj: Any) -> None:
        self._obj = obj

    def __getattr__(self, name: str) -> Any:
        return lower(getattr(self._obj, name.replace("-", "_")))


_PLAIN = frozenset((str, int, bool, float, bytes))  # exactly these types: never a dataclass nor a list


def lower(value: Any) -> Any:
    """A Python value as wasmtime-py expects it for the matching WIT type."""
    if type(value) in _PLAIN:  # most values (a post's fields): returned before the slower dataclass test
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _Lowered(value)
    if isinstance(value, (list, tuple)):
        return [lower(v) for v in value]
    return value


def record(**fields: Any) -> SimpleNamespace:
    """A WIT record from keyword arguments (``summary_html`` -> ``summary-html``)."""
    ns = SimpleNamespace()
    for name, value in fields.items():
        setattr(ns, name.replace("_", "-"), value)
    return ns


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


T = TypeVar("T")


@overload
def lift(value: Any, target: type[T]) -> T: ...


@overload
def lift(value: Any, target: Any) -> Any: ...


def lift(value: Any, target: Any) -> Any:
    """A wasmtime-py value (Record, list, str...) as the core's type ``target``."""
    return _lifter(target)(value)


def _identity(value: Any) -> Any:
    return value


class _Fields:
    """Lifts a record to the dataclass ``target``: its fields' lifters are found once, on first use
    (so a dataclass may hold its own type), instead of its type hints being read again per value
    (the parse results of 1,000 posts are 94,000 values: 1.0 s of lifting in a cProfiled wasm build)."""

    def __init__(self, target: type) -> None:
        self.target = target
        self.fields: list[tuple[str, str, Any]] | None = None

    def __call__(self, value: Any) -> Any:
        fields = self.fields
        if fields is None:
            hints = _hints(self.target)
            fields = self.fields = [(f.name, f.name.replace("_", "-"), _lifter(hints[f.name]))
                                    for f in dataclasses.fields(self.target)]
        return self.target(**{name: lift_field(getattr(value, wit)) for name, wit, lift_field in fields})


@cache
def _lifter(target: Any) -> Any:
    """The function that lifts a value to ``target``, as :func:`lift` once did each time."""
    origin = typing.get_origin(target)
    if origin is list:
        (item,) = typing.get_args(target)
        lift_item = _lifter(item)
        if lift_item is _identity:
            return list
        return lambda value: [lift_item(v) for v in value]
    if isinstance(target, type) and dataclasses.is_dataclass(target):
        return _Fields(target)
    if isinstance(target, type) and issubclass(target, enum.Enum):
        return lambda value: target(value) if isinstance(value, str) else value  # a WIT enum case: its name
    return _identity


def config_record(config: str | SiteConfig) -> Any:
    """``site.toml`` for the sandbox: parsed here, once per text (the host needs
    its limits anyway), and passed as a record instead of text to re-parse."""
    return lower(site_config(config)[0])


def templates_record(templates: Mapping[str, str]) -> list[SimpleNamespace]:
    return [record(name=name, source=source) for name, source in sorted(templates.items())]
