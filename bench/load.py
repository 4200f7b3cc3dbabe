#!/usr/bin/env python3
"""Load benchmark of `wasmblog serve` with wrk (Debian: apt-get install wrk), on loopback only.

    python bench/load.py [SITE] [--duration 10] [--concurrency 1,8,64] [--json results.json]

Starts `wasmblog serve SITE` in subprocesses (per-request mode with the wasm
and native engines, then static mode), runs wrk for DURATION seconds per
cell, and prints a Markdown table: requests/s, latency p50/p99, failed
responses (non-2xx/3xx and socket errors), the load average when the cell
ran, and the wasm server's RSS after warm-up and after each 10,000
requests. Other CPU-heavy work on the machine skews every number: check
`uptime` first. The same measurement is `wasm_host.bench.load.run_load`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wasm_host.bench.load import LoadError, format_table, run_load  # noqa: E402  after the sys.path line above


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", default=str(ROOT / "content"), help="site folder (default: content/)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per cell (default 10)")
    parser.add_argument("--concurrency", default="1,8,64", help="comma-separated connection counts")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--engines", default="wasm,native", help="engines for per-request rows")
    parser.add_argument("--rss-requests", type=int, default=10_000, help="requests per memory reading")
    parser.add_argument("--no-static-mode", action="store_true", help="skip the static-mode row")
    parser.add_argument("--quiet-server", action="store_true", help="run the servers without a request log")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    try:
        result = run_load(args.site, engines=args.engines.split(","),
                          concurrency=[int(c) for c in args.concurrency.split(",")], duration=args.duration,
                          threads=args.threads, static_mode=not args.no_static_mode,
                          rss_requests=args.rss_requests, access_log=not args.quiet_server,
                          log=lambda line: print(line, file=sys.stderr, flush=True))
    except LoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(format_table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
