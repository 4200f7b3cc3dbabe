"""The bench's target rows: values as measured, Hugo's full build in the same run as the unit."""

from __future__ import annotations

from wasm_host.bench.report import table
from wasm_host.bench.targets import check


def report(hugo: float | None) -> dict:
    def run(seconds: float, reused: int) -> dict:
        return {"seconds": seconds, "cpu_seconds": seconds, "pages": 1500, "reused": reused}

    def rows(unchanged: float, edit: float, cold: float) -> dict:
        return {"cold": run(cold, 0), "unchanged": run(unchanged, 1500), "one_edit": run(edit, 1490)}

    return {
        "date": "2026-12-01T00:00:00+00:00",
        "machine": {"cpu": "test", "cores": 2, "python": "3.11", "wasmtime": "50", "componentize_py": "0.25"},
        "rebuilds": {"posts": 1000, "native": rows(0.2, 0.5, 3.0), "wasm": rows(0.4, 0.9, 8.0)},
        "rebuilds_large": {"posts": 10000, "native": {"one_edit": run(2.5, 14000)},
                           "wasm": {"one_edit": run(4.0, 14000)}},
        "hugo": {"1000": {"posts": 1000, "seconds": hugo, "version": "0.111.3", "pages": 1500} if hugo else None},
        "startup": {"component_bytes": 24_000_000},
        "fresh_instance": {"cpu_per_request_ms": 5.0},
        "serve": {"rows": [{"scenario": "per-request wasm", "concurrency": 8, "rps": 250.0},
                           {"scenario": "memo wasm", "concurrency": 8, "rps": 2500.0}]},
    }


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {r["name"]: r for r in rows}


def test_rebuild_targets_are_multiples_of_hugos_full_build_in_the_same_run():
    rows = by_name(check(report(hugo=2.0)))
    unchanged = rows["rebuild, nothing changed (native, 1000 posts)"]
    assert unchanged["hugo_multiple"] == 0.1 and unchanged["ok"] is True
    assert rows["rebuild, nothing changed (wasm, 1000 posts)"]["ok"] is True  # 0.2x <= 0.25x
    assert rows["cold build, all cores, no cache (wasm, 1000 posts)"]["hugo_multiple"] == 4.0
    assert rows["cold build, all cores, no cache (native, 1000 posts)"]["ok"] is True  # 1.5x <= 2x
    assert rows["rebuild after editing one post (wasm, 1000 posts)"]["ok"] is True  # 0.45x <= 0.5x


def test_absolute_targets_are_checked_as_measured():
    rows = by_name(check(report(hugo=2.0)))
    assert rows["10000 posts, one edit (native)"]["ok"] is True
    assert rows["10000 posts, one edit (wasm)"]["ok"] is False
    assert rows["component size"]["value"] == 24.0 and rows["component size"]["ok"] is True
    assert rows["CPU per fresh sandbox (instantiate + render a post page + drop)"]["ok"] is False
    assert rows["serve, per-request wasm, c=8"]["ok"] is False
    assert rows["serve, memo wasm, c=8"]["ok"] is True


def test_without_hugo_the_relative_targets_are_not_judged():
    rows = check(report(hugo=None))
    relative = [r for r in rows if r["relative"]]
    assert relative and all(r["ok"] is None and r["hugo_multiple"] is None for r in relative)


def test_the_report_shows_the_targets_with_hugo_beside_them():
    data = report(hugo=2.0)
    data["targets"] = check(data)
    for section in ("fresh_instance", "startup", "serve"):  # shown by other tests' reports
        del data[section]
    text = table(data)
    assert "Targets (Hugo 0.111.3, full build of the same 1,000 posts in this run: 2.00 s)" in text
    assert "0.10x" in text and "NO" in text and "yes" in text
