"""Hugo's template function library, as far as shortcodes use it, pure and bounded.

Each function is Hugo's (``tpl/`` namespaces), under its short name and its
namespaced spelling (``lower`` and ``strings.ToLower``, ``dict`` and
``collections.Dictionary``, ``markdownify`` and ``transform.Markdownify``).
Functions that would read files, the network or the clock (``readFile``,
``os.*``, ``resources.Get``, ``getJSON``...) are :class:`values.Unsupported`:
the shortcode that calls one is left out with a warning. ``now`` is the build
time the host passed in. Regular expressions (``findRE``, ``replaceRE``...)
accept RE2's syntax where Python's ``re`` means the same, refuse the rest
and patterns that can backtrack without bound, and read bounded input.
"""

from __future__ import annotations

import hashlib
import html as _html
import json as _json
import math
import posixpath
import re
import unicodedata
from base64 import b64decode, b64encode
from typing import Any, Callable

from ..ucd import mask_unassigned
from .builtins import GO_BUILTINS, eq, index, length, make_slice
from .escape import go_json, html_escape, strip_tags
from .exec import Func, is_true
from ..i18n.golayout import NAMED, go_format
from .gotime import GoTime, parse_time
from .values import (CSS, HTML, JS, URL, GoError, GoObject, HTMLAttr, Unsupported, sprint, sprint_value,
                     sorted_keys)

MAX_STRING = 1_000_000  # longest string strings.Repeat, replace and friends may build
MAX_SEQ = 100_000  # longest list seq, split and friends may build
MAX_REGEX_INPUT = 20_000  # characters a regular expression function reads (bounds the polynomial cases)
MAX_PATTERN = 1_000


class Params(dict):  # type: ignore[type-arg]  # Go's maps.Params: keys and values of any type
    """Hugo's maps.Params: keys are lower case, and ``.Params.Foo`` finds ``foo``."""

    def go_lookup(self, key: str) -> Any:
        if key in self:
            return self[key]
        return self.get(key.lower())


def params(value: Any) -> Any:
    """Front-matter or site data as Hugo's templates see it: maps.Params all the way down."""
    if isinstance(value, dict):
        return Params({str(k).lower(): params(v) for k, v in value.items()})
    if isinstance(value, list):
        return [params(v) for v in value]
    return value


# -- helpers ------------------------------------------------------------------------------------


