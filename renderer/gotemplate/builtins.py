"""Go's own template functions (``text/template``'s ``funcs.go``), with Hugo's replacements.

Hugo replaces some of Go's builtins with its own (``eq``/``lt``... from its
``compare`` namespace, ``index`` and ``slice`` from ``collections``), and
this module has Hugo's versions of those; everything else of Hugo's
library is in :mod:`.hugofuncs`.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .escape import html_escape
from .exec import Func, is_true
from .gotime import GoTime
from .values import GoError, GoObject, sprint, sprintf, sprintln


_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")


def _int_like(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def normalize(v: Any) -> Any:
    """compare.Eq's normalisation: ints, floats, strings and times by value; other types as they are."""
    if isinstance(v, GoTime):
        return ("time", v.t)
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, (int, float)):
        return ("num", v)  # Hugo's eq finds 1 and 1.0 equal
    if isinstance(v, str):
        return ("str", str.__str__(v))
    if isinstance(v, (list, tuple)):
        return ("list", tuple(normalize(x) for x in v))
    if isinstance(v, dict):
        return ("map", tuple(sorted(((str(k), normalize(x)) for k, x in v.items()), key=lambda p: p[0])))
    return ("obj", id(v))


def eq(first: Any, *others: Any) -> bool:
    if not others:
        raise GoError("missing arguments for comparison")
    n = normalize(first)
    for other in others:
        if first is None or other is None:
            if (first is None) == (other is None):
                return True
            continue
        if n == normalize(other):
            return True
    return False


def ne(first: Any, *others: Any) -> bool:
    if not others:
        raise GoError("missing arguments for comparison")
    return not any(eq(first, o) for o in others)


def _compare_value(v: Any) -> tuple[float, str | None]:
    if isinstance(v, (list, tuple, dict)):
        return float(len(v)), None
    if isinstance(v, bool):
        return (1.0 if v else 0.0), None
    if isinstance(v, (int, float)):
        return float(v), None
    if isinstance(v, str):
        text = str.__str__(v)
        if _FLOAT.match(text):
            f = float(text)
            if not math.isinf(f):
                return f, None
        return 0.0, text
    if isinstance(v, GoTime):
        return float(v.Unix()), None
    return 0.0, None


def compare_get(a: Any, b: Any) -> tuple[Any, Any]:
    """Hugo's compareGet: two strings by their text, else both as numbers (numeric strings included)."""
    if type(a) is str and type(b) is str:
        return a, b
    left, ls = _compare_value(a)
    right, rs = _compare_value(b)
    if ls is not None and rs is not None:
        return ls, rs
    return left, right


def _cmp(op: Any) -> Any:
    def compare(first: Any, *others: Any) -> bool:
        if not others:
            raise GoError("missing arguments for comparison")
        for other in others:
            left, right = compare_get(first, other)
            if not op(left, right):
                return False
        return True
    return compare


lt = _cmp(lambda a, b: a < b)
le = _cmp(lambda a, b: a <= b)
gt = _cmp(lambda a, b: a > b)
ge = _cmp(lambda a, b: a >= b)


def not_(value: Any) -> bool:
    return not is_true(value)


def length(value: Any) -> int:
    if value is None:
        raise GoError("len of nil pointer")
    if isinstance(value, (str, list, tuple, dict)):
        return len(value)
    items = getattr(type(value), "go_items", None)
    if items is not None:
        return len(items(value))
    raise GoError(f"len of type {type(value).__name__}")


def index(collection: Any, *keys: Any) -> Any:
    """collections.Index: ``index $map "key"``, ``index $slice 1``, nested keys, or a list of keys."""
    if len(keys) == 1 and isinstance(keys[0], (list, tuple)):
        keys = tuple(keys[0])
    item = collection
    for key in keys:
        if item is None:
            return None
        if isinstance(item, dict):
            lookup = getattr(type(item), "go_lookup", None)
            item = lookup(item, key) if lookup is not None and isinstance(key, str) else item.get(key)
        elif isinstance(item, (list, tuple, str)):
            if not _int_like(key):
                raise GoError(f"cannot index slice/array with type {type(key).__name__}")
            if not 0 <= key < len(item):
                raise GoError(f"index out of range: {key}")
            item = item[key]
        elif isinstance(item, GoObject) and hasattr(type(item), "go_items"):
            seq = item.go_items()  # type: ignore[attr-defined]  # only list-like GoObjects define it (checked above)
            if not _int_like(key) or not 0 <= key < len(seq):
                raise GoError(f"index out of range: {key}")
            item = seq[key]
        else:
            raise GoError(f"can't index item of type {type(item).__name__}")
    return item


def make_slice(*args: Any) -> list[Any]:
    return list(args)


def html(*args: Any) -> str:
    return html_escape(sprint(list(args)))


def js(*args: Any) -> str:
    text = sprint(list(args))
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'")
        elif ch == '"':
            out.append('\\"')
        elif ch == "<":
            out.append("\\u003C")
        elif ch == ">":
            out.append("\\u003E")
        elif ch == "&":
            out.append("\\u0026")
        elif ch == "=":
            out.append("\\u003D")
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def urlquery(*args: Any) -> str:
    """Go's url.QueryEscape of the arguments' text."""
    out: list[str] = []
    for b in sprint(list(args)).encode("utf-8", "surrogatepass"):
        c = chr(b)
        if c.isascii() and (c.isalnum() or c in "-_.~"):
            out.append(c)
        else:
            out.append("+" if c == " " else f"%{b:02X}")
    return "".join(out)


def printf(fmt: Any, *args: Any) -> str:
    if not isinstance(fmt, str):
        raise GoError("printf: the format must be a string")
    return sprintf(fmt, list(args))


def call(fn: Any, *args: Any) -> Any:
    raise GoError("call: wasmblog templates have no function values")


GO_BUILTINS: dict[str, Func] = {
    "and": Func("and", None),  # no function: evaluated lazily by the executor
    "or": Func("or", None),
    "not": Func("not", not_),
    "len": Func("len", length),
    "index": Func("index", index),
    "slice": Func("slice", make_slice),
    "print": Func("print", lambda *a: sprint(list(a))),
    "printf": Func("printf", printf),
    "println": Func("println", lambda *a: sprintln(list(a))),
    "html": Func("html", html),
    "js": Func("js", js),
    "urlquery": Func("urlquery", urlquery),
    "call": Func("call", call),
    "eq": Func("eq", eq),
    "ne": Func("ne", ne),
    "lt": Func("lt", lt),
    "le": Func("le", le),
    "gt": Func("gt", gt),
    "ge": Func("ge", ge),
}
