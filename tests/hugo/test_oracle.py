"""The oracle itself: the pinned Hugo builds a small site and its pages come back with their content."""

from __future__ import annotations

from pathlib import Path

import pytest

from hugokit import hugo_pages


@pytest.mark.hugo
def test_hugo_renders_a_post_with_its_typographer_and_a_builtin_shortcode(hugo: Path, tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "T"\n')
    post = tmp_path / "content" / "posts" / "a.md"
    post.parent.mkdir(parents=True)
    post.write_text('---\ntitle: A\ndate: 2023-01-01\n---\n\n"Hello" -- world...\n\n{{< figure src="/x.png" >}}\n')
    pages, proc = hugo_pages(tmp_path, hugo)
    assert proc.returncode == 0, proc.stderr
    by_url = {p.url: p for p in pages}
    assert by_url["/posts/a/"].path == "posts/a.md"
    assert by_url["/posts/a/"].content.startswith("<p>&ldquo;Hello&rdquo; &ndash; world&hellip;</p>")
    assert '<img src="/x.png">' in by_url["/posts/a/"].content
    assert {"home", "section", "taxonomy"} <= {p.kind for p in pages}
