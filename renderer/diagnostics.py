"""Diagnostics: what went wrong (or looks wrong), where, in one line each."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .ucd import _UNASSIGNED, has_unassigned

ERROR = "error"
WARNING = "warning"
# Characters that end or break a line for some reader (str.splitlines, terminals).
_LINE_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    if text.isprintable():
        return text
    return _LINE_BREAKING.sub(lambda m: repr(m.group())[1:-1], text)


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in the site's inputs.

    ``path`` is relative to the site folder (``posts/x.md``, ``site.toml``,
    ``templates/post.html``); ``line`` is 1-based, 0 when no line applies.
    """

    path: str
    line: int
    severity: str
    message: str

    def format(self, prefix: str = "") -> str:
        """``path:line: severity: message``, the form editors and CI parse.

        Always one line: control characters and line separators (a file may
        be named ``a\nb.md``) are shown as Python escapes.
        """
        where = _one_line(prefix + self.path)
        if self.line > 0:
            where += f":{self.line}"
        return f"{where}: {self.severity}: {_one_line(self.message)}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class SourceError(Exception):
    """Raised inside the core for a problem that excludes one input.

    Carries the line so the caller can turn it into a :class:`Diagnostic`.
    """

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _escape(m: re.Match[str]) -> str:
    cp = ord(m.group())
    return f"\\u{cp:04x}" if cp < 0x10000 else f"\\U{cp:08x}"


def neutral(message: str) -> str:
    """``message`` with code points unassigned in Unicode 14.0 escaped as ``repr`` escapes them.

    Messages quote user text with ``{value!r}``, and ``repr`` escapes the
    characters its Python does not know: the host's CPython 3.11 escapes
    characters that the guest's 3.14 prints as they are. Escaping them all,
    everywhere in the message, makes the line the same on both engines.
    """
    if message.isascii() or not has_unassigned(message):
        return message
    return _UNASSIGNED.sub(_escape, message)


def error(path: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(path, line, ERROR, neutral(message))


def warning(path: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(path, line, WARNING, neutral(message))


def megabytes(size: int) -> str:
    """A size in MB for messages: one decimal, or three significant digits below 0.1 MB."""
    return f"{size / 1e6:.1f}" if size >= 100_000 else f"{size / 1e6:.3g}"


def sort_key(d: Diagnostic) -> tuple[str, int, str, str]:
    """Stable order for reports: by file, then line."""
    return (d.path, d.line, d.severity, d.message)


# What Python's own exceptions are about, in words that do not depend on the
# Python version: the host (CPython 3.11) and the guest (3.14) word many of
# them differently ("float division by zero" / "division by zero"), and a
# diagnostic must be the same on both engines. Checked in MRO order.
_GENERIC = (
    (ZeroDivisionError, "division by zero"),
    (RecursionError, "nested too deeply"),
    (OverflowError, "a number is out of range"),
    (UnicodeError, "text that is not valid in its encoding"),
    (IndexError, "an index is out of range"),
    (KeyError, None),  # its message is the key's repr: stable
    (TypeError, "a value of the wrong type for this operation"),
    (ValueError, "a value not suitable for this operation"),
    (AttributeError, "no such attribute"),
    (MemoryError, "out of memory"),
)
# Messages that come from jinja2 or the core although the type is a builtin.
_OWN_MESSAGES = ("Range too big.",)


def describe_exception(exc: BaseException) -> str:
    """A one-line description of an unexpected exception.

    No traceback: ``traceback`` reads source files through ``linecache``,
    which traps inside the capability-free sandbox. For Python's built-in
    exception types the message is a fixed phrase per type, not Python's
    own wording, which changes between versions (and so between engines).
    """
    text = str(exc).strip().splitlines()
    detail = text[0] if text else ""
    name = type(exc).__name__
    if type(exc).__module__ == "builtins" and not detail.startswith(_OWN_MESSAGES):
        for cls, phrase in _GENERIC:
            if isinstance(exc, cls):
                if phrase is not None:
                    detail = phrase
                break
        else:
            detail = ""
    return f"{name}: {detail}" if detail else name
