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
import math
import random
import re
import shutil
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

FORMATS = ("wasmblog", "hugo", "pelican")
BASE_URL = "https://blog.example.org/"
SITE_TITLE = "Boxes All the Way Down"
SITE_AUTHOR = "Sam Example"
SITE_DESCRIPTION = "Notes on unikernels, WebAssembly, sandboxes and self-hosting a small blog."
MARKER = ".wasmblog-corpus"  # marks a folder this module wrote (safe to overwrite)
PEERS_DIR = Path(__file__).resolve().parent / "peersites"  # package data: the peers' configurations

from .words import THINGS, TOOLS, LINKS, GENERIC_LINKS, ADJS, VERBS, NEGS, DURATIONS, HOSTS, OPENERS, NUMS, PEOPLE, TABLE_KINDS, OPTS, VALS, QUOTES, QUOTE_WHO, IMAGES, TAGS, CATEGORIES, _TAG_CUM, _CAT_CUM, CODE, CODE_LANGS, CODE_NAMES, HOSTNAMES, CODE_INTROS, _DESCRIPTIONS, _HEADINGS, _LIST_ITEMS, _SENTENCES, _STEPS, _TITLES


@dataclass(frozen=True)
class PostData:
    """One generated post, independent of the layout it is written in."""

    number: int
    title: str
    description: str
    date: str  # as written in front matter
    year: int
    lastmod: str
    draft: bool
    tags: tuple[str, ...]
    categories: tuple[str, ...]
    preview: str
    slug: str  # explicit slug, or ""
    summary: str
    body: str
    words: int

    @property
    def stem(self) -> str:
        return f"post-{self.number:05d}"

    @property
    def effective_slug(self) -> str:
        """The slug wasmblog gives the post (explicit, else from the file name)."""
        return self.slug or self.stem


