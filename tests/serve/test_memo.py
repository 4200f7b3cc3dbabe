"""`wasmblog serve --mode memo`: a page is rendered when its inputs change, then served from memory.

Each test starts a real server on a loopback port over a small site, and
compares what it serves with what ``wasmblog build`` writes.
"""

from __future__ import annotations

import pytest

from servekit import EPOCH, request, small_site, url_of, write_post
from sitekit import BUILD_TIME, ENGINES, site_files
from wasm_host.bench.corpus import write_site
from wasm_host.engines import make_renderer
from wasm_host.serve import ServeOptions, ServerThread
from wasm_host.serve.livereload import SCRIPT
from wasm_host.site import RenderCache, build


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def memo(engine: str, **kw) -> ServeOptions:
    return ServeOptions(engine=engine, mode="memo", **{"live_reload": False, **kw})


def built(site, tmp_path, engine: str) -> dict[str, bytes]:
    out = tmp_path / "built"
    build(site, out, make_renderer(engine), build_time=BUILD_TIME)
    return site_files(out)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_page_is_rendered_once_then_served_from_memory(tmp_path, engine):
    site = small_site(tmp_path)
    with ServerThread(site, memo(engine, no_cache=True)) as server:
        first = request(server.port, "/posts/p1/")
        again = request(server.port, "/posts/p1/")
        also = request(server.port, "/posts/p1/index.html")
        assert first.status == again.status == also.status == 200
        assert first.body == again.body == also.body
        assert server.app.stats.renders == 1
        assert "server-timing" in first.headers and "server-timing" not in again.headers
    assert first.body == built(site, tmp_path, engine)["posts/p1/index.html"]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_an_edit_renders_again_only_the_pages_that_depend_on_it(tmp_path, engine):
    site = small_site(tmp_path, posts=6)
    before = built(site, tmp_path, engine)
    with ServerThread(site, memo(engine, no_cache=True)) as server:
        for path in before:
            request(server.port, url_of(path))
        warm = server.app.stats.renders
        assert warm == sum(1 for p in before if not p.startswith(("images/", "notes")))
        write_post(site, "p1.md", "Post number 1", "A body rewritten at length.", date="2024-01-02T10:00:00Z",
                   extra="tags: [alpha]\n")
        after = built(site, tmp_path, engine)
        rendered = set()
        for path, expected in after.items():
            got = request(server.port, url_of(path))
            assert got.body == expected, path
            if "server-timing" in got.headers:  # rendered for this request, not served from memory
                rendered.add(path)
        assert len(rendered) == server.app.stats.renders - warm
        rendered |= set(server.app.stats.followed)  # and those rendered again in the background
    changed = {p for p in after if before.get(p) != after[p]}
    assert changed <= rendered  # every page whose bytes changed was rendered again
    # ... and no page that does not show p1: the other posts (p0 and p2 are its neighbours), 404, robots
    untouched = {"posts/p3/index.html", "posts/p4/index.html", "posts/p5/index.html", "404.html", "robots.txt"}
    assert untouched <= set(after)
    assert not rendered & untouched, " ".join(sorted(rendered & untouched))


@pytest.mark.wasm
def test_pages_a_build_rendered_are_served_without_rendering(tmp_path, monkeypatch):
    monkeypatch.setenv("WASMBLOG_RENDER_CACHE", str(tmp_path / "render"))
    site = small_site(tmp_path)
    with RenderCache.for_site(site) as cache:
        build(site, tmp_path / "out", make_renderer("wasm"), build_time=BUILD_TIME, cache=cache)
    with ServerThread(site, memo("wasm")) as server:
        for path, body in site_files(tmp_path / "out").items():
            assert request(server.port, url_of(path)).body == body, path
        assert server.app.stats.renders == 0


