"""`wasmblog serve`: every URL answers with the build's bytes, edits show at once, and abuse is refused.

Servers are started in the test on a free loopback port (a thread running
the real uvicorn server, or the CLI in a subprocess) and stopped at the
end. Expected bodies come from ``wasmblog build`` of the same folder with
the same build time (SOURCE_DATE_EPOCH).
"""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from servekit import (EPOCH, SECRET, TRAVERSALS, Response, raw_request, request, sample_copy, small_site, status_of,
                      url_of, write_post)
from sitekit import BACKSTOP, BUILD_TIME, ENGINES, eventually, links_of, parse_html, site_files
from wasm_host.site import build
from wasm_host.engines import make_renderer
from wasm_host.serve.http import MAX_HEADER_BYTES
from renderer.routing import BadPath, decode_path
from wasm_host.serve.staticfiles import open_static
from wasm_host.serve.livereload import EVENTS_PATH, SCRIPT
from wasm_host.serve import ServeOptions, ServerThread


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return sample_copy(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def built(sample, tmp_path_factory) -> dict[str, bytes]:
    """``wasmblog build`` of the sample site, file by file (natively: the engines give the same bytes)."""
    out = tmp_path_factory.mktemp("built") / "public"
    report = build(sample, out, make_renderer("native"), build_time=BUILD_TIME)
    assert report.written
    return site_files(out)


# --- byte for byte ---------------------------------------------------------------------

SERVED = [pytest.param(mode, engine.values[0], id=f"{mode}-{engine.id}", marks=engine.marks)
          for mode in ("memo", "per-request", "static") for engine in ENGINES]


@pytest.mark.slow
@pytest.mark.parametrize("mode,engine", SERVED)
def test_every_url_is_the_build_byte_for_byte(sample, built, mode, engine):
    options = ServeOptions(engine=engine, mode=mode, live_reload=False)
    with ServerThread(sample, options) as server:
        for path, expected in built.items():
            for url in {url_of(path), "/" + path}:
                got = request(server.port, url)
                assert got.status == 200, (url, got.status, got.text[:300])
                assert got.body == expected, url
                assert got.headers["content-length"] == str(len(expected))
                assert got.headers["etag"]
        assert server.app.stats.faults == 0
        renders = server.app.stats.renders
    # Rendered: everything but static/ and the bundles' files (served from the site folder, like static/).
    pages = [p for p in built if not (sample / "static" / p).is_file()
             and p.endswith((".html", ".xml", ".css", ".txt", ".json", ".js"))]
    if mode == "per-request":  # every request, both URLs of a folder
        assert renders == len(pages) + sum(p.endswith("index.html") for p in pages)
    elif mode == "memo":  # each page at most once (none when the render cache had it)
        assert renders <= len(pages)
    else:
        assert renders == 0


def test_folders_without_a_slash_redirect_like_a_static_host(sample, built):
    folder = next(p for p in built if p.startswith("posts/") and p.endswith("/index.html"))
    bare = url_of(folder).rstrip("/")
    with ServerThread(sample, ServeOptions(engine="native")) as server:
        got = request(server.port, bare + "?utm=1")
        assert got.status == 301
        assert got.headers["location"] == bare + "/?utm=1"
        assert request(server.port, "/posts").status == 404  # no listing of a folder without index.html
        assert request(server.port, url_of(folder) + "extra/").status == 404


def test_unknown_urls_get_the_rendered_404_page(sample, built):
    with ServerThread(sample, ServeOptions(engine="native")) as server:
        for url in ("/no/such/page/", "/nope.html", "/posts/", "/css/style.css/", "/%252e%252e/site.toml"):
            got = request(server.port, url)
            assert got.status == 404, url
            assert got.body == built["404.html"]
            assert got.headers["content-type"] == "text/html; charset=utf-8"


def test_base_url_path_prefix_is_honoured(tmp_path):
    site = small_site(tmp_path)
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace("https://example.org/", "https://example.org/blog/"))
    out = tmp_path / "out"
    build(site, out, make_renderer("native"), build_time=BUILD_TIME)
    files = site_files(out)
    with ServerThread(site, ServeOptions(engine="native")) as server:
        root = request(server.port, "/")
        assert root.status == 302 and root.headers["location"] == "/blog/"
        bare = request(server.port, "/blog")
        assert bare.status == 301 and bare.headers["location"] == "/blog/"
        for path, expected in files.items():
            got = request(server.port, "/blog" + url_of(path))
            assert (got.status, got.body) == (200, expected), path
        outside = request(server.port, url_of(next(p for p in files if p.startswith("posts/"))))
        assert outside.status == 404 and outside.body == files["404.html"]


