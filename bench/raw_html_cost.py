"""What the raw-HTML sanitizer and shortcodes cost per page, natively and in a warm wasm instance.

    .venv/bin/python bench/raw_html_cost.py [POST.md ...]

For each post (default: the Hugo fixtures' HTML-heavy and shortcode posts),
renders its body with raw_html "allow", "sanitize" and "escape", and with its
shortcodes turned into plain text, and prints medians in milliseconds. The
sanitizer's cost is sanitize minus allow; the shortcodes' is the difference
with and without them. Figures on a busy machine vary; compare the columns.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from pathlib import Path

from wasm_host.engines import make_renderer

HERE = Path(__file__).resolve().parent.parent
DEFAULT = [HERE / "tests/sites/hugo-basic/content/post/html-tags.md",
           HERE / "tests/sites/hugo-basic/content/post/rich-content.md"]


def body(path: Path) -> str:
    text = path.read_text("utf-8")
    fence = "+++\n" if text.startswith("+++") else "---\n"
    return text.split(fence, 2)[2]


def median_ms(fn, runs: int) -> float:
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples)


def main(paths: list[Path]) -> None:
    engines = (("native", make_renderer("native"), 60), ("wasm", make_renderer("wasm"), 20))
    print(f"{'post':32} {'engine':7} {'allow':>8} {'sanitize':>9} {'escape':>8} {'shortcodes':>11} {'as text':>8}")
    for path in paths:
        text = body(path)
        plain = text.replace("{{<", "{ {<").replace("{{%", "{ {%")
        for name, engine, runs in engines:
            session = engine.session(max_calls=10_000) if name == "wasm" else contextlib.nullcontext(engine)
            with session as r:
                cells = [median_ms(lambda mode=mode, text=text: r.render_markdown(text, raw_html=mode), runs)
                         for mode in ("allow", "sanitize", "escape")]
                cells.append(median_ms(lambda text=text: r.render_markdown(text), runs))
                cells.append(median_ms(lambda plain=plain: r.render_markdown(plain), runs))
            print(f"{path.name[:32]:32} {name:7} " + " ".join(f"{c:8.2f}" for c in cells))


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or DEFAULT)
