"""Server-side syntax highlighting with Pygments, over a fixed set of languages.

Pygments finds lexers and styles by importing modules on demand and by
scanning installed plugins (entry points, i.e. the filesystem). Inside the
sandbox nothing can be imported after the snapshot, and nothing may touch
files, so the core uses its own table of lexer and style classes and imports
them explicitly. Both engines use the same table, so a language that is not
in it is plain text in both.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

from pygments import highlight as _pygments_highlight
from pygments.formatters.html import HtmlFormatter
from pygments.lexers import find_lexer_class, get_all_lexers
from pygments.styles import get_style_by_name

from .ucd import has_unassigned

# Only Pygments' public API is used. Lexers are named as Pygments names them
# (``Lexer.name``, the first field of ``get_all_lexers``): their aliases come
# from Pygments' built-in table without importing any lexer module (the CLI
# does not pay for 60 imports), and ``find_lexer_class`` finds a built-in
# lexer without looking at plugins; so does ``get_style_by_name`` for a
# built-in style. Only an unknown name would make Pygments scan installed
# plugins (entry points, on disk), which the core never asks for.
#
# The languages the core supports. Lexers that look other lexers up by name
# at run time (Markdown, reST, templates) are left out: that lookup scans
# plugins on disk. So are TeX, C# and F#: their modules import some 3.8 and
# 2.9 MB of other Pygments lexers, which every sandbox instance would carry
# in its snapshot (bench/README.md, "A leaner snapshot").
LEXER_NAMES = (
    "Python", "Python console session", "Bash", "Bash Session", "PowerShell",
    "JavaScript", "TypeScript", "JSX", "CoffeeScript", "JSON",
    "JSON-LD", "YAML", "TOML", "INI", "HTML", "XML", "CSS",
    "SCSS", "Sass", "SQL", "PostgreSQL SQL dialect", "Go", "Rust", "C",
    "C++", "Objective-C", "Java", "Kotlin",
    "Scala", "Clojure", "Swift", "Dart", "Ruby", "PHP",
    "Perl", "Lua", "Erlang", "Elixir", "Haskell", "Julia",
    "S", "Zig", "Nix", "WebAssembly", "LLVM", "NASM", "Diff",
    "Docker", "Makefile", "CMake", "Nginx configuration file", "ApacheConf",
    "Terraform", "Protocol Buffer", "GraphQL", "HTTP", "VimL",
    "verilog", "GDScript", "Text only",
)

# The lexers most posts use, compiled (their regexes built) before the wasm
# snapshot is taken. The others are imported then but compiled on first use,
# in the instance that needs them: a compiled lexer is 10-950 KB of heap in
# every instance's snapshot (Swift and Objective-C about 0.9 MB each).
WARM_LEXERS = (
    "Python", "Python console session", "Bash", "Bash Session", "JavaScript", "TypeScript",
    "JSON", "YAML", "TOML", "INI", "HTML", "CSS", "SQL", "Go",
    "Rust", "C", "C++", "Java", "Diff", "Docker", "WebAssembly", "Text only",
)

# Styles a site may pick for light and dark mode.
STYLE_NAMES = (
    "default", "friendly", "monokai", "github-dark", "dracula", "one-dark", "nord",
    "nord-darker", "solarized-light", "solarized-dark", "gruvbox-light", "gruvbox-dark",
    "xcode", "vs", "tango", "emacs", "native", "zenburn", "material", "lightbulb",
)


def _build_alias_table() -> dict[str, str]:
    aliases = {name: names for name, names, _, _ in get_all_lexers(plugins=False)}
    table: dict[str, str] = {}
    for name in LEXER_NAMES:
        for alias in aliases[name]:
            table.setdefault(alias.lower(), name)
    return table


ALIASES = _build_alias_table()


@cache
def _lexer(name: str) -> Any:
    lexer = find_lexer_class(name)
    assert lexer is not None, name  # every name in LEXER_NAMES is built in (tests/internals/test_pygments_api.py)
    return lexer()


@cache
def style_class(name: str) -> Any:
    """The Pygments style class for one of :data:`STYLE_NAMES`."""
    return get_style_by_name(name)


_FORMATTER = HtmlFormatter(nowrap=True)


def language_of(info: str | None) -> str:
    """The language word of a fence's info string (```` ```python {.x} ````)."""
    if not info:
        return ""
    return info.strip().split(None, 1)[0].lower() if info.strip() else ""


def is_supported(lang: str) -> bool:
    return lang.lower() in ALIASES


def highlight(code: str, lang: str) -> str | None:
    """Highlighted HTML spans for ``code``, or ``None`` for an unknown language."""
    name = ALIASES.get(lang.lower())
    if name is None:
        return None
    if has_unassigned(code):  # lexers' \w differs between Unicode versions (renderer.ucd): plain code
        return None
    return _pygments_highlight(code, _lexer(name), _FORMATTER)


def stylesheet(light: str, dark: str, selector: str = ".highlight") -> str:
    """CSS for highlighted code: ``light`` by default, ``dark`` in dark mode."""
    light_css = HtmlFormatter(style=style_class(light)).get_style_defs(selector)
    dark_css = HtmlFormatter(style=style_class(dark)).get_style_defs(selector)
    dark_css = "\n".join("  " + line for line in dark_css.splitlines())
    return f"{light_css}\n@media (prefers-color-scheme: dark) {{\n{dark_css}\n}}\n"


# Modules some lexers import when first used, not when their module is (private module names of
# Pygments, checked by tests/internals/test_pygments_api.py): the
# sandbox cannot import after its snapshot, so preload() imports them.
# tests/core/test_markdown.py highlights every language in the sandbox.
LAZY_MODULES = ("pygments.lexers._cocoa_builtins", "pygments.lexers._php_builtins",
                "pygments.lexers._vim_builtins")


def preload() -> None:
    """Import every lexer and style now, and compile the common lexers (for the wasm snapshot)."""
    for name in LEXER_NAMES:
        find_lexer_class(name)  # imports the lexer's module
    for module in LAZY_MODULES:
        importlib.import_module(module)
    for name in WARM_LEXERS:
        _pygments_highlight("x = 1\n", _lexer(name), _FORMATTER)
    for name in STYLE_NAMES:
        HtmlFormatter(style=style_class(name)).get_style_defs(".highlight")
