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
from functools import lru_cache
from typing import Any

from pygments import highlight as _pygments_highlight
from pygments.formatters.html import HtmlFormatter
from pygments.lexers._mapping import LEXERS
from pygments.styles._mapping import STYLES

from .ucd import has_unassigned

# Lexer classes the core supports (class names from pygments.lexers._mapping).
# Lexers that look other lexers up by name at run time (Markdown, reST,
# templates) are left out: that lookup scans plugins on disk. So are TeX,
# C# and F#: their modules import some 3.8 and 2.9 MB of other Pygments
# lexers, which every sandbox instance would carry in its snapshot
# (bench/README.md, "A leaner snapshot").
LEXER_CLASSES = (
    "PythonLexer", "PythonConsoleLexer", "BashLexer", "BashSessionLexer", "PowerShellLexer",
    "JavascriptLexer", "TypeScriptLexer", "JsxLexer", "CoffeeScriptLexer", "JsonLexer",
    "JsonLdLexer", "YamlLexer", "TOMLLexer", "IniLexer", "HtmlLexer", "XmlLexer", "CssLexer",
    "ScssLexer", "SassLexer", "SqlLexer", "PostgresLexer", "GoLexer", "RustLexer", "CLexer",
    "CppLexer", "ObjectiveCLexer", "JavaLexer", "KotlinLexer",
    "ScalaLexer", "ClojureLexer", "SwiftLexer", "DartLexer", "RubyLexer", "PhpLexer",
    "PerlLexer", "LuaLexer", "ErlangLexer", "ElixirLexer", "HaskellLexer", "JuliaLexer",
    "SLexer", "ZigLexer", "NixLexer", "WatLexer", "LlvmLexer", "NasmLexer", "DiffLexer",
    "DockerLexer", "MakefileLexer", "CMakeLexer", "NginxConfLexer", "ApacheConfLexer",
    "TerraformLexer", "ProtoBufLexer", "GraphQLLexer", "HttpLexer", "VimLexer",
    "VerilogLexer", "GDScriptLexer", "TextLexer",
)

# The lexers most posts use, compiled (their regexes built) before the wasm
# snapshot is taken. The others are imported then but compiled on first use,
# in the instance that needs them: a compiled lexer is 10-950 KB of heap in
# every instance's snapshot (Swift and Objective-C about 0.9 MB each).
WARM_LEXERS = (
    "PythonLexer", "PythonConsoleLexer", "BashLexer", "BashSessionLexer", "JavascriptLexer", "TypeScriptLexer",
    "JsonLexer", "YamlLexer", "TOMLLexer", "IniLexer", "HtmlLexer", "CssLexer", "SqlLexer", "GoLexer",
    "RustLexer", "CLexer", "CppLexer", "JavaLexer", "DiffLexer", "DockerLexer", "WatLexer", "TextLexer",
)

# Styles a site may pick for light and dark mode.
STYLE_NAMES = (
    "default", "friendly", "monokai", "github-dark", "dracula", "one-dark", "nord",
    "nord-darker", "solarized-light", "solarized-dark", "gruvbox-light", "gruvbox-dark",
    "xcode", "vs", "tango", "emacs", "native", "zenburn", "material", "lightbulb",
)


def _build_alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for cls_name in LEXER_CLASSES:
        for alias in LEXERS[cls_name][2]:
            table.setdefault(alias.lower(), cls_name)
    return table


ALIASES = _build_alias_table()
_STYLE_TABLE = {entry[1]: (module, cls_name) for cls_name, entry in STYLES.items()
                for module in (entry[0],) if entry[1] in STYLE_NAMES}


@lru_cache(maxsize=None)
def _lexer(cls_name: str) -> Any:
    module = importlib.import_module(LEXERS[cls_name][0])
    return getattr(module, cls_name)()


@lru_cache(maxsize=None)
def style_class(name: str) -> Any:
    """The Pygments style class for one of :data:`STYLE_NAMES`."""
    module, cls_name = _STYLE_TABLE[name]
    return getattr(importlib.import_module(module), cls_name)


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
    cls_name = ALIASES.get(lang.lower())
    if cls_name is None:
        return None
    if has_unassigned(code):  # lexers' \w differs between Unicode versions (renderer.ucd): plain code
        return None
    return _pygments_highlight(code, _lexer(cls_name), _FORMATTER)


def stylesheet(light: str, dark: str, selector: str = ".highlight") -> str:
    """CSS for highlighted code: ``light`` by default, ``dark`` in dark mode."""
    light_css = HtmlFormatter(style=style_class(light)).get_style_defs(selector)
    dark_css = HtmlFormatter(style=style_class(dark)).get_style_defs(selector)
    dark_css = "\n".join("  " + line for line in dark_css.splitlines())
    return f"{light_css}\n@media (prefers-color-scheme: dark) {{\n{dark_css}\n}}\n"


# Modules some lexers import when first used, not when their module is: the
# sandbox cannot import after its snapshot, so preload() imports them.
# tests/core/test_markdown.py highlights every language in the sandbox.
LAZY_MODULES = ("pygments.lexers._cocoa_builtins", "pygments.lexers._php_builtins",
                "pygments.lexers._vim_builtins")


def preload() -> None:
    """Import every lexer and style now, and compile the common lexers (for the wasm snapshot)."""
    for cls_name in LEXER_CLASSES:
        importlib.import_module(LEXERS[cls_name][0])
    for module in LAZY_MODULES:
        importlib.import_module(module)
    for cls_name in WARM_LEXERS:
        _pygments_highlight("x = 1\n", _lexer(cls_name), _FORMATTER)
    for name in STYLE_NAMES:
        HtmlFormatter(style=style_class(name)).get_style_defs(".highlight")
