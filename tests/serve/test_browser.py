"""A real browser against `wasmblog serve`: headless Chromium (Debian's ``chromium``) driven by Playwright.

The browser loads the served sample site, follows a link to a post, and
saves screenshots into the test's tmp folder; every request it makes must
succeed and every image must load. A second test edits a post while the
page is open and waits for live reload to show the change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from servekit import EPOCH, sample_copy, small_site, write_post
from sitekit import BACKSTOP, eventually
from wasm_host.serve import ServeOptions, ServerThread

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


class Watched:
    """A page whose failed requests, HTTP errors and script errors are recorded."""

    def __init__(self, browser: Browser) -> None:
        self.page: Page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.problems: list[str] = []
        self.page.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))
        self.page.on("requestfailed", lambda req: self.problems.append(f"failed: {req.url} {req.failure}"))
        self.page.on("response", lambda resp: resp.status >= 400 and self.problems.append(
            f"HTTP {resp.status}: {resp.url}"))

    def images_loaded(self) -> bool:
        """Whether every image of the page loads and decodes. Lazy images below the fold do not hold up
        the load event, so each is asked for now and awaited: a wait for the images, not for time."""
        return self.page.evaluate("""async () => {
            const images = Array.from(document.images);
            images.forEach(i => { i.loading = "eager"; });
            const decoded = await Promise.allSettled(images.map(i => i.decode()));
            return decoded.every(d => d.status === "fulfilled") && images.every(i => i.naturalWidth > 0);
        }""")


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 5000, path


@pytest.mark.browser
@pytest.mark.wasm
@pytest.mark.slow
def test_chromium_loads_the_site_follows_a_link_and_takes_screenshots(browser, tmp_path):
    site = sample_copy(tmp_path)
    with ServerThread(site, ServeOptions(engine="wasm")) as server:
        tab = Watched(browser)
        page = tab.page
        page.goto(server.url + "/", wait_until="load")
        assert page.locator("h1, .site-title").first.is_visible()
        page.screenshot(path=tmp_path / "home.png", full_page=True)

        link = page.locator("main a[href*='/posts/']").first
        href = link.get_attribute("href")
        assert href
        with page.expect_navigation(wait_until="load"):  # the new page committed and loaded, not the old one
            link.click()
        assert page.url.endswith(href)
        heading = page.locator("h1").first.inner_text()
        assert heading.strip()
        assert tab.images_loaded()
        page.screenshot(path=tmp_path / "post.png", full_page=True)

        # a post with figures, if the sample site has one
        figures = page.request.get(server.url + "/posts/ling-remembered/")
        if figures.status == 200:
            page.goto(server.url + "/posts/ling-remembered/", wait_until="load")
            assert page.locator("main img").count() > 0 and tab.images_loaded()
            page.screenshot(path=tmp_path / "figures.png", full_page=True)
        assert tab.problems == [], tab.problems
        page.close()
    for name in ("home.png", "post.png"):
        assert_png(tmp_path / name)
    assert server.app.stats.faults == 0


@pytest.mark.browser
@pytest.mark.slow
def test_live_reload_shows_an_edit_in_the_open_tab(browser, tmp_path):
    site = small_site(tmp_path)
    with ServerThread(site, ServeOptions(engine="native", mode="static")) as server:
        tab = Watched(browser)
        page = tab.page
        page.goto(server.url + "/posts/p1/", wait_until="load")
        assert "Post number 1" in page.locator("h1").first.inner_text()
        assert server.app.live is not None
        eventually(lambda: server.app.live.clients > 0, "the tab's event stream connected")
        write_post(site, "p1.md", "Edited while open", "The tab reloads by itself.", date="2024-01-02T10:00:00Z")
        page.wait_for_function("document.querySelector('h1').innerText.includes('Edited while open')",
                               timeout=BACKSTOP * 1000)
        page.screenshot(path=tmp_path / "reloaded.png")
        assert_png(tmp_path / "reloaded.png")
        page.close()
