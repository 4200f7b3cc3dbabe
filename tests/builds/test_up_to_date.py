"""The up-to-date check: a build with nothing changed returns at once, and anything that changes the
output (an input, the output folder, an option, the engine, the build time's window) makes it build.

A build that skipped says so (``report.up_to_date``). Every case that must build also ends with the
bytes of a clean build.

Files just written are "racily clean" (wasm_host/site/uptodate.py): their status is not trusted
for 2 s. A test that wants a site it just copied to count as unchanged sets that span to zero
(``no_racy``); the tests of the racy rule itself keep it.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitekit import BUILD_TIME, copy_site, tree_bytes
from wasm_host.cli import main
from wasm_host.site import build, uptodate
from wasm_host.site.cache import RenderCache


@pytest.fixture
def no_racy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uptodate, "RACY_NS", 0)


def cached_build(site: Path, out: Path, engine, cache_file: Path, **kw):
    with RenderCache(cache_file, site) as cache:
        report = build(site, out, engine, cache=cache, **{"build_time": BUILD_TIME, **kw})
    return report, report.up_to_date


def skipped(up_to_date: bool) -> bool:
    return up_to_date


def built_again(site: Path, out: Path, engine, tmp: Path, **kw) -> bool:
    """Build once more into ``out``: whether it built (not skipped), after checking it has a clean build's bytes."""
    report, stats = cached_build(site, out, engine, tmp / "c.sqlite", **kw)
    clean = tmp / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build(site, clean, engine, **{"build_time": BUILD_TIME, **kw})
    assert tree_bytes(out) == tree_bytes(clean)
    return not skipped(stats)


@pytest.fixture
def built(native, tmp_path, no_racy):
    site = copy_site("basic", tmp_path)
    cached_build(site, tmp_path / "out", native, tmp_path / "c.sqlite")
    return site, tmp_path / "out"


# --- nothing changed ------------------------------------------------------------------------------


def test_a_build_with_nothing_changed_is_skipped_with_the_same_report(native, tmp_path, no_racy):
    site = copy_site("basic", tmp_path)
    (site / "templates").mkdir()
    (site / "templates" / "notes.md").write_text("Not a template: a warning.\n")
    first, _ = cached_build(site, tmp_path / "out", native, tmp_path / "c.sqlite")
    assert first.warnings and not first.errors
    before = {p: os.stat(tmp_path / "out" / p).st_ino for p in tree_bytes(tmp_path / "out")}
    again, stats = cached_build(site, tmp_path / "out", native, tmp_path / "c.sqlite")
    assert skipped(stats)
    assert (again.posts, again.pages, again.static) == (first.posts, first.pages, first.static)
    assert again.reused == again.pages and again.reuse.parse_reused == first.reuse.parsed
    assert [d.format() for d in again.diagnostics] == [d.format() for d in first.diagnostics]
    assert {p: os.stat(tmp_path / "out" / p).st_ino for p in tree_bytes(tmp_path / "out")} == before
    assert not built_again(site, tmp_path / "out", native, tmp_path)


def test_a_build_with_an_error_is_not_recorded(native, tmp_path, no_racy):
    """An error is reported again by every build until it is fixed (exit status 1), by a real build."""
    site = copy_site("basic", tmp_path)
    (site / "posts" / "bad.md").write_text("---\ntitle: Bad\ndate: not a date\n---\nBad.\n")
    first, _ = cached_build(site, tmp_path / "out", native, tmp_path / "c.sqlite")
    assert first.errors
    again, stats = cached_build(site, tmp_path / "out", native, tmp_path / "c.sqlite")
    assert not skipped(stats) and again.errors == first.errors


# --- what the site holds -------------------------------------------------------------------------------


def test_an_edited_post_builds(native, tmp_path, built):
    site, out = built
    post = site / "posts" / "fifth.md"
    post.write_text(post.read_text() + "\nOne more sentence.\n")
    assert built_again(site, out, native, tmp_path)


def test_a_file_touched_but_identical_builds(native, tmp_path, built):
    """Its status changed: a build reads it again (and writes nothing new)."""
    site, out = built
    os.utime(site / "posts" / "fifth.md", ns=(1_000_000_000, 1_000_000_000))
    assert built_again(site, out, native, tmp_path)


def test_an_added_static_file_builds(native, tmp_path, built):
    site, out = built
    (site / "static" / "robots.txt").write_text("User-agent: *\n")
    assert built_again(site, out, native, tmp_path)
    assert (out / "robots.txt").read_text() == "User-agent: *\n"


def test_a_renamed_post_builds(native, tmp_path, built):
    site, out = built
    (site / "posts" / "fifth.md").rename(site / "posts" / "fifth-renamed.md")
    assert built_again(site, out, native, tmp_path)
    assert (out / "posts" / "fifth-renamed" / "index.html").exists()


