"""Diagnostics: what went wrong (or looks wrong), where, in one line each."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


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
        """``path:line: severity: message``, the form editors and CI parse."""
        where = prefix + self.path
        if self.line > 0:
            where += f":{self.line}"
        return f"{where}: {self.severity}: {self.message}"

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


def error(path: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(path, line, ERROR, message)


def warning(path: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(path, line, WARNING, message)


def sort_key(d: Diagnostic) -> tuple[str, int, str, str]:
    """Stable order for reports: by file, then line."""
    return (d.path, d.line, d.severity, d.message)


def describe_exception(exc: BaseException) -> str:
    """A one-line description of an unexpected exception.

    No traceback: ``traceback`` reads source files through ``linecache``,
    which traps inside the capability-free sandbox.
    """
    text = str(exc).strip().splitlines()
    detail = text[0] if text else ""
    name = type(exc).__name__
    return f"{name}: {detail}" if detail else name