def to_string(v: Any) -> str:
    """cast.ToStringE: strings, numbers and booleans; anything else is an error."""
    if isinstance(v, str):
        return str.__str__(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return sprint_value(v)
    if v is None:
        return ""
    raise GoError(f"unable to cast {sprint_value(v)!r} of type {type(v).__name__} to string")


def to_int(v: Any) -> int:
    """cast.ToIntE: numbers truncated, numeric strings parsed (a leading 0 is octal, as in Hugo)."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise GoError("unable to cast NaN or Inf to int")
        return int(v)
    if isinstance(v, str):
        text = str.__str__(v).strip()
        try:
            if re.fullmatch(r"[+-]?0[0-7]+", text):
                return int(text, 8)
            if re.fullmatch(r"[+-]?0[xX][0-9a-fA-F]+", text):
                return int(text, 16)
            if re.fullmatch(r"[+-]?[0-9]+", text):
                return int(text)
            if re.fullmatch(r"[+-]?[0-9]*\.[0-9]+", text):
                return int(float(text))
        except ValueError:
            pass
        raise GoError(f'unable to cast "{text}" of type string to int')
    if v is None:
        return 0
    raise GoError(f"unable to cast {sprint_value(v)!r} to int")


def to_float(v: Any) -> float:
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(str.__str__(v).strip())
        except ValueError:
            raise GoError(f'unable to cast "{v}" of type string to float64') from None
    if v is None:
        return 0.0
    raise GoError(f"unable to cast {sprint_value(v)!r} to float64")


def _bounded(text: str) -> str:
    if len(text) > MAX_STRING:
        raise GoError(f"a template may not build a string longer than {MAX_STRING:,} characters")
    return text


def _seq_of(v: Any) -> list[Any]:
    if v is None:
        return []
    if isinstance(v, (list, tuple)):
        return list(v)
    if isinstance(v, dict):
        return [v[k] for k in sorted_keys(v)]
    items = getattr(type(v), "go_items", None)
    if items is not None:
        return list(items(v))
    raise GoError(f"can't iterate over {sprint_value(v)}")


# -- regular expressions ------------------------------------------------------------------------

_RE_CACHE: dict[str, re.Pattern[str]] = {}
MAX_UNBOUNDED = 4  # unbounded quantifiers (*, +, {n,}) in one pattern


def _groups(pattern: str) -> list[tuple[str, str]]:
    """(body, quantifier after it) of every parenthesised group, innermost ones included."""
    out: list[tuple[str, str]] = []
    stack: list[int] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "]":
                i += 1
        elif c == "(":
            stack.append(i)
        elif c == ")" and stack:
            start = stack.pop()
            m = re.match(r"[*+?]|\{[0-9]*,?[0-9]*\}", pattern[i + 1:])
            body = re.sub(r"^\?(?::|P<[^>]*>|[a-zA-Z]+:?)", "", pattern[start + 1:i])  # (?: (?P<n> (?i:
            out.append((body, m.group(0) if m else ""))
        i += 1
    return out


def _quantifiers(body: str) -> int:
    """Unbounded quantifiers in ``body`` (outside character classes and escapes)."""
    plain = re.sub(r"\\.", "x", body)
    plain = re.sub(r"\[(?:\\.|[^\]])*\]", "x", plain)
    return len(re.findall(r"[*+]|\{[0-9]+,\}", plain))


def _variable(body: str) -> bool:
    """Whether ``body`` repeats anything a variable number of times (*, +, ?, {m,n} with m < n)."""
    plain = re.sub(r"\\.", "x", body)
    plain = re.sub(r"\[(?:\\.|[^\]])*\]", "x", plain)
    plain = re.sub(r"\(\?(?::|P<[^>]*>|[a-zA-Z]+:?)", "(", plain)  # (?: and (?P<name> are not quantifiers
    for m in re.finditer(r"[*+?]|\{([0-9]*),?([0-9]*)\}", plain):
        if m.group(0)[0] != "{" or m.group(0) != "{" + m.group(1) + "}":
            return True
    return False


def _single_chars(body: str) -> bool:
    alternatives = body.split("|")
    return all(len(a) == 1 and a not in ".\\" for a in alternatives) and len(set(alternatives)) == len(alternatives)


def _go_dollar(pattern: str) -> str:
    """``$`` outside classes and escapes as ``\\Z`` (Python's ``$`` also matches before a final newline)."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "$":
            c = r"\Z"
        out.append(c)
        i += 1
    return "".join(out)


def go_regexp(pattern: Any) -> re.Pattern[str]:
    """A Go RE2 pattern as a Python one, or an error for syntax Python reads differently, and for shapes
    that make a backtracking engine run for ever (RE2 never backtracks; Python's re does): a repeated
    group holding a quantifier or an alternation ((a+)+, (a|aa)*), and more than a few unbounded
    quantifiers. The text it reads is bounded too (MAX_REGEX_INPUT)."""
    if not isinstance(pattern, str):
        raise GoError("the regular expression must be a string")
    found = _RE_CACHE.get(pattern)
    if found is not None:
        return found
    if len(pattern) > MAX_PATTERN:
        raise GoError(f"regular expression longer than {MAX_PATTERN:,} characters")
    if re.search(r"\\[1-9]|\(\?[=!<]|\(\?P=", pattern):
        raise GoError(f"regular expression {pattern!r}: lookaround and backreferences are not RE2 syntax")
    for body, quantifier in _groups(pattern):
        if quantifier and quantifier != "?" and (_variable(body) or ("|" in body and not _single_chars(body))):
            raise GoError(f"regular expression {pattern!r} repeats a group that holds a quantifier or "
                          "alternatives, such as (a+)+ or (a|ab)*, which can run for ever here; write it "
                          "without the nesting")
    if _quantifiers(pattern) > MAX_UNBOUNDED:
        raise GoError(f"regular expression {pattern!r} has more than {MAX_UNBOUNDED} unbounded repetitions "
                      "(*, +), which can run for a very long time here")
    py = pattern.replace(r"\z", r"\Z").replace("[[:alpha:]]", "[A-Za-z]") \
        .replace("[[:digit:]]", "[0-9]").replace("[[:space:]]", r"[\t\n\v\f\r ]").replace("[[:alnum:]]", "[0-9A-Za-z]") \
        .replace("[[:upper:]]", "[A-Z]").replace("[[:lower:]]", "[a-z]").replace("[[:punct:]]", r"[!-/:-@\[-`{-~]")
    if re.search(r"\\[pP]", py) or "[[:" in py:
        raise GoError(f"regular expression {pattern!r}: Unicode classes are not supported here")
    if "(?m" not in py and "(?s" not in py:
        py = _go_dollar(py)
    try:
        # Go's \d, \w, \s and \b are ASCII; its $ (without the m flag) is the very end of the text.
        compiled = re.compile(py, re.ASCII)
    except re.error as exc:
        raise GoError(f"error parsing regexp: {exc}: `{pattern}`") from None
    if len(_RE_CACHE) > 256:
        _RE_CACHE.clear()
    _RE_CACHE[pattern] = compiled
    return compiled


def _regex_input(v: Any) -> str:
    text = to_string(v)
    if len(text) > MAX_REGEX_INPUT:
        raise GoError(f"a regular expression may read at most {MAX_REGEX_INPUT:,} characters")
    return text


def _go_replacement(repl: str) -> Callable[[re.Match[str]], str]:
    """Go's $1 / ${name} replacement template as a function of the match."""
    parts = re.split(r"(\$\$|\$\{[A-Za-z0-9_]+\}|\$[A-Za-z0-9_]+)", repl)

    def expand(m: re.Match[str]) -> str:
        out: list[str] = []
        for part in parts:
            if part == "$$":
                out.append("$")
            elif part.startswith("$") and len(part) > 1:
                name = part[2:-1] if part.startswith("${") else part[1:]
                try:
                    group = m.group(int(name)) if name.isascii() and name.isdigit() else m.group(name)
                except (IndexError, error_type()):
                    group = ""
                out.append(group or "")
            else:
                out.append(part)
        return "".join(out)
    return expand


def error_type() -> type[BaseException]:
    return re.error


def find_re(expr: Any, content: Any, limit: Any = -1) -> list[str]:
    pattern = go_regexp(expr)
    text = _regex_input(content)
    n = to_int(limit)
    out = [m.group(0) for m in pattern.finditer(text)]
    return out if n < 0 else out[:n]


def find_re_submatch(expr: Any, content: Any, limit: Any = -1) -> list[list[str]]:
    pattern = go_regexp(expr)
    text = _regex_input(content)
    n = to_int(limit)
    out = [[m.group(0), *[g or "" for g in m.groups()]] for m in pattern.finditer(text)]
    return out if n < 0 else out[:n]


def replace_re(expr: Any, repl: Any, content: Any, limit: Any = -1) -> str:
    pattern = go_regexp(expr)
    text = _regex_input(content)
    n = to_int(limit)
    return _bounded(pattern.sub(_go_replacement(to_string(repl)), text, count=0 if n < 0 else n) if n != 0 else text)


# -- strings --------------------------------------------------------------------------------------


_SMALL_WORDS = frozenset("a an and as at but by en for if in nor of on or per the to v v. via vs vs. up".split())


def title(v: Any) -> str:
    """Hugo's default titleCaseStyle ("ap"): words capitalised, short ones lower case inside the title
    (not first, last, or after a colon)."""
    text = to_string(v)
    words = re.split(r"(\s+)", text)
    real = [i for i, w in enumerate(words) if w and not w.isspace()]
    first, last = (real[0], real[-1]) if real else (-1, -1)
    out = []
    previous = ""
    for i, w in enumerate(words):
        if not w or w.isspace():
            out.append(w)
            continue
        if w.lower() in _SMALL_WORDS and i not in (first, last) and not previous.endswith(":"):
            out.append(w.lower())
        else:
            out.append(w[:1].upper() + w[1:])
        previous = w
    return "".join(out)


def humanize(v: Any) -> str:
    if isinstance(v, int) and not isinstance(v, bool) or (isinstance(v, str) and re.fullmatch(r"-?[0-9]+", v)):
        n = int(v)
        a = abs(n)
        suffix = "th" if 11 <= a % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(a % 10, "th")
        return f"{n}{suffix}"
    text = to_string(v)
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text).replace("_", " ").replace("-", " ")
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r" id$", "", text)
    return text[:1].upper() + text[1:].lower() if text else ""


