"""Broken input: one line `path:line: error: message` per problem, and the rest of the site is built.

Each broken post is a real file under tests/posts/broken; it is built in a
site next to one good post, through the host's ``build`` on the engine
under test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitekit import BUILD_TIME, DIAGNOSTIC_LINE, POSTS, copy_site, make_site
from wasm_host.site import build

BROKEN = POSTS / "broken"

# file -> (line, what the message says)
CASES = {
    "broken-yaml.md": (5, "invalid YAML front matter"),  # where the unclosed list of line 4 breaks
    "date-not-a-date.md": (3, "'date': 'yesterday' is not a date"),
    "date-impossible.md": (3, "'date': '2023-02-30' is not a valid date"),
    "title-is-a-list.md": (2, "'title' must be text, not a list"),
    "tags-not-strings.md": (6, "'tags' item 2 must be text, not an integer"),
    "invalid-utf8.md": (7, "not valid UTF-8: byte 0xe9 at column 33"),
    "binary.md": (None, "looks like a binary file"),
    "empty.md": (1, "file is empty"),
    "slug-escape.md": (4, "slug '../../x' must not contain '/'"),
    "missing-date.md": (1, "missing 'date'"),
    "draft-not-bool.md": (4, "'draft' must be true or false, not a string"),
    "no-front-matter.md": (1, "no front matter"),
    "unclosed-front-matter.md": (1, "front matter opened with '---' is never closed"),
    "broken-toml.md": (4, "invalid TOML front matter: Unclosed array"),
    "alias-escape.md": (4, "alias '../../etc/passwd' must be a path inside the site"),
}


def test_every_broken_post_file_has_a_case():
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_broken_post_gives_one_error_line_and_the_rest_is_built(engine, tmp_path, name):
    site = make_site(tmp_path, ["more.md", f"broken/{name}"])
    report = build(site, tmp_path / "out", engine, build_time=BUILD_TIME)

    lines = [d.format() for d in report.diagnostics]
    assert len(lines) == 1, lines
    match = DIAGNOSTIC_LINE.match(lines[0])
    assert match, lines[0]
    line, message = CASES[name]
    assert match["path"] == f"posts/{name}"
    assert match["severity"] == "error"
    if line is not None:
        assert match["line"] == str(line), lines[0]
    assert message in match["message"]

    assert report.written
    assert (tmp_path / "out" / "posts" / "more" / "index.html").is_file()
    assert "posts/" + name.removesuffix(".md") not in (tmp_path / "out" / "sitemap.xml").read_text()


def test_a_broken_post_is_left_out_of_every_list_and_feed(engine, tmp_path):
    site = make_site(tmp_path, ["more.md", "broken/tags-not-strings.md"])
    build(site, tmp_path / "out", engine, build_time=BUILD_TIME)
    for page in ("index.html", "index.xml", "sitemap.xml"):
        assert "Tags that are not strings" not in (tmp_path / "out" / page).read_text()
    assert not (tmp_path / "out" / "tags" / "wasm").exists()


def test_every_problem_is_reported_in_one_run(engine, tmp_path):
    site = make_site(tmp_path, ["more.md", *(f"broken/{n}" for n in CASES)])
    report = build(site, tmp_path / "out", engine, build_time=BUILD_TIME)
    assert sorted(d.path for d in report.diagnostics) == sorted(f"posts/{n}" for n in CASES)
    assert report.errors == len(CASES)
    assert (tmp_path / "out" / "posts" / "more" / "index.html").is_file()


def broken_posts(tmp_path: Path) -> Path:
    """The broken site without its broken template (which would stop the whole build)."""
    site = copy_site("broken", tmp_path)
    (site / "templates" / "post.html").unlink()
    return site


def test_two_posts_with_the_same_slug_keep_the_first_and_report_the_second(engine, tmp_path):
    site = broken_posts(tmp_path)
    report = build(site, tmp_path / "out", engine, build_time=BUILD_TIME)
    assert "posts/dup-b.md: error: slug 'same-slug' is already used by posts/dup-a.md; " \
           "give one of them another 'slug:'" in [d.format() for d in report.diagnostics]
    page = (tmp_path / "out" / "posts" / "same-slug" / "index.html").read_text()
    assert "First owner of the slug" in page and "Second claimant" not in page


def test_posts_whose_file_names_give_the_same_slug_clash_too(engine, tmp_path):
    site = make_site(tmp_path, [])
    for year in ("2023", "2024"):
        (site / "posts" / year).mkdir()
        shutil.copyfile(POSTS / "more.md", site / "posts" / year / "more.md")
    report = build(site, tmp_path / "out", engine, build_time=BUILD_TIME)
    assert [d.format() for d in report.diagnostics] == [
        "posts/2024/more.md: error: slug 'more' is already used by posts/2023/more.md; "
        "give one of them another 'slug:'"]


def test_an_alias_that_would_overwrite_a_page_is_refused(engine, tmp_path):
    site = make_site(tmp_path, ["more.md", "all-fields.md"])
    text = (site / "posts" / "all-fields.md").read_text().replace('"/old/url/"', '"/posts/more/"')
    (site / "posts" / "all-fields.md").write_text(text)
    report = build(site, tmp_path / "out", engine, build_time=BUILD_TIME)
    assert [d.format() for d in report.diagnostics] == [
        "posts/all-fields.md: error: alias 'posts/more/index.html' would overwrite a page of the site; remove it"]
    assert "A post with a more divider" in (tmp_path / "out" / "posts" / "more" / "index.html").read_text()


def test_a_template_syntax_error_is_one_line_and_nothing_is_built(engine, tmp_path):
    site = copy_site("broken", tmp_path)
    report = build(site, tmp_path / "out", engine, build_time=BUILD_TIME)
    assert [d.format() for d in report.diagnostics if d.is_error] == [
        "templates/post.html:3: error: template syntax error: unexpected '}'; using the default theme's template"]
    assert report.stopped and not report.written and not (tmp_path / "out").exists()


def test_files_in_posts_that_are_not_markdown_are_ignored(engine, tmp_path):
    site = copy_site("basic", tmp_path)  # has posts/photo.png and posts/README.txt
    report = build(site, tmp_path / "out", engine, build_time=BUILD_TIME)
    assert report.diagnostics == []
    assert not (tmp_path / "out" / "photo.png").exists()


def test_a_broken_site_toml_is_one_line_and_nothing_is_built(engine, tmp_path):
    site = make_site(tmp_path, ["more.md"], config='title = "Unclosed\nbase_url = "https://example.org/"\n')
    report = build(site, tmp_path / "out", engine, build_time=BUILD_TIME)
    errors = [d.format() for d in report.diagnostics if d.is_error]
    assert len(errors) == 1
    assert errors[0].startswith("site.toml:1: error: invalid TOML: ")
    assert report.stopped and not (tmp_path / "out").exists()


def test_a_config_value_of_the_wrong_type_names_its_line(engine, tmp_path):
    site = make_site(tmp_path, ["more.md"], config='title = "T"\n\npage_size = "ten"\n')
    report = build(site, tmp_path / "out", engine, build_time=BUILD_TIME)
    assert "site.toml:3: error: 'page_size' must be an integer, not a string" in [
        d.format() for d in report.diagnostics]


@pytest.mark.slow
def test_the_cli_prints_one_line_per_problem_and_exits_1(engine, tmp_path):
    site = broken_posts(tmp_path)
    for name in CASES:
        shutil.copyfile(BROKEN / name, site / "posts" / name)
    proc = subprocess.run([sys.executable, "-m", "wasm_host", "build", "--engine", engine.name, str(site),
                           "-o", str(tmp_path / "out")],
                          capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1800000000"},
                          timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    problems = [line for line in lines if DIAGNOSTIC_LINE.match(line)]
    assert len(problems) == len(CASES) + 1  # + the duplicate slug
    assert all(line.startswith(str(site) + "/") for line in problems)
    assert re.match(rf"Built \d+ pages .* from 2 posts .*; {len(CASES) + 1} errors$", lines[-1]), lines[-1]
    assert (tmp_path / "out" / "posts" / "good" / "index.html").is_file()
