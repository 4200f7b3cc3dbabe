#!/usr/bin/env python3
"""What the component and its snapshot heap hold, by section, package and module.

    .venv/bin/python bench/snapshot.py [COMPONENT.wasm] [--top 25]

1. The component, core module by core module: code, data segments (the
   pre-initialised snapshot: CPython's heap after the guest's warm-up) and
   custom sections, in MB.
2. The heap the warm-up leaves alive, measured natively with tracemalloc
   (the guest runs the same warm-up in CPython 3.14 on wasm32, whose
   pointers are half as wide: absolute sizes differ, proportions hold),
   by package and by module: each block is charged to the innermost frame
   of the core or of a bundled package that allocated it (regex and import
   machinery count for their caller).
"""

from __future__ import annotations

import argparse
import gc
import sys
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "wasm_host" / "engines" / "guest"))

from wasm_host.engines.component import leb128  # noqa: E402  after the sys.path line above

PACKAGES = ("renderer", "pygments", "jinja2", "mistune", "justhtml", "markupsafe", "yaml", "frontmatter", "tomli",
            "tzdata", "warmup")


def sections(data: bytes, depth: int = 0, out: list | None = None, name: str = "component") -> list:
    """(name, code, data, custom, other) bytes per core module, recursively."""
    out = [] if out is None else out
    component = data[4:8] != b"\x01\x00\x00\x00"
    i = 8
    code = datas = custom = other = 0
    index = 0
    while i < len(data):
        sid = data[i]
        size, j = leb128(data, i + 1)
        body = data[j:j + size]
        if component and sid in (1, 4):  # core module, nested component
            index += 1
            sections(body, depth + 1, out, f"{name}/{'module' if sid == 1 else 'component'}{index}")
        elif not component and sid == 10:
            code += size
        elif not component and sid == 11:
            datas += size
        elif sid == 0:
            custom += size
        else:
            other += size
        i = j + size
    out.append((name, code, datas, custom, other))
    return out


def _owner(frames: list[tracemalloc.Frame]) -> tuple[str, str]:
    """(package, module) charged with an allocation: the innermost frame in a package of interest."""
    for frame in frames:  # innermost first (most_recent_first)
        path = frame.filename.replace("\\", "/")
        for package in PACKAGES:
            marker = f"/{package}/"
            if marker in path or path.endswith(f"/{package}.py"):
                module = path.split(marker, 1)[1] if marker in path else f"{package}.py"
                return package, f"{package}/{module}"
    return "stdlib and CPython", frames[0].filename.rsplit("/", 2)[-1] if frames else "?"


def heap(top: int) -> None:
    """Run in a fresh process (``--heap-only``): imports count too."""
    import lean  # first, as the guest imports it
    import encodings.unicode_escape  # noqa: F401  (as the guest imports them)
    import jinja2.debug  # noqa: F401  imported lazily by jinja2 on errors: the guest cannot

    import renderer
    from renderer import sanitize
    from wasm_host.engines.zones import zone_data

    import warmup

    def sources(items):
        return [renderer.Source(path, data, tuple(resources)) for path, data, resources in items]

    lean.preload_highlighting()
    sanitize.preload()
    warmup.run(lambda s, c, z, sc: renderer.parse_posts(sources(s), c, z, sc),
               lambda p, c, o: renderer.plan_site(p, c, renderer.BuildOptions(*o)), renderer.render_pages,
               lambda s, c, t, o, z: renderer.render_site(sources(s), c, t, renderer.BuildOptions(*o), z),
               lambda text, options: renderer.render_markdown(text, **options), zone_data("Europe/Berlin"))
    forget = getattr(getattr(renderer, "templates", None), "forget_overrides", None)
    if forget:
        forget()
    gc.collect()
    snap = tracemalloc.take_snapshot()
    by_package: Counter[str] = Counter()
    by_module: Counter[str] = Counter()
    for stat in snap.statistics("traceback"):
        package, module = _owner(list(reversed(stat.traceback)))  # innermost frame first
        by_package[package] += stat.size
        by_module[module] += stat.size
    total = sum(by_package.values())
    print(f"\nHeap alive after the warm-up (native, tracemalloc): {total / 2**20:.1f} MiB")
    for package, size in by_package.most_common():
        print(f"  {package:24} {size / 2**20:7.2f} MiB  {100 * size / total:5.1f}%")
    print(f"\nTop {top} modules:")
    for module, size in by_module.most_common(top):
        print(f"  {module:56} {size / 2**20:7.2f} MiB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("component", nargs="?", help="a component .wasm (default: the cached one)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--heap-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.heap_only:
        heap(args.top)
        return 0
    path = Path(args.component) if args.component else None
    if path is None:
        from wasm_host.engines.component import ensure_component

        path = ensure_component().path
    data = path.read_bytes()
    print(f"{path}: {len(data) / 1e6:.1f} MB")
    print(f"  {'core module':28} {'code MB':>8} {'data MB':>8} {'custom MB':>10} {'other MB':>9}")
    for name, code, datas, custom, other in sections(data):
        if code + datas + custom + other > 50_000:
            print(f"  {name:28} {code / 1e6:8.2f} {datas / 1e6:8.2f} {custom / 1e6:10.2f} {other / 1e6:9.2f}")
    sys.stdout.flush()
    import subprocess

    return subprocess.run([sys.executable, "-X", "tracemalloc=40", __file__, "--heap-only", "--top",
                           str(args.top)]).returncode


if __name__ == "__main__":
    sys.exit(main())