def test_an_edited_template_builds(native, tmp_path, built):
    site, out = built
    (site / "templates").mkdir()
    (site / "templates" / "post.html").write_text('{% extends "base.html" %}{% block main %}Edited: '
                                                  '{{ page.title }}{% endblock %}')
    assert built_again(site, out, native, tmp_path)
    assert b"Edited: " in (out / "posts" / "fifth" / "index.html").read_bytes()
    (site / "templates" / "post.html").write_text('{% extends "base.html" %}{% block main %}Edited twice: '
                                                  '{{ page.title }}{% endblock %}')
    assert built_again(site, out, native, tmp_path)
    assert b"Edited twice: " in (out / "posts" / "fifth" / "index.html").read_bytes()


def test_an_added_translation_table_builds(native, tmp_path, built):
    site, out = built
    (site / "i18n").mkdir()
    (site / "i18n" / "en.toml").write_text('[tags]\nother = "Labels"\n')
    assert built_again(site, out, native, tmp_path)


def test_an_empty_folder_added_where_the_site_is_read_builds(native, tmp_path, built):
    site, out = built
    (site / "pages").mkdir()
    assert built_again(site, out, native, tmp_path)


# --- the output folder ---------------------------------------------------------------------------


def test_a_deleted_output_file_builds_and_comes_back(native, tmp_path, built):
    site, out = built
    (out / "tags" / "index.html").unlink()
    assert built_again(site, out, native, tmp_path)


def test_an_edited_output_file_builds_and_is_written_again(native, tmp_path, built):
    site, out = built
    page = out / "posts" / "fifth" / "index.html"
    page.write_bytes(b"x" * page.stat().st_size)
    assert built_again(site, out, native, tmp_path)


def test_a_file_added_to_the_output_builds_and_is_kept(native, tmp_path, built):
    site, out = built
    (out / "mine.txt").write_text("mine")
    report, stats = cached_build(site, out, native, tmp_path / "c.sqlite")
    assert not skipped(stats)
    assert (out / "mine.txt").read_text() == "mine"


# --- options, engine, time -------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["drafts", "future"])
def test_a_changed_flag_builds(native, tmp_path, built, flag):
    site, out = built
    assert built_again(site, out, native, tmp_path, **{flag: True})
    assert not built_again(site, out, native, tmp_path, **{flag: True})
    assert built_again(site, out, native, tmp_path)


def test_a_changed_limit_builds(native, tmp_path, built):
    site, out = built
    assert built_again(site, out, native, tmp_path, limits={"max_nesting": 20})


def test_a_future_dated_post_whose_time_came_is_published(native, tmp_path, no_racy):
    site = copy_site("basic", tmp_path)
    (site / "posts" / "soon.md").write_text("---\ntitle: Soon\ndate: 2027-01-15T09:00:00Z\n---\nSoon.\n")
    out = tmp_path / "out"
    cached_build(site, out, native, tmp_path / "c.sqlite")
    assert not (out / "posts" / "soon").exists()  # BUILD_TIME is 08:00 that day
    _, stats = cached_build(site, out, native, tmp_path / "c.sqlite", build_time=BUILD_TIME + 3_000_000_000)
    assert skipped(stats)  # 08:50: still before it
    assert built_again(site, out, native, tmp_path, build_time=BUILD_TIME + 2 * 3600 * 1_000_000)
    assert (out / "posts" / "soon" / "index.html").exists()


@pytest.mark.wasm
def test_a_changed_engine_builds(tmp_path, no_racy):
    from sitekit import get_renderer

    site = copy_site("basic", tmp_path)
    out = tmp_path / "out"
    cached_build(site, out, get_renderer("native"), tmp_path / "c.sqlite")
    _, stats = cached_build(site, out, get_renderer("wasm"), tmp_path / "c.sqlite")
    assert not skipped(stats)
    _, stats = cached_build(site, out, get_renderer("wasm"), tmp_path / "c.sqlite")
    assert skipped(stats)


def test_a_changed_core_builds(native, tmp_path, built, monkeypatch):
    """The code that renders is an input too: a core file's status is recorded."""
    site, out = built
    real = uptodate.code_stamp

    def other_core(engine, dists=None):
        stamp = real(engine, dists)
        for tree in stamp["files"].values():
            if "plan.py" in tree:
                tree["plan.py"] = [*tree["plan.py"][:1], tree["plan.py"][1] + 1, *tree["plan.py"][2:]]
        return stamp
    monkeypatch.setattr(uptodate, "code_stamp", other_core)
    assert built_again(site, out, native, tmp_path)


# --- racily clean files ------------------------------------------------------------------------------


def test_a_site_written_just_before_a_build_is_not_trusted_by_the_next(native, tmp_path):
    """Its files' status was taken within 2 s of their last change: a change in the same tick of the
    clock would leave the same status, so the next build reads them."""
    site = copy_site("basic", tmp_path)
    cached_build(site, tmp_path / "out", native, tmp_path / "c.sqlite")
    _, stats = cached_build(site, tmp_path / "out", native, tmp_path / "c.sqlite")
    assert not skipped(stats)


