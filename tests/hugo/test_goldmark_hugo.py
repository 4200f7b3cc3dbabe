"""wasmblog's Markdown against Hugo's (goldmark), on goldmark's fixtures, Hugo's docs and the CommonMark spec.

Every input (see tests/hugo/README.md, "Goldmark's Markdown") becomes one page of a
Hugo site configured as Hugo's defaults plus ``renderer.unsafe`` (raw HTML through,
so the Markdown is compared, not the raw-HTML policies) and no code highlighting
(Chroma's markup is not wasmblog's); Hugo builds it once and its ``.Content`` is
compared with what wasmblog renders of the same input with the Markdown options
that Hugo configuration maps to (``renderer.hugo`` -> ``renderer.config`` ->
``renderer.content.markdown_options``), without its ``#`` heading anchors and
highlighting. Bodies are compared after :func:`normalize`. The agreement
measured when this was written is the floor: the test fails when it drops.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hugokit import hugo_pages
from renderer.config import parse_config
from renderer.content import MORE_RE, markdown_options
from renderer.hugo import hugo_config
from renderer.markdown import MarkdownOptions
from sitekit import TESTS, get_renderer
from wasm_host.engines.base import Renderer

pytestmark = [pytest.mark.hugo, pytest.mark.slow]

FIXTURES = Path(__file__).parent / "goldmark"
HUGO_CONFIG = """\
baseURL = "https://example.org/"
title = "goldmark"
disableKinds = ["taxonomy", "term", "rss", "sitemap", "404"]
[markup.goldmark.renderer]
unsafe = true
[markup.highlight]
codeFences = false
"""
SEPARATOR = "//- - - - - - - - -//"
CASE_END = re.compile(r"^//= = = = = = = = = = = = = = = = = = = = = = = =//$", re.M)

# Measured 2026-12-07 with Hugo 0.168.0 (tests/hugo/README.md): cases equal after normalisation, per source.
# The test fails when a source has fewer equal cases than this.
MEASURED = {
    "goldmark/extra.txt": 60,
    "goldmark/typographer.txt": 19,
    "goldmark/definition_list.txt": 5,
    "goldmark/table.txt": 13,
    "goldmark/footnote.txt": 3,
    "goldmark/strikethrough.txt": 4,
    "goldmark/tasklist.txt": 4,
    "goldmark/linkify.txt": 18,
    "hugo-docs/examples.txt": 107,
    "hugo-docs/pages.txt": 314,
    "commonmark-spec-0.31.2.json": 644,
}


@dataclass(frozen=True)
class Case:
    source: str  # the fixture file, as in MEASURED
    title: str
    text: str


def _fixture_cases(path: Path) -> list[Case]:
    """The inputs of a file in goldmark's fixture format (title, input, expected output per case)."""
    source = path.relative_to(FIXTURES).as_posix()
    cases = []
    for chunk in CASE_END.split(path.read_text(encoding="utf-8")):
        parts = re.split(r"^//- - - - - - - - -//\n?", chunk.strip("\n"), flags=re.M)
        if len(parts) >= 3:
            cases.append(Case(source, parts[0].strip().splitlines()[0], parts[1]))
    return cases


def cases() -> list[Case]:
    found = [c for path in sorted(FIXTURES.glob("*/*.txt")) for c in _fixture_cases(path)]
    spec = json.loads((TESTS / "data" / "commonmark-spec-0.31.2.json").read_text(encoding="utf-8"))
    found += [Case("commonmark-spec-0.31.2.json", f"{ex['example']}: {ex['section']}", ex["markdown"])
              for ex in spec]
    # Hugo reads {{< >}} and {{% %}} as shortcodes: such inputs test shortcodes, not Markdown.
    return [c for c in found if "{{" not in c.text]


# --- normalisation -------------------------------------------------------------------------------------------

VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


class _Tokens(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[str, ...]] = []
        self.open: list[str] = []
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attrs = [(k, re.sub(r"\s*([:;])\s*", r"\1", v or "") if k == "style" else v) for k, v in attrs]
        shown = " ".join(f"{k}={v or ''!r}" for k, v in sorted(attrs))
        self.tokens.append(("start", tag, shown))
        if tag not in VOID:
            self.open.append(tag)
            self.pre += tag == "pre"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        self.tokens.append(("end", tag))
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass
            self.pre -= tag == "pre"

    def handle_data(self, data: str) -> None:
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
            if not data.strip():
                return
        parent = self.open[-1] if self.open else ""
        if self.tokens and self.tokens[-1][0] == "text":
            data = self.tokens.pop()[2] + data
        self.tokens.append(("text", parent, data))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(("comment", data.strip()))


