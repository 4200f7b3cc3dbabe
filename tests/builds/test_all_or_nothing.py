"""All or nothing for what every page depends on (issue 17, item 2).

A configuration that fails to parse or has an invalid value, a template that fails to load (syntax,
a missing extends/include, a block no parent has), a shortcode template that fails to compile: one
diagnostic per cause at its path:line, exit status 1, and the previous output untouched, on both
engines. A problem of one post keeps the old rule (test_errors.py): that post is left out.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitekit import BUILD_TIME, DIAGNOSTIC_LINE, SAMPLE_SITE, tree_bytes
from wasm_host.cli import main
from wasm_host.site import RenderCache, build


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SAMPLE_SITE, tmp_path / "site"))


def rebuild_broken(engine, site: Path, out: Path, cache_file: Path | None = None):
    """Build ``site`` into ``out`` (good), let the test break it, build again: the second report."""
    def run():
        if cache_file is None:
            return build(site, out, engine, build_time=BUILD_TIME)
        with RenderCache(cache_file, site) as cache:
            return build(site, out, engine, build_time=BUILD_TIME, cache=cache)
    first = run()
    assert first.written and not first.errors, [d.format() for d in first.diagnostics]
    return run


def errors(report) -> list[str]:
    return [d.format() for d in report.diagnostics if d.is_error]


def assert_stopped(report, out: Path, before: dict[str, bytes], *expected: str) -> None:
    assert report.stopped and not report.written and report.pages == 0
    assert errors(report) == list(expected)
    assert tree_bytes(out) == before


def line_of(text: str, line: str, nth: int = 1) -> int:
    """The number of the ``nth`` line of ``text`` that is ``line``."""
    return [i for i, got in enumerate(text.split("\n"), 1) if got == line][nth - 1]


WRONG_PAGE_SIZE = 'page_size = "four"'

# What is changed (file, new text from the old), and the errors expected (from the new text).
CASES = {
    "a table declared twice in site.toml": (
        "site.toml", lambda text: text + "\n[feed]\nlimit = 3\n[feed]\nlimit = 4\n",
        lambda text: [f"site.toml:{line_of(text, '[feed]', 2)}: error: invalid TOML: Cannot declare ('feed',) "
                      "twice; using the default configuration"]),
    "a value of the wrong type in site.toml": (
        "site.toml", lambda text: text.replace("page_size = 4", WRONG_PAGE_SIZE),
        lambda text: [f"site.toml:{line_of(text, WRONG_PAGE_SIZE)}: error: 'page_size' must be an integer, "
                      "not a string"]),
    "a template that extends a missing one": (
        "templates/post.html", lambda text: '{% extends "nope.html" %}\n',
        lambda text: ["templates/post.html:1: error: extends 'nope.html', which is not a template of the site "
                      "(templates/) or of the default theme; using the default theme's template"]),
    "a template syntax error": (
        "templates/post.html", lambda text: '{% extends "base.html" %}\n{% block main %}{{ page.title }\n',
        lambda text: ["templates/post.html:2: error: template syntax error: unexpected '}'; using the default "
                      "theme's template"]),
    "a template that includes a missing one": (
        "templates/list.html", lambda text: '{% extends "base.html" %}\n{% block main %}\n'
                                            '{% include "partials/list.html" %}\n{% endblock %}\n',
        lambda text: ["templates/list.html:3: error: includes 'partials/list.html', which is not a template of "
                      "the site (templates/) or of the default theme; using the default theme's template"]),
    "a block no parent has": (
        "templates/post.html", lambda text: '{% extends "base.html" %}\n{% block main %}x{% endblock %}\n'
                                            '{% block sidebar %}never shown{% endblock %}\n',
        lambda text: ["templates/post.html:3: error: block 'sidebar' is in no template it extends (base.html), "
                      "so what it holds would never be shown"]),
    "a shortcode template that does not compile": (
        "templates/shortcodes/aside.html", lambda text: "{% if %}\n",
        lambda text: ["templates/shortcodes/aside.html:1: error: template syntax error: Expected an expression, "
                      "got 'end of statement block'"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_site_wide_error_is_one_diagnostic_and_the_previous_output_stays(engine, site, tmp_path, case):
    name, change, expected = CASES[case]
    out = tmp_path / "out"
    run = rebuild_broken(engine, site, out)
    before = tree_bytes(out)
    path = site / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(change(path.read_text() if path.exists() else ""))
    assert_stopped(run(), out, before, *expected(path.read_text()))


def test_an_unknown_time_zone_found_while_parsing_still_writes_nothing(engine, site, tmp_path):
    out = tmp_path / "out"
    run = rebuild_broken(engine, site, out)
    before = tree_bytes(out)
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace('timezone = "Europe/Berlin"', 'timezone = "Mars/Olympus_Mons"'))
    report = run()
    assert report.stopped and not report.written and tree_bytes(out) == before
    assert errors(report) and all(e.startswith("site.toml") for e in errors(report)), errors(report)


def test_a_site_wide_error_with_the_render_cache_leaves_the_output_and_its_spare(engine, site, tmp_path):
    out = tmp_path / "out"
    run = rebuild_broken(engine, site, out, tmp_path / "cache.sqlite")
    before = tree_bytes(out)
    (site / "templates" / "post.html").write_text('{% extends "nope.html" %}\n')
    report = run()
    assert report.stopped and tree_bytes(out) == before
    (site / "templates" / "post.html").unlink()  # fixed: the next build writes the site again
    assert run().written


def test_a_site_wide_error_is_reported_once_not_once_per_page(engine, site, tmp_path):
    (site / "templates" / "post.html").write_text('{% extends "missing.html" %}\n')
    report = build(site, tmp_path / "out", engine, build_time=BUILD_TIME)
    assert len(errors(report)) == 1 and report.posts == 0  # (the posts are not even parsed)


def test_a_default_template_that_loses_its_block_in_an_override_is_a_warning(engine, site, tmp_path):
    (site / "templates" / "base.html").write_text("<!DOCTYPE html><title>x</title>{% block head %}{% endblock %}\n")
    report = build(site, tmp_path / "out", engine, build_time=BUILD_TIME)
    warnings = [d.format() for d in report.diagnostics if not d.is_error and d.path == "templates/base.html"]
    assert len(warnings) == 1 and warnings[0].startswith(
        "templates/base.html: warning: has no block 'main' (nor has any template it extends), which the "
        "default theme's 404.html, list.html, page.html, post.html, search.html, taxonomy.html fill")
    assert report.written


def test_a_hugo_setting_of_the_wrong_type_stops_the_build(engine, tmp_path):
    hugo = tmp_path / "hugo"
    (hugo / "content" / "posts").mkdir(parents=True)
    (hugo / "content" / "posts" / "a.md").write_text("---\ntitle: A\ndate: 2024-01-01\n---\nhi\n")
    (hugo / "hugo.yaml").write_text("baseURL: https://example.org/\ntitle:\n  - two\n  - titles\n")
    report = build(hugo, tmp_path / "out", engine, build_time=BUILD_TIME)
    assert errors(report) == ["hugo.yaml:2: error: Hugo setting 'title' must be text, not a list"]
    assert report.stopped and not (tmp_path / "out").exists()


def test_the_command_line_says_the_build_stopped_and_exits_1(site, tmp_path):
    (site / "site.toml").write_text((site / "site.toml").read_text() + "\n[feed]\n[feed]\n")
    result = CliRunner().invoke(main, ["build", str(site), "-o", str(tmp_path / "out"), "--engine", "native"])
    assert result.exit_code == 1
    *problems, summary = result.stderr.splitlines()
    assert all(DIAGNOSTIC_LINE.match(line) for line in problems) and \
        sum(": error: " in line for line in problems) == 1
    assert summary == "Stopped: 1 error in what every page depends on (the configuration, the templates); " \
                      "nothing written"
    assert not (tmp_path / "out").exists()


def test_serve_and_check_go_on_with_the_defaults_the_core_falls_back_to(site):
    """check reports the problem (once) and checks the site built with the default theme's template."""
    (site / "templates" / "post.html").write_text('{% extends "nope.html" %}\n')
    result = CliRunner().invoke(main, ["check", str(site), "--engine", "native", "-j", "1"])
    assert result.exit_code == 1
    assert sum("templates/post.html:1: error: extends 'nope.html'" in line
               for line in result.stderr.splitlines()) == 1, result.stderr


def test_deploy_stops_on_a_site_wide_error_before_building_anything(site, tmp_path):
    (site / "templates" / "post.html").write_text('{% extends "nope.html" %}\n')
    result = CliRunner().invoke(main, ["deploy", str(site), "-o", str(tmp_path / "deploy")])
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if ": error: " in line] == [
        f"{site}/templates/post.html:1: error: extends 'nope.html', which is not a template of the site "
        "(templates/) or of the default theme; using the default theme's template"]
    assert result.stderr.splitlines()[-1].startswith("Stopped: 1 error in what every page depends on")
    assert not (tmp_path / "deploy" / "site.wasm").exists()
