"""CPU cost of one fresh sandbox per request, for several keep-resident settings.

    .venv/bin/python bench/instance_cycle.py SITE [--resident 0,16,32,64] [--requests 300]

For each setting of the pooling allocator's resident memory, runs the
benchmark's fresh-instance measurement (instantiate, render one post page of
SITE, drop) and prints the median time of each step and the process CPU time
per cycle (which includes a native render of the same page, as the benchmark
does). It shows where a per-request server's CPU goes: page faults during the
render (little resident memory) or the wipe on drop (much resident memory).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wasm_host.bench.runner import measure_fresh, post_pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--resident", default="0,16,32,64", help="MiB kept resident, comma-separated")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    pages = post_pages(args.site)
    print("| resident | instantiate | render | drop | CPU per cycle |\n|---|---|---|---|---|")
    for mb in (int(x) for x in args.resident.split(",")):
        r = measure_fresh(pages, args.requests, lambda _msg: None, resident_mb=mb)
        print(f"| {mb} MiB | {r['instantiate_ms']['median']:.2f} ms | {r['render_ms']['median']:.2f} ms "
              f"| {r['drop_ms']['median']:.2f} ms | {r['cpu_per_cycle_ms']:.2f} ms |", flush=True)


if __name__ == "__main__":
    main()
