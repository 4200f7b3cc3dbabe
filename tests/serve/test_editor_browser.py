"""The in-browser editor of `wasmblog serve`, in headless Chromium (Debian's ``chromium``, driven by Playwright).

The author types into the editor; the preview, rendered in the page's Web
Worker by the render component's JS export, must be the page the native
engine writes for the same text; diagnostics show with their lines; Save
writes the file; a save outside posts/ is refused. The server's own
guards (loopback, token, paths) are checked over plain HTTP too.
"""

from __future__ import annotations

import http.client
import json

import pytest

from renderer import Source
from jskit import node_tool
from servekit import EPOCH, request, small_site, write_post
from sitekit import BUILD_TIME, site_files
from wasm_host.engines import make_renderer
from wasm_host.engines.js import jco_command
from wasm_host.serve import ServeOptions, ServerThread
from wasm_host.serve.editor import post_file
from wasm_host.site import build

EDITED = """---
title: "Edited in the browser"
date: 2024-01-02T10:00:00Z
tags: [alpha, editing]
---

The **preview** is rendered by the component in a worker: marker-7f3a.

```python
print("highlighted")
```
"""
BROKEN = "---\ntitle: Broken\ndate: not-a-date\n---\n\nbody\n"


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def _token(server: ServerThread) -> str:
    return server.app.options.editor_token


@pytest.mark.node
@pytest.mark.wasm
@pytest.mark.browser
@pytest.mark.slow
def test_typing_previews_the_native_page_and_save_writes_the_post(browser, tmp_path):
    node_tool(lambda: jco_command())  # the preview runs the component's JS export (made with jco)
    site = small_site(tmp_path)
    post = site / "posts" / "p1.md"
    with ServerThread(site, ServeOptions(engine="native", live_reload=False)) as server:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server.url}/__wasmblog/edit/p1.md")
        page.wait_for_function("document.body.dataset.rendered || document.body.dataset.failed", timeout=180_000)
        assert "failed" not in page.evaluate("Object.keys(document.body.dataset)"), page.inner_text("#status")

        page.fill("#source", EDITED[:-1])
        page.type("#source", "\n")  # and a keystroke, as an author types
        page.wait_for_function("document.getElementById('preview').srcdoc.includes('marker-7f3a')", timeout=60_000)
        preview = page.evaluate("document.getElementById('preview').srcdoc")
        page.wait_for_function("document.querySelector('#preview').contentDocument.querySelector('h1')")
        assert page.frame_locator("#preview").locator("h1").first.inner_text() == "Edited in the browser"
        assert page.locator("#diagnostics li").count() == 0

        page.click("#save")
        page.wait_for_function("document.body.dataset.saved", timeout=30_000)
        assert page.evaluate("document.body.dataset.saved") == "yes"
        assert post.read_text() == EDITED  # the file on disk changed

        out = tmp_path / "native"
        report = build(site, out, make_renderer("native"), build_time=BUILD_TIME)
        assert report.written, [d.format() for d in report.diagnostics]
        built = site_files(out)
        pages = [p for p, body in built.items() if b"marker-7f3a" in body and p.startswith("posts/")]
        assert len(pages) == 1, (sorted(built), [d.format() for d in report.diagnostics])
        page_path = pages[0]
        assert preview.encode("utf-8") == built[page_path]  # the preview is the native render, byte for byte
        assert errors == []