def test_content_types(sample, built):
    with ServerThread(sample, ServeOptions(engine="native")) as server:
        def ctype(url: str) -> str:
            return request(server.port, url).headers["content-type"]

        assert ctype("/") == "text/html; charset=utf-8"
        assert ctype("/index.xml") == "application/xml; charset=utf-8"
        assert ctype("/sitemap.xml") == "application/xml; charset=utf-8"
        assert ctype("/css/style.css") == "text/css; charset=utf-8"
        assert ctype("/robots.txt") == "text/plain; charset=utf-8"
        for path in built:
            if path.endswith(".png"):
                assert ctype("/" + path) == "image/png"
            if path.endswith(".svg"):
                assert ctype("/" + path).startswith("image/svg+xml")
        assert request(server.port, "/").headers["x-content-type-options"] == "nosniff"


# --- HEAD and conditional requests ----------------------------------------------------------


def test_head_and_conditional_requests_on_rendered_pages(sample, built):
    with ServerThread(sample, ServeOptions(engine="native")) as server:
        get = request(server.port, "/")
        head = request(server.port, "/", method="HEAD")
        assert head.status == 200 and head.body == b""
        assert head.headers["content-length"] == str(len(built["index.html"]))
        assert head.headers["etag"] == get.headers["etag"]
        etag = get.headers["etag"]
        renders = server.app.stats.renders
        same = request(server.port, "/", headers={"If-None-Match": etag})
        assert same.status == 304 and same.body == b"" and same.headers["etag"] == etag
        assert server.app.stats.renders == renders  # answered without rendering
        assert request(server.port, "/", headers={"If-None-Match": f'"other", W/{etag}'}).status == 304
        assert request(server.port, "/", headers={"If-None-Match": '"other"'}).status == 200
        assert request(server.port, "/index.xml", headers={"If-None-Match": etag}).status == 200
        assert request(server.port, "/", method="HEAD", headers={"If-None-Match": etag}).status == 304
        missing = request(server.port, "/missing/", method="HEAD")
        assert missing.status == 404 and missing.body == b""


def test_static_files_have_validators_and_honour_conditional_requests(tmp_path):
    site = small_site(tmp_path)
    png = site / "static" / "images" / "dot.png"
    with ServerThread(site, ServeOptions(engine="native")) as server:
        got = request(server.port, "/images/dot.png")
        assert got.status == 200 and got.body == png.read_bytes()
        assert got.headers["content-type"] == "image/png"
        etag, modified = got.headers["etag"], got.headers["last-modified"]
        assert modified.endswith(" GMT")
        head = request(server.port, "/images/dot.png", method="HEAD")
        assert head.body == b"" and head.headers["content-length"] == str(png.stat().st_size)
        assert head.headers["etag"] == etag
        assert request(server.port, "/images/dot.png", headers={"If-None-Match": etag}).status == 304
        assert request(server.port, "/images/dot.png", headers={"If-None-Match": "*"}).status == 304
        assert request(server.port, "/images/dot.png", headers={"If-Modified-Since": modified}).status == 304
        earlier = "Mon, 01 Jan 2001 00:00:00 GMT"
        assert request(server.port, "/images/dot.png", headers={"If-Modified-Since": earlier}).status == 200
        # If-None-Match wins over If-Modified-Since
        assert request(server.port, "/images/dot.png",
                       headers={"If-None-Match": '"x"', "If-Modified-Since": modified}).status == 200
        assert request(server.port, "/images/dot.png", headers={"If-Modified-Since": "garbage"}).status == 200
        # a changed file gets a new ETag
        png.write_bytes(png.read_bytes() + b"\0")
        changed = request(server.port, "/images/dot.png")
        assert changed.status == 200 and changed.headers["etag"] != etag
        assert changed.body == png.read_bytes()


