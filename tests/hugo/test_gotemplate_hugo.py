"""Go-template shortcodes against the real Hugo: the same calls rendered by Hugo and by wasmblog, compared.

The corpus (``tests/hugo/gotemplate/``): shortcodes and partials written in
the manner of real Hugo sites' ``layouts/shortcodes/`` (notices, alerts,
tabs, buttons, cards calling partials, images, every escaping context...)
with the calls in ``calls.md``, and Hugo's own embedded shortcodes (figure,
details, param, ref, relref, youtube, vimeo), read out of the pinned Hugo
binary and installed as the site's own, with ``embedded_calls.md``. Each
call is one page; Hugo builds the site once, wasmblog builds it on each
engine, and each page's content must be byte-identical. The agreement is
reported in ``tests/hugo/README.md``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hugokit import embedded_shortcodes, hugo_pages
from renderer import BuildOptions
from sitekit import BUILD_TIME, tzif_for
from wasm_host.site import load_site

CORPUS = Path(__file__).parent / "gotemplate"
EMBEDDED = ("figure", "details", "param", "ref", "relref", "youtube", "vimeo")
CONFIG = """\
baseURL = "https://example.org/"
title = "Shortcode corpus"
[markup.goldmark.renderer]
unsafe = true
[params]
author = "Jane"
theme_color = "teal"
[params.nested]
key = "deep"
"""


def calls(name: str) -> list[str]:
    return (CORPUS / name).read_text().split("\n%%%\n")


def corpus_site(dest: Path, embedded: dict[str, str]) -> list[tuple[str, str]]:
    """A Hugo site folder with every call as a page; returns (page path, call)."""
    (dest / "hugo.toml").write_text(CONFIG)
    shutil.copytree(CORPUS / "layouts", dest / "layouts")
    for name in EMBEDDED:
        (dest / "layouts" / "_shortcodes" / f"{name}.html").write_text(embedded[name])
    posts = dest / "content" / "posts"
    posts.mkdir(parents=True)
    pages = []
    for i, call in enumerate(calls("calls.md") + calls("embedded_calls.md")):
        path = f"posts/c{i:03d}.md"
        (dest / "content" / path).write_text(
            f'---\ntitle: "Call {i}"\ndate: 2024-01-02T03:04:05Z\nauthor: "Page Author"\n---\n\n{call}\n')
        pages.append((path, call))
    return pages


@pytest.fixture(scope="module")
def corpus(hugo: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, str]], dict]:
    site = tmp_path_factory.mktemp("gotemplate-corpus")
    embedded = embedded_shortcodes(hugo)
    assert set(EMBEDDED) <= set(embedded), sorted(embedded)
    pages = corpus_site(site, embedded)
    found, proc = hugo_pages(site, hugo)
    assert proc.returncode == 0, proc.stderr
    return site, pages, {p.path: p.content for p in found}


def wasmblog_contents(engine, site_dir: Path) -> tuple[dict[str, str], list[str]]:
    """Each post's content as wasmblog renders the Hugo folder (a post template printing only it)."""
    site = load_site(site_dir)
    templates = {**site.templates, **site.shortcodes, "post.html": "{{ page.content }}"}
    options = BuildOptions(build_time=BUILD_TIME)
    # The corpus's hugo.toml sets goldmark's renderer.unsafe: raw_html = "allow" (renderer.hugo), so that
    # {{% %}} output is kept as Hugo keeps it.
    assert 'raw_html = "allow"' in site.config_text
    config = site.config_text
    result = engine.render_site(site.sources, config, templates, options, tzif_for(config))
    files = {f.path: f.content for f in result.files}
    contents = {}
    for path, content in files.items():
        if path.startswith("posts/c") and path.endswith("/index.html"):
            contents["posts/" + path.split("/")[1] + ".md"] = content
    return contents, [d.format() for d in result.diagnostics]


def normalised(call: str, content: str | None) -> str | None:
    """The one normalisation: a ``{{% %}}`` call's output is Markdown, and a raw HTML block ends with one
    newline in goldmark's rendering and two in mistune's (the Markdown engines', not the shortcodes')."""
    if content is not None and call.startswith("{{%"):
        return content.rstrip("\n")
    return content


@pytest.mark.hugo
@pytest.mark.slow
def test_go_shortcodes_render_as_hugo_renders_them(engine, corpus) -> None:
    site, pages, hugo = corpus
    ours, diags = wasmblog_contents(engine, site)
    different = [(call, hugo.get(path), ours.get(path)) for path, call in pages
                 if normalised(call, hugo.get(path)) != normalised(call, ours.get(path))]
    shortcode_warnings = [d for d in diags if "shortcode" in d]
    assert not different, (f"{len(different)} of {len(pages)} calls differ from Hugo:\n" +
                           "\n".join(f"{c!r}\n  hugo: {h!r}\n  ours: {o!r}" for c, h, o in different[:10]))
    assert not shortcode_warnings, shortcode_warnings
