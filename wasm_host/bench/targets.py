"""The targets (issue 21's), checked against one benchmark report, with Hugo's full build of the same
corpus, measured in the same run, as the unit of time; the edit loop against ``hugo server`` in the
same run."""

from __future__ import annotations

from typing import Any

# (name, what, engine, limit as a multiple of Hugo's full build) for rebuild rows of the main corpus
_RELATIVE = (
    ("unchanged", "rebuild, nothing changed", "native", 0.1),
    ("unchanged", "rebuild, nothing changed", "wasm", 0.1),
    ("one_edit", "rebuild after editing one post", "native", 0.15),
    ("one_edit", "rebuild after editing one post", "wasm", 0.25),
    ("cold", "cold build, all cores, no cache", "native", 1.75),
    ("cold", "cold build, all cores, no cache", "wasm", 3.0),
)
LARGE_EDIT_SECONDS = {"native": 1.5, "wasm": 3.0}
COMPONENT_MB = 35.0
EDIT_LOOP_MS = {1_000: 100.0, 10_000: 150.0}  # save -> new text served, wasmblog serve (memo, wasm)
FRESH_CPU_MS = 4.0
PER_REQUEST_RPS = 300.0
MEMO_RPS = 2000.0


def _row(name: str, value: float | None, unit: str, limit: float, higher_is_better: bool = False) -> dict[str, Any]:
    ok = None if value is None else (value >= limit if higher_is_better else value <= limit)
    return {"name": name, "value": value, "unit": unit, "target": limit, "relative": False,
            "higher_is_better": higher_is_better, "hugo_multiple": None, "ok": ok, "note": ""}


def _serve(report: dict[str, Any], scenario: str, concurrency: int) -> float | None:
    for row in (report.get("serve") or {}).get("rows", []):
        if row["scenario"] == scenario and row["concurrency"] == concurrency:
            rps: float = row["rps"]
            return rps
    return None


def check(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per target: the value measured, Hugo's multiple where the target is one, met or not."""
    rows: list[dict[str, Any]] = []
    rebuilds = report.get("rebuilds") or {}
    hugo = (report.get("hugo") or {}).get(str(rebuilds.get("posts")), {})
    hugo_s = hugo.get("seconds") if isinstance(hugo, dict) else None
    for key, what, engine, limit in _RELATIVE:
        measured = (rebuilds.get(engine) or {}).get(key)
        value = measured["seconds"] if measured else None
        multiple = round(value / hugo_s, 3) if value is not None and hugo_s else None
        rows.append({"name": f"{what} ({engine}, {rebuilds.get('posts', '?')} posts)", "value": value, "unit": "s",
                     "target": limit, "relative": True, "higher_is_better": False, "hugo_multiple": multiple,
                     "ok": None if multiple is None else multiple <= limit,
                     "note": "" if hugo_s else "no Hugo in this run"})
    large = report.get("rebuilds_large") or {}
    for engine in ("native", "wasm"):
        measured = (large.get(engine) or {}).get("one_edit")
        rows.append(_row(f"{large.get('posts', 10_000)} posts, one edit ({engine})",
                         measured["seconds"] if measured else None, "s", LARGE_EDIT_SECONDS[engine]))
    for loop in report.get("edit_loop") or []:
        ours, hugo_loop = loop.get("wasmblog") or {}, loop.get("hugo") or {}
        limit = EDIT_LOOP_MS.get(loop["posts"], EDIT_LOOP_MS[1_000] if loop["posts"] <= 1_000 else EDIT_LOOP_MS[10_000])
        if hugo_loop.get("median_ms"):  # and faster than hugo server in the same run
            limit = min(limit, hugo_loop["median_ms"])
        row = _row(f"edit saved -> served, serve memo wasm, {loop['posts']} posts", ours.get("median_ms"), "ms", limit)
        if hugo_loop.get("median_ms") and ours.get("median_ms"):
            row["hugo_multiple"] = round(ours["median_ms"] / hugo_loop["median_ms"], 3)
            row["note"] = f"hugo server {hugo_loop['median_ms']:g} ms"
        rows.append(row)
        ours_live, hugo_live = ours.get("live_reload") or {}, hugo_loop.get("live_reload") or {}
        if ours_live:  # the same limits for the message a watching tab gets
            limit = EDIT_LOOP_MS.get(loop["posts"], EDIT_LOOP_MS[1_000] if loop["posts"] <= 1_000
                                     else EDIT_LOOP_MS[10_000])
            if hugo_live.get("message_median_ms"):
                limit = min(limit, hugo_live["message_median_ms"])
            row = _row(f"edit saved -> live-reload message, {loop['posts']} posts",
                       ours_live.get("message_median_ms"), "ms", limit)
            if hugo_live.get("message_median_ms"):
                row["hugo_multiple"] = round(ours_live["message_median_ms"] / hugo_live["message_median_ms"], 3)
                row["note"] = f"hugo server {hugo_live['message_median_ms']:g} ms"
            rows.append(row)
    size = (report.get("startup") or {}).get("component_bytes")
    rows.append(_row("component size", None if size is None else round(size / 1e6, 2), "MB", COMPONENT_MB))
    cpu = (report.get("fresh_instance") or {}).get("cpu_per_request_ms")
    rows.append(_row("CPU per fresh sandbox (instantiate + render a post page + drop)", cpu, "ms", FRESH_CPU_MS))
    rows.append(_row("serve, per-request wasm, c=8", _serve(report, "per-request wasm", 8), "req/s", PER_REQUEST_RPS,
                     higher_is_better=True))
    rows.append(_row("serve, memo wasm, c=8", _serve(report, "memo wasm", 8), "req/s", MEMO_RPS,
                     higher_is_better=True))
    return rows


def table(rows: list[dict[str, Any]], report: dict[str, Any]) -> list[str]:
    rebuilds = report.get("rebuilds") or {}
    hugo = (report.get("hugo") or {}).get(str(rebuilds.get("posts")), {})
    head = "Targets"
    if isinstance(hugo, dict) and hugo.get("seconds"):
        head += f" (Hugo {hugo.get('version', '')}, full build of the same {hugo['posts']:,} posts in this run: " \
                f"{hugo['seconds']:.2f} s)"
    lines = [head, f"  {'':64} {'value':>10} {'x Hugo':>7} {'target':>10}  met"]
    for r in rows:
        value = "-" if r["value"] is None else f"{r['value']:.3g} {r['unit']}"
        multiple = "" if r["hugo_multiple"] is None else f"{r['hugo_multiple']:.2f}x"
        sign = ">=" if r["higher_is_better"] else "<="
        target = f"{sign}{r['target']:g}x" if r["relative"] else f"{sign}{r['target']:g} {r['unit']}"
        met = {True: "yes", False: "NO", None: "-"}[r["ok"]]
        lines.append(f"  {r['name']:64} {value:>10} {multiple:>7} {target:>10}  {met}")
    return lines