def test_an_output_file_changed_keeping_its_size_and_mtime_builds(native, tmp_path, monkeypatch):
    """A page changed and its mtime put back (or changed within one tick of a coarse clock): its
    ctime, or for a page written just before the build's record its bytes, say so. (The writer
    itself trusts size, mtime and inode when it reuses a file of the output folder: that it
    writes this page again is not asked here.)"""
    site = copy_site("basic", tmp_path)
    out = tmp_path / "out"
    cached_build(site, out, native, tmp_path / "c.sqlite")  # the pages, written just now: recorded with their hash
    monkeypatch.setattr(uptodate, "RACY_NS", 0)  # (the site's files: trusted, for this test)
    page = out / "posts" / "fifth" / "index.html"
    st = page.stat()
    with open(page, "r+b") as fh:
        fh.write(b"X")
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))
    _, up_to_date = cached_build(site, out, native, tmp_path / "c.sqlite")
    assert not up_to_date


# --- the command line ----------------------------------------------------------------------------------


def test_the_command_line_reports_a_skipped_build_as_the_build_before_it(tmp_path, monkeypatch, no_racy):
    monkeypatch.setenv("WASMBLOG_RENDER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(BUILD_TIME // 1_000_000))
    site = copy_site("basic", tmp_path)
    (site / "templates").mkdir()
    (site / "templates" / "notes.md").write_text("Not a template: a warning.\n")
    args = ["build", str(site), "-o", str(tmp_path / "out"), "--engine", "native", "--json"]
    runner = CliRunner()
    reports = []
    for run in range(3):
        if run == 2:  # forget the record: this one builds, checking every result
            with RenderCache.for_site(site) as cache:
                cache.set_up_to_date(os.path.abspath(tmp_path / "out"), None)
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        report.pop("seconds")
        reports.append(report)
    assert reports[1] == reports[2]  # the second skipped, the third built (re-checking every result)
    assert reports[2]["cache"]["pages_reused"] == reports[2]["pages"] > 0
    assert reports[2]["diagnostics"] and reports[2]["diagnostics"][0]["path"].startswith(str(site))


def test_the_command_line_knows_the_engines_and_limits_the_core_has():
    from renderer.config import LIMIT_RANGES
    from wasm_host import cli
    from wasm_host.engines import ENGINES
    from wasm_host.engines.version import CORE_DISTRIBUTIONS

    assert cli.ENGINE_NAMES == ENGINES and cli.LIMIT_RANGES == LIMIT_RANGES
    assert set(CORE_DISTRIBUTIONS) <= set(uptodate.CODE_DISTRIBUTIONS)


# --- other layouts ----------------------------------------------------------------------------------


def test_a_hugo_site_builds_when_a_theme_shortcode_is_added_or_its_config_edited(native, tmp_path, no_racy):
    site = copy_site("hugo-basic", tmp_path)
    out = tmp_path / "out"
    cached_build(site, out, native, tmp_path / "c.sqlite")
    assert not built_again(site, out, native, tmp_path)
    shortcodes = site / "themes" / "ananke" / "layouts" / "shortcodes"
    shortcodes.mkdir(parents=True)
    (shortcodes / "hello.html").write_text("Hello from the theme")
    assert built_again(site, out, native, tmp_path)
    config = site / "config.toml"
    config.write_text(config.read_text().replace('title = "Hugo Basic"', 'title = "Hugo Basic, edited"'))
    assert built_again(site, out, native, tmp_path)


def test_an_output_folder_inside_the_site_is_not_an_input(native, tmp_path, no_racy):
    """``wasmblog build`` in a site folder writes public/ there (and .public.wasmblog/ beside it)."""
    site = copy_site("basic", tmp_path)
    out = site / "public"
    cached_build(site, out, native, tmp_path / "c.sqlite")
    cached_build(site, out, native, tmp_path / "c.sqlite")  # (the first build made public/ in the site)
    assert not built_again(site, out, native, tmp_path)
    (out / "tags" / "index.html").unlink()
    assert built_again(site, out, native, tmp_path)


def test_a_check_that_found_the_bytes_right_keeps_only_the_hashes_still_needed(native, tmp_path, monkeypatch):
    """Pages written just before the record are compared by their bytes; once a check found them
    right and their status is old enough, later checks trust their status (no hashing every page)."""
    site = copy_site("basic", tmp_path)
    out = tmp_path / "out"
    cached_build(site, out, native, tmp_path / "c.sqlite")
    with RenderCache(tmp_path / "c.sqlite", site) as cache:
        assert cache.up_to_date(os.path.abspath(out))["hashes"]  # every page was written just now
    monkeypatch.setattr(uptodate, "RACY_NS", 0)  # (as if 2 s had passed)
    _, up_to_date = cached_build(site, out, native, tmp_path / "c.sqlite")
    assert up_to_date
    with RenderCache(tmp_path / "c.sqlite", site) as cache:
        assert cache.up_to_date(os.path.abspath(out))["hashes"] == {}
    _, up_to_date = cached_build(site, out, native, tmp_path / "c.sqlite")
    assert up_to_date
