"""The one thing wasmblog reads from Jinja2 that is not its public API, for one version.

The sandbox (``sandbox.ThemeSandbox``) refuses a template whose generated
Python nests deeper than CPython compiles without touching a file (in the
capability-free guest, CPython opening the source to word its SyntaxError
traps the whole instance). It sees the generated code through public API:
``Environment.compile(..., raw=True)`` returns it, and the sandbox compiles it
with the builtin ``compile`` (what Jinja2 does). To name the template line
that generated the offending Python line it reads the ``debug_info`` that
Jinja2's code generator writes into the module (``debug_info = '1=8&3=12'``,
template line = generated line pairs). The public reader of that mapping,
``Template.get_corresponding_lineno``, needs the module compiled and run,
which is exactly what cannot be done with such code; so the format is read
here. ``tests/core/test_jinja2_internals.py`` checks it against that public
reader, and this module refuses a Jinja2 it was not written for.
"""

from __future__ import annotations

import re

import jinja2

SUPPORTED = ((3, 1), (3, 2))  # Jinja2 versions this module was written and tested for: >= 3.1, < 3.2
VERSION = jinja2.__version__  # not importlib.metadata: the guest bundles no distribution metadata

if not SUPPORTED[0] <= tuple(int(part) for part in VERSION.split(".")[:2]) < SUPPORTED[1]:
    raise ImportError(f"wasmblog's template sandbox reads Jinja2 3.1's generated code "
                      f"(renderer/templates/jinja2_internals.py) but Jinja2 {VERSION} is installed: "
                      f"install Jinja2==3.1.6 (as pyproject.toml pins it) or port that module")

_DEBUG_INFO = re.compile(r"^debug_info = '([0-9=&]*)'$", re.MULTILINE)


def template_line(generated: str, line: int) -> int:
    """The template line that made line ``line`` of Jinja2's generated Python ``generated`` (1 if none)."""
    m = _DEBUG_INFO.search(generated)
    pairs = [tuple(map(int, pair.split("="))) for pair in m.group(1).split("&") if pair] if m else []
    before = [(code_line, tpl) for tpl, code_line in pairs if code_line <= line]
    return max(before)[1] if before else 1