def test_live_reload_is_on_by_default_in_memo_mode(tmp_path):
    site = small_site(tmp_path)
    with ServerThread(site, ServeOptions(engine="native", mode="memo")) as server:
        assert SCRIPT in request(server.port, "/").body
    with ServerThread(site, ServeOptions(engine="native", mode="memo", live_reload=False)) as server:
        assert request(server.port, "/").body == built(site, tmp_path, "native")["index.html"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_page_that_fails_is_rendered_once_until_its_inputs_change(tmp_path, engine):
    site = small_site(tmp_path, templates={"post.html": "{{ page.title }}{% if page.slug == 'p1' %}{{ 1 // 0 }}"
                                                        "{% endif %}"})
    with ServerThread(site, memo(engine, no_cache=True, live_reload=True)) as server:
        first = request(server.port, "/posts/p1/")
        again = request(server.port, "/posts/p1/")
        assert first.status == again.status == 500
        assert server.app.stats.renders == 1  # the second request got the failure kept under the page's inputs
        assert "templates/post.html" in again.text and "division by zero" in again.text  # the diagnostic
        assert SCRIPT in again.body  # the tab reloads by itself once the template is fixed
        (site / "templates" / "post.html").write_text("{{ page.title }}")
        fixed = request(server.port, "/posts/p1/")
        assert fixed.status == 200 and fixed.text.startswith("Post number 1")
        assert server.app.stats.renders == 2


@pytest.mark.wasm
@pytest.mark.slow
def test_the_search_page_of_a_few_thousand_posts_is_served_as_the_build_writes_it(tmp_path):
    """A page's deadline grows with the posts it lists, alone as in a build's batch: the search page
    of a 5,479-post site was a 500 in serve (one deadline) while the build wrote it (a batch's four)."""
    site = write_site(tmp_path / "site", 3_000, seed=1)
    with ServerThread(site, memo("wasm", no_cache=True)) as server:
        got = request(server.port, "/search/", timeout=300)
        assert got.status == 200, got.text[-2000:]
        assert got.text.count('href="/posts/') >= 2_900  # every published post is listed
        assert server.app.stats.faults == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_a_reload_after_one_edit_reads_only_that_post_from_the_render_cache(tmp_path, engine):
    """The last load's parsed posts stay in memory: the writer's loop decodes one post, not the site."""
    from wasm_host.serve.sitehost import SiteHost

    class Counting(RenderCache):
        asked: list[bytes] = []

        def get_many(self, keys):  # the cache itself, counting what it is asked for
            keys = list(keys)
            self.asked += keys
            return super().get_many(keys)

    site = small_site(tmp_path, posts=8)
    cache = Counting.in_memory()
    host = SiteHost(site, make_renderer(engine), memo(engine), lambda _line: None, report=False, cache=cache)
    try:
        host.load()
        write_post(site, "p1.md", "Post number 1", "A new body.", date="2024-01-02T10:00:00Z")
        cache.asked = []
        assert host.refresh()
        assert host.snapshot.reparsed == 1
        assert len(cache.asked) == 2  # the edited post's parse key and the plan's; the seven others from memory
    finally:
        host.close()


def test_the_server_reads_a_file_again_only_when_its_status_changed(tmp_path):
    """Posts' bytes are kept between loads (``FileMemo``); a save changes the status (size, times, inode)."""
    from wasm_host.site.files import FileMemo

    post = tmp_path / "p.md"
    post.write_bytes(b"first")
    memo = FileMemo(racy_ns=0)  # (trust even a status of this very moment: see the next test)
    assert memo.read(post, post.stat()) == b"first" and memo.reads == 1
    assert memo.read(post, post.stat()) == b"first" and memo.reads == 1  # from memory
    post.write_bytes(b"second, longer")
    assert memo.read(post, post.stat()) == b"second, longer" and memo.reads == 2


def test_a_file_changed_moments_ago_is_read_again_even_if_its_status_looks_the_same(tmp_path):
    """Two saves of the same size within one tick of the file clock leave the same status: a file
    changed less than two seconds before it was read is not trusted from memory."""
    import os

    from wasm_host.site.files import FileMemo

    post = tmp_path / "p.md"
    post.write_bytes(b"first")
    memo = FileMemo()
    before = post.stat()
    assert memo.read(post, before) == b"first"
    post.write_bytes(b"other")
    os.utime(post, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert memo.read(post, before) == b"other"  # even given the old status: it was racy, so not kept
    assert memo.reads == 2
