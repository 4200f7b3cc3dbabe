"""The host copies a bundle's files only as its own listing allows: it trusts no path from the core."""

from __future__ import annotations

from pathlib import Path

from renderer.model import FileCopy
from wasm_host.site.output import check_copies


def test_only_files_the_host_listed_are_copied_to_safe_free_paths(tmp_path: Path):
    listed = {"posts/trip/view.png": tmp_path / "view.png"}
    copies = [FileCopy("posts/trip/view.png", "posts/trip/view.png"),
              FileCopy("site.toml", "posts/trip/config.txt"),  # not a bundle file: the core cannot ask for it
              FileCopy("posts/trip/view.png", "../outside.png"),
              FileCopy("posts/trip/view.png", "/etc/passwd"),
              FileCopy("posts/trip/view.png", "index.html")]  # a page's path
    keep, diags = check_copies(copies, listed, {"index.html"})
    assert keep == [("posts/trip/view.png", tmp_path / "view.png")]
    assert [d.format() for d in diags] == [
        "<renderer>: error: refused copy of 'site.toml': not a file of the site",
        "posts/trip/view.png: error: not copied to '../outside.png': path escapes the output folder",
        "posts/trip/view.png: error: not copied to '/etc/passwd': absolute path",
        "posts/trip/view.png: error: not copied: 'index.html' is already a page or a static file"]
