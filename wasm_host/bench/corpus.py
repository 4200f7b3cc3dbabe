"""A deterministic corpus of Hugo-style blog posts for the benchmark.

``generate_posts(n, seed)`` makes ``n`` posts from word lists and sentence
templates kept in this module, with a seeded :class:`random.Random` per post
and no clock, so the same ``(n, seed)`` always gives the same bytes, and post
``i`` is the same whatever ``n`` is (a 100-post corpus is the first 100 posts
of the 10,000-post one). ``write_site`` writes a whole site in one of three
layouts: wasmblog's own (``site.toml``, ``posts/``, ``static/``), Hugo's, or
Pelican's (the peers the benchmark compares against; their configuration
and templates are package data in ``wasm_host/bench/peersites/``).

The posts look like the seed post (YAML front matter with title,
description, ``...Z`` dates, preview, draft, tags, categories) and use what
real Markdown posts use: h2/h3 headings, emphasis, strong, inline code,
links, bullet and numbered lists, fenced code in several languages, tables,
images, blockquotes, footnotes and ``<!--more-->``. Lengths are log-normal
(median about 600 words, from about 200 to 1,500); tags follow a Zipf-like
law over 40 tags, 1-4 per post; about 2% of posts are drafts.

From the command line: ``wasmblog corpus OUT --posts 1000 [--seed 0] [--format wasmblog|hugo|pelican]``.
"""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .generate import PostData, make_post
from .words import IMAGES