# --- edits are served at once ------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_a_changed_post_is_served_changed_on_the_next_request(tmp_path, engine):
    site = small_site(tmp_path)
    with ServerThread(site, ServeOptions(engine=engine)) as server:
        assert "Post number 1" in request(server.port, "/posts/p1/").text
        write_post(site, "p1.md", "A brand new title", "Rewritten body.", date="2024-01-02T10:00:00Z",
                   extra="tags: [alpha]\n")
        page = request(server.port, "/posts/p1/")  # no waiting: the very next request
        assert "A brand new title" in page.text and "Rewritten body." in page.text
        assert "A brand new title" in request(server.port, "/").text
        assert any("1 post re-parsed" in line for line in server.logs), server.logs
        # a new post appears (also in a new folder), a deleted one is gone
        write_post(site, "new.md", "Fresh arrival", "New.", date="2024-02-01T10:00:00Z")
        assert request(server.port, "/posts/new/").status == 200
        write_post(site, "2025/deep/nested.md", "Nested arrival", "Deep.", date="2024-02-02T10:00:00Z")
        assert request(server.port, "/posts/nested/").status == 200
        write_post(site, "2025/deep/nested.md", "Nested and edited", "Deep.", date="2024-02-02T10:00:00Z")
        assert "Nested and edited" in request(server.port, "/posts/nested/").text
        (site / "posts" / "p0.md").unlink()
        assert request(server.port, "/posts/p0/").status == 404
        # the configuration and the theme are watched too
        toml = site / "site.toml"
        toml.write_text(toml.read_text().replace('"Small"', '"Renamed blog"'))
        assert "Renamed blog" in request(server.port, "/").text
        (site / "templates").mkdir()
        (site / "templates" / "404.html").write_text("custom not found page")
        assert request(server.port, "/missing").body == b"custom not found page"
        out = tmp_path / "out"
        build(site, out, make_renderer(engine), build_time=BUILD_TIME)
        for path, expected in site_files(out).items():
            assert request(server.port, url_of(path)).body == expected, path


def test_every_language_of_a_hugo_site_is_served_and_a_translation_edit_is_picked_up(tmp_path):
    import shutil

    site = tmp_path / "site"
    shutil.copytree(Path(__file__).parents[1] / "hugo" / "sites" / "justindesio", site)
    with ServerThread(site, ServeOptions(engine="native")) as server:
        for path in ("/", "/fr/", "/posts/arch/", "/fr/posts/arch/", "/fr/index.xml", "/sitemap.xml",
                     "/fr/sitemap.xml", "/en/sitemap.xml"):
            assert request(server.port, path).status == 200, path
        french = site / "content" / "posts" / "arch" / "index.fr.md"
        text = french.read_text(encoding="utf-8")
        french.write_text(re.sub(r"(?m)^title: .*$", 'title: "Titre revu"', text, count=1), encoding="utf-8")
        assert "<title>Titre revu" in request(server.port, "/fr/posts/arch/").text  # the very next request
        assert "Titre revu" in request(server.port, "/fr/").text
        missing = request(server.port, "/fr/no/such/page/")  # the 404 page of the path's language
        assert missing.status == 404 and '<html lang="fr"' in missing.text
        assert '<html lang="en"' in request(server.port, "/no/such/page/").text


@pytest.mark.slow
def test_static_mode_rebuilds_on_change(tmp_path):
    site = small_site(tmp_path)
    with ServerThread(site, ServeOptions(engine="native", mode="static", live_reload=False)) as server:
        assert "Post number 2" in request(server.port, "/").text
        write_post(site, "p2.md", "Edited in static mode", "x", date="2024-01-03T10:00:00Z")
        assert "Edited in static mode" in request(server.port, "/").text
        assert any("reloaded" in line and "rebuilt" in line for line in server.logs)


def test_polling_watches_without_inotify(tmp_path):
    site = small_site(tmp_path)
    with ServerThread(site, ServeOptions(engine="native", poll=True)) as server:
        assert "Post number 1" in request(server.port, "/posts/p1/").text
        write_post(site, "p1.md", "Seen by polling", "x", date="2024-01-02T10:00:00Z")
        eventually(lambda: "Seen by polling" in request(server.port, "/posts/p1/").text, "the edit picked up")