@pytest.mark.node
@pytest.mark.wasm
@pytest.mark.browser
@pytest.mark.slow
def test_diagnostics_show_with_their_line_numbers(browser, tmp_path):
    node_tool(lambda: jco_command())  # the preview runs the component's JS export (made with jco)
    site = small_site(tmp_path)
    with ServerThread(site, ServeOptions(engine="native", live_reload=False)) as server:
        page = browser.new_page()
        page.goto(f"{server.url}/__wasmblog/edit/p0.md")
        page.wait_for_function("document.body.dataset.rendered", timeout=180_000)
        page.fill("#source", BROKEN)
        page.wait_for_function("document.querySelectorAll('#diagnostics li').length > 0", timeout=60_000)
        shown = page.locator("#diagnostics li").first
        snap = server.app.host.snapshot
        native = make_renderer("native").parse_posts([Source("posts/p0.md", BROKEN.encode())], snap.config,
                                                     snap.site.tzif).diagnostics[0]
        assert shown.inner_text() == f"line {native.line}: {native.severity}: {native.message}"
        assert native.line == 3  # the date line
        assert "✖ 3" in page.inner_text("#gutter")


@pytest.mark.browser
@pytest.mark.slow
def test_a_save_outside_posts_is_refused(browser, tmp_path):
    site = small_site(tmp_path)
    config = (site / "site.toml").read_text()
    with ServerThread(site, ServeOptions(engine="native", live_reload=False)) as server:
        page = browser.new_page()
        page.goto(f"{server.url}/__wasmblog/edit/p0.md")
        token = json.loads(page.inner_text("#wasmblog-editor"))["token"]
        for path in ("../site.toml", "posts/../site.toml", "site.toml", "/etc/passwd", "posts/new.txt"):
            status = page.evaluate("""async ([path, token]) => (await fetch('/__wasmblog/save', {method: 'POST',
                headers: {'Content-Type': 'application/json', 'X-Wasmblog-Token': token},
                body: JSON.stringify({path, text: 'owned'})})).status""", [path, token])
            assert status == 403, path
        assert (site / "site.toml").read_text() == config


def test_saves_need_the_token_and_a_same_origin_page(tmp_path):
    site = small_site(tmp_path)
    before = (site / "posts" / "p0.md").read_text()
    with ServerThread(site, ServeOptions(engine="native", live_reload=False)) as server:
        body = json.dumps({"path": "posts/p0.md", "text": "owned"})
        for headers in ({}, {"X-Wasmblog-Token": "guess"},
                        {"X-Wasmblog-Token": _token(server), "Origin": "http://evil.example"},
                        {"X-Wasmblog-Token": _token(server), "Host": "evil.example"}):
            got = _post(server.port, body, headers)
            assert got == 403, headers
        assert (site / "posts" / "p0.md").read_text() == before
        assert _post(server.port, body, {"X-Wasmblog-Token": _token(server)}) == 200
        assert (site / "posts" / "p0.md").read_text() == "owned"
        assert request(server.port, "/__wasmblog/site.json?post=posts/p0.md").status == 403  # token needed


def test_the_editor_is_off_when_not_on_loopback_or_when_asked(tmp_path):
    site = small_site(tmp_path)
    assert ServeOptions().resolved("0.0.0.0").editor_token == ""
    assert ServeOptions(editor=True).resolved("0.0.0.0").editor_token == ""
    assert ServeOptions(editor=False).resolved("127.0.0.1").editor_token == ""
    with ServerThread(site, ServeOptions(engine="native", editor=False)) as server:
        assert request(server.port, "/__wasmblog/edit/p0.md").status == 404


def test_only_existing_post_files_under_posts_can_be_written(tmp_path):
    site = small_site(tmp_path)
    write_post(site, "deep/inner.md", "Inner", "x")
    (site / "posts" / "link.md").symlink_to(site / "site.toml")
    assert post_file(site, "posts/p0.md") == (site / "posts" / "p0.md").resolve()
    assert post_file(site, "posts/deep/inner.md") is not None
    for rel in ("posts/../site.toml", "../site.toml", "site.toml", "posts/link.md", "posts/missing.md",
                "posts/deep", "posts//p0.md", "posts/./p0.md", "posts\\p0.md", "/posts/p0.md"):
        assert post_file(site, rel) is None, rel


def _post(port: int, body: str, headers: dict[str, str]) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/__wasmblog/save", body=body.encode(),
                     headers={"Content-Type": "application/json", **headers})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()
