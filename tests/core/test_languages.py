"""A site in several languages: ``[languages.KEY]`` in site.toml, translations by file name and by content
folder, each language under its prefix, and every page linked to its translations (issue 19)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from renderer import Source
from renderer.config import parse_config
from renderer.languages import for_language, language_of, languages
from sitekit import parse_html, render, render_folder

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
TWO = """\
title = "A blog"
base_url = "https://example.org/"
language = "en-GB"
default_language = "en"

[languages.en]
name = "English"
weight = 1

[languages.fr]
name = "Français"
title = "Un blog"
description = "En français"
weight = 2

[[languages.fr.menu]]
name = "À propos"
url = "/fr/about/"

[languages.fr.params]
greeting = "Bonjour"
"""


def post(path: str, title: str, extra: str = "", body: str = "Text.") -> Source:
    return Source(path, f"---\ntitle: {title}\ndate: 2024-05-01\ntags: [wasm]\n{extra}---\n{body}\n".encode())


def alternates(html: str) -> list[tuple[str | None, str | None]]:
    doc = parse_html(html)
    return [(link.get("hreflang"), link.get("href")) for link in doc.iter("link")
            if link.get("rel") == "alternate" and link.get("hreflang")]


def test_a_site_toml_without_languages_has_none():
    config, diags = parse_config('title = "x"\n')
    assert config.languages_json == "" and languages(config) is None and not diags


def test_the_languages_table_is_read_in_weight_order_with_the_default_language_at_the_top():
    config, diags = parse_config(TWO)
    assert not diags
    langs = languages(config)
    assert langs is not None and langs.default == "en" and not langs.in_subdir
    assert [(lang.key, lang.name, lang.prefix) for lang in langs.languages] == \
        [("en", "English", ""), ("fr", "Français", "fr/")]
    french = for_language(config, "fr")
    assert (french.title, french.description, french.language, french.base_url) == \
        ("Un blog", "En français", "fr", "https://example.org/fr/")
    assert json.loads(french.params_json) == {"greeting": "Bonjour"}
    assert [(m.name, m.url) for m in french.menu] == [("À propos", "/fr/about/")]


def test_wrong_language_settings_are_errors_that_name_the_key():
    _, diags = parse_config('[languages.fr]\nweight = "two"\ndirection = "down"\n[languages.EN]\n')
    messages = [d.message for d in diags]
    assert "'languages.fr.weight' must be an integer, not a string" in messages
    assert "'languages.fr.direction' must be 'ltr' or 'rtl'" in messages
    assert any(m.startswith("language 'EN' must be a language code in lower case") for m in messages)


def test_a_file_belongs_to_the_language_of_its_name_or_of_its_content_folder():
    config, _ = parse_config(TWO + '[languages.ja]\nname = "日本語"\ncontent_dir = "ja"\n'
                                   '[languages.de]\ndisabled = true\n')
    assert language_of(config, "posts/a.md") == ("en", "posts/a.md")
    assert language_of(config, "posts/a.fr.md") == ("fr", "posts/a.md")
    assert language_of(config, "posts/b/index.fr.md") == ("fr", "posts/b/index.md")
    assert language_of(config, "ja/posts/c.md") == ("ja", "ja/posts/c.md")
    assert language_of(config, "posts/a.de.md") == ("", "posts/a.md")  # a disabled language's: not built
    assert language_of(config, "posts/v1.2.md") == ("en", "posts/v1.2.md")  # not a language


def test_each_language_is_built_under_its_prefix_and_untranslated_posts_stay_in_their_language(engine):
    site = render(engine, [post("posts/hello.md", "Hello"), post("posts/hello.fr.md", "Bonjour"),
                           post("posts/only-english.md", "Only English")], TWO)
    assert not site.errors, site.errors
    assert {"posts/hello/index.html", "fr/posts/hello/index.html", "posts/only-english/index.html"} <= set(site.files)
    assert "fr/posts/only-english/index.html" not in site.files
    for prefix in ("", "fr/"):
        assert {f"{prefix}index.html", f"{prefix}index.xml", f"{prefix}atom.xml", f"{prefix}feed.json",
                f"{prefix}tags/wasm/index.html", f"{prefix}search/index.html", f"{prefix}search-index.json",
                f"{prefix}404.html"} <= set(site.files)
    assert {"en/sitemap.xml", "fr/sitemap.xml", "sitemap.xml", "robots.txt", "css/style.css",
            "js/search.js"} <= set(site.files)
    assert not {"fr/robots.txt", "fr/css/style.css", "fr/js/search.js"} & set(site.files)  # once, for all
    assert 'href="/css/style.css"' in site["fr/index.html"] and 'src="/js/search.js"' in site["fr/search/index.html"]
    french = parse_html(site["fr/posts/hello/index.html"])
    assert french.get("lang") == "fr" and french.get("dir") == "ltr"
    assert "Un blog" in site["fr/index.html"] and "Bonjour" in site["fr/index.html"]
    assert "Only English" not in site["fr/index.html"]


def test_a_page_links_its_translations_both_ways_with_an_x_default(engine):
    site = render(engine, [post("posts/hello.md", "Hello"), post("posts/hello.fr.md", "Bonjour")], TWO)
    both = [("en-GB", "https://example.org/posts/hello/"), ("fr", "https://example.org/fr/posts/hello/"),
            ("x-default", "https://example.org/posts/hello/")]
    assert alternates(site["posts/hello/index.html"]) == both
    assert alternates(site["fr/posts/hello/index.html"]) == both
    assert alternates(site["fr/tags/wasm/index.html"])[1] == ("fr", "https://example.org/fr/tags/wasm/")
    assert '<meta property="og:locale" content="fr">' in site["fr/posts/hello/index.html"]
    assert '<meta property="og:locale:alternate" content="en_GB">' in site["fr/posts/hello/index.html"]
    switcher = parse_html(site["fr/posts/hello/index.html"]).iter("nav")
    links = [(a.get("href"), a.get("aria-current")) for nav in switcher if nav.get("class") == "languages"
             for a in nav.iter("a")]
    assert links == [("/posts/hello/", None), ("/fr/posts/hello/", "true")]


def test_translation_key_links_pages_whose_paths_differ(engine):
    site = render(engine, [post("posts/hello.md", "Hello", "translationKey: greeting\n"),
                           post("posts/salut.fr.md", "Salut", "translationKey: greeting\n")], TWO)
    assert ("fr", "https://example.org/fr/posts/salut/") in alternates(site["posts/hello/index.html"])
    assert not [w for w in site.warnings if "translationKey" in w]


def test_the_sitemap_index_lists_each_language_sitemap(engine):
    site = render(engine, [post("posts/hello.md", "Hello"), post("posts/hello.fr.md", "Bonjour")], TWO)
    index = parse_html(site["sitemap.xml"].split("\n", 1)[1])
    assert [loc.text for loc in index.iter() if loc.tag.endswith("loc")] == \
        ["https://example.org/en/sitemap.xml", "https://example.org/fr/sitemap.xml"]
    assert "https://example.org/fr/posts/hello/" in site["fr/sitemap.xml"]
    assert "https://example.org/posts/hello/" in site["en/sitemap.xml"]
    sitemap = ET.fromstring(site["fr/sitemap.xml"].encode())
    entry = next(u for u in sitemap if u.findtext(SITEMAP + "loc") == "https://example.org/fr/posts/hello/")
    assert [(x.get("hreflang"), x.get("href")) for x in entry.iter("{http://www.w3.org/1999/xhtml}link")] == [
        ("en-GB", "https://example.org/posts/hello/"), ("fr", "https://example.org/fr/posts/hello/")]


def test_the_default_language_in_a_subfolder_and_the_root_redirects_to_it(engine):
    config = TWO.replace('default_language = "en"', 'default_language = "en"\ndefault_language_in_subdir = true')
    site = render(engine, [post("posts/hello.md", "Hello"), post("posts/hello.fr.md", "Bonjour")], config)
    assert {"en/posts/hello/index.html", "fr/posts/hello/index.html", "robots.txt"} <= set(site.files)
    assert "posts/hello/index.html" not in site.files
    assert 'href="https://example.org/en/"' in site["index.html"]


def test_root_relative_links_in_a_translation_are_not_moved_under_its_prefix(engine):
    site = render(engine, [post("posts/hello.fr.md", "Bonjour", body="![x](/images/x.png) [a](/about/)")], TWO)
    page = site["fr/posts/hello/index.html"]
    assert 'src="/images/x.png"' in page and 'href="/about/"' in page


def test_go_shortcodes_see_the_page_language_and_the_site_languages(engine):
    shortcode = ("{{ .Page.Lang }}|{{ .Page.Language.LanguageName }}|{{ site.Language.LanguageCode }}|"
                 "{{ range site.Languages }}{{ .Lang }}:{{ .Weight }} {{ end }}")
    site = render(engine, [post("posts/hello.fr.md", "Bonjour", body="{{< lang >}}"),
                           post("posts/hello.md", "Hello", body="{{< lang >}}")],
                  TWO, {"go:shortcodes/lang.html": shortcode})
    assert not site.errors, site.errors
    assert "fr|Français|fr|en:1 fr:2" in site["fr/posts/hello/index.html"]
    assert "en|English|en-GB|en:1 fr:2" in site["posts/hello/index.html"]


def test_a_wasmblog_folder_with_a_content_folder_per_language(engine, tmp_path):
    (tmp_path / "site.toml").write_text(TWO + '[languages.ja]\nname = "日本語"\nweight = 3\ncontent_dir = "ja"\n',
                                        encoding="utf-8")
    for path, title in (("posts/hello.md", "Hello"), ("posts/hello/index.fr.md", "Bonjour"),
                        ("ja/posts/hello.md", "こんにちは"), ("ja/pages/about.md", "概要")):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(post(path, title).data)
    site = render_folder(engine, tmp_path)
    assert not site.errors, site.errors
    assert {"posts/hello/index.html", "fr/posts/hello/index.html", "ja/posts/hello/index.html",
            "ja/about/index.html"} <= set(site.files)
    assert [code for code, _ in alternates(site["ja/posts/hello/index.html"])] == ["en-GB", "fr", "ja", "x-default"]


def test_a_disabled_language_leaves_its_files_out_of_a_site_in_one_language(engine):
    config = 'base_url = "https://example.org/"\n[languages.en]\nweight = 1\n[languages.de]\ndisabled = true\n'
    site = render(engine, [post("posts/hello.md", "Hello"), post("posts/hello.de.md", "Hallo")], config)
    assert "posts/hello/index.html" in site.files and "de/posts/hello/index.html" not in site.files
    assert not [p for p in site.files if "hello.de" in p or "hello-de" in p]
    assert "Hallo" not in site["index.html"] and "hreflang" not in site["posts/hello/index.html"]


def test_a_right_to_left_language_has_dir_rtl_on_its_pages(engine):
    config = TWO + '[languages.ar]\nname = "العربية"\ndirection = "rtl"\nweight = 3\n'
    site = render(engine, [post("posts/hello.md", "Hello"), post("posts/hello.ar.md", "مرحبا")], config)
    assert parse_html(site["ar/posts/hello/index.html"]).get("dir") == "rtl"
    assert parse_html(site["ar/index.html"]).get("lang") == "ar"
    assert parse_html(site["posts/hello/index.html"]).get("dir") == "ltr"


def test_go_shortcodes_lang_urls_are_under_the_language_and_other_urls_are_not(engine):
    shortcode = "{{ relURL \"x/\" }}|{{ relLangURL \"x/\" }}|{{ absLangURL \"x/\" }}|{{ site.BaseURL }}|" \
                "{{ site.Home.RelPermalink }}|{{ .Page.RelPermalink }}"
    site = render(engine, [post("posts/hello.fr.md", "Bonjour", body="{{< u >}}")], TWO, {"go:shortcodes/u.html": shortcode})
    assert ("/x/|/fr/x/|https://example.org/fr/x/|https://example.org/|/fr/|/fr/posts/hello/"
            in site["fr/posts/hello/index.html"])


def test_a_page_at_another_languages_url_is_an_error_not_a_file_written_twice(engine):
    site = render(engine, [post("posts/a.md", "A", "url: /fr/\n"), post("posts/b.fr.md", "B")], TWO)
    assert site.errors == ["posts/a.md: error: /fr/index.html is a page of both 'en' and 'fr'; "
                           "give one of them another URL"]
    assert [f.path for f in site.result.files].count("fr/index.html") == 1


def test_each_language_shows_the_themes_words_and_dates_in_its_own_language(engine):
    site = render(engine, [post("posts/hello.md", "Hello"), post("posts/hello.fr.md", "Bonjour")], TWO)
    english, french = site["posts/hello/index.html"], site["fr/posts/hello/index.html"]
    assert "Skip to content" in english and "Aller au contenu" in french
    assert "1 May 2024" in english and "1 mai 2024" in french
    assert 'aria-label="Langues"' in french and 'aria-label="Languages"' in english


def test_a_sites_own_table_replaces_a_word_in_its_language_only(engine):
    tables = {"i18n/en.toml": 'search = "Find"\n'}
    site = render(engine, [post("posts/hello.md", "Hello"), post("posts/hello.fr.md", "Bonjour")], TWO, tables)
    assert ">Find</a>" in site["posts/hello/index.html"]
    assert ">Rechercher</a>" in site["fr/posts/hello/index.html"]  # the theme's French word, not the site's English
