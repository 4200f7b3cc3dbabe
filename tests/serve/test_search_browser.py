"""Search in a real browser: the script on /search/, in headless Chromium (Debian's ``chromium``) driven
by Playwright, against `wasmblog serve` (wasm engine, a fresh sandbox per page).

The sample site is served under a sub-path (``base_url = https://example.org/blog/``), so the
page, its script and the index must all keep the prefix; the page may load nothing from any
other origin (it works offline). The script's tokenizer is checked against the index's
(renderer.search.tokenize) on text in many scripts.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, Page

from renderer.search import tokenize, vlq
from servekit import EPOCH, sample_copy, write_post
from sitekit import postings
from wasm_host.serve import ServeOptions, ServerThread

RESULT_LINKS = "#search-results a"


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The sample site under /blog/, served (natively: what is tested here is the search script)."""
    site = sample_copy(tmp_path_factory.mktemp("search"))
    config = (site / "site.toml").read_text()
    (site / "site.toml").write_text(config.replace('base_url = "https://example.org/"',
                                                   'base_url = "https://example.org/blog/"'))
    with ServerThread(site, ServeOptions(engine="native")) as server:
        yield server


class Tab:
    """A page that records script errors and every request it makes."""

    def __init__(self, browser: Browser, javascript: bool = True) -> None:
        self.context = browser.new_context(java_script_enabled=javascript)
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("request", lambda req: self.requests.append(req.url))
        self.page.on("response", lambda resp: resp.status >= 400 and self.errors.append(f"{resp.status} {resp.url}"))

    def results(self) -> list[str]:
        return self.page.eval_on_selector_all(RESULT_LINKS, "links => links.map(a => a.getAttribute('href'))")

    def close(self) -> None:
        self.context.close()


def index_of(server: ServerThread, tab: Tab) -> dict:
    return json.loads(tab.page.request.get(server.url + "/blog/search-index.json").text())


def unique_word(index: dict) -> tuple[str, str]:
    """A word that appears in exactly one post, and that post's URL."""
    for term, encoded in zip(index["terms"], index["postings"], strict=True):
        numbers = postings(encoded)
        if len(numbers) == 2 and len(term) >= 8 and term.isalpha() and term.isascii():
            return term, index["posts"][numbers[0]]["url"]
    raise AssertionError("no word of one post only")


@pytest.mark.browser
@pytest.mark.slow
def test_a_word_of_one_post_only_finds_that_post_first(browser, served):
    tab = Tab(browser)
    word, url = unique_word(index_of(served, tab))
    tab.page.goto(f"{served.url}/blog/search/?q={quote(word)}", wait_until="load")
    tab.page.wait_for_selector(RESULT_LINKS)
    first = tab.page.eval_on_selector("main", "m => m.querySelector(\"a[href*='/posts/']\").getAttribute('href')")
    assert first == url == tab.results()[0]
    assert tab.page.query_selector("#search-all") is None  # the list for readers without JavaScript: removed
    assert "1 post matches" in tab.page.inner_text("#search-status")
    assert {urlsplit(u).netloc for u in tab.requests} == {urlsplit(served.url).netloc}  # nothing from elsewhere
    assert tab.errors == []
    tab.close()


@pytest.mark.browser
@pytest.mark.slow
def test_typing_matches_prefixes_as_you_type_and_keeps_the_query_in_the_url(browser, served):
    tab = Tab(browser)
    tab.page.goto(f"{served.url}/blog/search/", wait_until="load")
    tab.page.wait_for_function("document.getElementById('search-status').textContent === ''")  # index loaded
    assert tab.page.query_selector("#search-all") is None and tab.results() == []
    box = tab.page.locator("#search-input")
    assert tab.page.evaluate("document.activeElement.id") == "search-input"  # focused, ready to type
    box.press_sequentially("sandb")
    tab.page.wait_for_selector(RESULT_LINKS)
    partial = tab.results()
    assert tab.page.evaluate("location.search") == "?q=sandb"
    assert set(partial) == posts_with_prefix(index_of(served, tab), "sandb") and len(partial) >= 2
    box.press_sequentially("oxes wasm")
    tab.page.wait_for_function("location.search === '?q=sandboxes+wasm'")
    assert set(tab.results()) <= set(partial)  # every word must match: fewer results, never more
    assert tab.errors == []
    tab.close()


