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
        "edit_loop": [{"posts": 1000, "wasmblog": {"median_ms": 90.0}, "hugo": {"median_ms": 80.0}},
                      {"posts": 10000, "wasmblog": {"median_ms": 140.0}, "hugo": {"median_ms": 400.0}}],
    }


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {r["name"]: r for r in rows}


def test_rebuild_targets_are_multiples_of_hugos_full_build_in_the_same_run():
    rows = by_name(check(report(hugo=2.0)))
    unchanged = rows["rebuild, nothing changed (native, 1000 posts)"]
    assert unchanged["hugo_multiple"] == 0.1 and unchanged["ok"] is True
    assert rows["rebuild, nothing changed (wasm, 1000 posts)"]["ok"] is False  # 0.2x > 0.1x
    assert rows["cold build, all cores, no cache (wasm, 1000 posts)"]["hugo_multiple"] == 4.0
    assert rows["cold build, all cores, no cache (native, 1000 posts)"]["ok"] is True  # 1.5x <= 1.75x
    assert rows["rebuild after editing one post (wasm, 1000 posts)"]["ok"] is False  # 0.45x > 0.25x


def test_absolute_targets_are_checked_as_measured():
    rows = by_name(check(report(hugo=2.0)))
    assert rows["10000 posts, one edit (native)"]["ok"] is False  # 2.5 s > 1.5 s
    assert rows["10000 posts, one edit (wasm)"]["ok"] is False  # 4 s > 3 s
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


def test_the_edit_loop_must_be_within_its_limit_and_faster_than_hugo_server():
    rows = by_name(check(report(hugo=2.0)))
    small = rows["edit saved -> served, serve memo wasm, 1000 posts"]
    assert small["ok"] is False and small["hugo_multiple"] == 1.125  # under 100 ms, but slower than Hugo
    assert rows["edit saved -> served, serve memo wasm, 10000 posts"]["ok"] is True  # <= 150 ms and < Hugo


def test_the_report_shows_the_edit_loop_beside_hugo_server():
    data = report(hugo=2.0)
    data["edit_loop"][0]["wasmblog"].update(min_ms=80.0, max_ms=120.0, runs_ms=[80.0, 90.0, 120.0])
    data["edit_loop"][0]["hugo"].update(min_ms=70.0, max_ms=95.0, runs_ms=[70.0, 80.0, 95.0], version="0.168.0")
    del data["edit_loop"][1]
    for section in ("fresh_instance", "startup", "serve"):  # shown by other tests' reports
        del data[section]
    text = table(data)
    assert "wasmblog serve (memo, wasm)" in text and "hugo server 0.168.0" in text and "(80-120, 3 rounds)" in text


def test_the_live_reload_message_has_the_edit_loops_limit_and_must_beat_hugo_servers():
    data = report(hugo=2.0)
    data["edit_loop"][0]["wasmblog"]["live_reload"] = {"message_median_ms": 60.0, "page_median_ms": 85.0}
    data["edit_loop"][0]["hugo"]["live_reload"] = {"message_median_ms": 150.0, "page_median_ms": 151.0}
    data["edit_loop"][1]["wasmblog"]["live_reload"] = {"message_median_ms": 170.0, "page_median_ms": 190.0}
    rows = by_name(check(data))
    small = rows["edit saved -> live-reload message, 1000 posts"]
    assert small["ok"] is True and small["hugo_multiple"] == 0.4
    assert rows["edit saved -> live-reload message, 10000 posts"]["ok"] is False  # over 150 ms
    for section in ("fresh_instance", "startup", "serve"):
        del data[section]
    assert "Live reload: a post saved, with a tab watching" in table(data)
