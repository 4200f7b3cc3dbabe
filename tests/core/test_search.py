"""Search, the build side: the tokenizer, each post's bounded terms, search-index.json and /search/.

The reader's side (the script in a real browser, ranking, the tokenizer agreeing
with this one) is tests/serve/test_search_browser.py.
"""

from __future__ import annotations

import json

import pytest

from renderer import Source
from renderer.search import MAX_TERMS, MAX_TEXT, MAX_TOKEN, TAG_BOOST, TITLE_BOOST, post_terms, tokenize, vlq
from renderer.templates.theme import DEFAULT_THEME
from sitekit import CONFIG, SITES, find_all, get_renderer, postings, render, render_folder, text_of, tzif_for

BASIC = SITES / "basic"


def post(name: str, title: str, body: str, extra: str = "", date: str = "2024-01-01") -> Source:
    return Source(f"posts/{name}.md", f"---\ntitle: {json.dumps(title)}\ndate: {date}\n{extra}---\n{body}\n".encode())


def terms_of(text: str) -> dict[str, int]:
    pairs = text.split(" ")
    return {pairs[i]: int(pairs[i + 1]) for i in range(0, len(pairs), 2)}


def decode(index: dict) -> dict[str, dict[str, int]]:
    """term -> {post url: weight}, from the index's gap-encoded postings."""
    out = {}
    for term, encoded in zip(index["terms"], index["postings"], strict=True):
        numbers = postings(encoded)
        doc, found = 0, {}
        for i in range(0, len(numbers), 2):
            doc += numbers[i]
            found[index["posts"][doc]["url"]] = numbers[i + 1]
        out[term] = found
    return out


# --- the tokenizer -----------------------------------------------------------------------------


def test_words_are_lower_case_runs_of_letters_and_digits():
    assert tokenize("Hello, World! WASM_2023 is-here") == ["hello", "world", "wasm", "2023", "is", "here"]


def test_accents_are_dropped_and_compatibility_forms_folded():
    assert tokenize("Café NAÏVE ﬁne ＷＡＳＭ ①") == ["cafe", "naive", "fine", "wasm", "1"]


def test_greek_cyrillic_and_dotted_capital_i_fold_as_the_script_does():
    assert tokenize("ΟΔΟΣ Москва İstanbul") == ["οδος", "москва", "istanbul"]


def test_han_and_kana_runs_are_cut_into_overlapping_bigrams():
    assert tokenize("日本語のテキスト abc") == ["日本", "本語", "語の", "のテ", "テキ", "キス", "スト", "abc"]


def test_a_lone_han_character_is_its_own_term():
    assert tokenize("第 1 章 日") == ["第", "1", "章", "日"]


def test_chinese_text_is_cut_into_bigrams_between_its_punctuation():
    assert tokenize("全文搜索，简体字") == ["全文", "文搜", "搜索", "简体", "体字"]


def test_latin_text_beside_cjk_text_is_words_as_before():
    # (ブ decomposes to フ and a combining voicing mark, dropped as accents are: both sides fold alike)
    assert tokenize("WebAssembly（ウェブ）2026年") == ["webassembly", "ウェ", "ェフ", "2026", "年"]


def test_cjk_bigrams_are_bounded_apart_from_words():
    """A long Japanese post keeps up to MAX_CJK_TERMS bigrams besides its MAX_TERMS words: the
    bigrams of a rare word are not crowded out by the words (nor the words by the bigrams)."""
    words = " ".join(f"w{i:03d}x" for i in range(MAX_TERMS + 50))
    cjk = "".join(chr(0x4E00 + i) for i in range(400))  # 399 distinct bigrams, each once
    terms = terms_of(post_terms("", "", f"<p>{words} {words} {cjk}</p>", []))
    assert sum(1 for t in terms if t.isascii()) == MAX_TERMS
    assert sum(1 for t in terms if not t.isascii()) == 399


def test_characters_unassigned_in_unicode_14_separate_words_on_every_python():
    # U+11F04 (Kawi, Unicode 15.0) is a letter to the guest's Python 3.14, unassigned to 3.11.
    assert tokenize("ab\U00011F04cd") == ["ab", "cd"]


def test_long_words_are_cut():
    assert tokenize("x" * 100) == ["x" * MAX_TOKEN]
    assert tokenize(f"a {'y' * MAX_TOKEN} b {'z' * (MAX_TOKEN + 1)}") == ["a", "y" * MAX_TOKEN, "b", "z" * MAX_TOKEN]
    assert tokenize(f"é {'ω' * (MAX_TOKEN + 1)}") == ["e", "ω" * MAX_TOKEN]  # non-ASCII text without CJK


# --- a post's terms --------------------------------------------------------------------------


def test_a_posts_terms_are_weighted_by_count_title_and_tags():
    terms = terms_of(post_terms("Sandboxes", "", "<p>sandboxes are <em>small</em> sandboxes and wasm</p>", ["wasm"]))
    assert terms["sandboxes"] == 2 + TITLE_BOOST
    assert terms["wasm"] == 1 + TAG_BOOST
    assert terms["small"] == 1
    assert list(terms)[:2] == ["sandboxes", "wasm"]  # heaviest first