def anchorize(v: Any) -> str:
    """Hugo's default anchorize (goldmark's "github" heading ids): lower case, spaces to -, punctuation dropped."""
    # Characters unassigned in Unicode 14.0 are dropped: the engines' Pythons disagree on what they are.
    text = mask_unassigned(to_string(v), "").strip()
    out: list[str] = []
    for ch in text.lower():
        cat = unicodedata.category(ch)
        if ch in "-_" or cat[0] in "LN" or cat == "Mn" or cat == "Mc":
            out.append(ch)
        elif ch == " ":
            out.append("-")
    return "".join(out)


def urlize(v: Any) -> str:
    """Hugo's URLize: a path made of the text, lower case, spaces to dashes, then URL-escaped."""
    text = mask_unassigned(to_string(v), "").strip().replace(" ", "-")
    kept = "".join(ch for ch in text if ch.isalnum() or ch in "./\\_-#+~")
    return percent_encode(kept.lower(), "/#+~._-")


def plainify(v: Any) -> HTML:
    """Hugo's StripHTML: tags removed (paragraph ends and line breaks kept as newlines), runs of spaces
    collapsed to their first."""
    text = to_string(v)
    if "<" not in text and ">" not in text:
        return HTML(text)
    pre = text.replace("\n", " ").replace("</p>", "\0nl").replace("<br>", "\0nl").replace("<br />", "\0nl")
    text = strip_tags(pre).replace("\0nl", "\n")
    out: list[str] = []
    was_space = False
    for ch in text:
        is_space = ch.isspace()
        if not (is_space and was_space):
            out.append(ch)
        was_space = is_space
    return HTML("".join(out))


def trim(v: Any, cutset: Any) -> str:
    return to_string(v).strip(to_string(cutset))


def split(v: Any, sep: Any) -> list[str]:
    text, s = to_string(v), to_string(sep)
    parts = list(text) if s == "" else text.split(s)
    if len(parts) > MAX_SEQ:
        raise GoError(f"split: more than {MAX_SEQ:,} parts")
    return parts


def replace(v: Any, old: Any, new: Any, limit: Any = -1) -> str:
    text, o, n = to_string(v), to_string(old), to_string(new)
    count = to_int(limit)
    if o and text.count(o) * max(0, len(n) - len(o)) > MAX_STRING:
        raise GoError(f"a template may not build a string longer than {MAX_STRING:,} characters")
    return _bounded(text.replace(o, n, count if count >= 0 else -1))


def repeat(n: Any, s: Any) -> str:
    count, text = to_int(n), to_string(s)
    if count < 0:
        raise GoError("strings: negative Repeat count")
    if count * len(text) > MAX_STRING:
        raise GoError(f"a template may not build a string longer than {MAX_STRING:,} characters")
    return text * count


def substr(v: Any, start: Any, length_: Any = None) -> str:
    text = to_string(v)
    s = to_int(start)
    n = len(text)
    if s < 0:
        s = max(0, n + s)
    if s > n:
        return ""
    if length_ is None:
        return text[s:]
    ln = to_int(length_)
    if ln < 0:
        end = n + ln
        return text[s:end] if end > s else ""
    return text[s:s + ln]


def truncate(size: Any, *args: Any) -> HTML | str:
    n = to_int(size)
    if len(args) == 1:
        ellipsis, text = " …", args[0]
    elif len(args) == 2:
        ellipsis, text = to_string(args[0]), args[1]
    else:
        raise GoError("truncate: wrong number of arguments")
    s = to_string(text)
    is_html = isinstance(text, HTML)
    if len(s) <= n:
        return HTML(s) if is_html else s
    cut = s[:n]
    space = cut.rfind(" ")
    if space > 0 and not s[n:n + 1].isspace():
        cut = cut[:space]
    return HTML(cut.rstrip() + ellipsis) if is_html else _html_to_text(cut.rstrip() + ellipsis)


def _html_to_text(s: str) -> Any:
    return HTML(html_escape(s))


def count_words(v: Any) -> int:
    return len(plainify(v).split())


def chomp(v: Any) -> Any:
    text = to_string(v).rstrip("\r\n")
    return HTML(text) if isinstance(v, HTML) else text


def first_upper(v: Any) -> str:
    text = to_string(v)
    return text[:1].upper() + text[1:]


