"""The manual in docs/ is a wasmblog site: it builds on both engines, and no link or anchor in it is broken."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from sitekit import BUILD_TIME, ROOT
from wasm_host.site import build
from wasm_host.site.check import check

DOCS = ROOT / "docs"


def test_the_manual_builds_without_a_problem(engine, tmp_path):
    report = build(DOCS, tmp_path / "public", engine, build_time=BUILD_TIME)
    assert [d.format() for d in report.diagnostics] == []
    assert report.written and (tmp_path / "public" / "sites" / "index.html").is_file()


def test_no_link_or_anchor_of_the_manual_is_broken(engine):
    report = check(DOCS, engine, build_time=BUILD_TIME)
    assert [d.format() for d in report.diagnostics] == []
    assert report.broken == 0


def test_the_check_command_passes_on_the_manual():
    proc = subprocess.run([sys.executable, "-m", "wasm_host", "check", "docs", "--engine", "native"],
                          capture_output=True, text=True, cwd=ROOT, timeout=600,
                          env={**os.environ, "SOURCE_DATE_EPOCH": str(BUILD_TIME // 1_000_000)})
    assert proc.returncode == 0, proc.stderr
    assert ": 0 broken" in proc.stderr


def test_every_page_of_the_manual_is_in_its_menu_and_linked_from_the_readme():
    pages = sorted(p.stem for p in (DOCS / "pages").glob("*.md"))
    menu = re.findall(r'url = "/([a-z-]+)/"', (DOCS / "site.toml").read_text())
    readme = (ROOT / "README.md").read_text()
    assert sorted(menu) == pages
    assert [page for page in pages if f"(docs/pages/{page}.md)" not in readme] == []
