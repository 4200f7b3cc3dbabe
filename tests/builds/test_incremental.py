"""Incremental builds: the render cache reuses what did not change, and the bytes are a clean build's.

Every test builds real site folders on the engine under test, once with
the site's render cache and once without (``cache=None`` is ``--no-cache``),
and compares the output folders byte for byte.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import datetime, UTC
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import renderer
from sitekit import BUILD_TIME, POSTS, ROOT, SITES, copy_site, tree_bytes
from wasm_host.engines.component import BUNDLED
from wasm_host.engines.version import CORE_DISTRIBUTIONS
from wasm_host.site import build
from wasm_host.site.cache import RenderCache, clear_caches, list_caches, site_cache_path


def cached_build(site: Path, out: Path, engine, cache_file: Path, **kw):
    with RenderCache(cache_file, site) as cache:
        report = build(site, out, engine, cache=cache, **{"build_time": BUILD_TIME, **kw})
    return report, cache.stats


def clean_build(site: Path, out: Path, engine, **kw):
    return build(site, out, engine, **{"build_time": BUILD_TIME, **kw})


def same_as_clean(site: Path, out: Path, engine, tmp: Path, **kw) -> None:
    clean = tmp / "clean"
    clean_build(site, clean, engine, **kw)
    assert tree_bytes(out) == tree_bytes(clean)


# --- reuse ---------------------------------------------------------------------------------------


def test_a_rebuild_with_nothing_changed_reuses_every_page(engine, tmp_path):
    site = copy_site("basic", tmp_path)
    first, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    again, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    assert first.reused == 0 and again.reused == again.pages == first.pages
    assert again.reuse.parse_reused == again.reuse.parsed and again.reuse.plan_reused
    same_as_clean(site, tmp_path / "out", engine, tmp_path)


def test_a_later_build_time_still_reuses_every_page(engine, tmp_path):
    """Without SOURCE_DATE_EPOCH every build has another build time: only planning reads it, and
    only to find which posts are published."""
    site = copy_site("basic", tmp_path)
    cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite", build_time=BUILD_TIME)
    later, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite", build_time=BUILD_TIME + 60_000_000)
    assert later.reuse.plan_reused  # no post's date was passed in that minute
    assert later.reused == later.pages


def test_a_post_whose_date_is_passed_is_published_by_the_next_build(engine, tmp_path):
    site = copy_site("basic", tmp_path)
    (site / "posts" / "soon.md").write_text("---\ntitle: Soon\ndate: 2027-01-15T09:00:00Z\n---\nSoon.\n")
    before, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite", build_time=BUILD_TIME)
    assert not (tmp_path / "out" / "posts" / "soon").exists()  # BUILD_TIME is 08:00 that day
    after, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite",
                            build_time=BUILD_TIME + 2 * 3600 * 1_000_000)
    assert not after.reuse.plan_reused
    assert (tmp_path / "out" / "posts" / "soon" / "index.html").exists()
    same_as_clean(site, tmp_path / "out", engine, tmp_path, build_time=BUILD_TIME + 2 * 3600 * 1_000_000)


def test_editing_one_post_renders_only_the_pages_that_show_it(engine, tmp_path):
    site = copy_site("basic", tmp_path)
    cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    post = site / "posts" / "fifth.md"
    post.write_text(post.read_text() + "\nOne more sentence.\n")
    report, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    assert report.reuse.parsed - report.reuse.parse_reused == 1
    assert 0 < report.pages - report.reused < report.pages // 2
    same_as_clean(site, tmp_path / "out", engine, tmp_path)


def test_a_body_edit_is_not_planned_again_yet_builds_what_a_clean_build_builds(engine, tmp_path):
    """Words, reading time, headings and a cut summary change with the body; no page job holds them,
    so the plan is reused (issue 21: the writer's loop), and the pages that show them are rendered again."""
    site = copy_site("basic", tmp_path)
    cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    post = site / "posts" / "fifth.md"
    post.write_text(post.read_text() + "\n## A new heading\n\n" + "Many more words here. " * 400 + "\n")
    report, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    assert report.reuse.plan_reused
    same_as_clean(site, tmp_path / "out", engine, tmp_path)


def _rendered(site: Path, out: Path, engine, cache_file: Path) -> set[str]:
    """The output files a cached rebuild rendered (the others came from the render cache)."""
    report, _ = cached_build(site, out, engine, cache_file)
    static = {p.relative_to(site / "static").as_posix() for p in (site / "static").rglob("*") if p.is_file()}
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")} \
        - report.reuse.reused_paths - static


_LONG = "---\ntitle: Third post\ndate: 2023-11-03\ntags: [wasm]\n---\n\n" + "Many words. " * 260 + "\n"


def test_a_body_edit_renders_its_page_and_the_search_index_and_no_list(engine, tmp_path):
    """Issue 21: a list page of the default theme reads no post's body (nor its words, headings,
    links, search terms), so it is not given them, and its key does not change with them. The edit
    leaves the summary (the body's first words) and the reading time (520 -> 524 words) as they were;
    feeds print the body (feed_full_content), so they are rendered again."""
    site = copy_site("basic", tmp_path)
    post = site / "posts" / "2023" / "third.md"
    post.write_text(_LONG)
    cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    post.write_text(_LONG + "\nA few more words.\n")
    rendered = _rendered(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    assert {p for p in rendered if not p.endswith((".xml", "feed.json"))} == \
        {"posts/third/index.html", "search-index.json"}
    same_as_clean(site, tmp_path / "out", engine, tmp_path)


def test_a_list_template_that_prints_the_body_gets_it_and_is_rendered_again_after_a_body_edit(engine, tmp_path):
    site = copy_site("basic", tmp_path)
    (site / "templates").mkdir()
    (site / "templates" / "list.html").write_text(
        '{% extends "base.html" %}{% block main %}{% for p in posts %}<article>{{ p.content_html|safe }}'
        "</article>{% endfor %}{% endblock %}")
    cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    assert "The third post" in (tmp_path / "out" / "page" / "2" / "index.html").read_text()
    post = site / "posts" / "2023" / "third.md"
    post.write_text(post.read_text() + "\nA sentence only the body has.\n")
    rendered = _rendered(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    assert "page/2/index.html" in rendered
    assert "A sentence only the body has." in (tmp_path / "out" / "page" / "2" / "index.html").read_text()
    same_as_clean(site, tmp_path / "out", engine, tmp_path)


_EDITS = {
    "body": lambda text: text + "\nA few more words.\n",
    "long body": lambda text: text + "\n## A heading\n\n" + "Many more words here. " * 300 + "\n",
    "summary": lambda text: text.replace("\n---\n", "\n---\nA new first sentence.\n\n", 1),
    "title": lambda text: text.replace("title:", 'title: "Another title"\nold_title:', 1),
    "tag": lambda text: text.replace("title:", "tags: [brand-new]\ntitle:", 1),
}


@pytest.mark.parametrize("edit", sorted(_EDITS))
def test_an_edit_rebuilds_what_a_clean_build_builds_search_index_included(engine, tmp_path, edit):
    site = copy_site("basic", tmp_path)
    cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    post = site / "posts" / "2023" / "third.md"
    post.write_text(_EDITS[edit](post.read_text()))
    cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    same_as_clean(site, tmp_path / "out", engine, tmp_path)
    assert (tmp_path / "out" / "search-index.json").read_bytes() == (tmp_path / "clean" / "search-index.json").read_bytes()


@pytest.mark.parametrize("change", ["new", "deleted"])
def test_a_new_or_deleted_post_rebuilds_what_a_clean_build_builds(engine, tmp_path, change):
    site = copy_site("basic", tmp_path)
    cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    if change == "new":
        (site / "posts" / "sixth.md").write_text("---\ntitle: Sixth\ndate: 2023-11-06T12:00:00Z\ntags: [x]\n---\nSix.\n")
    else:
        (site / "posts" / "2023" / "second.md").unlink()
    cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    same_as_clean(site, tmp_path / "out", engine, tmp_path)


def test_an_edit_of_what_planning_reads_plans_again(engine, tmp_path):
    site = copy_site("basic", tmp_path)
    cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    post = site / "posts" / "fifth.md"
    post.write_text(post.read_text().replace("title:", "tags: [brand-new]\ntitle:", 1))
    report, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    assert not report.reuse.plan_reused
    assert (tmp_path / "out" / "tags" / "brand-new" / "index.html").exists()
    same_as_clean(site, tmp_path / "out", engine, tmp_path)


def _hugo_site_with_go_shortcodes(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Go"\n')
    (root / "layouts" / "_shortcodes").mkdir(parents=True)
    (root / "layouts" / "_partials").mkdir(parents=True)
    (root / "layouts" / "_shortcodes" / "note.html").write_text('<aside class="note">{{ .Inner }}</aside>')
    (root / "layouts" / "_shortcodes" / "tag.html").write_text('<b>{{ partial "t.html" (.Get 0) }}</b>')
    (root / "layouts" / "_partials" / "t.html").write_text("{{ . | upper }}")
    posts = root / "content" / "posts"
    posts.mkdir(parents=True)
    for name, body in (("a", "{{< note >}}A{{< /note >}}"), ("b", '{{< tag "b" >}}'), ("c", "No shortcode."),
                       ("d", "{{< later >}}")):
        (posts / f"{name}.md").write_text(f"---\ntitle: {name}\ndate: 2024-01-0{ord(name) - 96}\n---\n{body}\n")
    return root


def test_editing_a_go_shortcode_reparses_only_the_posts_that_call_it(engine, tmp_path):
    site = _hugo_site_with_go_shortcodes(tmp_path / "site")
    cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    (site / "layouts" / "_shortcodes" / "note.html").write_text('<aside class="tip">{{ .Inner }}</aside>')
    report, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    assert report.reuse.parsed - report.reuse.parse_reused == 1  # posts/a.md only
    assert '<aside class="tip">A</aside>' in (tmp_path / "out" / "posts" / "a" / "index.html").read_text()
    same_as_clean(site, tmp_path / "out", engine, tmp_path)


def test_editing_a_go_partial_reparses_the_posts_that_call_go_shortcodes(engine, tmp_path):
    site = _hugo_site_with_go_shortcodes(tmp_path / "site")
    cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    (site / "layouts" / "_partials" / "t.html").write_text("{{ . | title }}!")
    report, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    assert report.reuse.parsed - report.reuse.parse_reused == 2  # a and b call Go shortcodes; c, d do not
    assert "<b>B!</b>" in (tmp_path / "out" / "posts" / "b" / "index.html").read_text()
    same_as_clean(site, tmp_path / "out", engine, tmp_path)


def test_adding_a_go_shortcode_reparses_the_posts_that_called_it_before_it_existed(engine, tmp_path):
    site = _hugo_site_with_go_shortcodes(tmp_path / "site")
    cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    (site / "layouts" / "_shortcodes" / "later.html").write_text("<i>now here</i>")
    report, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    assert report.reuse.parsed - report.reuse.parse_reused == 1  # posts/d.md
    assert "<i>now here</i>" in (tmp_path / "out" / "posts" / "d" / "index.html").read_text()


def test_adding_or_editing_a_render_hook_reparses_every_post(engine, tmp_path):
    site = _hugo_site_with_go_shortcodes(tmp_path / "site")
    (site / "content" / "posts" / "e.md").write_text("---\ntitle: e\ndate: 2024-01-05\n---\n"
                                                     "[link]({{< ref \"c\" >}})\n")
    cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    hook = site / "layouts" / "_markup" / "render-link.html"
    hook.parent.mkdir()
    hook.write_text('<a href="{{ .Destination }}" class="hooked">{{ .Text }}</a>')
    report, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    assert report.reuse.parsed - report.reuse.parse_reused == 5  # every post: any may have a link
    assert 'class="hooked"' in (tmp_path / "out" / "posts" / "e" / "index.html").read_text()
    hook.write_text('<a href="{{ .Destination }}" class="again">{{ .Text }}</a>')
    report, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    assert report.reuse.parsed - report.reuse.parse_reused == 5
    assert 'class="again"' in (tmp_path / "out" / "posts" / "e" / "index.html").read_text()
    same_as_clean(site, tmp_path / "out", engine, tmp_path)


@pytest.mark.wasm
def test_a_wasm_build_never_reuses_native_results(tmp_path):
    from sitekit import get_renderer

    site = copy_site("basic", tmp_path)
    cached_build(site, tmp_path / "a", get_renderer("native"), tmp_path / "c.sqlite")
    report, _ = cached_build(site, tmp_path / "b", get_renderer("wasm"), tmp_path / "c.sqlite")
    assert report.reused == 0 and report.reuse.parse_reused == 0


def test_a_problem_found_once_is_reported_by_every_rebuild_until_it_is_fixed(engine, tmp_path):
    site = copy_site("basic", tmp_path)
    shutil.copyfile(POSTS / "broken" / "date-not-a-date.md", site / "posts" / "bad-date.md")
    first, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    again, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    assert [d.format() for d in again.diagnostics] == [d.format() for d in first.diagnostics]
    assert any(d.path == "posts/bad-date.md" and d.is_error for d in again.diagnostics)
    (site / "posts" / "bad-date.md").unlink()
    fixed, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    assert not any(d.path == "posts/bad-date.md" for d in fixed.diagnostics)


@pytest.mark.slow
def test_a_template_error_on_one_page_is_kept_with_that_page(engine, tmp_path):
    """A batch's diagnostics are traced to the page that caused them, so the cache replays them."""
    site = copy_site("basic", tmp_path)
    (site / "templates").mkdir()
    (site / "templates" / "post.html").write_text(
        '{% extends "base.html" %}{% block main %}{{ page.title }}'
        '{% if page.slug == "fifth" %}{{ 1 // 0 }}{% endif %}{% endblock %}')
    first, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    again, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    errors = [d.format() for d in first.diagnostics if d.is_error]
    assert len(errors) == 1 and "posts/fifth/index.html" in errors[0]
    assert [d.format() for d in again.diagnostics] == [d.format() for d in first.diagnostics]
    assert again.reused == again.pages
    same_as_clean(site, tmp_path / "out", engine, tmp_path)


# --- the output folder ------------------------------------------------------------------------------


def test_unchanged_files_are_hard_linked_from_the_previous_output(engine, tmp_path):
    site = copy_site("basic", tmp_path)
    out = tmp_path / "out"
    cached_build(site, out, engine, tmp_path / "c.sqlite")
    before = {p: os.stat(out / p).st_ino for p in tree_bytes(out)}
    post = site / "posts" / "fifth.md"
    post.write_text(post.read_text() + "\nEdited.\n")
    cached_build(site, out, engine, tmp_path / "c.sqlite")
    after = {p: os.stat(out / p).st_ino for p in tree_bytes(out)}
    assert after["images/pixel.png"] == before["images/pixel.png"]  # a static file, unchanged
    assert after["tags/index.html"] == before["tags/index.html"]
    assert after["posts/fifth/index.html"] != before["posts/fifth/index.html"]


def test_a_file_changed_by_hand_in_the_output_is_written_again(engine, tmp_path):
    site = copy_site("basic", tmp_path)
    out = tmp_path / "out"
    cached_build(site, out, engine, tmp_path / "c.sqlite")
    (out / "tags" / "index.html").write_text("changed by hand")
    (out / "images" / "pixel.png").write_bytes(b"changed by hand")
    report, _ = cached_build(site, out, engine, tmp_path / "c.sqlite")
    assert report.reused == report.pages
    same_as_clean(site, out, engine, tmp_path)


def test_a_rebuild_with_nothing_changed_leaves_the_output_folder_as_it_is(native, tmp_path):
    site = copy_site("basic", tmp_path)
    out = tmp_path / "out"
    cached_build(site, out, native, tmp_path / "c.sqlite")
    folder = os.stat(out).st_ino
    cached_build(site, out, native, tmp_path / "c.sqlite")
    assert os.stat(out).st_ino == folder


def test_a_file_added_to_the_output_by_hand_survives_a_rebuild(engine, tmp_path):
    """wasmblog removes only what a build wrote: the user's own files stay, as they are."""
    site = copy_site("basic", tmp_path)
    out = tmp_path / "out"
    cached_build(site, out, engine, tmp_path / "c.sqlite")
    (out / "stray.html").write_text("not part of the site")
    (out / "stray").mkdir()
    (out / "tags" / "notes.txt").write_text("mine")
    post = site / "posts" / "fifth.md"
    post.write_text(post.read_text() + "\nAn edit.\n")
    cached_build(site, out, engine, tmp_path / "c.sqlite")
    assert (out / "stray.html").read_text() == "not part of the site" and (out / "stray").is_dir()
    assert (out / "tags" / "notes.txt").read_text() == "mine"
    for mine in ("stray.html", "tags/notes.txt"):
        (out / mine).unlink()
    (out / "stray").rmdir()
    same_as_clean(site, out, engine, tmp_path)


def test_a_rebuild_writes_only_what_changed_into_the_spare_folder_and_swaps_it_in(native, tmp_path):
    """The site a build before waits beside the output (.out.wasmblog/spare); a rebuild brings it up
    to date and swaps it in, so it touches the changed files, not every folder of the site."""
    site = copy_site("basic", tmp_path)
    out = tmp_path / "out"
    spare = tmp_path / ".out.wasmblog" / "spare"
    cached_build(site, out, native, tmp_path / "c.sqlite")
    post = site / "posts" / "fifth.md"
    post.write_text(post.read_text() + "\nFirst edit.\n")
    cached_build(site, out, native, tmp_path / "c.sqlite")
    assert spare.is_dir()
    folders = {p: os.stat(p).st_ino for p in [spare, *spare.rglob("*")] if p.is_dir()}
    post.write_text(post.read_text() + "\nSecond edit.\n")
    cached_build(site, out, native, tmp_path / "c.sqlite")
    # the folder that is the output now was the spare, its folders kept, not made again
    assert {p: os.stat(p).st_ino for p in [out, *out.rglob("*")] if p.is_dir()} == \
        {out / p.relative_to(spare): ino for p, ino in folders.items()}
    same_as_clean(site, out, native, tmp_path)
    (spare / "tags" / "index.html").write_text("changed by hand in the spare")
    (spare / "stray.txt").write_text("left in the spare")
    post.write_text(post.read_text() + "\nThird edit.\n")
    cached_build(site, out, native, tmp_path / "c.sqlite")
    same_as_clean(site, out, native, tmp_path)


def test_a_new_output_folder_gets_every_file_from_the_cache(engine, tmp_path):
    site = copy_site("basic", tmp_path)
    cached_build(site, tmp_path / "one", engine, tmp_path / "c.sqlite")
    report, _ = cached_build(site, tmp_path / "two", engine, tmp_path / "c.sqlite")
    assert report.reused == report.pages
    assert tree_bytes(tmp_path / "two") == tree_bytes(tmp_path / "one")


# --- safety ---------------------------------------------------------------------------------------


def test_a_damaged_entry_is_recomputed_never_used(engine, tmp_path):
    site = copy_site("basic", tmp_path)
    cache_file = tmp_path / "c.sqlite"
    cached_build(site, tmp_path / "out", engine, cache_file)
    db = sqlite3.connect(cache_file)
    db.execute("UPDATE entries SET value = replace(value, 'Basic test site', 'Basic test sitX')")
    db.execute("UPDATE blobs SET data = replace(data, CAST('Basic test site' AS BLOB), CAST('Damaged!!' AS BLOB))")
    db.commit()
    db.close()
    shutil.rmtree(tmp_path / "out")  # nothing to link from: every page comes from the (damaged) cache
    report, stats = cached_build(site, tmp_path / "out", engine, cache_file)
    assert stats.corrupt > 0
    assert report.reused < report.pages
    same_as_clean(site, tmp_path / "out", engine, tmp_path)


def test_a_cache_file_that_is_not_a_database_is_started_afresh(engine, tmp_path):
    site = copy_site("basic", tmp_path)
    cache_file = tmp_path / "c.sqlite"
    cache_file.write_bytes(b"this is not a database" * 1000)
    report, _ = cached_build(site, tmp_path / "out", engine, cache_file)
    assert report.reused == 0 and not report.errors
    again, _ = cached_build(site, tmp_path / "out", engine, cache_file)
    assert again.reused == again.pages
    same_as_clean(site, tmp_path / "out", engine, tmp_path)


def test_the_cache_stays_under_its_bound_by_dropping_the_least_recently_used(native, tmp_path):
    site = copy_site("basic", tmp_path)
    cache_file = tmp_path / "c.sqlite"
    with RenderCache(cache_file, site) as cache:
        build(site, tmp_path / "out", native, cache=cache, build_time=BUILD_TIME)
        full = cache.size()
    bound = full * 2 // 3
    with RenderCache(cache_file, site, max_bytes=bound) as cache:
        build(site, tmp_path / "out", native, cache=cache, build_time=BUILD_TIME)
        assert cache.size() <= bound
        assert cache.stats.evicted > 0
    # What the last build used was kept first: a rebuild reuses some of it.
    with RenderCache(cache_file, site) as cache:
        report = build(site, tmp_path / "out", native, cache=cache, build_time=BUILD_TIME)
    assert report.reused > 0 or report.reuse.parse_reused > 0
    same_as_clean(site, tmp_path / "out", native, tmp_path)


def test_every_argument_of_every_stage_is_in_its_key():
    """The keys in wasm_host/site/incremental.py cover these arguments: a new one must be added there."""
    params = {name: list(inspect.signature(getattr(renderer, name)).parameters)
              for name in ("parse_posts", "plan_site", "render_pages")}
    assert params == {"parse_posts": ["sources", "config", "tzif", "shortcodes"],
                      "plan_site": ["posts", "config", "options"],
                      "render_pages": ["jobs", "posts", "config", "templates"]}


def test_the_core_version_covers_every_package_the_component_bundles():
    assert sorted(CORE_DISTRIBUTIONS) == sorted(BUNDLED.values())


# --- the command line ---------------------------------------------------------------------------------


def wasmblog(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wasm_host", *args], capture_output=True, text=True, env=env,
                          timeout=300, cwd=ROOT)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "WASMBLOG_RENDER_CACHE"}
    env.update(SOURCE_DATE_EPOCH="1800000000", WASMBLOG_RENDER_CACHE=str(tmp_path / "render"), **extra)
    return env


@pytest.mark.slow
def test_the_summary_says_how_many_pages_were_reused(engine, tmp_path):
    env = _env(tmp_path)
    first = wasmblog("build", str(SITES / "basic"), "-o", str(tmp_path / "out"), "--engine", engine.name, env=env)
    again = wasmblog("build", str(SITES / "basic"), "-o", str(tmp_path / "out"), "--engine", engine.name, env=env)
    assert first.returncode == again.returncode == 0, again.stderr
    pages = json.loads(wasmblog("build", str(SITES / "basic"), "-o", str(tmp_path / "out"), "--engine",
                                engine.name, "--json", env=env).stdout)["pages"]
    assert f"Built {pages} pages (0 reused)" in first.stderr
    assert f"Built {pages} pages ({pages} reused)" in again.stderr


def test_no_cache_neither_reads_nor_writes_the_render_cache(tmp_path):
    env = _env(tmp_path)
    proc = wasmblog("build", str(SITES / "basic"), "-o", str(tmp_path / "out"), "--engine", "native", "--no-cache",
                    env=env)
    assert proc.returncode == 0, proc.stderr
    assert "reused" not in proc.stderr
    assert not (tmp_path / "render").exists()


@pytest.mark.slow
def test_cache_clear_empties_every_site_cache_and_leaves_the_component_alone(tmp_path):
    home = tmp_path / "home"
    component = home / "wasmblog-0123456789abcdef0123.wasm"
    home.mkdir()
    component.write_bytes(b"a component")
    env = {k: v for k, v in os.environ.items() if k != "WASMBLOG_RENDER_CACHE"}
    env.update(WASMBLOG_CACHE_DIR=str(home), SOURCE_DATE_EPOCH="1800000000")
    for name in ("basic", "themed"):
        assert wasmblog("build", str(SITES / name), "-o", str(tmp_path / name), "--engine", "native",
                        env=env).returncode == 0
    info = json.loads(wasmblog("cache", "info", "--json", env=env).stdout)
    assert sorted(Path(s["site"]).name for s in info["sites"]) == ["basic", "themed"]
    assert all(s["entries"] > 0 and s["bytes"] > 0 for s in info["sites"])
    proc = wasmblog("cache", "clear", env=env)
    assert proc.returncode == 0 and "cleared" in proc.stdout
    assert list_caches(home / "render") == []
    assert component.read_bytes() == b"a component"


def test_cache_clear_with_a_site_clears_that_site_only(tmp_path):
    root = tmp_path / "render"
    for name in ("basic", "themed"):
        RenderCache(site_cache_path(SITES / name, root), SITES / name).close()
    clear_caches(root, site=SITES / "basic")
    assert [Path(c.site).name for c in list_caches(root)] == ["themed"]


# --- random edit sequences ----------------------------------------------------------------------------

_POOL = ["code.md", "toc.md", "more.md", "words.md", "extensions.md", "all-fields.md", "draft.md", "future.md",
         "summary-front-matter.md", "toml-front-matter.md", "no-title.md"]
_CONFIGS = [
    'title = "Edits"\nbase_url = "https://example.org/"\ntimezone = "Europe/Berlin"\npage_size = 2\n',
    'title = "Edits, renamed"\nbase_url = "https://example.org/blog/"\ntimezone = "UTC"\npage_size = 3\n'
    '[feed]\nlimit = 2\n',
    'title = "Edits"\nbase_url = "https://example.org/"\nsummary_words = 5\n[markdown]\nhighlight = false\n',
    # The same zone as the first: only what parsing reads from the config changes.
    'title = "Edits"\nbase_url = "https://example.org/"\ntimezone = "Europe/Berlin"\npage_size = 2\n'
    'summary_words = 4\nwords_per_minute = 10\n',
]
_TEMPLATES = [
    None,
    '{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1>{{ page.content }}{% endblock %}',
    '{% extends "base.html" %}{% block main %}<p>{{ page.word_count }} words</p>{{ page.summary }}{% endblock %}',
]

# Issue 11's inputs: a site shortcode, a page bundle and its file, a list's intro, a page, an expiry date.
_SHORTCODES = [None, "<aside>{{ inner }}</aside>", "<em>{{ args[0] if args else 'none' }}</em>{{ inner }}"]
_BUNDLES = [None, "---\ntitle: Trip\ndate: 2024-05-01\n---\nA photo: ![p](photo.png)\n",
            "---\ntitle: Trip, again\ndate: 2024-05-02\nslug: the-trip\n---\n{{< note >}}see the photo{{< /note >}}\n"]
_INTROS = [None, "---\ntitle: Everything\n---\nAll the *posts*.\n", "---\ntitle: Archive\n---\nOlder.\n"]
_PAGES = [None, "---\ntitle: About\n---\nAbout {{< note >}}me{{< /note >}}.\n", "---\ntitle: About us\n---\nUs.\n"]

_ops = st.one_of(
    st.tuples(st.just("shortcode"), st.integers(0, len(_SHORTCODES) - 1)),
    st.tuples(st.just("bundle"), st.integers(0, len(_BUNDLES) - 1)),
    st.tuples(st.just("photo"), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("intro"), st.integers(0, len(_INTROS) - 1)),
    st.tuples(st.just("page"), st.integers(0, len(_PAGES) - 1)),
    st.tuples(st.just("expire"), st.integers(0, 50), st.sampled_from([-86_400, 3_600, 86_400])),
    st.tuples(st.just("add"), st.sampled_from(_POOL)),
    st.tuples(st.just("edit"), st.integers(0, 50), st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                                                              max_size=20)),
    st.tuples(st.just("retitle"), st.integers(0, 50), st.sampled_from(["New title", "Ünïcode", "A & B"])),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("rename"), st.integers(0, 50)),
    st.tuples(st.just("config"), st.integers(0, len(_CONFIGS) - 1)),
    st.tuples(st.just("template"), st.integers(0, len(_TEMPLATES) - 1)),
    st.tuples(st.just("redate"), st.integers(0, 50), st.sampled_from([-86_400, 3_600, 86_400])),
    st.tuples(st.just("later"), st.sampled_from([60, 7_200, 2 * 86_400])),
)


def _apply(site: Path, op: tuple, clock: list[int]) -> None:
    posts = sorted((site / "posts").glob("*.md"))
    kind = op[0]
    if kind == "add":
        target = site / "posts" / op[1]
        if not target.exists():
            shutil.copyfile(POSTS / op[1], target)
    elif kind == "config":
        (site / "site.toml").write_text(_CONFIGS[op[1]])
    elif kind == "template":
        template = site / "templates" / "post.html"
        if _TEMPLATES[op[1]] is None:
            template.unlink(missing_ok=True)
        else:
            template.parent.mkdir(exist_ok=True)
            template.write_text(_TEMPLATES[op[1]])
    elif kind == "later":
        clock[0] += op[1] * 1_000_000
    elif kind in ("shortcode", "bundle", "intro", "page"):
        path, texts = {"shortcode": ("templates/shortcodes/note.html", _SHORTCODES),
                       "bundle": ("posts/trip/index.md", _BUNDLES), "intro": ("posts/_index.md", _INTROS),
                       "page": ("pages/about.md", _PAGES)}[kind]
        target = site / path
        if texts[op[1]] is None:
            target.unlink(missing_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(texts[op[1]], encoding="utf-8")
    elif kind == "photo":  # a bundle's file: copied beside its page
        (site / "posts" / "trip").mkdir(parents=True, exist_ok=True)
        (site / "posts" / "trip" / "photo.png").write_bytes(op[1])
    elif posts:
        post = posts[op[1] % len(posts)]
        if kind == "edit":
            post.write_text(post.read_text(encoding="utf-8") + "\n" + op[2] + "\n", encoding="utf-8")
        elif kind == "retitle":
            text = post.read_text(encoding="utf-8")
            post.write_text(text.replace("title:", f'title: "{op[2]}"\nold_title:', 1), encoding="utf-8")
        elif kind == "redate":  # around the build time: planning's cut-off for future posts
            when = datetime.fromtimestamp(clock[0] // 1_000_000 + op[2], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            text = post.read_text(encoding="utf-8")
            post.write_text(re.sub(r"^date:.*$", f"date: {when}", text, count=1, flags=re.MULTILINE),
                            encoding="utf-8")
        elif kind == "expire":  # expiryDate around the build time: another edge of publishing
            when = datetime.fromtimestamp(clock[0] // 1_000_000 + op[2], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            text = post.read_text(encoding="utf-8")
            post.write_text(text.replace("title:", f"expiryDate: {when}\ntitle:", 1), encoding="utf-8")
        elif kind == "delete":
            post.unlink()
        elif kind == "rename":
            post.rename(post.with_name("renamed-" + post.name))


def _random_edits(engine, steps: list[list[tuple]]) -> None:
    with tempfile.TemporaryDirectory(prefix="wasmblog-edits-") as tmp:
        tmp_path = Path(tmp)
        site = tmp_path / "site"
        (site / "posts").mkdir(parents=True)
        (site / "site.toml").write_text(_CONFIGS[0])
        for name in ("code.md", "toc.md", "more.md", "words.md", "future.md"):
            shutil.copyfile(POSTS / name, site / "posts" / name)
        clock = [BUILD_TIME]
        for ops in [[], *steps]:
            for op in ops:
                _apply(site, op, clock)
            cached, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite", build_time=clock[0])
            clean = clean_build(site, tmp_path / "clean", engine, build_time=clock[0])
            assert tree_bytes(tmp_path / "out") == tree_bytes(tmp_path / "clean"), ops
            assert [d.format() for d in cached.diagnostics] == [d.format() for d in clean.diagnostics], ops


# Sequences that each stage's key must tell apart, always tried before the random ones.
_EXAMPLES = [
    [[("config", 3)]],  # what parsing reads from site.toml, the zone unchanged
    [[("redate", 0, 3_600)], [("later", 7_200)]],  # a post crosses the build time: planning reads it
    [[("template", 1)], [("edit", 2, "x")], [("template", 0)]],
    [[("rename", 0), ("retitle", 1, "A & B")], [("delete", 1), ("add", "draft.md")]],
    # A site shortcode is a parse input; a bundle's file is copied; intros and pages are content.
    [[("bundle", 2), ("shortcode", 1)], [("shortcode", 2)], [("shortcode", 0)]],
    [[("bundle", 1), ("photo", b"a")], [("photo", b"b")], [("bundle", 2)], [("bundle", 0)]],
    [[("intro", 1), ("page", 1), ("shortcode", 1)], [("intro", 2), ("page", 2)], [("intro", 0), ("page", 0)]],
    [[("expire", 0, 3_600)], [("later", 7_200)]],
]


def _with_examples(test):
    for steps in reversed(_EXAMPLES):
        test = example(steps=steps)(test)
    return test


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.lists(_ops, min_size=1, max_size=3), min_size=1, max_size=3))
@_with_examples
def test_random_edit_sequences_build_what_a_clean_build_builds_natively(steps):
    from sitekit import get_renderer

    _random_edits(get_renderer("native"), steps)


@pytest.mark.wasm
@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.lists(_ops, min_size=1, max_size=3), min_size=1, max_size=3))
@_with_examples
def test_random_edit_sequences_build_what_a_clean_build_builds_in_wasm(steps):
    from sitekit import get_renderer

    _random_edits(get_renderer("wasm"), steps)


def test_an_edited_translation_rebuilds_its_pages_in_every_language_as_a_clean_build(engine, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(ROOT / "tests" / "hugo" / "sites" / "justindesio", site)
    first, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    french = site / "content" / "posts" / "arch" / "index.fr.md"
    french.write_text(re.sub(r"(?m)^title: .*$", 'title: "Un titre revu"', french.read_text(encoding="utf-8"),
                             count=1), encoding="utf-8")
    again, _ = cached_build(site, tmp_path / "out", engine, tmp_path / "c.sqlite")
    assert 0 < again.reused < again.pages == first.pages
    assert again.reuse.parse_reused == again.reuse.parsed - 1
    assert "Un titre revu" in (tmp_path / "out" / "fr/posts/arch/index.html").read_text(encoding="utf-8")
    same_as_clean(site, tmp_path / "out", engine, tmp_path)
