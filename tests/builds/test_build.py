"""`wasmblog build`: what gets written, atomically, reproducibly, and the exit status.

In-process builds go through ``wasm_host.site.build`` on the engine under
test; CLI builds run ``python -m wasm_host build --engine <engine>`` in a
subprocess, the way a user runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitekit import BUILD_TIME, POSTS, SITES, copy_site, leftovers, make_site, site_files, tree_bytes
from wasm_host.site import build
from wasm_host.site.output import OutputError

BASIC = SITES / "basic"


def wasmblog(engine, *args: str, epoch: int | None = 1_800_000_000) -> subprocess.CompletedProcess:
    """Run the CLI with the engine under test; SOURCE_DATE_EPOCH fixed unless ``epoch`` is None."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    return subprocess.run([sys.executable, "-m", "wasm_host", "build", "--engine", engine.name, *args],
                          capture_output=True, text=True, env=env, timeout=300)


# --- what is written -------------------------------------------------------------------


def test_static_files_are_copied_verbatim(engine, tmp_path):
    out = tmp_path / "out"
    report = build(BASIC, out, engine, build_time=BUILD_TIME)
    assert report.static == 2
    for rel in ("images/pixel.png", "files/notes.txt"):
        assert (out / rel).read_bytes() == (BASIC / "static" / rel).read_bytes()