class _Writer:
    """Text for one post, from one seeded generator."""

    def __init__(self, rng: random.Random, number: int) -> None:
        self.rng = rng
        self.number = number
        self.words = 0
        self.footnotes: list[str] = []
        self.r = rng.random
        self.pick: Callable[[Sequence[str]], str] = rng.choice

    # slots --------------------------------------------------------------
    def slot(self, key: str, plain: bool = False) -> str:
        pick, r = self.pick, self.r
        if key in ("thing", "thing2"):
            word = pick(THINGS)
            if not plain:
                x = r()
                if x < 0.05:
                    return f"*{word}*"
                if x < 0.08:
                    return f"**{word}**"
                if x < 0.10 and word in LINKS:
                    return f"[{word}]({LINKS[word]})"
            return word
        if key == "tool":
            word = pick(TOOLS)
            if not plain:
                x = r()
                if x < 0.10:
                    return f"`{word.lower()}`"
                if x < 0.18 and word in LINKS:
                    return f"[{word}]({LINKS[word]})"
                if x < 0.20:
                    return f"**{word}**"
            return word
        if key in ("verb", "verb2"):
            word = pick(VERBS)
            return f"*{word}*" if not plain and r() < 0.04 else word
        if key == "adj":
            word = pick(ADJS)
            return f"*{word}*" if not plain and r() < 0.06 else word
        if key == "who":
            word = pick(PEOPLE)
            if not plain and r() < 0.5:
                return f"[{word}]({pick(GENERIC_LINKS)})"
            return word
        if key == "fn":
            return pick(CODE_NAMES)
        if key == "opt":
            return pick(OPTS)
        if key == "val":
            return pick(VALS)
        if key == "day":
            return str(1 + self.number % 30)
        table = {"neg": NEGS, "dur": DURATIONS, "host": HOSTS, "open": OPENERS, "num": NUMS}
        return pick(table[key])

    def fill(self, items: tuple[object, ...], plain: bool = False) -> str:
        slot = self.slot
        return "".join(x if isinstance(x, str) else slot(x[0], plain) for x in items)  # type: ignore[index]

    # blocks -------------------------------------------------------------
    def sentence(self) -> str:
        items, capitalise = self.pick(_SENTENCES)
        text = self.fill(items)
        self.words += text.count(" ") + 1
        if capitalise and text[0].islower():
            text = text[0].upper() + text[1:]
        x = self.r()
        if x < 0.02 and self.number > 1:
            target = 1 + int(self.r() * (self.number - 1))
            text += f" I wrote about this [in an earlier post](/posts/post-{target:05d}/)."
            self.words += 6
        elif x < 0.035:
            n = len(self.footnotes) + 1
            self.footnotes.append(self.fill(self.pick(_SENTENCES)[0]))
            text = text[:-1] + f"[^{n}]" + text[-1]
        return text

    def paragraph(self, lo: int = 2, hi: int = 6) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))

    def heading(self, level: int) -> str:
        text = self.fill(self.pick(_HEADINGS), plain=True)
        self.words += len(text.split())
        return "#" * level + " " + text[0].upper() + text[1:]

    def bullets(self) -> str:
        lines = []
        for _ in range(self.rng.randint(3, 6)):
            item = self.fill(self.pick(_LIST_ITEMS))
            self.words += len(item.split())
            lines.append(f"- {item[0].upper()}{item[1:]}")
            if self.r() < 0.12:
                for _ in range(self.rng.randint(1, 2)):
                    sub = self.fill(self.pick(_LIST_ITEMS))
                    self.words += len(sub.split())
                    lines.append(f"    - {sub}")
        return "\n".join(lines)

    def steps(self) -> str:
        picked = self.rng.sample(_STEPS, self.rng.randint(3, 6))
        out = []
        for i, s in enumerate(picked, 1):
            text = self.fill(s)
            self.words += len(text.split())
            out.append(f"{i}. {text}")
        return "\n".join(out)

    def code(self) -> str:
        lang = self.pick(CODE_LANGS)
        text = (self.pick(CODE[lang]).replace("@NAME@", self.pick(CODE_NAMES))
                .replace("@PORT@", str(self.pick((8080, 3000, 8000, 4000, 9090))))
                .replace("@N@", str(self.rng.randint(2, 600)))
                .replace("@HOST@", self.pick(HOSTNAMES)))
        intro = self.pick(CODE_INTROS)
        self.words += len(intro.split())
        return f"{intro}\n\n```{lang}\n{text}```"

    def table(self) -> str:
        header, row = self.pick(TABLE_KINDS)
        rng, pick = self.rng, self.pick
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        for _ in range(rng.randint(3, 6)):
            cells = []
            for cell in row:
                cells.append(cell.replace("{tool}", pick(TOOLS)).replace("{ms}", f"{rng.uniform(0.4, 900):.1f}")
                             .replace("{mb}", str(rng.randint(2, 900))).replace("{adj}", pick(ADJS))
                             .replace("{rps}", f"{rng.randint(50, 40000):,}").replace("{usd}", f"{rng.randint(0, 40)}")
                             .replace("{sec}", f"{rng.uniform(0.1, 12):.2f}").replace("{pages}", f"{rng.randint(100, 20000):,}")
                             .replace("{opt}", pick(OPTS)).replace("{val}", pick(VALS)).replace("{verb}", pick(VERBS)))
            lines.append("| " + " | ".join(cells) + " |")
        self.words += 4 * (len(lines) - 2)
        return self.paragraph(1, 2) + "\n\n" + "\n".join(lines)

    def quote(self) -> str:
        x = self.r()
        if x < 0.5:
            text = "> " + self.pick(QUOTES)
            who = self.pick(QUOTE_WHO)
            if who:
                text += f"\n>\n> — {who}"
        else:
            text = "> " + self.paragraph(1, 3)
        self.words += len(text.split())
        return text

    def image(self) -> str:
        url, alt, title = self.pick(IMAGES)
        self.words += 3
        return f"![{alt}]({url} '{title}')" if self.r() < 0.8 else f"![{alt}]({url})"


def _date(rng: random.Random) -> tuple[str, int, int]:
    """A front-matter date between 2017 and 2024, in one of the forms people write."""
    days = int(rng.random() * 2922)  # 2017-01-01 .. 2024-12-31
    y, m, d = _civil(17167 + days)  # 17167 = days from 1970-01-01 to 2017-01-01
    secs = int(rng.random() * 86400)
    hh, mm, ss = secs // 3600, secs // 60 % 60, secs % 60
    x = rng.random()
    if x < 0.70:
        text = f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}.{int(rng.random() * 1000):03d}Z"
    elif x < 0.85:
        text = f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}Z"
    elif x < 0.95:
        off = rng.choice(("+01:00", "+02:00", "-05:00", "-07:00", "+05:30", "+09:00"))
        text = f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}{off}"
    else:
        text = f"{y:04d}-{m:02d}-{d:02d}"
    return text, y, 17167 + days