def posts_with_prefix(index: dict, prefix: str) -> set[str]:
    """URLs of the posts that have a term beginning with ``prefix``, from the index's postings."""
    found = set()
    for term, encoded in zip(index["terms"], index["postings"], strict=True):
        if term.startswith(prefix):
            numbers = postings(encoded)
            doc = 0
            for i in range(0, len(numbers), 2):
                doc += numbers[i]
                found.add(index["posts"][doc]["url"])
    return found


@pytest.mark.browser
@pytest.mark.slow
def test_the_keyboard_moves_between_the_box_and_the_results(browser, served):
    tab = Tab(browser)
    tab.page.goto(f"{served.url}/blog/search/?q=wasm", wait_until="load")
    tab.page.wait_for_selector(RESULT_LINKS)
    links = tab.results()
    assert len(links) >= 3
    tab.page.focus("#search-input")
    tab.page.keyboard.press("ArrowDown")
    assert tab.page.evaluate("document.activeElement.getAttribute('href')") == links[0]
    tab.page.keyboard.press("ArrowDown")
    assert tab.page.evaluate("document.activeElement.getAttribute('href')") == links[1]
    tab.page.keyboard.press("ArrowUp")
    tab.page.keyboard.press("ArrowUp")
    assert tab.page.evaluate("document.activeElement.id") == "search-input"
    tab.page.keyboard.press("Escape")
    assert tab.page.input_value("#search-input") == "" and tab.results() == []
    tab.page.goto(f"{served.url}/blog/search/?q=wasm", wait_until="load")
    tab.page.wait_for_selector(RESULT_LINKS)
    tab.page.focus("#search-input")
    tab.page.keyboard.press("ArrowDown")
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_url(f"{served.url}{links[0]}")
    assert tab.errors == []
    tab.close()


@pytest.mark.browser
@pytest.mark.slow
def test_without_javascript_the_page_lists_every_post(browser, served):
    tab = Tab(browser, javascript=False)
    tab.page.goto(f"{served.url}/blog/search/?q=wasm", wait_until="load")
    listed = tab.page.eval_on_selector_all("#search-all a", "links => links.map(a => a.getAttribute('href'))")
    assert len(listed) == 10 and all(href.startswith("/blog/posts/") for href in listed)
    first = tab.page.eval_on_selector("main", "m => m.querySelector(\"a[href*='/posts/']\").getAttribute('href')")
    assert first == listed[0]
    assert tab.page.is_visible("#search-all")
    tab.close()


@pytest.mark.browser
@pytest.mark.slow
def test_when_the_index_cannot_load_the_list_of_every_post_comes_back(browser, served):
    tab = Tab(browser)
    tab.page.route("**/search-index.json", lambda route: route.abort())
    tab.page.goto(f"{served.url}/blog/search/?q=wasm", wait_until="load")
    tab.page.wait_for_function("document.getElementById('search-status').textContent.includes('unavailable')")
    listed = tab.page.eval_on_selector_all("#search-all a", "links => links.map(a => a.getAttribute('href'))")
    assert len(listed) == 10 and tab.results() == []
    tab.close()


TEXTS = [
    "Hello, World! WASM_2023 is-here", "Café NAÏVE ﬁne ＷＡＳＭ ①²", "ΟΔΟΣ Σίσυφος Москва İstanbul Ǆemal",
    "日本語のテキスト、ｶﾀｶﾅ and 한국어 text", "Straße ß ẞ ŉ ǰ ﬀ", "emoji 🎉 ok ‘quotes’ “double” — dash",
    "Ελληνικά ΆΈΉ Ὀδυσσεύς", "עברית ערבית العربية", "हिन्दी देवनागरी", "x" * 40 + " " + "ü" * 40,
    "tab\tnewline\nnbsp\u00a0end", "½ ⅓ Ⅻ ⑳", "a.b/c:d@e", "ﬃ ﬄ Å Ω K", "ǅungla ǈudi ǋ",
    "中文全文搜索，繁體字與简体字 日 x 本", "ガギグ がぎぐ ﾊﾟﾋﾟ 東京タワー2026年",
]


