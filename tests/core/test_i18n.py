"""The theme's words and dates in a language: translation tables in Hugo's format (renderer/i18n).

The default theme ships tables for English, French, German, Spanish, Portuguese, Japanese and
Chinese; a site's ``i18n/LANG.toml`` (or .yaml, .yml, .json) replaces any of their keys and adds
languages; a page's language picks the words (``t("key")``, ``t("key", count=n)``) and the
dates (``t.date(d)``), without the host's locale. English output is what it was before the
tables (the sample site's pages are compared byte for byte by test_sample_site and the parity
tests); the Go-template side (``i18n``/``T``, ``time.Format``) is compared with Hugo in
tests/hugo/test_i18n_hugo.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from renderer.i18n import THEME_FILES, THEME_TABLES, catalog, parse_table, table_language
from renderer.i18n.plural import category
from sitekit import render_folder

THEME = Path(__file__).resolve().parents[2] / "renderer" / "themes" / "default"
SHIPPED = ("en", "fr", "de", "es", "pt", "ja", "zh")
DATE = "2026-12-07T10:00:00Z"


def site(tmp_path: Path, config: str = "", tables: dict[str, str] | None = None, posts: int = 2) -> Path:
    root = tmp_path / "site"
    (root / "posts").mkdir(parents=True)
    (root / "site.toml").write_text(f'title = "T"\nbase_url = "https://example.org/"\n{config}', encoding="utf-8")
    for i in range(posts):
        (root / "posts" / f"p{i}.md").write_text(
            f'---\ntitle: "Post {i}"\ndate: 2026-12-0{7 - i}T10:00:00Z\ntags: [wasm]\ncategories: [notes]\n---\n\n'
            f"First paragraph.\n\n<!--more-->\n\nMore text.\n", encoding="utf-8")
    for name, text in (tables or {}).items():
        (root / "i18n").mkdir(exist_ok=True)
        (root / "i18n" / name).write_text(text, encoding="utf-8")
    return root


# --- the shipped tables ---------------------------------------------------------------------


def test_the_theme_ships_its_words_in_seven_languages_with_every_english_key():
    assert set(SHIPPED) <= set(THEME_TABLES)
    for lang in SHIPPED:
        missing = sorted(set(THEME_TABLES["en"]) - set(THEME_TABLES[lang]))
        assert missing == [], f"{lang} lacks {missing}"
        assert all("other" in forms for forms in THEME_TABLES[lang].values()), lang


def test_every_key_the_theme_asks_for_is_in_the_english_table():
    used = set()
    for path in (THEME / "templates").iterdir():
        used |= set(re.findall(r"""\bt\(\s*'([A-Za-z.]+)'""", path.read_text(encoding="utf-8")))
        for strings in re.findall(r"t\.strings\(([^)]*)\)", path.read_text(encoding="utf-8")):
            used |= set(re.findall(r"'([A-Za-z]+)'", strings))
    render = (THEME.parents[1] / "templates" / "render.py").read_text(encoding="utf-8")
    used |= set(re.findall(r'\bt\("([A-Za-z.]+)"', render))
    assert len(used) > 30
    assert sorted(used - set(THEME_TABLES["en"])) == []


def test_each_shipped_table_is_a_file_of_the_theme_in_hugos_format():
    assert sorted(table_language(name) for name in THEME_FILES) == sorted(THEME_TABLES)
    assert all(name.endswith(".toml") for name in THEME_FILES)


# --- looking words up -------------------------------------------------------------------------


def test_a_key_is_looked_up_in_the_language_then_its_base_then_the_default_language():
    c = catalog({"i18n/pt-br.toml": 'only = "brasileiro"\n', "i18n/fr.toml": 'mine = "à moi"\n'}, "fr")
    assert c.translator("pt-BR")("only") == "brasileiro"
    assert c.translator("pt-BR")("readMore") == "Ler mais"  # pt-br -> pt (the theme's)
    assert c.translator("pt")("mine") == "à moi"  # not in pt: the default language's


def test_a_key_found_nowhere_prints_nothing_as_in_hugo():
    assert catalog({}, "en").translator("fr")("no.such.key") == ""


def test_the_theme_keeps_its_english_words_for_a_language_it_does_not_ship():
    assert catalog({}, "sv").translator()("readMore") == "Read more"


def test_a_sites_key_replaces_the_themes_in_that_language_only():
    c = catalog({"i18n/fr.toml": 'readMore = "La suite"\n'}, "en")
    assert c.translator("fr")("readMore") == "La suite"
    assert c.translator("fr")("olderPosts") == "Articles plus anciens →"  # the theme's other keys stay
    assert c.translator("en")("readMore") == "Read more"


@pytest.mark.parametrize(("lang", "counts"), [
    ("en", {0: "other", 1: "one", 2: "other"}),
    ("fr", {0: "one", 1: "one", 2: "other"}),
    ("pt", {0: "one", 1: "one", 2: "other"}),
    ("ja", {0: "other", 1: "other", 2: "other"}),
    ("zh", {1: "other"}),
    ("ru", {1: "one", 2: "few", 5: "many", 11: "many", 21: "one", 22: "few"}),
    ("pl", {1: "one", 2: "few", 5: "many", 22: "few", 21: "many"}),
])
def test_plural_categories_are_cldrs(lang, counts):
    assert {n: category(lang, n) for n in counts} == counts


def test_the_count_picks_the_plural_form_and_fills_it_in():
    t = catalog({}, "en").translator("fr")
    assert [t("postCount", count=n) for n in (0, 1, 2)] == ["0 article", "1 article", "2 articles"]
    assert catalog({}, "en").translator()("postCount", count=0) == "0 posts"


def test_a_missing_form_is_others_and_a_missing_other_is_nothing():
    c = catalog({"i18n/en.toml": "[a]\nother = \"{{ .Count }} things\"\n[b]\none = \"one thing\"\n"}, "en")
    t = c.translator()
    assert (t("a", count=1), t("b", count=1), t("b", count=2), t("b")) == ("1 things", "one thing", "", "")


def test_named_values_fill_their_placeholders():
    t = catalog({}, "en").translator("de")
    assert t("pageOf", Number=2, Total=5) == "Seite 2 von 5"
    assert t("readMoreOf", Title="Wasm") == "von „Wasm“"
    t = catalog({"i18n/en.toml": 'x = "{{ .Name }} and {{ .Nope }}"\ny = "{{ . }} is {{ .Nope }}"\n'}, "en").translator()
    assert t("x", Name="a") == "a and <no value>"  # Go prints a missing key of a map so
    assert t("y", 3) == ""  # and fails on a field of a number: Hugo prints nothing


# --- the formats -------------------------------------------------------------------------------


def test_yaml_json_nested_keys_and_the_older_list_format_are_read():
    assert parse_table("i18n/fr.yaml", "a:\n  other: \"A\"\nb: B\nc:\n  d: D\n")[0] == \
        {"a": {"other": "A"}, "b": {"other": "B"}, "c.d": {"other": "D"}}
    assert parse_table("i18n/fr.json", '{"a": {"one": "1", "other": "n"}}')[0] == {"a": {"one": "1", "other": "n"}}
    assert parse_table("i18n/fr.yaml", "- id: a\n  translation: A\n- id: b\n  translation:\n    other: B\n")[0] == \
        {"a": {"other": "A"}, "b": {"other": "B"}}


def test_a_broken_table_is_one_error_at_its_line_and_is_left_out():
    table, diags = parse_table("i18n/fr.toml", 'a = "x"\nb = \n')
    assert table == {} and [d.format() for d in diags] == \
        ["i18n/fr.toml:2: error: invalid TOML: Invalid value; the file is ignored"]


def test_plural_forms_mixed_with_other_keys_are_refused_as_hugo_refuses_them():
    _, diags = parse_table("i18n/fr.toml", '[a]\none = "x"\nplain = "y"\n')
    assert [d.message for d in diags] == \
        ["translation 'a' mixes plural forms (one) with other keys (plain); the file is ignored"]


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "shown"), [
    ("en", "7 December 2026"), ("fr", "7 décembre 2026"), ("de", "7. Dezember 2026"),
    ("es", "7 de diciembre de 2026"), ("pt", "7 de dezembro de 2026"), ("ja", "2026年12月7日"),
    ("zh", "2026年12月7日"), ("pt-BR", "7 de dezembro de 2026"), ("sv", "7 December 2026"),
])
def test_the_theme_prints_a_date_in_the_languages_words_and_order(lang, shown):
    assert catalog({}, "en").translator(lang).date(DATE) == shown


def test_a_site_chooses_the_date_layout_in_its_table():
    t = catalog({"i18n/fr.toml": 'dateFormat = "Monday 2 January 2006"\n'}, "fr").translator()
    assert t.date(DATE) == "lundi 7 décembre 2026"
    assert t.date(DATE, ":date_short") == "07/12/26"


def test_a_date_keeps_its_own_offset_and_day():
    assert catalog({}, "en").translator("ja").date("2026-12-31T23:30:00-05:00") == "2026年12月31日"


# --- whole sites, on each engine ----------------------------------------------------------------


def test_a_french_site_shows_the_themes_french_words_and_dates(engine, tmp_path):
    out = render_folder(engine, site(tmp_path, 'language = "fr"\npage_size = 1\n'))
    home = out["index.html"]
    assert "Lire la suite" in home and "Read more" not in home
    assert "Articles plus anciens →" in home and "Page 1 sur 2" in home
    assert '<time datetime="2026-12-07T10:00:00Z">7 décembre 2026</time>' in home
    assert "1 min de lecture" in home and "Aller au contenu" in home and "Étiquettes" in home
    post = out["posts/p0/index.html"]
    assert '<span class="label">Plus ancien →</span>' in post
    assert "Page introuvable" in out["404.html"]
    assert "Rechercher parmi 2 articles" in out["search/index.html"]
    assert "data-strings=" in out["search/index.html"]
    assert "Étiquette: " in out["tags/wasm/index.html"] or "Étiquette : " in out["tags/wasm/index.html"]
    assert '"day":"7 décembre 2026"' in out["search-index.json"]


def test_an_english_search_page_carries_no_strings_for_its_script(engine, tmp_path):
    page = render_folder(engine, site(tmp_path))["search/index.html"]
    assert "data-strings" not in page and "Search 2 posts" in page


def test_a_sites_table_changes_the_themes_words_and_what_it_holds_is_text_not_markup(engine, tmp_path):
    tables = {"fr.toml": 'readMore = "<b>Suite</b> & fin"\n'}
    home = render_folder(engine, site(tmp_path, 'language = "fr"\n', tables))["index.html"]
    assert "&lt;b&gt;Suite&lt;/b&gt; &amp; fin" in home and "<b>Suite" not in home


def test_a_broken_site_table_is_one_error_and_the_site_still_builds(engine, tmp_path):
    out = render_folder(engine, site(tmp_path, 'language = "de"\n', {"de.toml": "readMore = \n"}))
    assert [d.format() for d in out.diagnostics if d.path.startswith("i18n/")] == \
        ["i18n/de.toml:1: error: invalid TOML: Invalid value; the file is ignored"]
    assert "Weiterlesen" in out["index.html"]  # the theme's own words


def test_yaml_aliases_cannot_multiply_a_table_past_its_bound():
    nested = "a0: &a0 {x: y}\n" + "".join(
        f"a{i}: &a{i} {{{', '.join(f'k{j}: *a{i - 1}' for j in range(10))}}}\n" for i in range(1, 8))
    table, diags = parse_table("i18n/fr.yaml", nested)
    assert table == {} and [d.message for d in diags] == ["more than 10,000 keys; the file is ignored"]


def test_the_search_scripts_own_english_words_are_the_english_tables():
    """The script speaks English unless the page gives it other words (data-strings, written only
    when they differ from the English table): the two must say the same."""
    import json

    script = (THEME / "templates" / "search.js").read_text(encoding="utf-8")
    block = script[script.index("var STRINGS = {"):script.index("};", script.index("var STRINGS = {"))]
    strings = {key: {form: json.loads(f'"{text}"') for form, text in re.findall(r'(\w+): "((?:[^"\\]|\\.)*)"', body)}
               for key, body in re.findall(r'(\w+): \{\s*(.*?")\s*\}', block, flags=re.DOTALL)}
    assert len(strings) == 6
    assert strings == {key: THEME_TABLES["en"][key] for key in strings}
