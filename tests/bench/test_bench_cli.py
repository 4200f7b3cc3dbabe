"""``wasmblog bench`` as a command: lazy, and clear about what it needs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from jskit import node_tool
from sitekit import ROOT, missing_tool
from wasm_host.engines.js import jco_command

HIDE_MATPLOTLIB = ("import sys; sys.modules['matplotlib'] = None; "  # as if the bench extra were not installed
                   "from wasm_host.cli import main; sys.argv = ['wasmblog'] + sys.argv[1:]; main()")


def test_the_cli_does_not_load_the_benchmark_until_asked():
    code = "import sys, wasm_host.cli; print(sorted(m for m in sys.modules if m.startswith('wasm_host.bench')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_a_chart_without_the_bench_extra_says_in_one_line_how_to_install_it(tmp_path):
    proc = subprocess.run([sys.executable, "-c", HIDE_MATPLOTLIB, "bench", "--posts", "10",
                           "--chart", str(tmp_path / "c.png")], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0
    assert "pip install 'wasmblog[bench]'" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.load
@pytest.mark.node
@pytest.mark.wasm
@pytest.mark.slow
def test_hosts_puts_every_host_in_the_json_the_table_and_the_chart(tmp_path):
    """One post page on native, wasmtime-py, Node and jco serve: each renders the native bytes."""
    node_tool(lambda: jco_command())
    if shutil.which("wrk") is None:
        missing_tool("wrk", "apt-get install wrk, or ./scripts/setup")
    report, chart = tmp_path / "hosts.json", tmp_path / "hosts.png"
    proc = subprocess.run([sys.executable, "-m", "wasm_host", "bench", "--hosts-only", "--posts", "10", "--repeat", "1",
                           "--json", str(report), "--chart", str(chart)], capture_output=True, text=True, cwd=ROOT,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = json.loads(report.read_text())["hosts"]["rows"]
    assert [r["host"] for r in rows] == ["native", "wasmtime-py", "node", "jco serve", "jco, 1 inst."]
    assert all(r["identical"] for r in rows)
    assert all(r["warm_ms"]["n"] > 0 and r["load_ms"]["median"] > 0 for r in rows)
    loaded = {r["host"]: r["rps"] for r in rows if r["host"] != "node"}
    assert all(rps["rps"] > 0 and rps["failed"] == 0 for rps in loaded.values()), loaded  # says which host failed
    assert all(r["size_bytes"] > 1_000_000 for r in rows if r["host"] != "native")
    table = proc.stdout
    assert "Hosts: one post page" in table and all(r["host"] in table for r in rows)
    assert chart.read_bytes().startswith(b"\x89PNG")