def strings_contains(s: Any, sub: Any) -> bool:
    return to_string(sub) in to_string(s)


def strings_contains_any(s: Any, chars: Any) -> bool:
    return any(c in to_string(s) for c in to_string(chars))


def _trim_prefix(prefix: Any, s: Any) -> str:
    text, p = to_string(s), to_string(prefix)
    return text[len(p):] if p and text.startswith(p) else text


def _trim_suffix(suffix: Any, s: Any) -> str:
    text, p = to_string(s), to_string(suffix)
    return text[:-len(p)] if p and text.endswith(p) else text


# -- collections -----------------------------------------------------------------------------------


def dictionary(*args: Any) -> dict[str, Any]:
    if len(args) % 2:
        raise GoError("invalid dictionary call")
    out: dict[str, Any] = {}
    for i in range(0, len(args), 2):
        key = args[i]
        if isinstance(key, (list, tuple)):
            node = out
            for part in key[:-1]:
                node = node.setdefault(to_string(part), {})
            node[to_string(key[-1])] = args[i + 1]
        else:
            if not isinstance(key, str):
                raise GoError(f"dictionary keys must be strings, not {sprint_value(key)}")
            out[str.__str__(key)] = args[i + 1]
    return out


def merge(*maps: Any) -> dict[str, Any]:
    if len(maps) < 2:
        raise GoError("merge requires at least two parameters")
    for m in maps:
        if not isinstance(m, dict):
            raise GoError(f"merge: expected a map, not {sprint_value(m)}")
    result: dict[str, Any] = maps[-1]
    for m in reversed(maps[:-1]):
        result = _merge_two(result, m)
    return result


def _merge_two(dst: dict[str, Any], src: dict[str, Any]) -> dict[str, Any]:
    out = type(dst)(dst) if isinstance(dst, Params) else dict(dst)
    for k, v in src.items():
        key = k.lower() if isinstance(dst, Params) else k
        if key not in out:
            out[key] = v
        elif isinstance(out[key], dict) and isinstance(v, dict):
            out[key] = _merge_two(out[key], v)
    return out


def isset(collection: Any, key: Any) -> bool:
    if isinstance(collection, dict):
        lookup = getattr(type(collection), "go_lookup", None)
        if isinstance(key, str):
            if lookup is not None:
                return key in collection or key.lower() in collection
            return key in collection
        return False
    if isinstance(collection, (list, tuple)):
        n = to_int(key) if not isinstance(key, str) or (key.isascii() and key.isdigit()) else -1
        return 0 <= n < len(collection)
    return False


def in_(collection: Any, value: Any) -> bool:
    if collection is None:
        return False
    if isinstance(collection, str):
        return to_string(value) in str.__str__(collection)
    if isinstance(collection, dict):
        return any(eq(v, value) for v in collection.values())
    return any(eq(v, value) for v in _seq_of(collection))


def first(limit: Any, seq: Any) -> Any:
    n = to_int(limit)
    if n < 0:
        raise GoError("first: can't return a negative number of items")
    if isinstance(seq, str):
        return seq[:n]
    return _seq_of(seq)[:n]


def last(limit: Any, seq: Any) -> Any:
    n = to_int(limit)
    if n < 0:
        raise GoError("last: can't return a negative number of items")
    items = _seq_of(seq)
    return items[len(items) - n:] if n else []


def after(limit: Any, seq: Any) -> Any:
    n = to_int(limit)
    if n < 0:
        raise GoError("after: can't return a negative number of items")
    return _seq_of(seq)[n:]


def delimit(seq: Any, sep: Any, last_sep: Any = None) -> str:
    items = [to_string(v) if not isinstance(v, (list, dict)) else sprint_value(v) for v in _seq_of(seq)]
    s = to_string(sep)
    if last_sep is not None and len(items) >= 2:
        return _bounded(s.join(items[:-1]) + to_string(last_sep) + items[-1])
    return _bounded(s.join(items))


def seq(*args: Any) -> list[int]:
    nums = [to_int(a) for a in args]
    if len(nums) == 1:
        start, step, end = 1, 1, nums[0]
        if end < 0:
            start, step = -1, -1
    elif len(nums) == 2:
        start, end = nums
        step = 1 if end >= start else -1
    elif len(nums) == 3:
        start, step, end = nums
        if step == 0:
            raise GoError("'increment' must not be 0")
    else:
        raise GoError("invalid number of arguments to Seq")
    if (end - start) // step + 1 > MAX_SEQ:
        raise GoError(f"size of result exceeds limit ({MAX_SEQ:,})")
    if (step > 0 and end < start) or (step < 0 and end > start):
        return []
    return list(range(start, end + (1 if step > 0 else -1), step))


def append_(*args: Any) -> list[Any]:
    if len(args) < 2:
        raise GoError("expected at least 2 arguments to append")
    base = args[-1]
    items = _seq_of(base) if base is not None else []
    extra = list(args[:-1])
    if len(extra) == 1 and isinstance(extra[0], (list, tuple)) and not items:
        return list(extra[0])
    if len(items) + len(extra) > MAX_SEQ:
        raise GoError(f"append: more than {MAX_SEQ:,} items")
    return items + extra


def uniq(seq_: Any) -> list[Any]:
    out: list[Any] = []
    for v in _seq_of(seq_):
        if not any(eq(v, o) for o in out):
            out.append(v)
    return out


def reverse(seq_: Any) -> list[Any]:
    return list(reversed(_seq_of(seq_)))


