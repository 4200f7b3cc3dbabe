"""ruff and mypy as configured in pyproject.toml find nothing, and every suppression says why.

CI runs pytest, so it runs these: a finding fails the build like a failing
test. Both tools are pinned in the test extra.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from sitekit import ROOT

# A suppression with its codes and its reason on the same line: a noqa comment naming its codes then
# why, a type-ignore comment naming its error codes in brackets then a comment saying why.
SUPPRESSION = re.compile(r"#\s*(noqa|type:\s*ignore)\b(?P<codes>(:\s*[A-Z]+\d+(,\s*[A-Z]+\d+)*)|\[[\w\-, ]+\])?(?P<rest>.*)$")
CHECKED = ("renderer", "wasm_host", "tests", "bench", "scripts")


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], capture_output=True, text=True, cwd=ROOT, timeout=1800)


def test_ruff_finds_nothing():
    proc = run("ruff", "check", "--no-fix", "--output-format", "concise", ".")
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]


@pytest.mark.slow
def test_mypy_strict_finds_nothing():
    proc = run("mypy")  # files and strictness from [tool.mypy]
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]


def test_every_noqa_and_type_ignore_names_its_codes_and_says_why():
    bare = []
    for folder in CHECKED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                m = SUPPRESSION.search(line)
                if m is None or "SUPPRESSION" in line:
                    continue
                reason = m["rest"].strip().lstrip("#-").strip()
                if not m["codes"] or len(reason) < 8:
                    bare.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert bare == []
