"""Languages on both engines: a site in French with a table of its own, Japanese and Chinese posts
(their dates, their search index as bigrams), and a Hugo site whose Go shortcodes call ``T`` and
``time.Format`` in German, built natively and in the sandbox, byte for byte alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitekit import BUILD_TIME, get_renderer
from wasm_host.site import build


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def wasmblog_site(root: Path, language: str) -> Path:
    (root / "posts").mkdir(parents=True)
    (root / "i18n").mkdir()
    (root / "site.toml").write_text(f'title = "Langues"\nbase_url = "https://example.org/"\nlanguage = "{language}"\n'
                                    "page_size = 2\n", encoding="utf-8")
    (root / "i18n" / f"{language}.toml").write_text('readMore = "Suite…"\ndateFormat = ":date_full"\n'
                                                   '[postCount]\none = "{{ .Count }} billet"\n'
                                                   'other = "{{ .Count }} billets"\n', encoding="utf-8")
    bodies = ["東京の天気予報によると、明日は晴れるでしょう。", "北京的图书馆收藏了许多珍贵的古籍。",
              "Un billet en français, avec des accents : déjà vu.", "Ein Beitrag über Übergrößen."]
    for i, body in enumerate(bodies):
        (root / "posts" / f"p{i}.md").write_text(
            f'---\ntitle: "Billet {i}"\ndate: 2026-0{i + 1}-1{i}T10:00:00+09:00\ntags: [langues]\n---\n\n'
            f"{body}\n\n<!--more-->\n\n{body}\n", encoding="utf-8")
    return root


def hugo_site(root: Path) -> Path:
    (root / "content" / "posts").mkdir(parents=True)
    (root / "layouts" / "_shortcodes").mkdir(parents=True)
    (root / "i18n").mkdir()
    (root / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "H"\ndefaultContentLanguage = "de"\n')
    (root / "i18n" / "de.toml").write_text('[posts]\none = "{{ .Count }} Beitrag"\nother = "{{ .Count }} Beiträge"\n')
    (root / "layouts" / "_shortcodes" / "t.html").write_text(
        '{{ T "posts" 1 }} {{ T "posts" 3 }} {{ T "readMore" }} {{ .Page.Date | time.Format ":date_full" }} '
        '{{ .Page.Date | time.Format "Mon Jan 2 January" }}')
    (root / "content" / "posts" / "a.md").write_text('---\ntitle: "A"\ndate: 2026-03-01T10:00:00Z\n---\n\n{{< t >}}\n')
    return root


@pytest.mark.wasm
@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fr", "ja", "zh", "hugo-de"])
def test_a_site_in_another_language_builds_byte_identically_on_both_engines(tmp_path, kind):
    site = hugo_site(tmp_path / "site") if kind == "hugo-de" else wasmblog_site(tmp_path / "site", kind)
    outputs = {}
    for name in ("native", "wasm"):
        report = build(site, tmp_path / f"out-{name}", get_renderer(name), build_time=BUILD_TIME)
        outputs[name] = ([d.format() for d in report.diagnostics], tree(tmp_path / f"out-{name}"))
    assert outputs["native"][0] == outputs["wasm"][0]
    native, wasm = outputs["native"][1], outputs["wasm"][1]
    assert sorted(native) == sorted(wasm)
    assert [path for path in native if native[path] != wasm[path]] == []
    if kind == "hugo-de":
        page = native["posts/a/index.html"].decode()
        assert "1 Beitrag 3 Beiträge Weiterlesen Sonntag, 1. März 2026 So. Mar 1 März" in page
    else:
        assert "Suite…".encode() in native["index.html"]