FORMATS = ("wasmblog", "hugo", "pelican")
BASE_URL = "https://blog.example.org/"
SITE_TITLE = "Boxes All the Way Down"
SITE_AUTHOR = "Sam Example"
SITE_DESCRIPTION = "Notes on unikernels, WebAssembly, sandboxes and self-hosting a small blog."
MARKER = ".wasmblog-corpus"  # marks a folder this module wrote (safe to overwrite)
PEERS_DIR = Path(__file__).resolve().parent / "peersites"  # package data: the peers' configurations


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def front_matter_yaml(post: PostData, *, always_slug: bool = False) -> str:
    """YAML front matter in the seed post's style."""
    slug = post.effective_slug if always_slug else post.slug
    lines = ["---", f"title: {_q(post.title)}", f"description: {_q(post.description)}", f"date: {post.date}"]
    if post.lastmod:
        lines.append(f"lastmod: {post.lastmod}")
    lines += [f"preview: {_q(post.preview)}", f"draft: {'true' if post.draft else 'false'}",
              "tags: [" + ", ".join(_q(t) for t in post.tags) + "]",
              "categories: [" + ", ".join(_q(c) for c in post.categories) + "]"]
    if slug:
        lines.append(f"slug: {slug}")
    if post.summary:
        lines.append(f"summary: {_q(post.summary)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def wasmblog_text(post: PostData) -> str:
    return front_matter_yaml(post) + "\n" + post.body


def hugo_text(post: PostData) -> str:
    # Hugo's permalink uses :slug (else the title), so every post names its slug:
    # the URLs then match wasmblog's posts/<slug>/.
    return front_matter_yaml(post, always_slug=True) + "\n" + post.body


def pelican_text(post: PostData) -> str:
    """Pelican's Markdown metadata block: one category, comma-separated tags."""
    lines = [f"Title: {post.title}", f"Date: {post.date}"]
    if post.lastmod:
        lines.append(f"Modified: {post.lastmod}")
    lines += [f"Category: {post.categories[0]}", f"Tags: {', '.join(post.tags)}",
              f"Slug: {post.effective_slug}", f"Description: {post.description}"]
    if post.summary:
        lines.append(f"Summary: {post.summary}")
    if post.preview:
        lines.append(f"Preview: {post.preview}")
    lines.append(f"Status: {'draft' if post.draft else 'published'}")
    return "\n".join(lines) + "\n\n" + post.body


def post_path(post: PostData, fmt: str = "wasmblog") -> str:
    if fmt == "wasmblog":
        return f"posts/{post.year}/{post.stem}.md"
    if fmt == "hugo":
        return f"content/posts/{post.year}/{post.stem}.md"
    if fmt == "pelican":
        return f"content/{post.stem}.md"
    raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")


_TEXT = {"wasmblog": wasmblog_text, "hugo": hugo_text, "pelican": pelican_text}


def iter_post_data(n: int, seed: int = 0) -> Iterator[PostData]:
    for number in range(1, n + 1):
        yield make_post(number, seed)


def generate_posts(n: int, seed: int = 0, fmt: str = "wasmblog") -> list[tuple[str, str]]:
    """``n`` posts as (path relative to the site folder, text); deterministic in (n, seed)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    text = _TEXT[fmt]
    return [(post_path(p, fmt), text(p)) for p in iter_post_data(n, seed)]


def site_toml(base_url: str = BASE_URL) -> str:
    return (f'title = "{SITE_TITLE}"\nbase_url = "{base_url}"\nauthor = "{SITE_AUTHOR}"\n'
            f'description = "{SITE_DESCRIPTION}"\nlanguage = "en"\ntimezone = "UTC"\n'
            "page_size = 10\nsummary_words = 70\n\n[feed]\nlimit = 20\nfull_content = false\n\n"
            "[markdown]\nhighlight = true\nraw_html = \"escape\"\n")


def png(width: int, height: int, tint: tuple[int, int, int]) -> bytes:
    """A small valid RGB PNG (a gradient), made without any imaging library."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            row += bytes(((tint[0] + x * 3) % 256, (tint[1] + y * 5) % 256, (tint[2] + x + y) % 256))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def static_files() -> dict[str, bytes]:
    """Static files the posts reference, keyed by their URL path (no leading slash)."""
    return {IMAGES[0][0].lstrip("/"): png(96, 48, (20, 90, 160)),
            IMAGES[1][0].lstrip("/"): png(80, 80, (200, 60, 40))}


def _prepare(folder: Path, managed: Sequence[str], force: bool) -> None:
    """Make ``folder`` ready: empty, or a corpus folder whose managed parts are removed.

    With ``force`` on a folder we did not write, nothing is deleted: files
    are added (:func:`write_site` refuses to overwrite one), and posts already
    there stay in the site.
    """
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{folder}: exists and is not a folder")
    ours = (folder / MARKER).exists()
    if folder.is_dir() and any(folder.iterdir()) and not ours and not force:
        raise FileExistsError(f"{folder}: folder is not empty and was not written by the corpus "
                              "generator; pick an empty folder (or pass --force)")
    folder.mkdir(parents=True, exist_ok=True)
    if not ours:
        managed = ()  # never delete what someone else wrote
    for name in managed:
        target = folder / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()


def _copy_peer_config(name: str, folder: Path) -> None:
    source = PEERS_DIR / name
    if not source.is_dir():
        raise FileNotFoundError(f"{source}: the {name} peer site is missing from the installed package "
                                "(wasm_host/bench/peersites/); reinstall wasmblog")
    for item in sorted(source.iterdir()):
        if item.name.startswith(".") or item.name in ("README.md", "__pycache__", "public", "output"):
            continue
        if item.is_dir():
            shutil.copytree(item, folder / item.name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", ".*"))
        else:
            shutil.copy2(item, folder / item.name)


# What write_site owns in a folder it wrote (any format), and removes before writing again.
_MANAGED = ("site.toml", "posts", "static", "hugo.toml", "content", "layouts", "resources", "public",
            ".hugo_build.lock", "pelicanconf.py", "templates", "output", "cache", "__pycache__")


@dataclass
class CorpusStats:
    posts: int
    drafts: int
    words: int
    tags: int
    categories: int


def write_site(folder: Path | str, n: int, seed: int = 0, fmt: str = "wasmblog", *,
               force: bool = False, stats: list[CorpusStats] | None = None) -> Path:
    """Write a complete site of ``n`` generated posts into ``folder`` and return it.

    ``fmt`` is ``wasmblog`` (site.toml, posts/YEAR/*.md, static/images/),
    ``hugo`` (hugo.toml and layouts from peersites/hugo, content/posts/YEAR/*.md,
    static/images/) or ``pelican`` (pelicanconf.py and templates from
    peersites/pelican, content/*.md with Pelican metadata, content/images/).
    A folder written before by this function is overwritten; any other
    non-empty folder is refused unless ``force``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    folder = Path(folder)
    foreign = folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).exists()
    _prepare(folder, _MANAGED, force)
    if foreign:  # --force into a folder someone else wrote: add files, never overwrite one of theirs
        static_root = {"wasmblog": "static", "hugo": "static", "pelican": "content"}[fmt]
        wanted = [folder / post_path(post, fmt) for post in iter_post_data(n, seed)]
        wanted += [folder / static_root / rel for rel in static_files()]
        wanted += [folder / "site.toml"] if fmt == "wasmblog" else \
            [folder / p.relative_to(PEERS_DIR / fmt) for p in (PEERS_DIR / fmt).rglob("*") if p.is_file()]
        taken = next((path for path in wanted if path.exists() or path.is_symlink()), None)
        if taken is not None:
            raise FileExistsError(f"{taken}: exists, and the corpus generator did not write it; pick an empty "
                                  "folder (--force adds files to a folder, it never overwrites one)")
    text = _TEXT[fmt]
    made_dirs: set[Path] = set()
    drafts = words = 0
    tags: set[str] = set()
    cats: set[str] = set()
    for post in iter_post_data(n, seed):
        path = folder / post_path(post, fmt)
        if path.parent not in made_dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(path.parent)
        path.write_text(text(post), encoding="utf-8")
        drafts += post.draft
        words += post.words
        tags.update(post.tags)
        cats.update(post.categories)
    static_root = {"wasmblog": "static", "hugo": "static", "pelican": "content"}[fmt]
    for rel, data in static_files().items():
        path = folder / static_root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if fmt == "wasmblog":
        (folder / "site.toml").write_text(site_toml(), encoding="utf-8")
    else:
        _copy_peer_config(fmt, folder)
    (folder / MARKER).write_text(f"posts={n} seed={seed} format={fmt}\n", encoding="utf-8")
    if stats is not None:
        stats.append(CorpusStats(n, drafts, words, len(tags), len(cats)))
    return folder
