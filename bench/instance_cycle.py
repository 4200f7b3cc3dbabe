"""CPU cost of one fresh sandbox per request, for several keep-resident settings.

    .venv/bin/python bench/instance_cycle.py SITE [--resident 0,16,32,64] [--requests 300]

For each setting of the pooling allocator's resident memory, instantiates the
component, renders one post page of SITE (a generated corpus, say) and drops
the instance, ``--requests`` times; prints the median time of each step and
the process CPU time per cycle. It shows where a per-request server's CPU
goes: page faults during the render (little resident memory) or the wipe on
drop (much resident memory).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wasm_host.bench import _pages  # noqa: E402
from wasm_host.wasm import Sandbox, config_record, lower, runtime  # noqa: E402


def cycle(site: Path, resident_mb: int, requests: int) -> dict[str, float]:
    pages = _pages(site)
    rt = runtime(None, True, resident_mb)
    steps: dict[str, list[float]] = {"instantiate": [], "render": [], "drop": []}
    cpu = time.process_time()
    for i in range(requests):
        job = pages.jobs[i % len(pages.jobs)]
        posts = pages.needed(job)
        t0 = time.perf_counter()
        box = Sandbox(rt, 512)
        t1 = time.perf_counter()
        box.call("render-pages", lower([job]), lower(posts), config_record(pages.config), [], timeout=10)
        t2 = time.perf_counter()
        del box
        t3 = time.perf_counter()
        for name, seconds in zip(steps, (t1 - t0, t2 - t1, t3 - t2)):
            steps[name].append(seconds)
    out = {name: statistics.median(v) * 1e3 for name, v in steps.items()}
    out["cpu_per_cycle"] = (time.process_time() - cpu) / requests * 1e3
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--resident", default="0,16,32,64", help="MiB kept resident, comma-separated")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    print("| resident | instantiate | render | drop | CPU per cycle |\n|---|---|---|---|---|")
    for mb in (int(x) for x in args.resident.split(",")):
        r = cycle(args.site, mb, args.requests)
        print(f"| {mb} MiB | {r['instantiate']:.2f} ms | {r['render']:.2f} ms | {r['drop']:.2f} ms "
              f"| {r['cpu_per_cycle']:.2f} ms |", flush=True)


if __name__ == "__main__":
    main()
