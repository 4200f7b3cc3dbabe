"""The Jinja2 sandbox every theme runs in, on both engines.

Jinja2's ``ImmutableSandboxedEnvironment`` keeps a template from reaching
Python internals or mutating its inputs. On top of it: bounds on ``*`` and
``**`` (string and number bombs) and on ``range``, a refusal of code nested
deeper than CPython compiles without touching a file, no randomness, and no
memory addresses in the output, so that a template gives the same bytes on
every build and engine, or the same error.
"""

from __future__ import annotations

import dataclasses
import operator
import pprint  # noqa: F401  jinja2's pprint filter imports it lazily (the guest cannot)
import re
import textwrap  # noqa: F401  jinja2's wordwrap filter imports it lazily (the guest cannot)
from types import CodeType
from typing import Any, Callable, Literal, Mapping, overload

import jinja2
import jinja2.debug  # imported lazily by jinja2 on errors; the sandbox needs it now
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from .jinja2_internals import template_line

MAX_TEMPLATE_STRING = 1_000_000  # longest string a template may build with * or **
# Largest integer a template may compute with * or ** (Python cannot print
# ints over 4,300 digits, and multiplying huge ones blocks signals natively).
MAX_TEMPLATE_INT_BITS = 10_000
_BIG_NUMBER = f"a template may not compute a number larger than {MAX_TEMPLATE_INT_BITS:,} bits"