def test_a_static_file_replaces_a_generated_one_with_a_warning(engine, tmp_path):
    site = copy_site("basic", tmp_path)
    (site / "static" / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    report = build(site, tmp_path / "out", engine, build_time=BUILD_TIME)
    assert [d.format() for d in report.diagnostics] == [
        "static/robots.txt: warning: replaces the page the theme generates at this path"]
    assert (tmp_path / "out" / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"


def test_the_build_report_counts_posts_pages_and_static_files(engine, tmp_path):
    report = build(BASIC, tmp_path / "out", engine, build_time=BUILD_TIME)
    written = site_files(tmp_path / "out")
    assert (report.posts, report.static, report.errors, report.warnings) == (5, 2, 0, 0)
    assert report.pages + report.static == len(written)


def test_what_an_earlier_build_wrote_and_the_site_no_longer_makes_is_removed(engine, tmp_path):
    site = copy_site("basic", tmp_path)
    out = tmp_path / "out"
    build(site, out, engine, build_time=BUILD_TIME)
    (site / "posts" / "fifth.md").unlink()
    build(site, out, engine, build_time=BUILD_TIME)
    assert not (out / "posts" / "fifth").exists()
    assert (out / "index.html").is_file()


def test_no_temporary_folders_are_left_behind(engine, tmp_path):
    out = tmp_path / "out"
    build(BASIC, out, engine, build_time=BUILD_TIME)
    build(BASIC, out, engine, build_time=BUILD_TIME)
    assert leftovers(out) == []


# --- failed builds ----------------------------------------------------------------------


def broken_posts(tmp_path: Path) -> Path:
    """The broken site without its broken template: problems of single posts only (a site-wide
    one, such as the template, stops the whole build: see test_errors.py)."""
    site = copy_site("broken", tmp_path)
    (site / "templates" / "post.html").unlink()
    return site


def test_strict_writes_nothing_when_there_is_an_error(engine, tmp_path):
    site = copy_site("broken", tmp_path)
    report = build(site, tmp_path / "out", engine, strict=True, build_time=BUILD_TIME)
    assert report.errors and not report.written
    assert not (tmp_path / "out").exists()


def test_strict_writes_a_clean_site(engine, tmp_path):
    report = build(BASIC, tmp_path / "out", engine, strict=True, build_time=BUILD_TIME)
    assert report.written and (tmp_path / "out" / "index.html").is_file()


def test_a_strict_build_that_fails_leaves_the_previous_output_intact(engine, tmp_path):
    out = tmp_path / "out"
    build(BASIC, out, engine, build_time=BUILD_TIME)
    before = tree_bytes(out)
    build(copy_site("broken", tmp_path), out, engine, strict=True, build_time=BUILD_TIME)
    assert tree_bytes(out) == before


def test_a_build_that_fails_while_writing_leaves_the_previous_output_intact(engine, tmp_path):
    out = tmp_path / "out"
    build(BASIC, out, engine, build_time=BUILD_TIME)
    before = tree_bytes(out)
    site = copy_site("basic", tmp_path)
    (site / "static" / "vanished.png").symlink_to("no-such-file.png")  # listed, then unreadable
    with pytest.raises(OutputError, match="cannot write the site"):
        build(site, out, engine, build_time=BUILD_TIME)
    assert tree_bytes(out) == before
    assert leftovers(out) == []


def test_the_cli_reports_a_failed_write_in_one_line_and_exits_1(engine, tmp_path):
    site = copy_site("basic", tmp_path)
    (site / "static" / "vanished.png").symlink_to("no-such-file.png")
    proc = wasmblog(engine, str(site), "-o", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"{tmp_path / 'out'}: error: cannot write the site: ") and \
        proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr


# --- the command line -------------------------------------------------------------------


def test_the_cli_exits_0_and_prints_a_summary_for_a_clean_site(engine, tmp_path):
    proc = wasmblog(engine, str(BASIC), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith("Built ") and "from 5 posts" in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert (tmp_path / "out" / "index.html").is_file()


def test_the_cli_exits_1_when_any_error_was_reported(engine, tmp_path):
    proc = wasmblog(engine, str(broken_posts(tmp_path)), "-o", str(tmp_path / "out"))
    assert proc.returncode == 1
    assert (tmp_path / "out" / "posts" / "good" / "index.html").is_file()


def test_the_cli_in_strict_mode_writes_nothing_and_says_so(engine, tmp_path):
    proc = wasmblog(engine, str(broken_posts(tmp_path)), "-o", str(tmp_path / "out"), "--strict")
    assert proc.returncode == 1
    assert "nothing written (--strict)" in proc.stderr.splitlines()[-1]
    assert not (tmp_path / "out").exists()


def test_the_cli_quiet_mode_prints_nothing_for_a_clean_site(engine, tmp_path):
    proc = wasmblog(engine, str(BASIC), "-o", str(tmp_path / "out"), "--quiet")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_the_cli_json_report(engine, tmp_path):
    site = broken_posts(tmp_path)
    proc = wasmblog(engine, str(site), "-o", str(tmp_path / "out"), "--json")
    report = json.loads(proc.stdout)
    assert (report["posts"], report["errors"], report["written"], report["stopped"]) == (2, 1, True, False)
    texts = [d["text"] for d in report["diagnostics"]]
    assert f"{site}/posts/dup-b.md: error: slug 'same-slug' is already used by posts/dup-a.md; give one of them " \
           "another 'slug:'" in texts


def test_the_cli_json_report_of_a_build_a_site_wide_error_stopped(engine, tmp_path):
    site = copy_site("broken", tmp_path)
    proc = wasmblog(engine, str(site), "-o", str(tmp_path / "out"), "--json")
    report = json.loads(proc.stdout)
    assert (proc.returncode, report["errors"], report["written"], report["stopped"]) == (1, 1, False, True)
    assert [d["text"] for d in report["diagnostics"] if d["severity"] == "error"] == [
        f"{site}/templates/post.html:3: error: template syntax error: unexpected '}}'; using the default theme's "
        "template"]


@pytest.mark.slow
def test_the_cli_drafts_and_future_flags(engine, tmp_path):
    wasmblog(engine, str(BASIC), "-o", str(tmp_path / "plain"), "-q")
    wasmblog(engine, str(BASIC), "-o", str(tmp_path / "all"), "-q", "--drafts", "--future")
    assert not (tmp_path / "plain" / "posts" / "draft").exists()
    assert not (tmp_path / "plain" / "posts" / "future").exists()
    assert (tmp_path / "all" / "posts" / "draft" / "index.html").is_file()
    assert (tmp_path / "all" / "posts" / "future" / "index.html").is_file()


def test_a_missing_site_folder_is_a_usage_error(engine, tmp_path):
    proc = wasmblog(engine, str(tmp_path / "nowhere"), "-o", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert "is not a folder" in proc.stderr and "Traceback" not in proc.stderr


# --- reproducibility --------------------------------------------------------------------


def test_two_builds_of_the_same_input_are_byte_identical(engine, tmp_path):
    build(BASIC, tmp_path / "a", engine, build_time=BUILD_TIME)
    build(BASIC, tmp_path / "b", engine, build_time=BUILD_TIME)
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")


@pytest.mark.slow
def test_two_cli_builds_with_source_date_epoch_are_byte_identical(engine, tmp_path):
    for name in ("a", "b"):
        assert wasmblog(engine, str(BASIC), "-o", str(tmp_path / name), "-q").returncode == 0
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")


def test_source_date_epoch_is_the_build_time(engine, tmp_path):
    # 2023-11-02T12:00:00Z: only the first two posts are in the past.
    wasmblog(engine, str(BASIC), "-o", str(tmp_path / "out"), "-q", epoch=1_698_926_400)
    posts = sorted(p.name for p in (tmp_path / "out" / "posts").iterdir())
    assert posts == ["first", "second"]


@pytest.mark.slow
def test_parallel_builds_give_the_same_bytes(engine, tmp_path):
    site = make_site(tmp_path, [p.name for p in POSTS.glob("*.md")])
    build(site, tmp_path / "one", engine, jobs=1, build_time=BUILD_TIME)
    build(site, tmp_path / "two", engine, jobs=2, build_time=BUILD_TIME)
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "two")


@pytest.mark.slow
def test_a_template_stopped_on_its_first_page_is_not_run_for_the_others(engine, tmp_path):
    from wasm_host.bench import corpus

    site = corpus.write_site(tmp_path / "site", 60)
    (site / "templates").mkdir()
    (site / "templates" / "post.html").write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
    with open(site / "site.toml", "a") as fh:
        fh.write("\n[limits]\nrender_timeout = 0.5\n")
    report = build(site, tmp_path / "out", engine, build_time=BUILD_TIME)
    errors = [d.format() for d in report.diagnostics if d.is_error]
    assert len(errors) == 2, errors
    stopped, = [e for e in errors if "rendering exceeded 0.5 s" in e]
    skipped, = [e for e in errors if "were not rendered" in e]
    assert stopped.startswith("templates/post.html: error: posts/")
    assert skipped.startswith("templates/post.html: error: ")
    # One page stopped at the deadline and the other post pages left out with one line (not a deadline each).
    assert (tmp_path / "out" / "index.html").is_file() and (tmp_path / "out" / "tags" / "index.html").is_file()


def test_limits_given_on_the_command_line_override_site_toml(engine, tmp_path):
    site = copy_site("basic", tmp_path / "site")
    (site / "posts" / "long.md").write_text("---\ntitle: Long\ndate: 2024-01-01\n---\n" + "word " * 1000)
    result = wasmblog(engine, str(site), "-o", str(tmp_path / "out"), "--max-file-mb", "0.001")
    assert result.returncode == 1
    refused = [line for line in result.stderr.splitlines() if "limits.max_file_mb" in line]
    assert len(refused) == 1 and refused[0].startswith(f"{site}/posts/long.md: error: file is ")
    assert (tmp_path / "out" / "posts" / "first" / "index.html").is_file()
    assert not (tmp_path / "out" / "posts" / "long").exists()