def sort(seq_: Any, key: Any = None, order: Any = "asc") -> list[Any]:
    items = _seq_of(seq_)

    def by(v: Any) -> Any:
        if key is not None and isinstance(v, dict):
            v = index(v, *to_string(key).split("."))
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return (0, v, "")
        text = to_string(v) if isinstance(v, (str, bool)) else sprint_value(v)
        return (1, text.lower(), text)  # Hugo's string order: case-insensitive, then by case
    return sorted(items, key=by, reverse=to_string(order).lower() == "desc")


def where(seq_: Any, key: Any, *args: Any) -> list[Any]:
    if len(args) == 1:
        op, match = "eq", args[0]
    elif len(args) == 2:
        op, match = to_string(args[0]), args[1]
    else:
        raise GoError("where: wrong number of arguments")
    out = []
    for item in _seq_of(seq_):
        v = index(item, *to_string(key).strip(".").split(".")) if isinstance(item, dict) else None
        if op in ("eq", "=", "=="):
            ok = eq(v, match)
        elif op in ("ne", "!=", "<>"):
            ok = not eq(v, match)
        elif op == "in":
            ok = in_(match, v)
        elif op == "not in":
            ok = not in_(match, v)
        else:
            raise GoError(f"where: the operator {op!r} is not supported here")
        if ok:
            out.append(item)
    return out


# -- math ------------------------------------------------------------------------------------------


def _num(v: Any) -> int | float:
    if isinstance(v, bool) or v is None:
        raise GoError(f"can't apply the operator to the values: {sprint_value(v)}")
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, str):
        try:
            return int(v) if re.fullmatch(r"[+-]?[0-9]+", v) else float(v)
        except ValueError:
            pass
    raise GoError(f"can't apply the operator to the values: {sprint_value(v)}")


def _arith(op: str) -> Callable[..., Any]:
    def apply(*args: Any) -> Any:
        if len(args) < 2:
            raise GoError(f"{op} needs at least two numbers")
        if op == "+" and all(isinstance(a, str) for a in args):
            return _bounded("".join(str.__str__(a) for a in args))  # Hugo's add joins strings
        acc = _num(args[0])
        for b in args[1:]:
            y = _num(b)
            if op == "+":
                acc = acc + y
            elif op == "-":
                acc = acc - y
            elif op == "*":
                if isinstance(acc, int) and isinstance(y, int) and acc.bit_length() + y.bit_length() > 64:
                    raise GoError("the number is too large")
                acc = acc * y
            elif op == "/":
                if y == 0:
                    raise GoError("can't divide the value by 0")
                acc = (int(acc / y) if isinstance(acc, int) and isinstance(y, int) else acc / y)
            if isinstance(acc, int) and not -2 ** 63 <= acc < 2 ** 63:
                raise GoError("the number is too large")
        return acc
    return apply


def mod(a: Any, b: Any) -> int:
    x, y = to_int(a), to_int(b)
    if y == 0:
        raise GoError("the number can't be divided by zero at modulo operation")
    return int(math.fmod(x, y))


def pow_(a: Any, b: Any) -> float:
    x, y = to_float(a), to_float(b)
    if abs(y) > 1024:
        raise GoError("exponent too large")
    try:
        return math.pow(x, y)
    except (OverflowError, ValueError):
        raise GoError("the result is out of range") from None


# -- the library ------------------------------------------------------------------------------------


def _unsupported(name: str, why: str) -> Callable[..., Any]:
    def refuse(*args: Any) -> Any:
        raise Unsupported(f"{name} {why}")
    return refuse


def _no_io(name: str) -> Callable[..., Any]:
    return _unsupported(name, "reads files or the network, which wasmblog's shortcodes may not")


def cond(c: Any, a: Any, b: Any) -> Any:
    return a if is_true(c) else b


def default(dflt: Any, *given: Any) -> Any:
    if not given:
        return dflt
    if len(given) != 1:
        raise GoError(f"wrong number of args for default: want 2 got {len(given) + 1}")
    g = given[0]
    if isinstance(g, GoTime):
        return dflt if g.IsZero() else g
    if isinstance(g, bool):
        return g
    return g if is_true(g) else dflt


def jsonify(*args: Any) -> HTML:
    value = args[-1]
    if len(args) > 1 and isinstance(args[0], dict):
        opts = args[0]
        indent = to_string(opts.get("indent", ""))
        prefix = to_string(opts.get("prefix", ""))
        if indent or prefix:
            return HTML(_json.dumps(_json.loads(go_json(value)), indent=indent or None,
                                    ensure_ascii=False).replace("\n", "\n" + prefix))
    return HTML(go_json(value))


def html_unescape(v: Any) -> str:
    return _html.unescape(to_string(v))


def html_escape_fn(v: Any) -> str:
    text = to_string(v)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;") \
        .replace("'", "&#39;")


_EMOJI = {":smile:": "😄", ":heart:": "❤️", ":+1:": "👍", ":thumbsup:": "👍", ":-1:": "👎", ":tada:": "🎉",
          ":rocket:": "🚀", ":warning:": "⚠️", ":bulb:": "💡", ":information_source:": "ℹ️",
          ":white_check_mark:": "✅", ":x:": "❌", ":star:": "⭐", ":fire:": "🔥", ":wink:": "😉",
          ":laughing:": "😆", ":joy:": "😂", ":smiley:": "😃", ":grinning:": "😀", ":sparkles:": "✨",
          ":memo:": "📝", ":book:": "📖", ":link:": "🔗", ":point_right:": "👉", ":eyes:": "👀",
          ":check:": "✔️", ":heavy_check_mark:": "✔️", ":exclamation:": "❗", ":question:": "❓",
          ":coffee:": "☕", ":bug:": "🐛", ":zap:": "⚡", ":lock:": "🔒", ":key:": "🔑", ":gear:": "⚙️"}


