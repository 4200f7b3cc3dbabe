"""`wasmblog serve` after an edit: what it reads again, and that the result is the whole read's.

A post saved in place is read again alone (``reread_sources``: the watcher
names the files it saw touched); anything else that may change the site's
shape (a new, removed or renamed file, a template, the configuration, an
intro that may cascade, a folder) reads the whole site again. Either way
the site served is the one a whole read gives.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from servekit import request, small_site, write_post
from wasm_host.serve import ServeOptions, ServerThread
from wasm_host.serve.watch import InotifyWatcher, PollingWatcher
from wasm_host.site import load_site
from wasm_host.site.files import reread_sources


def edit(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:  # in place, as most editors and the bench save
        fh.write(text)


def test_a_post_saved_in_place_is_read_again_alone_and_as_a_whole_read_reads_it(tmp_path):
    site = small_site(tmp_path)
    before = load_site(site)
    edit(site / "posts" / "p1.md", "\nOne more sentence.\n")
    again = reread_sources(before, {"posts/p1.md"})
    assert again is not None
    assert again.sources == load_site(site).sources
    assert [s.path for s in again.sources if s not in before.sources] == ["posts/p1.md"]
    assert again.templates is before.templates and again.static is before.static


@pytest.mark.parametrize("touched, make", [
    ("posts/new.md", lambda site: write_post(site, "new.md", "New", "Body.")),
    ("posts/p1.md", lambda site: (site / "posts" / "p1.md").unlink()),
    ("site.toml", lambda site: edit(site / "site.toml", "\n")),
    ("templates/post.html", lambda site: ((site / "templates").mkdir(), (site / "templates" / "post.html").write_text("x"))),
    ("static/notes.txt", lambda site: (site / "static" / "notes.txt").unlink()),
    ("posts/_index.md", lambda site: (site / "posts" / "_index.md").write_text("---\ntitle: Posts\n---\n")),
])
def test_anything_but_a_post_saved_in_place_asks_for_a_whole_read(tmp_path, touched, make):
    site = small_site(tmp_path)
    before = load_site(site)
    make(site)
    assert reread_sources(before, {touched}) is None


def test_an_editors_scratch_file_that_came_and_went_changes_nothing(tmp_path):
    site = small_site(tmp_path)
    before = load_site(site)
    scratch = site / "posts" / "4913"  # what vim writes to test a folder, then removes
    scratch.write_text("")
    scratch.unlink()
    again = reread_sources(before, {"posts/4913"})
    assert again is not None and again.sources == before.sources


def test_a_post_over_the_size_limit_asks_for_a_whole_read_which_reports_it(tmp_path):
    site = small_site(tmp_path, config="[limits]\nmax_file_mb = 0.001\n")
    before = load_site(site)
    edit(site / "posts" / "p1.md", "x" * 2000)
    assert reread_sources(before, {"posts/p1.md"}) is None
    assert any(d.path == "posts/p1.md" for d in load_site(site).diagnostics)


@pytest.mark.parametrize("watcher", [InotifyWatcher, PollingWatcher])
def test_the_watcher_names_the_files_touched_and_gives_up_naming_on_a_new_folder(tmp_path, watcher):
    site = small_site(tmp_path)
    w = watcher(site)
    try:
        edit(site / "posts" / "p1.md", "\nMore.\n")
        assert w.drain()
        assert w.take_changes() == {"posts/p1.md"}
        assert w.take_changes() == set()
        (site / "posts" / "2024").mkdir()
        write_post(site, "2024/new.md", "New", "Body.")
        assert w.drain()
        changes = w.take_changes()
        # inotify sees the folder made (the shape changed); polling sees the file it holds
        assert changes is None if watcher is InotifyWatcher else changes == {"posts/2024/new.md"}
    finally:
        w.close()


def test_a_post_replaced_by_a_rename_is_served_with_its_new_text(tmp_path):
    site = small_site(tmp_path)
    with ServerThread(site, ServeOptions(engine="native", mode="memo", live_reload=False, no_cache=True)) as server:
        assert b"Body of post 1." in request(server.port, "/posts/p1/").body
        scratch = site / "posts" / ".p1.md.swp"
        scratch.write_text('---\ntitle: "Post number 1"\ndate: 2024-01-02T10:00:00Z\n---\n\nRenamed into place.\n')
        os.replace(scratch, site / "posts" / "p1.md")  # an atomic save
        assert b"Renamed into place." in request(server.port, "/posts/p1/").body


def test_edits_in_place_while_serving_give_what_a_whole_read_gives(tmp_path):
    site = small_site(tmp_path, posts=4)
    options = ServeOptions(engine="native", mode="memo", live_reload=False, no_cache=True)
    with ServerThread(site, options) as server:
        for k in range(3):
            edit(site / "posts" / "p2.md", f"\nEdit number {k}.\n")
            body = request(server.port, "/posts/p2/").body
            assert f"Edit number {k}.".encode() in body
        served = {path: request(server.port, path).body for path in ("/", "/posts/p2/", "/index.xml")}
    with ServerThread(site, options) as fresh:  # read whole, from nothing
        assert {path: request(fresh.port, path).body for path in served} == served


def test_pages_readers_opened_are_rendered_again_after_an_edit_off_the_readers_path(tmp_path):
    site = small_site(tmp_path, posts=4)
    options = ServeOptions(engine="native", mode="memo", live_reload=False, no_cache=True)
    with ServerThread(site, options) as server:
        for path in ("/index.xml", "/", "/posts/p1/"):
            assert request(server.port, path).status == 200
        write_post(site, "p1.md", "Post number 1", "A summary written again.", date="2024-01-02T10:00:00Z",
                   extra="tags: [alpha]\n")
        page = request(server.port, "/posts/p1/")  # the writer's own page: rendered on demand, first
        assert "server-timing" in page.headers and b"A summary written again." in page.body
        deadline = time.monotonic() + 30
        while server.app.stats.follow_ups < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.app.stats.follow_ups == 2  # the home page and the feed, not the page already served
        renders = server.app.stats.renders
        for path in ("/", "/index.xml"):
            again = request(server.port, path)
            assert "server-timing" not in again.headers and b"A summary written again." in again.body
        assert server.app.stats.renders == renders


@pytest.mark.parametrize("extra", ["", "draft: true\n", "publishDate: 2099-01-01T00:00:00Z\n"])
def test_an_edit_to_a_posts_dates_or_draft_plans_as_a_whole_read_does(tmp_path, extra):
    site = small_site(tmp_path, posts=12)
    options = ServeOptions(engine="native", mode="memo", live_reload=False, no_cache=True)
    with ServerThread(site, options) as server:
        request(server.port, "/")
        write_post(site, "p3.md", "Post number 3", "Moved to the top.", date="2024-03-01T10:00:00Z",
                   extra="tags: [alpha]\n" + extra)
        served = {path: request(server.port, path).body for path in ("/", "/index.xml", "/tags/alpha/")}
    with ServerThread(site, options) as fresh:
        assert {path: request(fresh.port, path).body for path in served} == served
    assert (b"Moved to the top." in served["/"]) == (extra == "")