def test_an_unchanged_save_does_not_reload(tmp_path):
    site = small_site(tmp_path)
    with ServerThread(site, ServeOptions(engine="native")) as server:
        request(server.port, "/")
        post = site / "posts" / "p1.md"
        post.write_bytes(post.read_bytes())  # same bytes: a new mtime only
        (site / "posts" / ".p1.md.swp").write_text("editor scratch")
        request(server.port, "/")
        assert not any("reloaded" in line for line in server.logs), server.logs


# --- path traversal and symlinks -----------------------------------------------------------------


@pytest.fixture
def guarded_site(tmp_path) -> Path:
    site = small_site(tmp_path)
    (site / "site.toml").write_text((site / "site.toml").read_text() + f"# {SECRET}\n")
    secret = tmp_path / "outside.txt"
    secret.write_text(SECRET)
    (site / "static" / "secret-link.txt").symlink_to(secret)
    (site / "static" / "linked-dir").symlink_to(tmp_path, target_is_directory=True)
    return site


@pytest.mark.parametrize("engine", ENGINES)
def test_path_traversal_is_refused_in_every_encoding(guarded_site, engine):
    with ServerThread(guarded_site, ServeOptions(engine=engine)) as server:
        for target in TRAVERSALS:
            raw = raw_request(server.port, b"GET " + target.encode("latin-1") + b" HTTP/1.1\r\nHost: x\r\n"
                                           b"Connection: close\r\n\r\n")
            assert status_of(raw) in (400, 404), (target, raw[:300])
            assert SECRET.encode() not in raw, target
        assert request(server.port, "/notes.txt").body == b"plain notes\n"  # the static file itself is fine
        assert server.thread.is_alive()


def test_a_static_file_swapped_for_a_symlink_after_loading_is_not_served(guarded_site, tmp_path):
    notes = guarded_site / "static" / "notes.txt"
    assert open_static(guarded_site / "static", "notes.txt") is not None
    notes.unlink()
    notes.symlink_to(tmp_path / "outside.txt")
    assert open_static(guarded_site / "static", "notes.txt") is None
    assert open_static(guarded_site / "static", "secret-link.txt") is None
    assert open_static(guarded_site / "static", "linked-dir/outside.txt") is None
    os.mkfifo(guarded_site / "static" / "fifo")
    assert open_static(guarded_site / "static", "fifo") is None  # would block a reader


def test_request_paths_are_decoded_once_and_strictly():
    assert decode_path(b"/posts/caf%C3%A9/") == "/posts/café/"
    assert decode_path(b"/a%20b/") == "/a b/"
    assert decode_path(b"/%252e%252e/") == "/%2e%2e/"
    for bad in (b"posts", b"/a/../b", b"/%2e%2e/", b"/a%2fb", b"/a%5cb", b"/a\\b", b"/%00", b"/%ff", b"/%0a",
                b"/.", b"/" + b"a" * 5000):
        with pytest.raises(BadPath):
            decode_path(bad)


# --- malformed and abusive requests ------------------------------------------------------------------


