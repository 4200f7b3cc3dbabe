"""Markdown render hooks against the real Hugo: a site's ``layouts/_markup/render-*.html`` (link, image,
heading, code block; ``hooks/``, written in the manner of real sites' hooks) run by Hugo and by wasmblog's
Go-template interpreter on the same pages (``hooks/pages.md``), and Hugo's embedded link render hook,
which Hugo runs on a site that configures ``languages``. Bodies are compared after the real blogs'
normalisation (``realblogs.normalise``: whitespace between tags, attribute order, how a character is
written, relative links resolved against the page's URL). wasmblog sanitizes a hook's output (the site
has no ``unsafe``), which changes nothing here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hugokit import hugo_pages
from realblogs import normalise
from renderer import BuildOptions
from sitekit import BUILD_TIME, tzif_for
from wasm_host.site import load_site

HOOKS = Path(__file__).parent / "hooks"
LINKS = ["[fragment](#part) [ftp](ftp://example.org/f) [file](notes.txt) [query](/a/?b=1#c) "
         "[external](https://example.com/ \"T\")",
         "[mail](mailto:a@example.org) [relative page](../other/) <https://example.com/auto>"]


def write_site(dest: Path, pages: list[str], config: str, hooks: bool) -> list[str]:
    (dest / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Hooks"\n' + config)
    if hooks:
        shutil.copytree(HOOKS, dest / "layouts" / "_markup", ignore=shutil.ignore_patterns("*.md"))
    paths = []
    for i, text in enumerate(pages):
        folder = dest / "content" / "posts" / f"p{i:02d}"
        folder.mkdir(parents=True)
        (folder / "index.md").write_text(f'---\ntitle: "Page {i}"\ndate: 2024-01-02T03:04:05Z\n---\n\n{text}\n')
        (folder / "notes.txt").write_text("notes\n")
        paths.append(f"posts/p{i:02d}/index.md")
    return paths


def compare(engine, hugo: Path, site: Path, paths: list[str]) -> list[tuple[str, str, str]]:
    found, proc = hugo_pages(site, hugo)
    assert proc.returncode == 0, proc.stderr
    theirs = {p.path: p.content for p in found}
    loaded = load_site(site)
    templates = {**loaded.templates, **loaded.shortcodes, "post.html": "{{ page.content }}"}
    result = engine.render_site(loaded.sources, loaded.config_text, templates, BuildOptions(build_time=BUILD_TIME),
                                tzif_for(loaded.config_text))
    ours = {f.path: f.content for f in result.files}
    assert not [d for d in result.diagnostics if "render hook" in d.message], result.diagnostics
    different = []
    for path in paths:
        mine = ours.get(path.replace("/index.md", "/index.html"), "")
        url = "/" + path[:-len("index.md")]
        if normalise(theirs.get(path, ""), url) != normalise(mine, url):
            different.append((path, theirs.get(path, ""), mine))
    return different


@pytest.mark.hugo
@pytest.mark.slow
def test_a_sites_render_hooks_render_as_hugo_renders_them(engine, hugo, tmp_path) -> None:
    pages = (HOOKS / "pages.md").read_text().split("\n%%%\n")
    paths = write_site(tmp_path, pages, "", hooks=True)
    different = compare(engine, hugo, tmp_path, paths)
    assert not different, "\n".join(f"{p}\n  hugo: {h!r}\n  ours: {o!r}" for p, h, o in different)


@pytest.mark.hugo
@pytest.mark.slow
def test_a_site_with_languages_gets_hugos_embedded_link_hook(engine, hugo, tmp_path) -> None:
    paths = write_site(tmp_path, LINKS, "[languages.en]\nweight = 1\n", hooks=False)
    different = compare(engine, hugo, tmp_path, paths)
    assert not different, "\n".join(f"{p}\n  hugo: {h!r}\n  ours: {o!r}" for p, h, o in different)


@pytest.mark.hugo
@pytest.mark.slow
def test_a_render_hook_speaks_the_pages_language(engine, hugo, tmp_path) -> None:
    # A code-block hook with a translated button label and a date, on a French site: Hugo's i18n/T and
    # time.Format in a hook are the page's language's, as in a shortcode.
    paths = write_site(tmp_path, ["```go\nx := 1\n```"], 'defaultContentLanguage = "fr"\n', hooks=False)
    hook = tmp_path / "layouts" / "_markup" / "render-codeblock.html"
    hook.parent.mkdir(parents=True)
    hook.write_text('<div class="code"><span class="copy">{{ T "copy" }}</span>'
                    '<small>{{ time.Format "2 January 2006" .Page.Date }}</small>'
                    '<pre><code>{{ .Inner }}</code></pre></div>\n')
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "fr.toml").write_text('copy = "Copier"\n')
    different = compare(engine, hugo, tmp_path, paths)
    assert not different, "\n".join(f"{p}\n  hugo: {h!r}\n  ours: {o!r}" for p, h, o in different)