def emojify(v: Any) -> HTML:
    text = to_string(v)
    return HTML(re.sub(r":[a-z0-9_+-]+:", lambda m: _EMOJI.get(m.group(0), m.group(0)), text))


def path_base(v: Any) -> str:
    p = to_string(v)
    if p == "":
        return "."
    p = p.rstrip("/")
    if p == "":
        return "/"
    return p.rsplit("/", 1)[-1]


def path_dir(v: Any) -> str:
    p = to_string(v)
    d = p.rsplit("/", 1)[0] if "/" in p else "."
    return d or "/"


def path_ext(v: Any) -> str:
    base = to_string(v).rsplit("/", 1)[-1]
    i = base.rfind(".")
    return base[i:] if i >= 0 else ""


def path_clean(v: Any) -> str:
    return posixpath.normpath(to_string(v)) if to_string(v) else "."


def path_join(*parts: Any) -> str:
    items: list[str] = []
    for p in parts:
        items.extend(to_string(x) for x in (p if isinstance(p, (list, tuple)) else [p]))
    joined = "/".join(x for x in items if x)
    return posixpath.normpath(joined) if joined else ""


def _safe(cls: type) -> Callable[[Any], Any]:
    def make(v: Any) -> Any:
        return cls(to_string(v) if not isinstance(v, str) else str.__str__(v))
    return make


class Scratch(GoObject):
    """Hugo's Scratch (``newScratch``, ``.Scratch``, ``.Store``): a small map a template writes to."""

    go_name = "*maps.Scratch"
    go_fields = frozenset(["Set", "Get", "Add", "SetInMap", "GetSortedMapValues", "Delete", "Values"])

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def Set(self, key: Any, value: Any) -> str:
        if len(self.values) > 10_000:
            raise GoError("Scratch holds more than 10,000 keys")
        self.values[to_string(key)] = value
        return ""

    def Get(self, key: Any) -> Any:
        return self.values.get(to_string(key))

    def Delete(self, key: Any) -> str:
        self.values.pop(to_string(key), None)
        return ""

    def Values(self) -> dict[str, Any]:
        return dict(self.values)

    def Add(self, key: Any, value: Any) -> str:
        k = to_string(key)
        old = self.values.get(k)
        if old is None:
            self.values[k] = value
        elif isinstance(old, list):
            added = old + (list(value) if isinstance(value, (list, tuple)) else [value])
            if len(added) > MAX_SEQ:
                raise GoError(f"Scratch.Add: more than {MAX_SEQ:,} items")
            self.values[k] = added
        elif isinstance(old, str) and isinstance(value, str):
            self.values[k] = _bounded(old + value)
        else:
            self.values[k] = _arith("+")(old, value)
        return ""

    def SetInMap(self, key: Any, map_key: Any, value: Any) -> str:
        m = self.values.setdefault(to_string(key), {})
        if isinstance(m, dict):
            m[to_string(map_key)] = value
        return ""

    def GetSortedMapValues(self, key: Any) -> Any:
        m = self.values.get(to_string(key))
        if not isinstance(m, dict):
            return None
        return [m[k] for k in sorted(m)]


def query_escape(text: str) -> str:
    """Go's url.QueryEscape."""
    out: list[str] = []
    for b in text.encode("utf-8", "surrogatepass"):
        c = chr(b)
        if c.isascii() and (c.isalnum() or c in "-_.~"):
            out.append(c)
        elif c == " ":
            out.append("+")
        else:
            out.append(f"%{b:02X}")
    return "".join(out)


def querify(*args: Any) -> str:
    """collections.Querify: key/value pairs (or one map) as a query string, keys sorted as Go's url.Values."""
    if len(args) == 1 and isinstance(args[0], dict):
        pairs = [(to_string(k), v) for k, v in args[0].items()]
    elif len(args) == 1 and isinstance(args[0], (list, tuple)):
        items = list(args[0])
        pairs = [(to_string(items[i]), items[i + 1]) for i in range(0, len(items) - 1, 2)]
    else:
        if len(args) % 2:
            raise GoError("querify: the arguments must be key/value pairs")
        pairs = [(to_string(args[i]), args[i + 1]) for i in range(0, len(args), 2)]
    return "&".join(f"{query_escape(k)}={query_escape(to_string(v))}" for k, v in sorted(pairs, key=lambda p: p[0]))


