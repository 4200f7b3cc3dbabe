"""Translations and dates in Go-template shortcodes against the real Hugo: ``i18n``/``T`` with Hugo's
tables (the site's ``i18n/`` over its theme's), plural forms and values, and ``time.Format``/
``dateFormat`` with a language's month and weekday names and named layouts, for a site whose
``defaultContentLanguage`` is each language wasmblog has names for. Hugo builds each site once;
wasmblog builds it on each engine, and each page's content must be byte-identical.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hugokit import hugo_pages
from renderer import BuildOptions
from renderer.i18n.locales import LOCALES
from sitekit import BUILD_TIME, tzif_for
from wasm_host.site import load_site

SHORTCODE_T = """\
[{{ i18n "readMore" }}|{{ T "posts" 0 }}|{{ T "posts" 1 }}|{{ T "posts" 2 }}|{{ T "posts" 5 }}|{{ T "posts" 21 }}\
|{{ T "posts" (dict "Count" 3) }}|{{ T "hello" (dict "Name" "Ann") }}|{{ T "hello" }}|{{ T "num" "text" }}\
|{{ T "onlyOne" 1 }}|{{ T "onlyOne" 2 }}|{{ T "onlyOther" 1 }}|{{ T "missing" }}|{{ T "fromTheme" }}\
|{{ T "overridden" }}|{{ T "nested.key" }}|{{ lang.Translate "readMore" }}|{{ T "markup" 2 }}]
"""
SHORTCODE_DATES = """\
[{{ range seq 12 }}{{ $t := time (printf "2026-%02d-13T10:00:00Z" .) }}{{ $t | time.Format "January" }};\
{{ $t | time.Format ":date_medium" }};{{ end }}\
|{{ range seq 7 }}{{ $t := time (printf "2026-07-%02d" (add . 5)) }}{{ $t | time.Format "Monday Mon Jan" }};{{ end }}\
|{{ .Page.Date | time.Format ":date_full" }}|{{ .Page.Date | time.Format ":date_long" }}\
|{{ .Page.Date | time.Format ":date_short" }}|{{ dateFormat "2 January 2006" .Page.Date }}\
|{{ .Page.Date.Format "2 January 2006 Monday" }}|{{ .Page.Date | time.Format "02.01.06" }}]
"""
SITE_TABLE = """\
readMore = "{lang}: read more"
overridden = "the site's"
[posts]
one = "{{{{ .Count }}}} post ({lang}, one)"
few = "{{{{ .Count }}}} posts ({lang}, few)"
many = "{{{{ .Count }}}} posts ({lang}, many)"
other = "{{{{ .Count }}}} posts ({lang})"
[hello]
other = "Hello {{{{ .Name }}}}"
[num]
other = "{{{{ . }}}} is it"
[onlyOne]
one = "only one"
[onlyOther]
other = "{{{{ .Count }}}} others"
[nested]
key = "a nested key"
[markup]
other = "<b>{{{{ .Count }}}}</b> & co"
"""
THEME_TABLE = """\
fromTheme = "the theme's"
overridden = "the theme's"
"""


def make_site(dest: Path, lang: str) -> None:
    (dest / "hugo.toml").write_text(f'baseURL = "https://example.org/"\ntitle = "i18n"\n'
                                    f'defaultContentLanguage = "{lang}"\ntheme = "t"\n')
    shortcodes = dest / "layouts" / "_shortcodes"
    shortcodes.mkdir(parents=True)
    (shortcodes / "tr.html").write_text(SHORTCODE_T)
    (shortcodes / "dates.html").write_text(SHORTCODE_DATES)
    (dest / "i18n").mkdir()
    (dest / "i18n" / f"{lang}.toml").write_text(SITE_TABLE.format(lang=lang))
    (dest / "themes" / "t" / "i18n").mkdir(parents=True)
    (dest / "themes" / "t" / "i18n" / f"{lang}.toml").write_text(THEME_TABLE)
    posts = dest / "content" / "posts"
    posts.mkdir(parents=True)
    (posts / "t.md").write_text('---\ntitle: "T"\ndate: 2026-12-07T10:00:00Z\n---\n\n{{< tr >}}\n')
    (posts / "dates.md").write_text('---\ntitle: "Dates"\ndate: 2026-05-03T10:00:00Z\n---\n\n{{< dates >}}\n')


def wasmblog_contents(engine, site_dir: Path) -> dict[str, str]:
    site = load_site(site_dir)
    templates = {**site.templates, **site.shortcodes, "post.html": "{{ page.content }}"}
    result = engine.render_site(site.sources, site.config_text, templates, BuildOptions(build_time=BUILD_TIME),
                                tzif_for(site.config_text))
    assert [d.format() for d in result.diagnostics if "shortcode" in d.message] == []
    return {f.path.split("/")[1]: f.content for f in result.files
            if f.path.startswith("posts/") and f.path.count("/") == 2 and f.path.endswith("/index.html")}


@pytest.mark.hugo
@pytest.mark.slow
@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_i18n_and_localised_dates_in_shortcodes_print_what_hugo_prints(engine, hugo, tmp_path, lang):
    make_site(tmp_path, lang)
    pages, proc = hugo_pages(tmp_path, hugo)
    assert proc.returncode == 0, proc.stderr
    theirs = {p.path.split("/")[-1][:-3]: p.content for p in pages if p.path.startswith("posts/")}
    ours = wasmblog_contents(engine, tmp_path)
    assert ours == theirs
