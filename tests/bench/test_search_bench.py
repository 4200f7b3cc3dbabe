"""The benchmark's search figures: index size raw and gzipped, time to the first result in Chromium.

Measured here on a small corpus (the lead's full run measures 1,000 and 10,000 posts); the
rows must exist, hold real measurements and be shown in the report's table.
"""

from __future__ import annotations

import gzip
import json

import pytest

from wasm_host.bench import report as bench_report
from wasm_host.bench.search import RUNS, measure_search, query_word


@pytest.mark.browser
@pytest.mark.slow
def test_search_rows_measure_the_index_and_the_first_result_in_chromium(tmp_path):
    said: list[str] = []
    rows = measure_search(tmp_path, [40], 2, said.append)
    (row,) = rows
    index = (tmp_path / "search-40" / "search-index.json").read_bytes()
    assert row["posts"] == 40 and row["indexed"] == len(json.loads(index)["posts"]) > 30
    assert row["index_bytes"] == len(index) and row["index_gzip_bytes"] == len(gzip.compress(index, 6, mtime=0))
    assert row["index_gzip_bytes"] < row["index_bytes"]
    assert "error" not in row, row.get("error")
    for key in ("first_result_ms", "search_ms"):
        assert row[key]["n"] == RUNS and 0 < row[key]["median"] < 60_000
    assert row["search_ms"]["median"] <= row["first_result_ms"]["median"]
    assert row["query"] == query_word(json.loads(index))
    assert any("Chromium" in line for line in said)

    table = bench_report.table({"date": "2026-12-01", "machine": {"cpu": "test", "cores": 2, "python": "3.11",
                                                                   "wasmtime": "50", "componentize_py": "0.25"},
                                "search": rows})
    lines = table.split("\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("Search in headless Chromium"))
    assert lines[header + 2].split()[:3] == ["40", f"{row['index_bytes'] / 1e6:.2f}", f"{row['index_gzip_bytes'] / 1e6:.2f}"]


def test_the_query_is_a_word_of_the_newest_posts_title():
    index = {"posts": [{"title": "A big WebAssembly day"}, {"title": "Older"}]}
    assert query_word(index) == "webassembly"
