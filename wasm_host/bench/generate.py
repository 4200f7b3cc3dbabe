"""One generated post: its words, front-matter values and Markdown body, from a seeded generator.

``make_post(i, seed)`` depends on nothing but its arguments, so post ``i`` is
the same whatever the size of the corpus it is part of.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from collections.abc import Sequence
from typing import Protocol, TypeVar

from .words import (THINGS, TOOLS, LINKS, GENERIC_LINKS, ADJS, VERBS, NEGS, DURATIONS, HOSTS, OPENERS, NUMS,
                    PEOPLE, TABLE_KINDS, OPTS, VALS, QUOTES, QUOTE_WHO, IMAGES, TAGS, CATEGORIES, _TAG_CUM,
                    _CAT_CUM, CODE, CODE_LANGS, CODE_NAMES, HOSTNAMES, CODE_INTROS, _DESCRIPTIONS, _HEADINGS,
                    _LIST_ITEMS, _SENTENCES, _STEPS, _TITLES)


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


T = TypeVar("T")


class _Choice(Protocol):
    def __call__(self, seq: Sequence[T], /) -> T: ...


class _Writer:
    """Text for one post, from one seeded generator."""

    def __init__(self, rng: random.Random, number: int) -> None:
        self.rng = rng
        self.number = number
        self.words = 0
        self.footnotes: list[str] = []
        self.r = rng.random
        self.pick: _Choice = rng.choice  # bound once: the generator calls it millions of times

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
        return "".join(x if isinstance(x, str) else slot(x[0], plain) for x in items)  # type: ignore[index]  # a slot is a 1-tuple of its name

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
