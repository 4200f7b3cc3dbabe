"""Search in Japanese and Chinese, in a real browser (headless Chromium, Playwright, as
test_search_browser.py): text without spaces between words is indexed and queried as character
bigrams (renderer.search.tokenize and the script alike), so a word of a post finds it; the page's
own words are the site language's (the theme's translation tables, renderer/i18n).
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from playwright.sync_api import Browser, Page

from servekit import EPOCH, write_post
from wasm_host.serve import ServeOptions, ServerThread

RESULT_LINKS = "#search-results a"

JAPANESE = "東京の天気予報によると、明日は晴れるでしょう。桜の開花も近いそうです。"
CHINESE = "北京的图书馆收藏了许多珍贵的古籍，每年都有很多读者来参观。"
ENGLISH = "A post in English about libraries and the weather."


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture(scope="module")
def cjk_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("cjk") / "site"
    site.mkdir()
    (site / "site.toml").write_text('title = "ブログ"\nbase_url = "https://example.org/"\nlanguage = "ja"\n',
                                    encoding="utf-8")
    write_post(site, "tenki.md", "天気のメモ", JAPANESE, date="2026-12-07T10:00:00Z")
    write_post(site, "tushuguan.md", "图书馆笔记", CHINESE, date="2026-12-06T10:00:00Z")
    write_post(site, "english.md", "In English", ENGLISH, date="2026-12-05T10:00:00Z")
    with ServerThread(site, ServeOptions(engine="native")) as server:
        yield server


class Tab:
    """A page that records script errors and every request it makes."""

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context()
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("request", lambda req: self.requests.append(req.url))

    def results(self) -> list[str]:
        return self.page.eval_on_selector_all(RESULT_LINKS, "links => links.map(a => a.getAttribute('href'))")

    def close(self) -> None:
        self.context.close()


def search(server: ServerThread, tab: Tab, query: str) -> list[str]:
    tab.page.goto(f"{server.url}/search/?q={quote(query)}", wait_until="load")
    tab.page.wait_for_function("document.getElementById('search-status').textContent !== '' && "
                               "!document.getElementById('search-status').textContent.includes('…')")
    return tab.results()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(("query", "url"), [
    ("天気", "/posts/tenki/"),  # a word of the Japanese post (in its title too)
    ("予報", "/posts/tenki/"),  # a word only in its text
    ("開花", "/posts/tenki/"),
    ("晴れる", "/posts/tenki/"),  # kanji and kana: bigrams across the scripts
    ("图书馆", "/posts/tushuguan/"),  # a word of the Chinese post
    ("古籍", "/posts/tushuguan/"),
    ("读者", "/posts/tushuguan/"),
    ("参观", "/posts/tushuguan/"),
])
def test_a_word_of_a_japanese_or_chinese_post_finds_that_post(browser, cjk_site, query, url):
    tab = Tab(browser)
    assert search(cjk_site, tab, query) == [url]
    assert tab.errors == []
    tab.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_cjk_word_that_no_post_has_finds_nothing_though_its_characters_occur(browser, cjk_site):
    tab = Tab(browser)
    # 京 and 天 are both in the Japanese post, but never side by side: no bigram 京天
    assert search(cjk_site, tab, "京天") == []
    assert "一致する記事はありません" in tab.page.inner_text("#search-status")  # the page's language
    assert tab.errors == []
    tab.close()


@pytest.mark.browser
@pytest.mark.slow
def test_one_character_finds_the_posts_with_a_bigram_it_begins_and_latin_words_work_as_before(browser, cjk_site):
    tab = Tab(browser)
    assert search(cjk_site, tab, "桜") == ["/posts/tenki/"]
    assert search(cjk_site, tab, "weather") == ["/posts/english/"]
    assert search(cjk_site, tab, "librar") == ["/posts/english/"]
    assert tab.errors == []
    tab.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_search_page_speaks_the_sites_language(browser, cjk_site):
    tab = Tab(browser)
    assert search(cjk_site, tab, "天気") == ["/posts/tenki/"]
    assert tab.page.inner_text("label[for=search-input]") == "3 件の記事を検索"
    assert tab.page.inner_text("#search-status") == "「天気」に一致する記事: 1 件。"
    assert tab.page.inner_text("button[type=submit]") == "検索"
    index = json.loads(tab.page.request.get(cjk_site.url + "/search-index.json").text())
    assert [post["day"] for post in index["posts"]] == ["2026年12月7日", "2026年12月6日", "2026年12月5日"]
    assert tab.errors == []
    tab.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_cjk_site_loads_nothing_from_elsewhere(browser, cjk_site):
    tab = Tab(browser)
    tab.page.goto(f"{cjk_site.url}/search/?q={quote('图书馆')}", wait_until="load")
    tab.page.wait_for_selector(RESULT_LINKS)
    assert all(u.startswith(cjk_site.url) for u in tab.requests)
    tab.close()


# A real many-language site (opentelemetry.io's blog, vendored in tests/hugo/sites/otel: a content folder
# per language): each language's search page searches that language's posts only.
OTEL = Path(__file__).resolve().parents[1] / "hugo" / "sites" / "otel"


@pytest.fixture(scope="module")
def otel_site():
    with ServerThread(OTEL, ServeOptions(engine="wasm")) as server:
        yield server


def search_in(server: ServerThread, tab: Tab, lang: str, query: str) -> list[str]:
    tab.page.goto(f"{server.url}/{lang}/search/?q={quote(query)}", wait_until="load")
    tab.page.wait_for_function("document.getElementById('search-status').textContent !== '' && "
                               "!document.getElementById('search-status').textContent.includes('…')")
    return tab.results()


@pytest.mark.browser
@pytest.mark.wasm
@pytest.mark.slow
@pytest.mark.parametrize(("lang", "query", "url"), [
    ("ja", "削除時期", "/ja/blog/2026/deprecating-opentracing-compatibility/"),  # words of one Japanese post only
    ("ja", "非推奨", "/ja/blog/2026/deprecating-opentracing-compatibility/"),
    ("zh", "页面翻译", "/zh/blog/2024/docs-localized/"),  # of the Chinese post on the localized docs
])
def test_a_word_of_a_real_japanese_or_chinese_post_finds_it_on_its_languages_search_page(browser, otel_site,
                                                                                         lang, query, url):
    tab = Tab(browser)
    found = search_in(otel_site, tab, lang, query)
    assert url in found and all(u.startswith(f"/{lang}/") for u in found)
    assert (tab.page.get_attribute("html", "lang") or "").startswith(lang)  # ja, zh-CN: the language's code
    assert tab.errors == []
    tab.close()
