"""Go values as Python data, and Go's ``fmt`` printing of them.

The data model a template sees: ``None`` is nil, ``bool``, ``int`` and
``float`` are Go's bool, int and float64, ``str`` is string (with the
typed strings of ``html/template`` as subclasses: :class:`HTML`,
:class:`HTMLAttr`, :class:`URL`, :class:`JS`, :class:`JSStr`, :class:`CSS`,
:class:`Srcset`), ``list``/``tuple`` are slices, ``dict`` is a map, and a
:class:`GoObject` is a value with methods. A template reaches a
``GoObject``'s members only by the names its class lists in ``go_fields``:
never a Python attribute.

Printing follows ``fmt``: ``%v`` of a slice is ``[a b]``, of a map
``map[k:v]`` (keys sorted), of nil ``<nil>``, of a float the shortest
``%g`` with Go's exponent rules (``1e+06``); :func:`sprintf` has Go's verbs,
flags, width and precision.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from ..ucd import unassigned


class HTML(str):
    """template.HTML: known-safe markup, printed as it is in HTML text."""


class HTMLAttr(str):
    """template.HTMLAttr: a known-safe attribute (``dir="ltr"``)."""


class URL(str):
    """template.URL: a known-safe URL (any scheme)."""


class JS(str):
    """template.JS: a known-safe JavaScript expression."""


class JSStr(str):
    """template.JSStr: known-safe characters for inside a JavaScript string."""


class CSS(str):
    """template.CSS: known-safe CSS."""


class Srcset(str):
    """template.Srcset: a known-safe srcset attribute value."""


TYPED = (HTML, HTMLAttr, URL, JS, JSStr, CSS, Srcset)


class TemplateError(Exception):
    """A template that cannot be parsed or executed; the message says where and why."""


class GoError(TemplateError):
    """An error a function or method returns: execution stops with it (as Go's do)."""


class Unsupported(GoError):
    """A feature wasmblog does not run (I/O, remote resources, ...): a warning at the shortcode."""


class GoObject:
    """A value with Go-style members: only the names in ``go_fields`` are visible to templates.

    A member is a Python method (called with the template's arguments) or a
    plain value; :meth:`go_member` returns it. ``go_name`` is the type's name
    in messages and ``printf "%T"``.
    """

    go_fields: ClassVar[frozenset[str]] = frozenset()
    go_name: ClassVar[str] = "object"

    def go_member(self, name: str) -> Any:
        return getattr(self, name)

    def go_string(self) -> str:
        return "{" + self.go_name + "}"


def type_name(value: Any) -> str:
    """Go's name for the type of ``value`` (``%T``, error messages)."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, TYPED):
        return "template." + type(value).__name__
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "[]interface {}"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, GoObject):
        return value.go_name
    return "interface {}"


# -- floats ---------------------------------------------------------------------------------------


def _digits(f: float) -> tuple[str, int]:
    """The shortest decimal digits of abs(f) and the decimal point position (0.0123 -> "123", -1)."""
    text = repr(abs(f))
    mantissa, _, exp = text.partition("e")
    whole, _, frac = mantissa.partition(".")
    if frac == "0":
        frac = ""
    digits = (whole + frac).lstrip("0")
    point = len(whole) + (int(exp) if exp else 0)
    if whole == "0" or not whole.strip("0"):
        stripped = frac.lstrip("0")
        point = -(len(frac) - len(stripped)) + (int(exp) if exp else 0)
        digits = stripped
    digits = digits.rstrip("0") or "0"
    if digits == "0":
        point = 1
    return digits, point


def format_float(f: float, verb: str = "g", prec: int = -1) -> str:
    """strconv.FormatFloat(f, verb, prec, 64) for the verbs e, E, f, g, G."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    sign = "-" if f < 0 or (f == 0 and math.copysign(1, f) < 0) else ""
    if verb in "gG":
        if prec == -1:
            digits, point = _digits(f)
            eprec = 6
            exp = point - 1
            if digits == "0":
                exp = 0
            if exp < -4 or exp >= eprec:
                body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
                e = "e" if verb == "g" else "E"
                return f"{sign}{body}{e}{'+' if exp >= 0 else '-'}{abs(exp):02d}"
            if point <= 0:
                return f"{sign}0.{'0' * -point}{digits}"
            if point >= len(digits):
                return f"{sign}{digits}{'0' * (point - len(digits))}"
            return f"{sign}{digits[:point]}.{digits[point:]}"
        return sign + f"%.{max(prec, 1)}{verb}" % abs(f)
    if verb in "eE":
        if prec == -1:
            digits, point = _digits(f)
            exp = point - 1 if digits != "0" else 0
            body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
            return f"{sign}{body}{verb}{'+' if exp >= 0 else '-'}{abs(exp):02d}"
        return sign + f"%.{prec}{verb}" % abs(f)
    if verb == "f":
        if prec == -1:
            digits, point = _digits(f)
            if point <= 0:
                return f"{sign}0.{'0' * -point}{digits}" if digits != "0" else f"{sign}0"
            if point >= len(digits):
                return f"{sign}{digits}{'0' * (point - len(digits))}"
            return f"{sign}{digits[:point]}.{digits[point:]}"
        return sign + f"%.{prec}f" % abs(f)
    raise ValueError(verb)


def _shortest_g(f: float) -> str:
    """%v of a float64: the shortest digits, %e when the exponent is < -4 or >= 6 (strconv's 'g', -1)."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    sign = "-" if f < 0 or (f == 0 and math.copysign(1, f) < 0) else ""
    digits, point = _digits(f)
    exp = point - 1 if digits != "0" else 0
    if exp < -4 or exp >= 6:
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{body}e{'+' if exp >= 0 else '-'}{abs(exp):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


# -- %v ---------------------------------------------------------------------------------------------


def sprint_value(value: Any, depth: int = 0) -> str:
    """fmt's %v of one value."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _shortest_g(value)
    if depth > 20:
        return "..."
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(sprint_value(v, depth + 1) for v in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{sprint_value(k, depth + 1)}:{sprint_value(value[k], depth + 1)}"
                                 for k in sorted_keys(value)) + "]"
    if isinstance(value, GoObject):
        return value.go_string()
    return "?"


def sprint(args: list[Any]) -> str:
    """fmt.Sprint: operands joined, with a space between two operands when neither is a string."""
    out: list[str] = []
    prev_string = True
    for i, arg in enumerate(args):
        is_string = isinstance(arg, str)
        if i > 0 and not is_string and not prev_string:
            out.append(" ")
        out.append(sprint_value(arg))
        prev_string = is_string
    return "".join(out)


def sprintln(args: list[Any]) -> str:
    """fmt.Sprintln: operands joined by spaces, and a newline."""
    return " ".join(sprint_value(a) for a in args) + "\n"


def _key_order(key: Any) -> tuple[int, Any]:
    if isinstance(key, bool):
        return (0, key)
    if isinstance(key, (int, float)):
        return (1, key)
    if isinstance(key, str):
        return (2, key)
    return (3, sprint_value(key))


def sorted_keys(mapping: dict[Any, Any]) -> list[Any]:
    """A map's keys in Go's order for printing and range (fmt and text/template sort them)."""
    try:
        return sorted(mapping, key=_key_order)
    except TypeError:
        return list(mapping)


# -- printf -----------------------------------------------------------------------------------------


def _quote(text: str, ascii_only: bool = False) -> str:
    """strconv.Quote: Go's double-quoted form."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\a":
            out.append("\\a")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\v":
            out.append("\\v")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code > 0x7E and (ascii_only or not ch.isprintable() or unassigned(ch)):  # (printable in Unicode 14)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _pad(text: str, width: int | None, minus: bool, zero: bool) -> str:
    if width is None or len(text) >= width:
        return text
    if minus:
        return text + " " * (width - len(text))
    if zero:
        sign = text[0] if text[:1] in "+-" else ""
        body = text[len(sign):]
        return sign + "0" * (width - len(text)) + body
    return " " * (width - len(text)) + text


def _bad(verb: str, value: Any) -> str:
    return f"%!{verb}({type_name(value)}={sprint_value(value)})"


def _int_verb(verb: str, n: int, plus: bool, space: bool, sharp: bool, prec: int | None) -> str:
    sign = "-" if n < 0 else "+" if plus else " " if space else ""
    a = abs(n)
    if verb == "d" or verb == "v":
        body = str(a)
    elif verb == "x":
        body = format(a, "x")
        if sharp:
            body = "0x" + body
    elif verb == "X":
        body = format(a, "X")
        if sharp:
            body = "0X" + body
    elif verb == "o":
        body = format(a, "o")
        if sharp:
            body = "0" + body
    elif verb == "O":
        body = "0o" + format(a, "o")
    elif verb == "b":
        body = format(a, "b")
    elif verb == "c":
        return chr(n) if 0 <= n <= 0x10FFFF else "\ufffd"
    elif verb == "q":
        return "'" + _quote(chr(n) if 0 <= n <= 0x10FFFF else "\ufffd")[1:-1].replace("'", "\\'").replace('\\"', '"') + "'"
    elif verb == "U":
        body = f"U+{a:04X}"
    else:
        raise ValueError
    if prec is not None and verb in "dxXob":
        digits = body.lstrip("0xX") if not sharp else body
        if len(digits) < prec:
            body = "0" * (prec - len(digits)) + body
        if prec == 0 and n == 0:
            body = ""
    return sign + body


def format_one(verb: str, value: Any, flags: str, width: int | None, prec: int | None) -> str:
    """One printf verb applied to one operand."""
    minus, plus, sharp, zero, space = ("-" in flags), ("+" in flags), ("#" in flags), ("0" in flags), (" " in flags)
    zero = zero and not minus
    if verb == "T":
        return _pad(type_name(value), width, minus, False)
    if verb == "v" and isinstance(value, float):
        text = _shortest_g(value) if prec is None else format_float(value, "g", prec)
        if plus and not text.startswith("-"):
            text = "+" + text
        return _pad(text, width, minus, zero)
    if isinstance(value, bool):
        if verb in "vt":
            return _pad("true" if value else "false", width, minus, False)
        return _bad(verb, value)
    if isinstance(value, int):
        if verb in "vdxXobcqUO":
            try:
                text = _int_verb(verb, value, plus, space, sharp, prec)
            except ValueError:
                return _bad(verb, value)
            return _pad(text, width, minus, zero and prec is None)
        if verb in "eEfFgG":
            return format_one(verb, float(value), flags, width, prec)
        return _bad(verb, value)
    if isinstance(value, float):
        if verb in "eEfFgG":
            v = "f" if verb == "F" else verb
            text = format_float(value, v, prec if prec is not None else (-1 if v in "gG" else 6))
            if plus and not text.startswith("-"):
                text = "+" + text
            elif space and not text.startswith("-"):
                text = " " + text
            return _pad(text, width, minus, zero)
        if verb in "dxXobcqU":
            return _bad(verb, value)
        return _bad(verb, value)
    if isinstance(value, str):
        s = str.__str__(value)
        if verb in "vs":
            if prec is not None:
                s = s[:prec]
            return _pad(s, width, minus, zero)
        if verb == "q":
            if prec is not None:
                s = s[:prec]
            q = _quote(s, plus)
            if sharp and "`" not in s and all(c.isprintable() or c == "\t" for c in s):
                q = "`" + s + "`"
            return _pad(q, width, minus, zero)
        if verb in "xX":
            data = s.encode("utf-8", "surrogatepass")
            if prec is not None:
                data = data[:prec]
            sep = " " if space else ""
            hexes = [format(b, "02x" if verb == "x" else "02X") for b in data]
            if sharp:
                prefix = "0x" if verb == "x" else "0X"
                hexes = [prefix + h for h in hexes] if space else ([prefix + "".join(hexes)] if hexes else [])
            return _pad(sep.join(hexes), width, minus, zero)
        return _bad(verb, value)
    if value is None:
        if verb in "vs":
            return _pad("<nil>" if verb == "v" else "%!s(<nil>)", width, minus, False)
        return f"%!{verb}(<nil>)"
    if isinstance(value, (list, tuple)):
        if verb in "vsdqxX" and verb != "v" or verb == "v":
            inner = [format_one(verb, v, flags.replace("-", ""), None, prec) for v in value]
            return _pad("[" + " ".join(inner) + "]", width, minus, False)
        return _bad(verb, value)
    if isinstance(value, dict):
        if verb in "vs":
            inner = [f"{format_one(verb, k, '', None, prec)}:{format_one(verb, value[k], '', None, prec)}"
                     for k in sorted_keys(value)]
            return _pad("map[" + " ".join(inner) + "]", width, minus, False)
        return _bad(verb, value)
    if verb in "vs":
        return _pad(sprint_value(value), width, minus, False)
    return _bad(verb, value)


MAX_WIDTH = 10_000  # printf width and precision at most this (Go allows 1e6; an output cap applies anyway)


def sprintf(fmt: str, args: list[Any]) -> str:
    """fmt.Sprintf with Go's verbs, flags (``+-# 0``), width, precision and ``*``, and its error forms."""
    out: list[str] = []
    n = 0
    i = 0
    length = len(fmt)
    while i < length:
        j = fmt.find("%", i)
        if j < 0:
            out.append(fmt[i:])
            break
        out.append(fmt[i:j])
        i = j + 1
        flags = ""
        while i < length and fmt[i] in "+-# 0":
            flags += fmt[i]
            i += 1
        width: int | None = None
        prec: int | None = None
        if i < length and fmt[i] == "*":
            i += 1
            if n < len(args) and isinstance(args[n], int) and not isinstance(args[n], bool):
                width = args[n]
                if width < 0:
                    flags += "-"
                    width = -width
            else:
                out.append("%!(BADWIDTH)")
            n += 1
        else:
            start = i
            while i < length and fmt[i].isdigit():
                i += 1
            if i > start:
                width = int(fmt[start:i])
        if i < length and fmt[i] == ".":
            i += 1
            if i < length and fmt[i] == "*":
                i += 1
                if n < len(args) and isinstance(args[n], int) and not isinstance(args[n], bool):
                    prec = args[n] if args[n] >= 0 else None
                else:
                    out.append("%!(BADPREC)")
                n += 1
            else:
                start = i
                while i < length and fmt[i].isdigit():
                    i += 1
                prec = int(fmt[start:i]) if i > start else 0
        if (width or 0) > MAX_WIDTH or (prec or 0) > MAX_WIDTH:
            raise GoError(f"printf: width or precision over {MAX_WIDTH:,}")
        if i >= length:
            out.append("%!(NOVERB)")
            break
        verb = fmt[i]
        i += 1
        if verb == "%":
            out.append("%")
            continue
        if n >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        out.append(format_one(verb, args[n], flags, width, prec))
        n += 1
    if n < len(args):
        extra = ", ".join(f"{type_name(a)}={sprint_value(a)}" if a is not None else "<nil>" for a in args[n:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)
