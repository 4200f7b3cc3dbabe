"""Hugo's content rules, as Hugo 0.168 applies them to a site folder built as it is (issue 18, item 4).

Each test writes a small Hugo site and builds it on both engines; what Hugo does with the same files was
checked with the pinned Hugo (``tests/hugo/``), and the comments say what it does.
"""

from __future__ import annotations

from pathlib import Path

from sitekit import render_folder

CONFIG = 'baseURL = "https://example.org/"\ntitle = "Site"\n'


def hugo_site(root: Path, files: dict[str, str], config: str = CONFIG) -> Path:
    site = root / "site"
    (site / "content").mkdir(parents=True)
    (site / "hugo.toml").write_text(config)
    for name, text in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return site


def post(title: str, body: str = "Text.", extra: str = "", date: str = "2024-01-02") -> str:
    dated = f"date: {date}\n" if date else ""
    return f"---\ntitle: {title}\n{dated}{extra}---\n\n{body}\n"


def test_a_content_file_without_front_matter_is_a_page_titled_after_its_name(engine, tmp_path):
    site = hugo_site(tmp_path, {"content/docs/getting-started.md": "# Start\n\nNo front matter here.\n"})
    built = render_folder(engine, site)
    assert built.errors == []
    assert "No front matter here." in built["docs/getting-started/index.html"]


def test_an_author_written_as_a_mapping_gives_its_name(engine, tmp_path):
    site = hugo_site(tmp_path, {"content/blog/a.md": post("A", extra="author:\n  name: Jane Doe\n  position: Dev\n"),
                                "templates/post.html": "by {{ page.author }}"})
    built = render_folder(engine, site)
    assert built.errors == []
    assert built["blog/a/index.html"] == "by Jane Doe"


def test_relative_aliases_resolve_against_the_pages_folder(engine, tmp_path):
    # Hugo 0.168: blog/sub/x/ with aliases ../old, y and ../../z/ writes blog/old/, blog/sub/y/ and z/.
    site = hugo_site(tmp_path, {"content/blog/sub/x.md": post("X", extra='aliases: ["../old", "y", "../../z/"]\n')})
    built = render_folder(engine, site)
    assert built.errors == []
    assert {"blog/old/index.html", "blog/sub/y/index.html", "z/index.html"} <= set(built.files)
    assert "/blog/sub/x/" in built["blog/old/index.html"]
