"""wasmblog writes only where it owns the place (issue 17, item 1; the lock and spare copy, item 4).

Each scenario runs the real command line (in this process, natively) on a copy of the sample site,
and checks every file of the site by its SHA-256 afterwards: a refused command changes nothing,
an allowed one changes nothing but its output folder and the lock-and-spare folder beside it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitekit import DIAGNOSTIC_LINE, MANIFEST, SAMPLE_SITE, site_files
from wasm_host.cli import main


def run(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    """``wasmblog ARGS`` (native engine for build), in this process; the exit status and stderr."""
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(main, list(args), env={"SOURCE_DATE_EPOCH": "1800000000"})
    finally:
        os.chdir(old)
    return result.exit_code, result.stderr


def build(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    return run("build", "--engine", "native", "-j", "1", "--quiet", *args, cwd=cwd)


def hashes(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under ``root`` (but the top-level names in ``skip``) by relative path: its SHA-256."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        if Path(dirpath) == root:
            dirnames[:] = [d for d in dirnames if d not in skip]
        for name in filenames:
            path = Path(dirpath) / name
            found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the sample site (content/), alone in its own folder."""
    return Path(shutil.copytree(SAMPLE_SITE, tmp_path / "area" / "site"))


def refused(status: int, stderr: str, *words: str) -> None:
    """One error line, in the diagnostic format, exit status 1."""
    assert status == 1, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and DIAGNOSTIC_LINE.match(lines[0]) and ": error: " in lines[0], stderr
    for word in words:
        assert word in stderr, stderr


# --- the scenarios --------------------------------------------------------------------


def test_building_into_the_site_folder_from_inside_it_is_refused_and_nothing_changes(site):
    before = hashes(site.parent)
    refused(*build("-o", ".", "--no-cache", cwd=site), "is the site folder itself")
    assert hashes(site.parent) == before


def test_building_a_site_into_itself_with_the_cache_is_refused_and_nothing_moves(site):
    before = hashes(site.parent)
    refused(*build(str(site), "-o", str(site)), "is the site folder itself")
    assert hashes(site.parent) == before  # no .site.wasmblog beside it, no spare copy of the sources


def test_building_into_the_folder_that_holds_the_site_is_refused(site):
    before = hashes(site.parent)
    refused(*build(".", "-o", "..", cwd=site), "holds the site folder")
    assert hashes(site.parent) == before