@pytest.mark.slow
def test_malformed_requests_get_4xx_and_the_server_carries_on(tmp_path):
    site = small_site(tmp_path)
    with ServerThread(site, ServeOptions(engine="native"), header_timeout=1.0) as server:
        port = server.port
        assert status_of(raw_request(port, b"GARBAGE\r\n\r\n")) == 400
        assert status_of(raw_request(port, b"GET / HTTP/1.1\r\n\r\n")) == 400  # HTTP/1.1 needs Host
        assert status_of(raw_request(port, b"GET /\xff HTTP/1.1\r\nHost: x\r\n\r\n")) == 400
        assert status_of(raw_request(port, b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")) == 400
        big = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
        assert status_of(raw_request(port, big)) == 431
        many = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: %s\r\n" % (i, b"v" * 50) for i in range(400))
        assert status_of(raw_request(port, many + b"\r\n")) == 431
        with socket.create_connection(("127.0.0.1", port)) as sock:  # a head that arrives in pieces
            pieces = [b"GET / HTTP/1.1\r\nHost: x\r\n"]
            while sum(map(len, pieces)) <= MAX_HEADER_BYTES:
                pieces.append(b"X-Pad: " + b"p" * 1000 + b"\r\n")
            for piece in pieces:  # just past the limit and no further: bytes sent after the answer reset it
                sock.sendall(piece)
            sock.settimeout(60)  # a backstop: the answer comes once the server has read past the limit
            assert status_of(sock.recv(4096)) == 431
        body = b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n" + b"x" * 1000
        assert status_of(raw_request(port, body)) == 413
        chunked = b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        assert status_of(raw_request(port, chunked)) == 413
        post = raw_request(port, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
        assert status_of(post) == 405 and b"allow: get, head" in post.lower()
        # A head that never ends: the server's header_timeout answers 408 (the client would wait a minute).
        slow = raw_request(port, b"GET / HTTP/1.1\r\nHost: x\r\n", timeout=60)
        assert status_of(slow) == 408
        assert request(port, "/").status == 200
        assert any('"-" 431' in line for line in server.logs)


# --- faults: timeouts, template errors, overload ------------------------------------------------------

LOOP_FOREVER = ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
                "{{ page.title }}")


@pytest.mark.wasm
@pytest.mark.slow
def test_a_render_that_times_out_gives_500_and_the_next_request_succeeds(tmp_path):
    site = small_site(tmp_path, config="[limits]\nrender_timeout = 0.5\n", templates={"post.html": LOOP_FOREVER})
    with ServerThread(site, ServeOptions(engine="wasm")) as server:
        for _ in range(2):
            got = request(server.port, "/posts/p1/", timeout=120)  # the template never ends: the deadline answers
            assert got.status == 500
            assert "could not be rendered" in got.text and "timeout" in got.text
            home = request(server.port, "/")
            assert home.status == 200 and "Post number 1" in home.text
        assert request(server.port, "/posts/p1/", method="HEAD").status == 500
        assert server.app.stats.faults == 3
        assert any("posts/p1/index.html: timeout" in line for line in server.logs), server.logs


@pytest.mark.wasm
def test_a_wasm_server_warms_its_sandboxes_before_it_listens(tmp_path):
    with ServerThread(small_site(tmp_path), ServeOptions(engine="wasm")) as server:
        assert server.service.host.warmed >= 2  # a post page, rendered (up to 16 times, 1 s) and thrown away
        assert server.app.stats.faults == 0 and request(server.port, "/posts/p1/").status == 200


@pytest.mark.wasm
def test_warming_up_stops_at_the_first_page_that_fails(tmp_path):
    site = small_site(tmp_path, config="[limits]\nrender_timeout = 0.2\n", templates={"post.html": LOOP_FOREVER})
    with ServerThread(site, ServeOptions(engine="wasm")) as server:
        assert server.service.host.warmed == 1  # one deadline, not one per round
        assert request(server.port, "/posts/p1/").status == 500


@pytest.mark.parametrize("engine", ENGINES)
def test_a_template_error_gives_500_and_the_server_carries_on(tmp_path, engine):
    recursive = "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"
    site = small_site(tmp_path, templates={"post.html": "{{ page.title }}{{ no_such_thing.attr }}",
                                           "taxonomy.html": recursive})
    with ServerThread(site, ServeOptions(engine=engine)) as server:
        assert request(server.port, "/posts/p0/").status == 500
        assert request(server.port, "/tags/").status == 500
        assert request(server.port, "/").status == 200
        assert request(server.port, "/posts/p0/").status == 500
        (site / "templates" / "post.html").write_text("fixed: {{ page.title }}")
        assert request(server.port, "/posts/p0/").text == "fixed: Post number 0"


@pytest.mark.wasm
@pytest.mark.slow
def test_fault_details_are_shown_only_on_loopback_servers(tmp_path):
    site = small_site(tmp_path, config="[limits]\nrender_timeout = 0.3\n", templates={"post.html": LOOP_FOREVER})
    with ServerThread(site, ServeOptions(engine="wasm", show_errors=False)) as server:
        got = request(server.port, "/posts/p1/")
        assert got.status == 500 and "limits.render_timeout" not in got.text and "<pre>" not in got.text
    with ServerThread(site, ServeOptions(engine="wasm")) as server:
        assert "limits.render_timeout" in request(server.port, "/posts/p1/").text


SLOW = ("{% for i in range(4000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}{{ page.title }}")


@pytest.mark.wasm
def test_limits_edited_while_serving_apply_to_the_next_render(tmp_path):
    site = small_site(tmp_path, config="[limits]\nrender_timeout = 0.05\n", templates={"post.html": SLOW})
    with ServerThread(site, ServeOptions(engine="wasm")) as server:
        assert request(server.port, "/posts/p1/").status == 500
        toml = site / "site.toml"
        toml.write_text(toml.read_text().replace("render_timeout = 0.05", "render_timeout = 30"))
        assert request(server.port, "/posts/p1/").status == 200


@pytest.mark.wasm
@pytest.mark.slow
def test_a_burst_beyond_the_bounds_gets_503_and_no_crash(tmp_path):
    site = small_site(tmp_path, config="[limits]\nrender_timeout = 20\n", templates={"post.html": SLOW})
    options = ServeOptions(engine="wasm", max_inflight=1, max_queue=2)
    with ServerThread(site, options) as server:
        barrier = threading.Barrier(12)
        results: list[Response] = []
        lock = threading.Lock()

        def one() -> None:
            barrier.wait()
            got = request(server.port, "/posts/p1/", timeout=120)
            with lock:
                results.append(got)

        threads = [threading.Thread(target=one) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(180)
        statuses = sorted(r.status for r in results)
        assert len(statuses) == 12
        assert set(statuses) <= {200, 503}, statuses
        assert statuses.count(200) >= 1 and statuses.count(503) >= 6, statuses
        for r in results:
            if r.status == 503:
                assert r.headers["retry-after"] == "1"
            else:
                assert r.text == "Post number 1"
        assert server.app.queue.running == 0 and server.app.queue.waiting == 0
        assert request(server.port, "/").status == 200  # static-like pages and the server are fine
        assert request(server.port, "/posts/p1/", timeout=120).status == 200


# --- live reload --------------------------------------------------------------------------------------


def test_live_reload_script_only_when_enabled(sample, built):
    script = SCRIPT.decode()
    with ServerThread(sample, ServeOptions(engine="native")) as server:  # per-request: off by default
        assert request(server.port, "/").body == built["index.html"]
        assert request(server.port, EVENTS_PATH).status == 404
    with ServerThread(sample, ServeOptions(engine="native", live_reload=True)) as server:
        page = request(server.port, "/")
        assert page.text.count(script) == 1
        assert page.body.replace(SCRIPT, b"") == built["index.html"]
        assert page.text.index(script) < page.text.rindex("</body>")
        assert request(server.port, "/index.xml").body == built["index.xml"]
        assert request(server.port, "/css/style.css").body == built["css/style.css"]
        assert request(server.port, "/nope/").text.count(script) == 1
    with ServerThread(sample, ServeOptions(engine="native", mode="static")) as server:  # static: on by default
        assert request(server.port, "/").text.count(script) == 1


def read_events(resp: http.client.HTTPResponse, count: int) -> list[tuple[str, str]]:
    events: list[tuple[str, str]] = []
    name, data = "message", ""
    while len(events) < count:
        line = resp.fp.readline().decode()
        if not line:
            raise EOFError("stream closed")
        line = line.rstrip("\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data = line[6:]
        elif line == "" and data:
            events.append((name, data))
            name, data = "message", ""
    return events


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["per-request", "static"])
def test_an_edit_sends_a_reload_event(tmp_path, mode):
    site = small_site(tmp_path)
    with ServerThread(site, ServeOptions(engine="native", mode=mode, live_reload=True)) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
        conn.request("GET", EVENTS_PATH)
        resp = conn.getresponse()
        assert resp.status == 200
        assert resp.getheader("content-type").startswith("text/event-stream")
        [(kind, token)] = read_events(resp, 1)
        assert kind == "hello"
        write_post(site, "p0.md", "Live edit", "x", date="2024-01-01T10:00:00Z")
        [(kind, new)] = read_events(resp, 1)  # sent by the watcher, without any page request
        assert kind == "reload" and new != token
        assert "Live edit" in request(server.port, "/").text
        conn.close()


# --- the command line -----------------------------------------------------------------------------------


class CliServer:
    """``python -m wasm_host serve`` in a subprocess, its stderr read line by line."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
        self.proc = subprocess.Popen([sys.executable, "-m", "wasm_host", "serve", *args, "--port", "0"],
                                     stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        line = self.wait_for(r"serving .* at http://127\.0\.0\.1:(\d+)/", 300)
        self.port = int(re.search(r":(\d+)/", line).group(1))

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = BACKSTOP) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(self.seen))

    def stop(self, sig: int = signal.SIGINT) -> int:
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(BACKSTOP)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.reader.join(BACKSTOP)  # (it ends at the pipe's end) then the pipe is closed, not left to the GC
            assert self.proc.stderr is not None
            self.proc.stderr.close()


def crawl(port: int, start: str = "/") -> dict[str, Response]:
    """Every same-site URL reachable by links from ``start``, fetched once."""
    seen: dict[str, Response] = {}
    todo = [start]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        got = request(port, url)
        seen[url] = got
        if got.status == 200 and got.headers.get("content-type", "").startswith("text/html"):
            for link in links_of(parse_html(got.body)):
                parts = urlsplit(urljoin(f"http://127.0.0.1:{port}{url}", link))
                if parts.netloc == f"127.0.0.1:{port}" and parts.path not in seen:
                    todo.append(parts.path)
    return seen


def ended(pid: int) -> bool:
    """The process is gone, or a zombie (it has exited; only its parent's wait is left)."""
    try:
        return "zombie" in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True


def children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


@pytest.mark.wasm
@pytest.mark.slow
def test_cli_serves_a_crawl_identical_to_the_build_and_stops_on_sigint(sample, built):
    server = CliServer(str(sample), "--workers", "2", "--no-live-reload")  # memo mode, the default
    try:
        assert len(children(server.proc.pid)) == 2  # worker processes sharing the port
        pages = crawl(server.port)
        assert len(pages) > 20
        by_url = {url_of(path): body for path, body in built.items()}
        for url, got in pages.items():
            assert got.status == 200, (url, got.status)
            path = unquote(url)
            expected = by_url.get(path) if path in by_url else built.get(path.lstrip("/"))
            assert got.body == expected, url
        server.wait_for(r'"GET / HTTP/1\.1" 200 \d+ render=(?:[\d.]+ms|-) total=[\d.]+ms$')
    finally:
        code = server.stop(signal.SIGINT)
    assert code == 0
    server.wait_for(r"stopped \(SIGINT\)")


@pytest.mark.slow
def test_cli_single_process_stops_cleanly_on_sigterm_and_reports_a_busy_port(tmp_path):
    site = small_site(tmp_path)
    server = CliServer(str(site), "--engine", "native", "--quiet", "--workers", "1")
    try:
        assert request(server.port, "/").status == 200
        busy = subprocess.run([sys.executable, "-m", "wasm_host", "serve", str(site), "--engine", "native",
                               "--port", str(server.port)], capture_output=True, text=True, timeout=120)
        assert busy.returncode == 1 and "cannot listen" in busy.stderr
    finally:
        code = server.stop(signal.SIGTERM)
    assert code == 0
    server.wait_for(r"stopped \(SIGTERM\)")
    assert not any('"GET /' in line for line in server.seen)  # --quiet: no request log


@pytest.mark.wasm
@pytest.mark.slow
def test_a_worker_that_dies_is_replaced_and_the_site_stays_up(tmp_path):
    site = small_site(tmp_path)
    server = CliServer(str(site), "--engine", "wasm", "--workers", "2")
    try:
        workers = children(server.proc.pid)
        assert len(workers) == 2
        os.kill(workers[0], signal.SIGKILL)
        server.wait_for(r"worker \d exited \(status -9\); starting another")
        eventually(lambda: len(children(server.proc.pid)) == 2 and workers[0] not in children(server.proc.pid),
                   "a new worker in place of the killed one")
        for _ in range(10):
            assert request(server.port, "/posts/p1/").status == 200
    finally:
        assert server.stop(signal.SIGINT) == 0
    eventually(lambda: all(ended(pid) for pid in workers), "every worker ended")
