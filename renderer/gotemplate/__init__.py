"""Hugo's Go-template shortcodes, run by a Go template interpreter in the pure core.

No pure-Python Go template engine exists (the packages that claim it wrap
Go's own, which cannot run in the sandbox), so this is one, ported from Go's
``text/template`` and ``html/template`` and from Hugo's fork and function
library. Rooms:

- :mod:`.parse`: lexer and parser to Go's parse tree;
- :mod:`.exec`: the executor, with a step, output, depth and range budget;
- :mod:`.escape`: html/template's contextual autoescaping;
- :mod:`.values`: the data model (typed strings, members) and ``fmt`` printing;
- :mod:`.builtins`, :mod:`.hugofuncs`, :mod:`.gotime`: Go's and Hugo's functions;
- :mod:`.hugo`: the shortcode context (``.Get``, ``.Inner``, ``.Page``, ``.Site``...).

:func:`compiled` turns a site's template files (``shortcodes/NAME.html`` and
``partials/PATH``, as the host found them in ``layouts/`` and the theme's)
into a :class:`GoShortcodes`, once per set; :meth:`GoShortcodes.render`
runs one call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..i18n import Translator, catalog
from .exec import Budget, Templates, Unknown
from .hugo import STATEFUL, Call, run, run_hook, typed
from .hugofuncs import library
from .parse import Tree, parse
from .values import GoError, TemplateError, Unsupported

SHORTCODES = "shortcodes/"
PARTIALS = "partials/"

FUNCS = {**library(), **STATEFUL}
FUNC_NAMES = frozenset(FUNCS)


class ShortcodeFailure(Exception):
    """A call that could not be rendered; ``unsupported`` when the template uses what wasmblog lacks."""

    def __init__(self, message: str, unsupported: bool = False) -> None:
        super().__init__(message)
        self.unsupported = unsupported


@dataclass
class GoShortcodes:
    """A site's Go shortcodes and partials, parsed; ``problems`` maps a name to why it cannot be used."""

    templates: Templates
    names: frozenset[str]
    files: dict[str, str] = field(default_factory=dict)  # name -> the file it came from, for messages
    problems: dict[str, tuple[int, str]] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)  # the site's translation tables (i18n/LANG.toml)
    translators: dict[tuple[str, str], Translator] = field(default_factory=dict)  # (default, page's language)

    def translator(self, default: str, lang: str) -> Translator:
        """The words of language ``lang`` ("" for the default) in a site whose default language is ``default``."""
        found = self.translators.get((default, lang))
        if found is None:
            found = self.translators[default, lang] = catalog(self.tables, default).translator(lang)
        return found

    def filename(self, name: str) -> str:
        return self.files.get(name, f"layouts/_shortcodes/{name}.html")

    def page_translator(self, call: Call) -> Translator:
        """The words of the page of ``call``: its language (``lang`` in its data, else the site's: a
        language's own on a multilingual site), for i18n/T and time.Format; a key it lacks falls back
        to the default language's, as Hugo's."""
        default = str(call.site.get("default_language") or call.site.get("language") or "en")
        return self.translator(default, str(call.page.get("lang") or call.site.get("language") or ""))

    def render(self, call: Call, now: dt.datetime | None = None) -> str:
        """The shortcode's output for ``call``; :class:`ShortcodeFailure` when it cannot be rendered."""
        tree = self.templates.trees.get(SHORTCODES + call.name + ".html")
        if tree is None:
            raise ShortcodeFailure(f"no shortcode template {call.name!r}")
        with _as_failure():
            return run(self.templates, SHORTCODES + call.name + ".html", call, now, Budget(),
                       self.page_translator(call))

    def render_hook(self, template: str, values: dict[str, Any], call: Call) -> str:
        """Markdown render hook ``template`` (``_markup/render-link.html``...) run with ``values`` on the page
        of ``call``, in its language; :class:`ShortcodeFailure` when it cannot be rendered."""
        with _as_failure():
            return run_hook(self.templates, template, values, call, Budget(), self.page_translator(call))


@contextmanager
def _as_failure() -> Iterator[None]:
    """A template's error as the :class:`ShortcodeFailure` the caller reports (one for shortcodes and hooks)."""
    try:
        yield
    except Unknown as exc:
        raise ShortcodeFailure(f"uses {exc.name!r}, which wasmblog's Go templates do not support "
                               f"({exc})", True) from None
    except Unsupported as exc:
        raise ShortcodeFailure(str(exc), True) from None
    except (TemplateError, GoError) as exc:
        raise ShortcodeFailure(str(exc)) from None
    except RecursionError:
        raise ShortcodeFailure("nested too deeply") from None


_CACHE: dict[str, GoShortcodes] = {}


def compiled(files: Mapping[str, str], origins: Mapping[str, str] | None = None,
             tables: Mapping[str, str] | None = None) -> GoShortcodes:
    """``{"shortcodes/NAME.html" | "partials/PATH": source}`` parsed once per set (cached), with the
    site's translation ``tables`` (``{"i18n/fr.toml": text}``) for their ``i18n``/``T``."""
    digest = hashlib.sha256()
    for name in sorted(tables or {}):
        digest.update(b"i18n\0" + name.encode() + b"\0" + (tables or {})[name].encode("utf-8", "surrogatepass"))
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode("utf-8", "surrogatepass") + b"\0")
    key = digest.hexdigest()
    found = _CACHE.get(key)
    if found is not None:
        return found
    trees: dict[str, Tree] = {}
    problems: dict[str, tuple[int, str]] = {}
    names: set[str] = set()
    file_names: dict[str, str] = {}
    for name in sorted(files):
        short = name[len(SHORTCODES):-len(".html")] if name.startswith(SHORTCODES) and name.endswith(".html") \
            else None
        if short is not None:
            names.add(short)
            file_names[short] = (origins or {}).get(name, "layouts/_shortcodes/" + short + ".html")
        try:
            parsed = parse(name, files[name], FUNC_NAMES)
        except TemplateError as exc:
            if short is not None:
                problems[short] = (0, f"template syntax error: {exc}")
            continue
        except RecursionError:
            if short is not None:
                problems[short] = (0, "template nested too deeply")
            continue
        for tree_name, tree in parsed.items():
            trees.setdefault(tree_name, tree)
    result = GoShortcodes(Templates(trees, FUNCS, html=True), frozenset(names), file_names, problems,
                          dict(tables or {}))
    if len(_CACHE) >= 8:
        _CACHE.clear()
    _CACHE[key] = result
    return result


__all__ = ["Call", "GoShortcodes", "ShortcodeFailure", "compiled", "typed"]
