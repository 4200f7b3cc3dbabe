"""What a Hugo site's Go-template shortcodes cost a post, natively and in a warm wasm instance.

    .venv/bin/python bench/gotemplate_cost.py

Parses one post (the core's parse stage: Markdown, shortcodes, sanitizer)
with the shortcode corpus of tests/hugo/gotemplate as the site's Go
templates, and prints medians in milliseconds for: the post calling four of
them; the same post with its shortcodes made plain text, on the Go site and
on a site without Go templates (what every other site pays: the two
"no Go" columns); and compiling the templates once (the first post of a
build).
Figures on a busy machine vary; compare the columns.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from pathlib import Path

from renderer import Source
from renderer.gotemplate import _CACHE as GO_CACHE
from renderer.gotemplate import compiled
from wasm_host.engines import make_renderer

HERE = Path(__file__).resolve().parent.parent
CORPUS = HERE / "tests/hugo/gotemplate/layouts"
CONFIG = 'title = "Bench"\nbase_url = "https://example.org/"\nlayout = "hugo"\ncontent_dir = "content"\n'
WITH = """---
title: Four shortcodes
date: 2024-01-02
---
Some *text* and a [link](https://example.org/).

{{< notice warning "Mind the gap" >}}
Two **paragraphs**.

And a [link](https://example.org/).
{{< /notice >}}

{{< button href="https://example.org/docs" style="secondary" >}}Docs{{< /button >}}

{{< card title="A card" link="/somewhere/" >}}Card **body**{{< /card >}}

Press {{< kbd "Ctrl + Shift + P" >}} to open.
"""
WITHOUT = WITH.replace("{{<", "{ {<")


def templates() -> dict[str, str]:
    found = {f"go:shortcodes/{p.name}": p.read_text() for p in sorted((CORPUS / "_shortcodes").iterdir())}
    found.update({f"go:partials/{p.name}": p.read_text() for p in sorted((CORPUS / "_partials").iterdir())})
    return found


def medians_ms(fns: list, runs: int) -> list[float]:
    """Each function's median time; the runs are interleaved, so that a busy moment hits every column."""
    for fn in fns:
        fn()
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, times in zip(fns, samples, strict=True):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1e3)
    return [statistics.median(times) for times in samples]


def main() -> None:
    go = templates()
    post = [Source("content/posts/a.md", WITH.encode())]
    plain = [Source("content/posts/a.md", WITHOUT.encode())]
    start = time.perf_counter()
    compiled({k[3:]: v for k, v in go.items()})
    compile_ms = (time.perf_counter() - start) * 1e3
    GO_CACHE.clear()
    print(f"compiling {len(go)} Go templates natively: {compile_ms:.1f} ms (once per set of templates)")
    print(f"{'engine':7} {'4 Go shortcodes':>16} {'as text':>8} {'as text, no Go site':>20} {'no templates':>13}")
    for name, runs in (("native", 60), ("wasm", 20)):
        engine = make_renderer(name)
        session = engine.session(max_calls=10_000) if name == "wasm" else contextlib.nullcontext(engine)
        with session as r:
            cells = medians_ms([lambda: r.parse_posts(post, CONFIG, b"", go),
                                lambda: r.parse_posts(plain, CONFIG, b"", go),
                                lambda: r.parse_posts(plain, CONFIG, b"", {}),
                                lambda: r.parse_posts(plain, CONFIG, b"", None)], runs)
        print(f"{name:7} {cells[0]:16.2f} {cells[1]:8.2f} {cells[2]:20.2f} {cells[3]:13.2f}")


if __name__ == "__main__":
    main()