def test_a_non_empty_folder_no_build_wrote_is_refused_naming_force(site, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("precious\n")
    before = hashes(site)
    refused(*build(str(site), "-o", str(notes)), str(notes), "--force", MANIFEST)
    assert (notes / "a.txt").read_text() == "precious\n" and sorted(os.listdir(notes)) == ["a.txt"]
    assert hashes(site) == before


def test_with_force_the_users_file_survives_this_build_and_the_next(site, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("precious\n")
    (notes / "keep").mkdir()
    assert build(str(site), "-o", str(notes), "--force") == (0, "")
    assert (notes / "a.txt").read_text() == "precious\n" and (notes / "keep").is_dir()
    assert (notes / "index.html").is_file()
    (site / "posts" / "2024" / "nanos-revisited.md").unlink()  # the next build writes less
    assert build(str(site), "-o", str(notes)) == (0, "")  # written by a build now: no --force needed
    assert (notes / "a.txt").read_text() == "precious\n" and (notes / "keep").is_dir()
    assert not (notes / "posts" / "nanos-revisited").exists()  # what a build wrote and no longer makes goes


def test_with_force_a_build_that_needs_the_place_of_a_users_file_refuses(site, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "index.html").write_text("my own home page\n")
    refused(*build(str(site), "-o", str(notes), "--force"), "index.html", "is not a file wasmblog wrote")
    assert sorted(os.listdir(notes)) == ["index.html"]
    assert (notes / "index.html").read_text() == "my own home page\n"


def test_a_file_the_user_put_in_a_built_folder_survives_the_next_build(site, tmp_path):
    out = tmp_path / "out"
    assert build(str(site), "-o", str(out)) == (0, "")
    (out / "CNAME").write_text("blog.example.org\n")
    (site / "posts" / "2024" / "nanos-revisited.md").write_text(
        (site / "posts" / "2024" / "nanos-revisited.md").read_text() + "\nAn edit.\n")
    assert build(str(site), "-o", str(out)) == (0, "")
    assert (out / "CNAME").read_text() == "blog.example.org\n"
    assert MANIFEST in os.listdir(out) and "CNAME" not in (out / MANIFEST).read_text().split("\n")


@pytest.mark.parametrize("inside", ["posts/2024/out", "pages/out", "static/out", "templates/out"])
def test_an_output_inside_a_source_folder_is_refused(site, inside):
    before = hashes(site)
    refused(*build(str(site), "-o", str(site / inside)), "holds its sources")
    assert hashes(site) == before


def test_an_output_inside_a_taxonomy_folder_whose_intros_are_read_is_refused(site):
    (site / "tags").mkdir()
    (site / "tags" / "_index.md").write_text("---\ntitle: Topics\n---\n")
    refused(*build(str(site), "-o", str(site / "tags" / "out")), "tags/")


def test_the_default_output_inside_the_site_is_allowed_and_the_sources_stay(site):
    before = hashes(site)
    assert build(cwd=site) == (0, "")  # SITE "." and -o public
    assert (site / "public" / "index.html").is_file()
    assert hashes(site, skip=("public", ".public.wasmblog")) == before


def test_an_output_inside_a_hugo_sites_content_is_refused(tmp_path):
    hugo = tmp_path / "hugo"
    (hugo / "content" / "posts").mkdir(parents=True)
    (hugo / "hugo.toml").write_text('title = "H"\n')
    (hugo / "content" / "posts" / "a.md").write_text("---\ntitle: A\ndate: 2024-01-01\n---\nhi\n")
    before = hashes(hugo)
    refused(*build(str(hugo), "-o", str(hugo / "content" / "public")), "content/")
    assert hashes(hugo) == before


# --- the other commands that write a folder ------------------------------------------------------


def test_deploy_refuses_the_site_folder_and_a_source_folder(site):
    before = hashes(site)
    refused(*run("deploy", str(site), "-o", str(site)), "is the site folder itself")
    refused(*run("deploy", str(site), "-o", str(site / "static" / "deploy")), "static/")
    assert hashes(site) == before


def test_deploy_refuses_a_non_empty_folder_it_did_not_write(site, tmp_path):
    out = tmp_path / "deploy"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    refused(*run("deploy", str(site), "-o", str(out)), "--force")
    assert sorted(os.listdir(out)) == ["notes.txt"]


def test_the_js_export_refuses_a_non_empty_folder_it_did_not_write(tmp_path):
    out = tmp_path / "js"
    out.mkdir()
    (out / "wasmblog.js").write_text("// mine\n")
    refused(*run("component", "export", "--js", str(out)), "--force")
    assert (out / "wasmblog.js").read_text() == "// mine\n"


def test_import_hugo_refuses_a_destination_inside_the_hugo_site(tmp_path):
    hugo = tmp_path / "hugo"
    (hugo / "content" / "posts").mkdir(parents=True)
    (hugo / "hugo.toml").write_text('title = "H"\n')
    (hugo / "content" / "posts" / "a.md").write_text("---\ntitle: A\ndate: 2024-01-01\n---\nhi\n")
    before = hashes(hugo)
    refused(*run("import", "hugo", str(hugo), str(hugo / "content" / "moved")), "content/")
    assert hashes(hugo) == before


# --- the lock and the spare copy (item 4) ---------------------------------------------------------


def test_the_lock_and_spare_copy_live_in_one_folder_that_git_ignores_by_itself(site):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    (site / ".gitignore").write_text("/public/\n")  # what a user writes: the output folder only
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    assert build(cwd=site) == (0, "")
    post = site / "posts" / "2024" / "nanos-revisited.md"
    post.write_text(post.read_text() + "\nAn edit.\n")
    assert build(cwd=site) == (0, "")
    workspace = site / ".public.wasmblog"
    assert sorted(os.listdir(workspace)) == [".gitignore", "lock", "spare"]
    assert not list(site.glob(".public.wasmblog-*"))  # nothing else beside the output
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=site,
                            capture_output=True, text=True, check=True).stdout
    assert ".public.wasmblog" not in status and "public/" not in status, status


def test_cache_info_lists_the_spare_copy_and_cache_clear_removes_it(site):
    assert build(cwd=site) == (0, "")
    post = site / "posts" / "2024" / "nanos-revisited.md"
    post.write_text(post.read_text() + "\nAn edit.\n")
    assert build(cwd=site) == (0, "")
    result = CliRunner().invoke(main, ["cache", "info", str(site)])
    assert result.exit_code == 0, result.stderr
    assert f"{site / '.public.wasmblog'}: " in result.stdout and " MB on disk (beside " in result.stdout
    published = site_files(site / "public")
    result = CliRunner().invoke(main, ["cache", "clear", str(site)])
    assert result.exit_code == 0 and "1 spare copy" in result.stdout, result.output
    assert not (site / ".public.wasmblog").exists()
    assert site_files(site / "public") == published  # the output itself stays
    assert build(cwd=site) == (0, "")  # and the next build is a clean one


def test_cache_commands_refuse_a_path_that_is_no_site(tmp_path):
    for command in ("info", "clear"):
        refused(*run("cache", command, str(tmp_path / "no-such-folder")), "no-such-folder", "not a folder")
    (tmp_path / "shots").mkdir()
    (tmp_path / "shots" / "a.png").write_bytes(b"\x89PNG")
    refused(*run("cache", "clear", str(tmp_path / "shots")), "not a site")


def test_what_an_older_wasmblog_left_beside_the_output_is_named_not_deleted(site, tmp_path):
    out = tmp_path / "public"
    legacy = tmp_path / ".public.wasmblog-spare"
    legacy.mkdir()
    (legacy / "site.toml").write_text("moved here by an older version\n")
    status, stderr = build(str(site), "-o", str(out))
    assert status == 0
    assert stderr.startswith(f"{legacy}: warning: left by an older wasmblog beside the output, and no longer "
                             "used") and DIAGNOSTIC_LINE.match(stderr.strip()), stderr
    assert (legacy / "site.toml").read_text() == "moved here by an older version\n"
