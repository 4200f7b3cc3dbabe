"""``wasmblog bench`` as a command: lazy, and clear about what it needs."""

from __future__ import annotations

import subprocess
import sys

from sitekit import ROOT

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