def _civil(days: int) -> tuple[int, int, int]:
    """(year, month, day) of a day number since 1970-01-01 (proleptic Gregorian)."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (m <= 2), m, d


def _slugify(text: str) -> str:
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-")


def make_post(number: int, seed: int = 0) -> PostData:
    """Post ``number`` (1-based) of the corpus for ``seed``; depends on nothing else."""
    rng = random.Random(seed * 1_000_003 + number)
    w = _Writer(rng, number)
    r = rng.random

    title = w.fill(rng.choice(_TITLES), plain=True)
    title = title[0].upper() + title[1:]
    description = w.fill(rng.choice(_DESCRIPTIONS), plain=True)
    date, year, day_number = _date(rng)
    lastmod = ""
    if r() < 0.10:
        y, m, d = _civil(day_number + rng.randint(1, 400))
        lastmod = f"{y:04d}-{m:02d}-{d:02d}T09:{rng.randint(0, 59):02d}:00Z"
    draft = r() < 0.02
    ntags = rng.choices((1, 2, 3, 4), (30, 35, 22, 13))[0]
    tags: list[str] = []
    while len(tags) < ntags:
        tag = rng.choices(TAGS, cum_weights=_TAG_CUM)[0]
        if tag not in tags:
            tags.append(tag)
    cats = [rng.choices(CATEGORIES, cum_weights=_CAT_CUM)[0]]
    if r() < 0.08:
        extra = rng.choice(CATEGORIES)
        if extra not in cats:
            cats.append(extra)
    preview = IMAGES[rng.randrange(len(IMAGES))][0] if r() < 0.15 else ""
    slug = f"{_slugify(title)}-{number}" if r() < 0.3 else ""

    # Body: a prose budget, log-normal; with the code, tables and lists that
    # come on top, posts run from ~250 to ~1,500 words, median ~600.
    target = min(1250, max(200, int(math.exp(rng.gauss(math.log(500), 0.42)))))
    blocks: list[str] = [w.paragraph(2, 5)]
    if r() < 0.35:
        blocks.append(w.paragraph(2, 4))
    has_more = r() < 0.3
    if has_more:
        blocks.append("<!--more-->")
    ncode = rng.choices((0, 1, 2), (35, 45, 20))[0]
    extras = (["code"] * ncode + (["table"] if r() < 0.25 else []) + (["image"] if r() < 0.25 else [])
              + (["quote"] if r() < 0.35 else []) + (["bullets"] if r() < 0.6 else [])
              + (["steps"] if r() < 0.35 else []))
    rng.shuffle(extras)
    summary = ""
    if not has_more and r() < 0.03:
        summary = w.fill(rng.choice(_SENTENCES)[0], plain=True)
    while w.words < target or extras:
        blocks.append(w.heading(2))
        blocks.append(w.paragraph())
        if extras and (w.words > target * 0.5 or r() < 0.6):
            kind = extras.pop()
            blocks.append(getattr(w, kind)())
            if r() < 0.5:
                blocks.append(w.paragraph(1, 4))
        if r() < 0.25 and w.words < target:
            blocks.append(w.heading(3))
            blocks.append(w.paragraph())
        if w.words < target and r() < 0.5:
            blocks.append(w.paragraph())
    if w.footnotes:
        blocks.append("\n".join(f"[^{i}]: {text}" for i, text in enumerate(w.footnotes, 1)))
    body = "\n\n".join(blocks) + "\n"
    return PostData(number, title, description, date, year, lastmod, draft, tuple(tags), tuple(cats),
                    preview, slug, summary, body, w.words)


# --------------------------------------------------------------------------
# Layouts
# --------------------------------------------------------------------------

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


def iter_post_data(n: int, seed: int = 0):  # noqa: ANN201 - Iterator[PostData]
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
    are added or overwritten, and posts already there stay in the site.
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
    _prepare(folder, _MANAGED, force)
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