def test_a_posts_terms_are_bounded():
    text = " ".join(f"word{i}" for i in range(MAX_TERMS * 3))
    assert len(terms_of(post_terms("t", "", text, []))) == MAX_TERMS


def test_only_the_start_of_a_long_post_is_read():
    assert "late" not in terms_of(post_terms("t", "", "early " * MAX_TEXT + "late", []))


def test_terms_are_counted_when_posts_are_parsed_and_only_when_search_is_on(engine):
    source = post("p", "Hello", "Some words here.")
    on = engine.parse_posts([source], CONFIG, tzif_for(CONFIG)).posts[0]
    off = engine.parse_posts([source], CONFIG + "[search]\nenabled = false\n", tzif_for(CONFIG)).posts[0]
    assert terms_of(on.search_terms)["hello"] == TITLE_BOOST
    assert off.search_terms == ""


# --- the index and the page --------------------------------------------------------------------


@pytest.fixture
def site(engine):
    return render_folder(engine, BASIC)


def test_the_index_lists_every_published_post_newest_first(site):
    index = json.loads(site["search-index.json"])
    assert [p["title"] for p in index["posts"]] == ["Fifth post", "Fourth post", "Third post", "Second post",
                                                    "First post"]
    first = index["posts"][-1]
    assert first == {"url": "/posts/first/", "title": "First post", "date": "2023-11-01T10:00:00+01:00",
                     "day": "1 November 2023", "tags": ["wasm", "unikernels"], "summary": "The oldest one"}


def test_the_index_is_inverted_with_terms_sorted_as_javascript_compares_them(site):
    index = json.loads(site["search-index.json"])
    assert index["terms"] == sorted(index["terms"], key=lambda t: t.encode("utf-16-be"))
    assert len(index["terms"]) == len(index["postings"]) == len(set(index["terms"]))
    found = decode(index)
    assert found["oldest"] == {"/posts/first/": 1}
    assert found["first"]["/posts/first/"] > TITLE_BOOST  # in the title
    assert found["unikernels"]["/posts/fourth/"] >= TAG_BOOST  # a tag


def test_drafts_and_future_posts_stay_out_of_the_index(site):
    text = site["search-index.json"]
    assert "Draft post" not in text and "Future post" not in text
    assert "drafts" not in json.loads(text)["terms"]


def test_the_search_page_lists_every_post_for_readers_without_javascript(site):
    doc = site.html("search/index.html")
    main = find_all(doc, "main")[0]
    titles = [text_of(a) for a in find_all(main, "section", id="search-all")[0].iter("a")]
    assert titles == ["Fifth post", "Fourth post", "Third post", "Second post", "First post"]
    form = find_all(main, "form", class_="search-form")[0]
    assert form.get("method") == "get" and form.get("action") == "/search/"
    assert form.get("data-index") == "/search-index.json"
    assert [i.get("name") for i in form.iter("input")] == ["q"]
    assert [s.get("src") for s in doc.iter("script") if s.get("src")] == ["/js/search.js"]


def test_the_script_is_the_theme_file_as_it_is(site):
    assert site["js/search.js"] == DEFAULT_THEME["search.js"]


def test_every_page_links_to_the_search_page(site):
    nav = find_all(site.html("posts/first/index.html"), "nav", **{"aria-label": "Main"})[0]
    assert "/search/" in [a.get("href") for a in nav.iter("a")]


def test_search_can_be_turned_off(engine):
    site = render(engine, ["more.md"], CONFIG + "[search]\nenabled = false\n")
    assert not site.errors
    assert not {"search/index.html", "search-index.json", "js/search.js"} & set(site.files)
    assert "/search/" not in site["index.html"]


def test_under_a_sub_path_the_page_the_index_and_the_script_keep_the_prefix(engine):
    site = render(engine, [post("p", "Prefixed", "Body.")], CONFIG.replace('"https://example.org/"',
                                                                           '"https://example.org/blog/"'))
    form = find_all(site.html("search/index.html"), "form")[0]
    assert (form.get("action"), form.get("data-index")) == ("/blog/search/", "/blog/search-index.json")
    assert json.loads(site["search-index.json"])["posts"][0]["url"] == "/blog/posts/p/"
    assert 'src="/blog/js/search.js"' in site["search/index.html"]


@pytest.mark.wasm
def test_both_engines_write_the_same_index_for_text_the_pythons_classify_differently(native):
    sources = [post("new", "Kawi \U00011F04 and Garay \U00010D40", "Unassigned in 14.0: \U00011F04x y\U00010D40z. "
                    "Accents: Ёлка, Ǆemal, ŉ, ß, ﬀ; 日本語.", 'tags: ["Ǆ", "ǅ"]\n')]
    wasm = render(get_renderer("wasm"), sources)
    assert render(native, sources)["search-index.json"] == wasm["search-index.json"]


def test_postings_are_written_as_base64_vlq():
    assert vlq([0, 1, 33, 2]) == "ABhBC"  # 33 = 1 + 32: low five bits with "more follows", then 1
    assert postings(vlq([0, 31, 32, 1024, 2**40])) == [0, 31, 32, 1024, 2**40]
    assert vlq([]) == ""
