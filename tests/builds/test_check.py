"""``wasmblog check``: internal links, images and #anchors, each broken one reported where it was written.

tests/sites/links holds one broken link of each kind: in a post's text, its front-matter
summary, a reference definition, a footnote, a relative link, an image, a static file,
an anchor on the same page and on another, an unsafe link, a [[menu]] entry and a template.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from sitekit import BUILD_TIME, DIAGNOSTIC_LINE, ROOT, SAMPLE_SITE, SITES
from wasm_host.site.check import check

LINKS = SITES / "links"
EXPECTED = [
    "posts/about.md:4: error: broken link to /posts/missing-summary/ (no such page)",
    'posts/about.md:8: error: broken link to /posts/guide/#old-section (no heading or element with id '
    '"old-section" on /posts/guide/)',
    "posts/about.md:10: error: broken link to /images/lost.png (no such file)",
    "posts/about.md:12: error: broken link to /files/missing.txt (no such file)",
    'posts/about.md:14: error: broken link to #nowhere (no heading or element with id "nowhere" on /posts/about/)',
    "posts/guide.md:8: error: an unsafe link (javascript:, vbscript: or data:) was removed here",
    "posts/guide.md:9: error: broken link to ../abut/ (no such page)",
    "posts/guide.md:13: error: broken link to /posts/nowhere/ (no such page)",
    "posts/guide.md:15: error: broken link to /nope/ (no such page)",
    "site.toml:11: error: broken link to /gone/ (no such page) ([[menu]] entry)",
    "templates/term.html: error: broken link to /archive/ (no such page) on /tags/guides/",
]


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wasm_host", "check", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, env={**os.environ, "SOURCE_DATE_EPOCH": str(BUILD_TIME // 1_000_000)})


def test_each_broken_link_is_reported_at_the_line_it_was_written_on(engine):
    report = check(LINKS, engine, build_time=BUILD_TIME)
    assert [d.format() for d in report.diagnostics] == EXPECTED
    assert report.broken == len(EXPECTED) and report.external == 1


def test_the_command_prints_path_line_errors_a_summary_and_exits_1():
    proc = run_check("tests/sites/links", "--engine", "native")
    assert proc.returncode == 1
    lines = proc.stderr.strip().split("\n")
    assert lines[:-1] == [f"tests/sites/links/{line}" for line in EXPECTED]
    assert all(DIAGNOSTIC_LINE.match(line) for line in lines[:-1])
    assert lines[-1].startswith("Checked ") and "11 broken" in lines[-1] and "1 external not checked" in lines[-1]


def test_the_sample_site_has_no_broken_links():
    proc = run_check("content", "--engine", "native")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("\n") == 1 and ": 0 broken;" in proc.stderr


def test_the_sample_site_has_no_broken_links_in_the_sandbox_either(engine):
    report = check(SAMPLE_SITE, engine, build_time=BUILD_TIME)
    assert report.diagnostics == [] and report.pages > 50 and report.links > 1000 and report.anchors > 50


def test_external_says_in_one_line_that_links_to_other_sites_are_not_checked():
    proc = run_check("tests/sites/links", "--engine", "native", "--external")
    notes = [line for line in proc.stderr.split("\n") if line.startswith("--external")]
    assert notes == ["--external: 1 link to other sites not checked: wasmblog check works without network access "
                     "and makes no requests"]


def test_json_report_for_scripts():
    proc = run_check("tests/sites/links", "--engine", "native", "--json")
    report = json.loads(proc.stdout)
    assert [d["text"] for d in report["diagnostics"]] == [f"tests/sites/links/{line}" for line in EXPECTED]
    assert (report["broken"], report["errors"], report["external"]) == (11, 11, 1)
    assert proc.returncode == 1


def test_links_under_a_sub_path_are_checked_against_it(tmp_path, native):
    site = tmp_path / "links"
    shutil.copytree(LINKS, site)
    config = site / "site.toml"
    config.write_text(config.read_text().replace('"https://example.org/"', '"https://example.org/blog/"'))
    lines = [d.format() for d in check(site, native, build_time=BUILD_TIME).diagnostics]
    assert "posts/about.md:10: error: broken link to /blog/images/lost.png (no such file)" in lines
    assert len(lines) == len(EXPECTED)


def test_build_problems_are_reported_too(tmp_path, native):
    site = tmp_path / "links"
    shutil.copytree(LINKS, site)
    (site / "posts" / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    lines = [d.format() for d in check(site, native, build_time=BUILD_TIME).diagnostics]
    assert any(line.startswith("posts/broken.md:2: error: invalid YAML front matter") for line in lines)


@pytest.mark.parametrize("flag", ["--help"])
def test_help_describes_the_command(flag):
    proc = run_check(flag)
    assert proc.returncode == 0
    assert "--external" in proc.stdout and "#anchor" in proc.stdout
