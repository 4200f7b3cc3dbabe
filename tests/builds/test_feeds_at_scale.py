"""Every feed of the sample site and of a generated 1,000-post corpus parses and validates,
and both engines write every file of both sites byte for byte the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from feedcheck import check_atom, check_json_feed, check_rss
from sitekit import BUILD_TIME, SAMPLE_SITE, get_renderer, tree_bytes
from wasm_host.bench.corpus import write_site
from wasm_host.site import build

CHECKS = {"index.xml": check_rss, "atom.xml": check_atom, "feed.json": check_json_feed}


def built_by_both(site, tmp_path) -> dict[str, bytes]:
    trees = {}
    for name in ("native", "wasm"):
        report = build(site, tmp_path / name, get_renderer(name), build_time=BUILD_TIME)
        assert report.errors == 0, [d.format() for d in report.diagnostics]
        trees[name] = tree_bytes(tmp_path / name)
    assert trees["native"].keys() == trees["wasm"].keys()
    assert [p for p in trees["native"] if trees["native"][p] != trees["wasm"][p]] == []
    return trees["native"]


def terms(files: dict[str, bytes]) -> int:
    """How many tags and categories have a page (each must have its three feeds)."""
    return sum(1 for p in files if p.count("/") == 2 and p.startswith(("tags/", "categories/"))
               and p.endswith("/index.html"))


def check_every_feed(files: dict[str, bytes], limit: int) -> int:
    feeds = [p for p in files if p.rsplit("/", 1)[-1] in CHECKS]
    folders = {p.rsplit("/", 1)[0] if "/" in p else "" for p in feeds}
    for folder in folders:  # each feed's folder has all three, with the same items
        titles = [CHECKS[name](files[(folder + "/" if folder else "") + name].decode("utf-8")) for name in CHECKS]
        assert titles[0] == titles[1] == titles[2], folder
        assert 1 <= len(titles[0]) <= limit, folder
    return len(feeds)


@pytest.mark.wasm
def test_every_feed_of_the_sample_site_validates_on_both_engines(tmp_path):
    files = built_by_both(SAMPLE_SITE, tmp_path)
    assert check_every_feed(files, 10) == 3 * (1 + terms(files)) == 3 * (1 + 13 + 5)  # the site, 13 tags, 5 categories
    index = json.loads(files["search-index.json"])
    assert len(index["posts"]) == 10


@pytest.mark.wasm
@pytest.mark.slow
def test_every_feed_of_a_1000_post_corpus_validates_on_both_engines(tmp_path):
    site = tmp_path / "corpus"
    write_site(site, 1000, seed=0)
    trees = {}
    for name in ("native", "wasm"):  # `wasmblog build` processes: a 1,000-post build's heap stays out of this one
        proc = subprocess.run([sys.executable, "-m", "wasm_host", "build", str(site), "-o", str(tmp_path / name),
                               "--engine", name, "--quiet"], capture_output=True, text=True, timeout=1800,
                              env={**os.environ, "SOURCE_DATE_EPOCH": str(BUILD_TIME // 1_000_000)})
        assert proc.returncode == 0, proc.stderr[-2000:]
        trees[name] = tree_bytes(tmp_path / name)
    assert [p for p in trees["native"].keys() | trees["wasm"].keys()
            if trees["native"].get(p) != trees["wasm"].get(p)] == []
    files = trees["native"]
    assert check_every_feed(files, 20) == 3 * (1 + terms(files)) > 100
    assert len(json.loads(files["search-index.json"])["posts"]) > 950