def _safe_range(*args: int) -> range:
    """Jinja2's ``safe_range`` without ``len()``: on a 32-bit build (the wasm
    guest) ``len(range(10**12))`` raises "Python int too large to convert to
    C ssize_t" before the sandbox's own check, so the engines disagreed."""
    rng = range(*args)
    if max(0, -((rng.start - rng.stop) // rng.step)) > jinja2.sandbox.MAX_RANGE:
        raise OverflowError("Range too big. The sandbox blocks ranges larger than"
                            f" MAX_RANGE ({jinja2.sandbox.MAX_RANGE}).")
    return rng


# CPython refuses code nested past 20 loop/with/try blocks, 100 indentation
# levels or 200 brackets with a SyntaxError, and to word that error it opens
# the source file by name: in the capability-free guest any file access traps
# the whole instance. So templates whose generated code nests that deep are
# refused here, before compile(), with the same message on both engines.
MAX_CODE_BLOCKS = 16
MAX_CODE_INDENT = 80
MAX_CODE_BRACKETS = 150
_BLOCK_STATEMENTS = ("for ", "async for ", "while ", "with ", "async with ", "try:")


def _brackets_too_deep(line: str) -> bool:
    depth, quote, escaped = 0, "", False
    for ch in line:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
            if depth > MAX_CODE_BRACKETS:
                return True
        elif ch in ")]}":
            depth -= 1
    return False


def _too_deep(code: str) -> int:
    """The line of generated Python that nests past CPython's limits, or 0."""
    blocks: list[int] = []
    for number, line in enumerate(code.split("\n"), 1):
        stripped = line.lstrip(" ")
        if not stripped:
            continue
        indent = (len(line) - len(stripped)) // 4
        while blocks and blocks[-1] >= indent:
            blocks.pop()
        if stripped.startswith(_BLOCK_STATEMENTS):
            blocks.append(indent)
        if len(blocks) > MAX_CODE_BLOCKS or indent > MAX_CODE_INDENT:
            return number
        if (stripped.count("(") + stripped.count("[") + stripped.count("{") > MAX_CODE_BRACKETS
                and _brackets_too_deep(stripped)):
            return number
    return 0


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _without_address(value: Any) -> Any:
    """``value`` as template output. An object shown by its default repr
    (``{{ posts|map('upper') }}`` without ``|list``: ``<generator object ...
    at 0x7f...>``) carries its memory address, which differs from build to
    build and between engines; the address is left out."""
    if isinstance(value, (str, int, float, jinja2.Undefined)) or value is None or hasattr(value, "__html__"):
        return value
    text = str(value)
    return _ADDRESS.sub("", text) if " at 0x" in text else text


def _not_deterministic(what: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise SecurityError(f"{what} would make every build different; templates must be "
                                           "deterministic")
    return refuse


# Frozen dataclasses of plain data that the core hands to templates (views,
# links, dates), each with its field names. Reading one of those fields needs
# none of the sandbox's checks: a field holds data (text, numbers, lists,
# other views), never a function, a method or an internal, so the checks
# would allow it anyway. A page reads about a hundred of them, and the checks
# were about half of the render stage natively (a cProfile of 546 pages).
PLAIN_DATA: dict[type, frozenset[str]] = {}


def plain_data(*classes: type) -> None:
    """Let templates read the fields of ``classes`` without the per-read checks."""
    for cls in classes:
        PLAIN_DATA[cls] = frozenset(f.name for f in dataclasses.fields(cls))


def feed_text(value: Any) -> Markup:
    """``|feedtext``: plain text for an RSS element that is not HTML (a title, a category, the
    channel's description), escaped as the RSS Best Practices Profile advises: ``&``, ``<`` and
    ``>`` as hexadecimal character references, so that a reader which treats the element as HTML
    still shows the text and never markup."""
    text = str(_without_address(value))
    return Markup(text.replace("&", "&#x26;").replace("<", "&#x3C;").replace(">", "&#x3E;"))


class ThemeSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's sandbox, plus bounds on ``*`` and ``**`` (string and number bombs)."""

    intercepted_binops = frozenset(["*", "**"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("finalize", _without_address)
        super().__init__(*args, **kwargs)
        self.globals["range"] = _safe_range
        string_filter = self.filters["string"]
        self.filters["string"] = lambda value: string_filter(_without_address(value))
        # A page must be the same on every build and engine: no randomness.
        self.filters["random"] = _not_deterministic("the 'random' filter")
        self.globals["lipsum"] = _not_deterministic("lipsum()")
        self.filters["feedtext"] = feed_text
        # |tojson (JSON-LD, JSON Feed) keeps text as UTF-8 rather than \u
        # escapes; it still escapes <, >, & and ', so JSON in a <script> can
        # neither close it nor open a comment.
        self.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # str.encode / bytes.decode look codecs up by name, importing them on
        # first use: the guest can import nothing after its snapshot.
        if attr in ("encode", "decode") and isinstance(obj, (str, bytes, bytearray)):
            return False
        return super().is_safe_attribute(obj, attr, value)

    # Jinja2's own hook for this is the private ``_compile(source, filename)``; the public ``compile``
    # with ``raw=True`` gives the same generated code, which is then compiled as Jinja2 would.
    @overload
    def compile(self, source: str | nodes.Template, name: str | None = None, filename: str | None = None,
                raw: Literal[False] = False, defer_init: bool = False) -> CodeType: ...

    @overload
    def compile(self, source: str | nodes.Template, name: str | None = None, filename: str | None = None,
                raw: Literal[True] = ..., defer_init: bool = False) -> str: ...

    def compile(self, source: str | nodes.Template, name: str | None = None, filename: str | None = None,
                raw: bool = False, defer_init: bool = False) -> str | CodeType:
        """Jinja2's compile, refusing generated code nested deeper than CPython compiles."""
        code = super().compile(source, name, filename, raw=True, defer_init=defer_init)
        if raw:
            return code
        line = _too_deep(code)
        if line:
            raise jinja2.TemplateSyntaxError(
                f"nested too deeply (more than {MAX_CODE_BLOCKS} loops inside each other, "
                f"{MAX_CODE_INDENT} levels of blocks or {MAX_CODE_BRACKETS} of brackets)",
                template_line(code, line), name=name, filename=filename)
        return compile(code, filename or "<template>", "exec")

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``x._anything`` is refused whether or not ``x`` has it (``range.__self__``
        on a function, ``self._TemplateReference__context``); a mapping's own
        keys (``page.params._draft``) stay readable."""
        fields = PLAIN_DATA.get(type(obj))
        if fields is not None and attribute in fields:
            return getattr(obj, attribute)
        if (isinstance(attribute, str) and attribute.startswith("_")
                and not (isinstance(obj, Mapping) and attribute in obj)):
            self.unsafe_undefined(obj, attribute)
        return super().getattr(obj, attribute)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        """An attribute the sandbox refuses is an error, not a silent empty value:
        ``{{ ''.__class__ }}`` and ``'{0.__class__}'.format(x)`` say so."""
        raise SecurityError(
            f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe.")

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            if isinstance(right, (int, float)) and abs(right) > 1000:
                raise SecurityError("exponent too large for a template")
            if (isinstance(left, int) and isinstance(right, int) and right > 0
                    and left.bit_length() * right > MAX_TEMPLATE_INT_BITS):
                raise SecurityError(_BIG_NUMBER)
            return operator.pow(left, right)
        if operator_name == "*":
            if (isinstance(left, int) and isinstance(right, int)
                    and left.bit_length() + right.bit_length() > MAX_TEMPLATE_INT_BITS):
                raise SecurityError(_BIG_NUMBER)
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int):
                    if len(seq) * n > MAX_TEMPLATE_STRING:
                        raise SecurityError(
                            f"a template may not build a value longer than {MAX_TEMPLATE_STRING:,}")
            return operator.mul(left, right)
        return super().call_binop(context, operator_name, left, right)
