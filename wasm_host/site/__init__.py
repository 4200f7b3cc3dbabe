"""Sites on disk: reading a site folder, building it with an engine, writing the output.

``build(SITE, OUT, engine)`` is the whole of ``wasmblog build``; the server
uses the same pieces (``load_site``, ``parse_and_plan``, ``output_files``)
so that it serves exactly the bytes a build writes; ``wasmblog deploy``
plans with ``parse_and_plan`` too.

Its modules are imported when first named: :mod:`.cache` and :mod:`.uptodate`
(what ``wasmblog build`` needs to find a site up to date) import nothing of the core.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .build import BuildReport, build, output_files, parse_sources, plan_input, render
    from .cache import RenderCache
    from .output import OutputError, validate, write_site
    from .reader import SiteInput, build_time_micros, display_prefix, load_site, with_limits
    from .stages import Planned, cpu_count, parse_and_plan

_WHERE = {
    "BuildReport": "build", "build": "build", "output_files": "build", "parse_sources": "build",
    "plan_input": "build", "render": "build", "RenderCache": "cache", "Planned": "stages", "cpu_count": "stages",
    "parse_and_plan": "stages", "OutputError": "output", "validate": "output", "write_site": "output",
    "SiteInput": "reader", "build_time_micros": "reader", "display_prefix": "reader", "load_site": "reader",
    "with_limits": "reader",
}

__all__ = ["BuildReport", "OutputError", "Planned", "RenderCache", "SiteInput", "build", "build_time_micros",
           "cpu_count", "display_prefix", "load_site", "output_files", "parse_and_plan", "parse_sources", "plan_input",
           "render", "validate", "with_limits", "write_site"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Package(types.ModuleType):
    """The package's ``build`` is the function, as when this file imported it: the import system, which
    sets a package's attribute to each submodule it loads, leaves that one alone."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "build" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