@pytest.mark.browser
@pytest.mark.slow
def test_the_script_tokenizes_queries_as_the_index_tokenizes_posts(browser, served):
    tab = Tab(browser)
    tab.page.goto(f"{served.url}/blog/search/", wait_until="load")
    tab.page.wait_for_function("window.wasmblogSearch !== undefined")
    in_browser = tab.page.evaluate("texts => texts.map(t => window.wasmblogSearch.tokenize(t))", TEXTS)
    assert in_browser == [tokenize(text) for text in TEXTS]
    tab.close()


NUMBERS = [0, 1, 2, 31, 32, 33, 1023, 1024, 99_999, 2**31 + 5, 0]


@pytest.mark.browser
@pytest.mark.slow
def test_the_script_reads_postings_as_the_build_writes_them(browser, served):
    tab = Tab(browser)
    tab.page.goto(f"{served.url}/blog/search/", wait_until="load")
    tab.page.wait_for_function("window.wasmblogSearch !== undefined")
    assert tab.page.evaluate("text => window.wasmblogSearch.numbers(text)", vlq(NUMBERS)) == NUMBERS
    tab.close()


@pytest.mark.browser
@pytest.mark.slow
def test_results_are_ranked_by_term_frequency_with_title_and_tag_boosts(browser, tmp_path):
    site = tmp_path / "ranked"
    site.mkdir()
    (site / "site.toml").write_text('title = "Ranked"\nbase_url = "https://example.org/"\n')
    write_post(site, "once.md", "One mention", "A zebra.", date="2024-01-05T10:00:00Z")
    write_post(site, "thrice.md", "Three mentions", "A zebra, a zebra and a zebra.", date="2024-01-04T10:00:00Z")
    write_post(site, "titled.md", "The zebra post", "Stripes.", date="2024-01-03T10:00:00Z")
    write_post(site, "tagged.md", "Tagged", "Horses and a zebra.", date="2024-01-02T10:00:00Z",
               extra="tags: [zebra]\n")
    write_post(site, "other.md", "Unrelated", "Nothing here.", date="2024-01-01T10:00:00Z")
    with ServerThread(site, ServeOptions(engine="native")) as server:
        tab = Tab(browser)
        tab.page.goto(f"{server.url}/search/?q=zebra", wait_until="load")
        tab.page.wait_for_selector(RESULT_LINKS)
        assert tab.results() == ["/posts/titled/", "/posts/tagged/", "/posts/thrice/", "/posts/once/"]
        tab.page.goto(f"{server.url}/search/?q=zeb", wait_until="load")  # a prefix: the same posts
        tab.page.wait_for_selector(RESULT_LINKS)
        assert tab.results() == ["/posts/titled/", "/posts/tagged/", "/posts/thrice/", "/posts/once/"]
        tab.page.goto(f"{server.url}/search/?q=zebra+stripes", wait_until="load")  # every word must match
        tab.page.wait_for_selector(RESULT_LINKS)
        assert tab.results() == ["/posts/titled/"]
        tab.page.goto(f"{server.url}/search/?q=okapi", wait_until="load")
        tab.page.wait_for_function("document.getElementById('search-status').textContent.includes('No posts')")
        assert tab.results() == []
        assert tab.errors == []
        tab.close()


def test_the_search_script_is_package_data_next_to_the_templates():
    script = Path(__import__("renderer").__file__).parent / "themes" / "default" / "templates" / "search.js"
    text = script.read_text(encoding="utf-8")
    assert "fetch(" in text and "http://" not in text and "https://" not in text  # no CDN, nothing remote
