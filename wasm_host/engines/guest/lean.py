"""What goes into a guest's snapshot, and what stays out of it: shared by the render guest
(``app.py``) and the deploy guest (``wasm_host/deploy/guest/site_app.py``).

The component is the interpreter's memory after the guest's warm-up, byte for byte (data
segments), plus CPython's code; every MB of that memory is an MB of the component. Three
things keep it small (measured in bench/README.md, "Component size by package"):

- Importing this module first: the biggest module is compiled first. Compiling justhtml's parser
  (306 KB of source) needs some 10 MB for a moment; done after everything else is loaded,
  that memory is freed but stays in the snapshot (garbage is data too); done first, the
  rest of the guest's objects fill it.
- :class:`LazyModules`: the bundled modules the warm-up does not load (the lexers of rare
  languages and their builtins tables) are kept as compressed source, compiled on first
  import. Before, all of them were imported into the snapshot, and nothing else could be
  imported after it (the component has no files).
- :func:`zero_free_memory`: memory freed during the warm-up is zeroed, and zeros are not
  stored in the component.
"""

from __future__ import annotations

import gc
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import zlib
from types import ModuleType
from typing import Any

# First of all: justhtml's parser (306 KB of source, the biggest module by far) is compiled
# while nearly nothing else is alive (-2.75 MB of component, measured; importing the next
# 18 biggest modules first as well took only 0.26 MB more off).
import justhtml.parser.engine  # noqa: F401  (after the standard library, before the rest)

HERE = os.path.dirname(os.path.abspath(__file__))  # the bundle: the core, its dependencies, the guest


def preload_highlighting() -> None:
    """``renderer.highlight.preload()`` but for importing the rare languages' lexer modules:
    the common lexers compiled and every style loaded, through the public functions. The
    other lexers' modules come from :class:`LazyModules` when a post first needs one
    (-1.84 MB of component: 25 Pygments modules, the builtins tables of PHP, Vim, Cocoa...).
    """
    from renderer import highlight

    alias = {name: a for a, name in highlight.ALIASES.items()}
    for name in highlight.WARM_LEXERS:
        highlight.highlight("x = 1\n", alias[name])
    for name in highlight.STYLE_NAMES:
        highlight.stylesheet(name, name)


class LazyModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Bundled modules that are not in the snapshot: compressed source, compiled when imported.

    Inside the component every other import would reach the file system, which it has none
    of. First on ``sys.meta_path``, so that it answers before the file-based finders.
    """

    def __init__(self) -> None:
        self.modules: dict[str, tuple[str, bool, bytes]] = {}  # name -> (path, package?, zlib'd source)

    def keep(self, base: str) -> None:
        """Keep every module of the bundle in folder ``base`` that is not imported now."""
        for folder, dirs, files in os.walk(base):
            dirs.sort()
            for file in sorted(files):
                if not file.endswith(".py"):
                    continue
                path = os.path.join(folder, file)
                parts = os.path.relpath(path, base)[:-3].split(os.sep)
                is_package = parts[-1] == "__init__"
                name = ".".join(parts[:-1] if is_package else parts)
                if name in sys.modules:
                    continue
                # Source, not code compiled here and marshalled: compiling 25 modules at the end
                # of the warm-up left 6 MiB more memory in the snapshot (43.8 MB against 34.5),
                # freed at the top of the heap, which zero_free_memory cannot reach.
                with open(path, "rb") as fh:
                    self.modules[name] = (path, is_package, zlib.compress(fh.read(), 9))

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        entry = self.modules.get(fullname)
        if entry is None:
            return None
        spec = importlib.util.spec_from_loader(fullname, self, origin=entry[0], is_package=entry[1])
        if spec is not None:
            spec.has_location = True  # __file__, as the file-based loader sets it
            if entry[1]:
                spec.submodule_search_locations = [os.path.dirname(entry[0])]
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        path, _, source = self.modules[module.__name__]
        exec(compile(zlib.decompress(source), path, "exec", dont_inherit=True), module.__dict__)


def lazy_modules() -> LazyModules:
    """The finder of every bundled module not imported by now, for the front of ``sys.meta_path``."""
    finder = LazyModules()
    finder.keep(HERE)
    return finder


def zero_free_memory() -> int:
    """Write zeros over the malloc chunks freed so far (the warm-up's garbage); their bytes
    would otherwise be in the snapshot. Returns the bytes zeroed.

    ``bytes(n)`` is calloc'd: it takes a free chunk of at least ``n`` bytes if there is one
    (malloc prefers a freed chunk to the top of the heap) and zeroes it. Blocks are taken
    from the biggest size down and all released at the end; a block placed above every
    live object came from the top of the heap, so no freed chunk of that size is left: it is
    released at once (the heap grows by at most one block of 64 KiB, zeros).
    """
    gc.collect()
    floor = max(id(o) for o in gc.get_objects())
    held: list[bytes] = []
    zeroed = 0
    size = 1 << 16
    while size >= 600:  # smaller blocks are pymalloc's, not malloc's
        while True:
            block = bytes(size)
            if id(block) > floor:
                del block
                break
            held.append(block)
            zeroed += size
        size //= 2
    held.clear()
    return zeroed