def normalize(html: str) -> list[tuple[str, ...]]:
    """HTML as a list of tokens, so that two renderings that a browser shows alike compare equal:
    character references resolved (``&quot;`` is ``"``), attributes in name order, ``<br>`` and
    ``<br />`` alike, runs of white space outside ``<pre>`` one space, white space between tags
    dropped, text at the edges of block tags trimmed, no white space around ``:`` and ``;`` in
    ``style`` (``text-align: left`` is ``text-align:left``)."""
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    tokens = parser.tokens
    for i, tok in enumerate(tokens):  # trim text next to tags: " x" after <p> is "x"
        if tok[0] == "text" and tok[1] != "pre" and "pre" not in tok:
            tokens[i] = ("text", tok[1], tok[2].strip() if _block_edge(tokens, i) else tok[2])
    return [t for t in tokens if not (t[0] == "text" and t[2] == "")]


_BLOCK = frozenset("p li ul ol dl dt dd blockquote table thead tbody tr th td h1 h2 h3 h4 h5 h6 div hr pre "
                   "section".split())


def _block_edge(tokens: list[tuple[str, ...]], i: int) -> bool:
    before = tokens[i - 1] if i else ("start", "")
    after = tokens[i + 1] if i + 1 < len(tokens) else ("end", "")
    return before[1] in _BLOCK or after[1] in _BLOCK or i == 0 or i + 1 == len(tokens)


def kind_of(hugo: list[tuple[str, ...]], ours: list[tuple[str, ...]]) -> str:
    """What differs first: ``<tag>`` for an element or its attributes, ``text in <tag>`` for text."""
    for a, b in zip(hugo + [("end", "(end)")], ours + [("end", "(end)")], strict=False):
        if a != b:
            tok = a if a[0] != "end" else b
            if tok[0] == "text":
                return f"text in <{tok[1]}>"
            if tok[0] == "comment":
                return "comment"
            return f"<{tok[1]}>"
    return "equal"


# --- the comparison ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(hugo: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Case], list[str], MarkdownOptions]:
    """The cases, Hugo's content of each, and the Markdown options wasmblog derives from the same config."""
    all_cases = cases()
    site = tmp_path_factory.mktemp("goldmark-site")
    (site / "hugo.toml").write_text(HUGO_CONFIG)
    folder = site / "content" / "c"
    folder.mkdir(parents=True)
    for n, case in enumerate(all_cases):
        (folder / f"c{n:05d}.md").write_text(f"---\ntitle: c{n}\n---\n{case.text}", encoding="utf-8")
    pages, proc = hugo_pages(site, hugo)
    assert proc.returncode == 0, proc.stderr
    content = {p.path: p.content for p in pages}
    config, diags = parse_config(hugo_config([("hugo.toml", HUGO_CONFIG)]).site_toml)
    assert not [d for d in diags if d.is_error]
    options = replace(markdown_options(config), heading_ids=False, highlight=False)
    return all_cases, [content[f"c/c{n:05d}.md"] for n in range(len(all_cases))], options


def wasmblog_input(text: str) -> str:
    """The input as wasmblog's site build renders it: without the summary divider, which it takes out
    before rendering (``renderer.content``), as Hugo takes it out of ``.Content``."""
    return MORE_RE.sub("", text)


def agreement(engine: Renderer, corpus: tuple[list[Case], list[str], MarkdownOptions]) -> dict[str, Counter[str]]:
    """Per source: how many cases are equal, and the kinds of the differences."""
    all_cases, expected, options = corpus
    out: dict[str, Counter[str]] = {}
    for case, hugo_html in zip(all_cases, expected, strict=True):
        ours = engine.render_markdown(wasmblog_input(case.text), **options.__dict__)
        out.setdefault(case.source, Counter())[kind_of(normalize(hugo_html), normalize(ours))] += 1
    return out


def report(found: dict[str, Counter[str]]) -> str:
    """The figures as tests/hugo/README.md has them."""
    lines = ["| source | cases | equal | % |", "|---|---:|---:|---:|"]
    total = Counter[str]()
    for source, kinds in sorted(found.items()):
        n = sum(kinds.values())
        lines.append(f"| {source} | {n} | {kinds['equal']} | {100 * kinds['equal'] / n:.1f} |")
        total.update(kinds)
    n = sum(total.values())
    lines.append(f"| all | {n} | {total['equal']} | {100 * total['equal'] / n:.1f} |")
    lines.append("")
    lines += [f"- {kind}: {count}" for kind, count in total.most_common() if kind != "equal"][:12]
    return "\n".join(lines)


def test_wasmblog_renders_goldmarks_fixtures_and_hugos_docs_as_hugo_does(engine, corpus):
    found = agreement(engine, corpus)
    print(report(found))
    assert set(found) == set(MEASURED)
    dropped = {s: (found[s]["equal"], floor) for s, floor in MEASURED.items() if found[s]["equal"] < floor}
    assert not dropped, f"fewer cases equal to Hugo's than measured (now, before): {dropped}\n{report(found)}"


@pytest.mark.wasm
def test_both_engines_render_every_case_byte_for_byte_alike(corpus):
    all_cases, _, options = corpus
    native, wasm = get_renderer("native"), get_renderer("wasm")
    differ = [c.title for c in all_cases if native.render_markdown(wasmblog_input(c.text), **options.__dict__)
              != wasm.render_markdown(wasmblog_input(c.text), **options.__dict__)]
    assert differ == []
