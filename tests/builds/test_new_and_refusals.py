"""A folder that is no site is refused; `wasmblog new site` and `new post` (issue 17, item 6); every
command's errors start the same way (item 7).
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, UTC
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sitekit import DIAGNOSTIC_LINE
from wasm_host.cli import main


def run(*args: str, cwd: Path | None = None):
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return CliRunner().invoke(main, list(args), prog_name="wasmblog")
    finally:
        os.chdir(old)


def one_error(result, status: int = 1) -> str:
    """The result is one error line in the diagnostic format; returns it."""
    assert result.exit_code == status, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and DIAGNOSTIC_LINE.match(lines[0]) and ": error: " in lines[0], result.stderr
    return lines[0]


# --- a folder that is no site ------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["build", "check", "serve", "deploy"])
def test_an_empty_folder_is_no_site_and_the_line_says_what_a_site_needs(command, tmp_path):
    (tmp_path / "empty").mkdir()
    line = one_error(run(command, str(tmp_path / "empty")))
    assert line.startswith(f"{tmp_path / 'empty'}: error: not a site: a site needs a site.toml, or Markdown "
                           "posts in posts/")
    assert "wasmblog new site" in line
    assert os.listdir(tmp_path / "empty") == []


def test_a_folder_of_screenshots_is_no_site(tmp_path):
    shots = tmp_path / "shots"
    shots.mkdir()
    for name in ("one.png", "two.png", "README.md"):  # (a README at the top is no post)
        (shots / name).write_bytes(b"\x89PNG\r\n")
    one_error(run("build", str(shots), "-o", str(tmp_path / "out")))
    assert not (tmp_path / "out").exists()


def test_a_hugo_config_without_content_says_so(tmp_path):
    (tmp_path / "hugo.toml").write_text('title = "x"\n')
    assert "a Hugo config but no content/ folder" in one_error(run("build", str(tmp_path)))


def test_a_missing_folder_is_a_usage_error_in_the_same_form(tmp_path):
    line = one_error(run("build", str(tmp_path / "nowhere")), status=2)
    assert line.startswith(f"{tmp_path / 'nowhere'}: error: is not a folder; a site needs")


@pytest.mark.parametrize("layout", [{"site.toml": 'title = "x"\n'}, {"posts/a.md": "---\ntitle: a\n---\n"},
                                    {"pages/about.md": "About.\n"}, {"_index.md": "Home.\n"}])
def test_a_site_needs_only_one_of_these(layout, tmp_path):
    from wasm_host.site.reader import not_a_site

    for path, text in layout.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    assert not_a_site(tmp_path) is None


# --- wasmblog new -------------------------------------------------------------------------------------


def test_new_site_makes_a_site_that_builds_as_it_is(tmp_path):
    made = run("new", "site", str(tmp_path / "my-blog"))
    assert made.exit_code == 0, made.output
    site = tmp_path / "my-blog"
    assert made.stdout == f"{site}\n"
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == [
        ".gitignore", "pages/about.md", "posts/hello-world.md", "site.toml"]
    assert "/public/" in (site / ".gitignore").read_text().splitlines()
    assert 'title = "my blog"' in (site / "site.toml").read_text()
    built = run("build", "--engine", "native", "-j", "1", "--quiet", cwd=site)
    assert (built.exit_code, built.stderr) == (0, "")
    assert (site / "public" / "posts" / "hello-world" / "index.html").is_file()
    assert (site / "public" / "about" / "index.html").is_file()


def test_new_site_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine\n")
    assert "not an empty folder" in one_error(run("new", "site", str(tmp_path)))
    assert os.listdir(tmp_path) == ["notes.txt"]


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text().split("---\n")[1])


def test_new_post_writes_front_matter_with_the_date_now_and_a_slug(tmp_path):
    run("new", "site", str(tmp_path / "site"))
    before = datetime.now(UTC).replace(microsecond=0)
    made = run("new", "post", "Ünïcode & more: a title!", cwd=tmp_path / "site")
    assert made.exit_code == 0, made.output
    path = tmp_path / "site" / made.stdout.strip()
    assert made.stdout.strip() == "posts/ünïcode-more-a-title.md"
    meta = front_matter(path)
    assert (meta["title"], meta["slug"], meta["draft"]) == ("Ünïcode & more: a title!", "ünïcode-more-a-title", False)
    assert before <= meta["date"] <= datetime.now(UTC) + timedelta(seconds=1)
    assert meta["date"].utcoffset() is not None  # the local offset, as Hugo writes it
    built = run("build", str(tmp_path / "site"), "-o", str(tmp_path / "out"), "--engine", "native", "-j", "1",
                "--quiet")
    assert (built.exit_code, built.stderr) == (0, "")
    assert (tmp_path / "out" / "posts" / "ünïcode-more-a-title" / "index.html").is_file()


def test_new_post_never_overwrites_and_takes_a_slug(tmp_path):
    run("new", "site", str(tmp_path))
    first = run("new", "post", "Same", cwd=tmp_path)
    text = (tmp_path / "posts" / "same.md").read_text()
    assert "exists already" in one_error(run("new", "post", "Same", cwd=tmp_path))
    assert (tmp_path / "posts" / "same.md").read_text() == text and first.exit_code == 0
    other = run("new", "post", "Same", "--slug", "same-again", cwd=tmp_path)
    assert other.stdout.strip() == "posts/same-again.md"
    assert "makes no URL segment" in one_error(run("new", "post", "!!!", cwd=tmp_path))


def test_new_post_in_a_hugo_site_goes_to_content_posts(tmp_path):
    (tmp_path / "content" / "posts").mkdir(parents=True)
    (tmp_path / "hugo.toml").write_text('title = "H"\n')
    made = run("new", "post", "Hello Hugo", "--site", str(tmp_path))
    assert made.stdout.strip() == str(tmp_path / "content" / "posts" / "hello-hugo.md")
    assert front_matter(tmp_path / "content" / "posts" / "hello-hugo.md")["title"] == "Hello Hugo"


def test_new_post_outside_a_site_is_refused(tmp_path):
    assert "not a site" in one_error(run("new", "post", "Lost", cwd=tmp_path))
    assert os.listdir(tmp_path) == []


# --- every command's errors start the same way ------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["build", "--engine", "nope"],
    ["build", "--no-such-option"],
    ["frobnicate"],
    ["cache", "clear", "--no-such-option"],
    ["corpus", "OUT", "--posts", "-3"],
])
def test_a_usage_error_is_one_line_that_starts_as_every_error_does(args, tmp_path):
    line = one_error(run(*args, cwd=tmp_path), status=2)
    assert re.match(r"wasmblog: error: .+ \(see 'wasmblog( \w+)* --help'\)$", line), line
