"""The core's values as canonical bytes (for cache keys) and as JSON (for cache entries), and back.

A cache key must change whenever anything a stage reads changes, including
fields added to ``Post``, ``PageJob`` or ``SiteConfig`` after this module
was written. So nothing here lists fields: a dataclass is walked through
:func:`dataclasses.fields` at run time, every field in declaration order,
recursively, and a type it does not know is refused (:class:`Uncacheable`)
rather than guessed at. Field layouts are not written into each value: every
key also carries the core's version (a hash of ``renderer/``'s files), so a
value is only ever read back by the code that wrote it.

Decoding goes by the target type's annotations, as the WIT conversions do
(``wasm_host/engines/convert.py``).

It lives in the core because the sandbox speaks it too: planning's inputs
and result cross into and out of the guest as one such JSON string each
(``plan-site-encoded``), not as a WIT record per post and per page job.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import operator
import typing
from typing import Any
from collections.abc import Callable

_LEAVES = frozenset((str, int, float, bool, type(None)))


class Uncacheable(TypeError):
    """A value of a type the codec does not know: the stage call is not cached."""


_PLAIN: dict[type, Callable[[Any], Any]] = {}


def plain(value: Any) -> Any:
    """``value`` as JSON data: a dataclass becomes the list of its fields' values."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    conv = _PLAIN.get(kind)
    if conv is None:
        conv = _PLAIN[kind] = _plain_for(kind)
    return conv(value)


def _plain_for(kind: type) -> Callable[[Any], Any]:
    if dataclasses.is_dataclass(kind):
        names = [f.name for f in dataclasses.fields(kind)]
        if not names:
            return lambda _value: []
        if len(names) == 1:
            name = names[0]
            return lambda value: [plain(getattr(value, name))]
        getter = operator.attrgetter(*names)
        return lambda value: [plain(item) for item in getter(value)]
    if kind in (list, tuple):
        return lambda value: [plain(item) for item in value]
    if kind is dict:
        def mapping(value: dict[Any, Any]) -> dict[str, Any]:
            if not all(type(k) is str for k in value):
                raise Uncacheable("a mapping with keys that are not strings")
            return {k: plain(v) for k, v in value.items()}
        return mapping
    if kind is bytes:
        return lambda value: {"bytes": value.decode("latin-1")}
    if issubclass(kind, enum.Enum):
        return lambda value: plain(value.value)
    raise Uncacheable(f"no canonical form for {kind.__qualname__}")


def canonical(value: Any) -> bytes:
    """One byte string per value: equal values give equal bytes, different ones different bytes."""
    try:
        return json.dumps(plain(value), ensure_ascii=True, separators=(",", ":"), sort_keys=True,
                          check_circular=False).encode("ascii")
    except (ValueError, RecursionError) as exc:  # NaN-free floats and sane depths only
        raise Uncacheable(str(exc)) from None


def digest(*parts: bytes | str) -> bytes:
    """SHA-256 of ``parts``, each length-prefixed (so no two splits of the same bytes collide)."""
    encoded = [part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part for part in parts]
    return hashlib.sha256(b"".join(b"%d:%b" % (len(data), data) for data in encoded)).digest()


def value_digest(value: Any) -> bytes:
    return hashlib.sha256(canonical(value)).digest()


# --- back from JSON -----------------------------------------------------------------------------

_DECODE: dict[Any, Callable[[Any], Any]] = {}


def _identity(value: Any) -> Any:
    return value


def decoder(target: Any) -> Callable[[Any], Any]:
    """A function turning :func:`plain` data back into ``target`` (a dataclass, list[...], enum...)."""
    conv = _DECODE.get(target)
    if conv is not None:
        return conv
    origin = typing.get_origin(target)
    if origin in (list, tuple):
        args = typing.get_args(target)
        item = decoder(args[0]) if args else _identity
        if origin is tuple:
            conv = lambda value: tuple(item(x) for x in value)  # noqa: E731  one converter per branch
        else:  # JSON gives a new list already: one of leaves is kept as it comes
            conv = _identity if item is _identity else (lambda value: [item(x) for x in value])
    elif isinstance(target, type) and dataclasses.is_dataclass(target):
        hints = typing.get_type_hints(target)
        convs = [decoder(hints[f.name]) for f in dataclasses.fields(target)]
        if all(c is _identity for c in convs):
            conv = lambda value, _cls=target: _cls(*value)  # noqa: E731  one converter per branch
        else:
            conv = lambda value, _cls=target, _convs=convs: _cls(*[c(x) for c, x in zip(_convs, value, strict=True)])  # noqa: E731  one converter per branch
    elif isinstance(target, type) and issubclass(target, enum.Enum):
        conv = target
    elif target is bytes:
        conv = lambda value: value["bytes"].encode("latin-1")  # noqa: E731  one converter per branch
    else:  # str, int, bool, float, dict[str, Any], Any
        conv = _identity
    _DECODE[target] = conv
    return conv


def dumps(value: Any) -> bytes:
    """``value`` as compact JSON bytes (a cache entry's payload)."""
    return json.dumps(plain(value), ensure_ascii=True, separators=(",", ":"), check_circular=False).encode("ascii")


def loads(data: bytes, target: Any) -> Any:
    return decoder(target)(json.loads(data))
