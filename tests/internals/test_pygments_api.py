"""Pygments through its public API only: the lexers and styles the core names are built in.

``renderer/highlight.py`` finds lexers by name (``find_lexer_class``) and
styles by name (``get_style_by_name``); for a built-in name Pygments never
scans installed plugins (entry points, on disk), which the sandbox forbids.
These fail if a name the core uses stops being built in.
"""

from __future__ import annotations

from pygments.lexers import get_all_lexers
from pygments.styles import STYLE_MAP

from renderer import highlight


def test_every_lexer_name_the_core_uses_is_built_into_pygments():
    built_in = {name for name, _, _, _ in get_all_lexers(plugins=False)}
    assert [name for name in highlight.LEXER_NAMES if name not in built_in] == []
    assert set(highlight.WARM_LEXERS) <= set(highlight.LEXER_NAMES)


def test_every_style_name_the_core_offers_is_built_into_pygments():
    assert [name for name in highlight.STYLE_NAMES if name not in STYLE_MAP] == []


def test_each_lexer_found_by_name_carries_that_name():
    for name in highlight.LEXER_NAMES:
        assert highlight._lexer(name).name == name


def test_the_modules_some_lexers_import_on_first_use_are_pygments_own():
    """highlight.LAZY_MODULES names three private Pygments modules, only to import them before the
    sandbox's snapshot (the lexers that need them import them on first use, which the guest cannot)."""
    import importlib.util

    assert [name for name in highlight.LAZY_MODULES if importlib.util.find_spec(name) is None] == []


def test_markupsafe_still_has_the_pure_python_module_the_component_bundles():
    """wasm_host/engines/component.py bundles ``markupsafe._native``, MarkupSafe's fallback when its
    C speedups are missing, as they are in the guest."""
    import importlib.util

    spec = importlib.util.find_spec("markupsafe._native")
    assert spec is not None and spec.origin is not None and spec.origin.endswith(".py")