class GoURL(GoObject):
    """A parsed URL (``urls.Parse``): Go's url.URL fields."""

    go_name = "*url.URL"
    go_fields = frozenset(["String", "IsAbs", "Scheme", "Host", "Path", "RawQuery", "Fragment", "Hostname",
                           "Port", "Query", "Opaque", "User", "RawPath", "EscapedPath"])

    def __init__(self, text: str) -> None:
        m = re.match(r"^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", text)
        assert m is not None
        self.scheme = (m.group(1) or "").lower()
        self.host = m.group(2) or ""
        self.path = _path_unescape(m.group(3) or "")
        self.raw_path = m.group(3) or ""
        self.query = m.group(4) or ""
        self.fragment = m.group(5) or ""
        self.has_query = m.group(4) is not None
        self.has_fragment = m.group(5) is not None
        self.has_host = m.group(2) is not None
        self.text = text

    def go_string(self) -> str:
        return self.String()

    def String(self) -> str:
        out = ""
        if self.scheme:
            out += self.scheme + ":"
        if self.has_host or self.host:
            out += "//" + self.host
        out += self.raw_path
        if self.has_query and self.query:
            out += "?" + self.query
        elif self.has_query and self.text.endswith("?"):
            out += "?"
        if self.has_fragment:
            out += "#" + self.fragment
        return out

    def IsAbs(self) -> bool:
        return self.scheme != ""

    def Scheme(self) -> str:
        return self.scheme

    def Host(self) -> str:
        return self.host

    def Hostname(self) -> str:
        return self.host.rsplit(":", 1)[0] if ":" in self.host and not self.host.endswith("]") else self.host

    def Port(self) -> str:
        return self.host.rsplit(":", 1)[1] if ":" in self.host and not self.host.endswith("]") else ""

    def Path(self) -> str:
        return self.path

    def RawPath(self) -> str:
        return ""

    def EscapedPath(self) -> str:
        return self.raw_path

    def RawQuery(self) -> str:
        return self.query

    def Fragment(self) -> str:
        return self.fragment

    def Opaque(self) -> str:
        return ""

    def User(self) -> Any:
        return None

    def Query(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for part in self.query.split("&") if self.query else []:
            k, _, v = part.partition("=")
            out.setdefault(_query_unescape(k), []).append(_query_unescape(v))
        return out


def _path_unescape(text: str) -> str:
    """Percent-escapes decoded (as UTF-8; a bad escape is kept as written)."""
    def one(m: re.Match[str]) -> str:
        return bytes.fromhex(m.group(0).replace("%", "")).decode("utf-8", "replace")
    return re.sub(r"(?:%[0-9A-Fa-f]{2})+", one, text)


def _query_unescape(text: str) -> str:
    return _path_unescape(text.replace("+", " "))


def percent_encode(text: str, safe: str) -> str:
    """Every byte of the UTF-8 text percent-encoded but ASCII letters, digits and ``safe``."""
    out: list[str] = []
    for b in text.encode("utf-8", "surrogatepass"):
        c = chr(b)
        if c.isascii() and (c.isalnum() or c in safe):
            out.append(c)
        else:
            out.append(f"%{b:02X}")
    return "".join(out)


def url_parse(v: Any) -> GoURL:
    return GoURL(to_string(v))


def join_path(*parts: Any) -> str:
    items: list[str] = []
    for p in parts:
        items.extend(to_string(x) for x in (p if isinstance(p, (list, tuple)) else [p]))
    if not items:
        return ""
    base = GoURL(items[0])
    path = posixpath.normpath("/".join([base.raw_path or "/"] + [i for i in items[1:]]))
    if items[-1].endswith("/") and not path.endswith("/"):
        path += "/"
    prefix = (base.scheme + ":" if base.scheme else "") + ("//" + base.host if base.has_host else "")
    return prefix + (path if path.startswith("/") or not prefix else "/" + path)


def library() -> dict[str, Func]:
    """Hugo's functions by every name they have (state-free ones; the shortcode adds the rest)."""
    f: dict[str, Callable[..., Any]] = {
        "safeHTML": _safe(HTML), "safeHTMLAttr": _safe(HTMLAttr), "safeURL": _safe(URL), "safeJS": _safe(JS),
        "safeCSS": _safe(CSS),
        "htmlEscape": html_escape_fn, "htmlUnescape": html_unescape, "plainify": plainify,
        "default": default, "cond": cond, "dict": dictionary, "merge": merge, "isset": isset, "in": in_,
        "first": first, "last": last, "after": after, "delimit": delimit, "split": split, "replace": replace,
        "replaceRE": replace_re, "findRE": find_re, "findRESubmatch": find_re_submatch,
        "trim": trim, "lower": lambda v: to_string(v).lower(), "upper": lambda v: to_string(v).upper(),
        "title": title, "urlize": urlize, "anchorize": anchorize, "emojify": emojify, "humanize": humanize,
        "int": to_int, "string": to_string, "float": to_float, "jsonify": jsonify,
        "hasPrefix": lambda s, p: to_string(s).startswith(to_string(p)),
        "hasSuffix": lambda s, p: to_string(s).endswith(to_string(p)),
        "substr": substr, "truncate": truncate, "countwords": count_words, "chomp": chomp,
        "seq": seq, "append": append_, "uniq": uniq, "sort": sort, "where": where,
        "add": _arith("+"), "sub": _arith("-"), "mul": _arith("*"), "div": _arith("/"), "mod": mod,
        "modBool": lambda a, b: mod(a, b) == 0,
        "newScratch": Scratch,
        "md5": lambda v: hashlib.md5(to_string(v).encode()).hexdigest(),
        "sha1": lambda v: hashlib.sha1(to_string(v).encode()).hexdigest(),
        "sha256": lambda v: hashlib.sha256(to_string(v).encode()).hexdigest(),
        "base64Encode": lambda v: b64encode(to_string(v).encode()).decode(),
        "base64Decode": lambda v: b64decode(to_string(v).encode()).decode("utf-8", "replace"),
        "time": lambda v, *z: parse_time(v),
        # (i18n/T/lang.Translate, and time.Format/dateFormat in the page's language: hugo.STATEFUL)
        "dateFormat": lambda layout, v: go_format(parse_time(v).t, NAMED.get(to_string(layout), to_string(layout))),
        "readFile": _no_io("readFile"), "readDir": _no_io("readDir"), "getJSON": _no_io("getJSON"),
        "getCSV": _no_io("getCSV"), "fileExists": _no_io("fileExists"), "imageConfig": _no_io("imageConfig"),
    }
    namespaced: dict[str, Callable[..., Any]] = {
        "strings.ToLower": f["lower"], "strings.ToUpper": f["upper"], "strings.Title": title,
        "strings.HasPrefix": f["hasPrefix"], "strings.HasSuffix": f["hasSuffix"],
        "strings.Contains": strings_contains, "strings.ContainsAny": strings_contains_any,
        "strings.TrimPrefix": _trim_prefix, "strings.TrimSuffix": _trim_suffix,
        "strings.TrimLeft": lambda c, s: to_string(s).lstrip(to_string(c)),
        "strings.TrimRight": lambda c, s: to_string(s).rstrip(to_string(c)),
        "strings.TrimSpace": lambda s: to_string(s).strip(" \t\n\r\v\f"), "strings.Trim": trim,
        "strings.Split": split, "strings.Replace": replace, "strings.ReplaceRE": replace_re,
        "strings.Repeat": repeat, "strings.Count": lambda sub, s: to_string(s).count(to_string(sub)),
        "strings.Substr": substr, "strings.Truncate": truncate, "strings.FirstUpper": first_upper,
        "strings.Chomp": chomp, "strings.CountWords": count_words,
        "strings.CountRunes": lambda s: len([c for c in to_string(s) if not c.isspace()]),
        "strings.RuneCount": lambda s: len(to_string(s)),
        "strings.FindRE": find_re, "strings.FindRESubmatch": find_re_submatch,
        "strings.Index": lambda s, sub: to_string(s).find(to_string(sub)),
        "strings.LastIndex": lambda s, sub: to_string(s).rfind(to_string(sub)),
        "collections.Dictionary": dictionary, "collections.Merge": merge, "collections.IsSet": isset,
        "collections.In": in_, "collections.First": first, "collections.Last": last, "collections.After": after,
        "collections.Delimit": delimit, "collections.Index": index, "collections.Slice": make_slice,
        "collections.Seq": seq, "collections.Append": append_, "collections.Uniq": uniq,
        "collections.Sort": sort, "collections.Where": where, "collections.Reverse": reverse,
        "transform.HTMLEscape": html_escape_fn, "transform.HTMLUnescape": html_unescape,
        "transform.Plainify": plainify, "transform.Emojify": emojify, "transform.Remarshal": _unsupported(
            "transform.Remarshal", "is not supported in wasmblog's shortcodes"),
        "safe.HTML": f["safeHTML"], "safe.HTMLAttr": f["safeHTMLAttr"], "safe.URL": f["safeURL"],
        "safe.JS": f["safeJS"], "safe.CSS": f["safeCSS"],
        "compare.Default": default, "compare.Conditional": cond,
        "cast.ToInt": to_int, "cast.ToString": to_string, "cast.ToFloat": to_float,
        "encoding.Jsonify": jsonify, "encoding.Base64Encode": f["base64Encode"],
        "encoding.Base64Decode": f["base64Decode"],
        "urls.Anchorize": anchorize, "urls.URLize": urlize,
        "inflect.Humanize": humanize, "inflect.Pluralize": lambda s: to_string(s) + "s",
        "math.Add": f["add"], "math.Sub": f["sub"], "math.Mul": f["mul"], "math.Div": f["div"], "math.Mod": mod,
        "math.Floor": lambda v: math.floor(to_float(v)) * 1.0, "math.Ceil": lambda v: math.ceil(to_float(v)) * 1.0,
        "math.Round": lambda v: float(math.floor(to_float(v) + 0.5)) if to_float(v) >= 0 else
        -float(math.floor(-to_float(v) + 0.5)),
        "math.Max": lambda *a: max(to_float(x) for x in a), "math.Min": lambda *a: min(to_float(x) for x in a),
        "math.Pow": pow_, "math.Sqrt": lambda v: math.sqrt(to_float(v)) if to_float(v) >= 0 else math.nan,
        "math.Abs": lambda v: abs(to_float(v)),
        "path.Base": path_base, "path.Dir": path_dir, "path.Ext": path_ext, "path.Clean": path_clean,
        "path.Join": path_join,
        "time.Format": lambda layout, v: go_format(parse_time(v).t, NAMED.get(to_string(layout), to_string(layout))),
        "time.AsTime": lambda v, *z: parse_time(v),
        "hash.FNV32a": lambda v: _fnv32a(to_string(v)), "crypto.MD5": f["md5"], "crypto.SHA1": f["sha1"],
        "crypto.SHA256": f["sha256"],
        "os.ReadFile": _no_io("os.ReadFile"), "os.ReadDir": _no_io("os.ReadDir"),
        "os.FileExists": _no_io("os.FileExists"), "os.Getenv": _no_io("os.Getenv"), "os.Stat": _no_io("os.Stat"),
        # A site's assets/ folder is not read: resources.Get finds nothing there (as for a missing file).
        "resources.Get": lambda *a: None, "resources.GetMatch": lambda *a: None, "resources.Match": lambda *a: [],
        "resources.ByType": lambda *a: [], "resources.GetRemote": _no_io("resources.GetRemote"),
        "resources.FromString": _no_io("resources.FromString"),
        "resources.ExecuteAsTemplate": _no_io("resources.ExecuteAsTemplate"),
        "data.GetJSON": _no_io("data.GetJSON"), "data.GetCSV": _no_io("data.GetCSV"),
        "images.Config": _no_io("images.Config"),
        "fmt.Print": lambda *a: sprint(list(a)),
        "querify": querify, "collections.Querify": querify, "urls.Parse": url_parse, "urls.JoinPath": join_path,
    }
    out = dict(GO_BUILTINS)
    for name, fn in {**f, **namespaced}.items():
        out[name] = Func(name, fn)
    for name in ("eq", "ne", "lt", "le", "gt", "ge"):
        out["compare." + name.capitalize()] = GO_BUILTINS[name]
    out["compare.Ne"], out["compare.Eq"] = GO_BUILTINS["ne"], GO_BUILTINS["eq"]
    out["fmt.Printf"], out["fmt.Println"] = GO_BUILTINS["printf"], GO_BUILTINS["println"]
    out["collections.Len"] = Func("len", length)
    return out


def _fnv32a(text: str) -> int:
    h = 0x811C9DC5
    for b in text.encode():
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h

