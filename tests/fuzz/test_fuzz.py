"""Property-based and fuzz tests: random sites, names and bytes through the whole host.

Invariants, for every generated input, on both engines:

- the build never crashes: every problem is a one-line diagnostic;
- nothing is written outside the output folder, and the site folder is unchanged;
- the two engines give the same diagnostics and byte-identical files;
- every HTML page parses with html5lib without errors and carries no script,
  handler or script URL; every XML file parses;
- run as ``wasmblog build`` in a subprocess: no traceback on stderr, exit 0 or 1.

(``test_parity.py`` compares random Markdown and front matter at the level of
single calls; these tests go through ``wasm_host.site.build`` and the file system.)

Profiles: the CI-sized one by default; ``WASMBLOG_FUZZ=long`` runs about 40
times as many examples (several minutes per test) for local runs, e.g.
``WASMBLOG_FUZZ=long .venv/bin/pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitekit import ENGINES, BUILD_TIME, ROOT, get_renderer
from renderer import Source
from sitekit import tree_bytes
from safety import assert_well_formed, outside
from wasm_host.site import build
from wasm_host.engines.zones import zone_data

settings.register_profile("wasmblog-ci", max_examples=25, deadline=None, derandomize=False,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.function_scoped_fixture])
settings.register_profile("wasmblog-long", parent=settings.get_profile("wasmblog-ci"), max_examples=1000)
PROFILE = settings.get_profile("wasmblog-long" if os.environ.get("WASMBLOG_FUZZ") == "long" else "wasmblog-ci")


def examples(ci: int) -> settings:
    """Settings for a test: ``ci`` examples in the CI profile, 40 times as many in the long one."""
    factor = 40 if PROFILE.max_examples > 25 else 1
    return settings(PROFILE, max_examples=ci * factor)


# One diagnostic line. Unlike sitekit's DIAGNOSTIC_LINE, the path may hold ':' (a file may
# be named so); no character in it may break the line for any reader.
ONE_LINE = re.compile(r"^(?P<path>[^\n]+?)(?::(?P<line>\d+))?: (?P<severity>error|warning): (?P<message>[^\n]+)$")
LINE_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def assert_one_line(line: str) -> None:
    assert ONE_LINE.match(line) and not LINE_BREAKING.search(line), repr(line)


SITE_TOML = 'title = "Fuzz"\nbase_url = "https://example.org/blog/"\ntimezone = "Europe/Berlin"\n'

# --- strategies -------------------------------------------------------------------------------

HOSTILE_NAMES = ["../../etc/passwd", "/abs/path", "..", ".", "CON", "con.txt", "aux", "NUL", "．．／．．／etc",
                 "a／b", "a\\b", "\u202etxt.exe", "a\u200bb", "%2e%2e", "%2F", "index.html", "index.xml",
                 "css/style.css/", "tags", "page", "404.html", "~", "ß", "SS", "İ", "ǅ", "ﬁ", "\U00011F04",
                 "\U00010D40", "😀", "e\u0301", "x" * 300, "é" * 150, "\ufeff", "\x7f", "\u0085", "javascript:x",
                 "//evil.example/x", "https://evil.example/", "\\\\server\\share", "a:b", "?q=1", "#frag", "%00",
                 "\ud7ff", "\ue000", "\U0010fffd"]
# Characters for names: every kind of trouble (no surrogates: they cannot be file names).
NAME_CHARS = st.one_of(
    st.sampled_from(list("./\\%:~-_ ") + ["\u202e", "\u200b", "\x7f", "\x01", "\t", "\u3000", "．", "／",
                                          "\U00011F04", "\U00010D40", "ß", "İ", "\u0301"]),
    st.characters(blacklist_categories=("Cs",)),
)
NAMES = st.one_of(st.sampled_from(HOSTILE_NAMES), st.text(NAME_CHARS, min_size=1, max_size=24))
TEXT = st.one_of(st.sampled_from(HOSTILE_NAMES + ['He said "<b>hi</b>" & ]]>', "<script>alert(1)</script>",
                                                  "' onmouseover='x", "\x0b\x0c", "\ufffe", "\U0001fffe"]),
                 st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))
DATES = st.sampled_from(["2023-11-15T17:04:04.016Z", "2023-03-26 02:30", "2023-02-30", "0001-01-01T00:00:00+23:59",
                         "9999-12-31T23:59:59-23:59", "2027-01-16", "yesterday", "２０２３-01-01", "2023-01-01"])
BODY_ATOMS = st.one_of(
    TEXT,
    st.sampled_from(["*", "**", "_", "`", "[", "]", "![", "<", ">", "&", "\\", "|", "#", "- ", "1. ", "> ", "\n",
                     "\n\n", "    ", "```", "~~~", "<!--more-->", "[^1]", "[^1]: n", "<div>", "</div>", "&#0;",
                     "&#x110000;", "&bogus;", "<!--", "-->", "<![CDATA[", "]]>"]),
    st.builds(lambda text, url: f"[{text}]({url})", TEXT, NAMES),
    st.builds(lambda text, url: f"![{text}]({url} \"{text}\")", TEXT, NAMES),
    st.builds(lambda url: f"<{url}>", NAMES),
    st.builds(lambda lang, code: f"\n```{lang}\n{code}\n```\n", st.sampled_from(["python", "js", "html", "", "x y"]),
              TEXT),
)
BODIES = st.lists(BODY_ATOMS, max_size=20).map("".join)


@st.composite
def front_matter(draw) -> str:
    """YAML or TOML front matter with random, often wrong, values for the known keys."""
    values = st.one_of(TEXT, NAMES, DATES, st.integers(-10**30, 10**30), st.floats(), st.booleans(), st.none(),
                       st.lists(st.one_of(TEXT, NAMES, st.integers()), max_size=4),
                       st.dictionaries(st.text(max_size=5), TEXT, max_size=3))
    data = {"title": draw(st.one_of(TEXT, values)), "date": draw(st.one_of(DATES, values))}
    for key in draw(st.lists(st.sampled_from(["slug", "aliases", "tags", "categories", "draft", "preview",
                                               "description", "summary", "lastmod", "custom"]), max_size=5)):
        if key in ("aliases", "tags", "categories"):
            data[key] = draw(st.one_of(st.lists(st.one_of(NAMES, TEXT), max_size=4), values))
        elif key == "slug":
            data[key] = draw(st.one_of(NAMES, values))
        else:
            data[key] = draw(values)
    if draw(st.integers(0, 4)) == 0:  # YAML written by hand: anchors, aliases, tags, flow style
        return draw(st.sampled_from([
            "---\ntitle: &t T\ndate: 2023-01-01\ndescription: *t\ntags: &l [a, b]\ncategories: *l\n---\n",
            "---\ntitle: !!binary aGk=\ndate: 2023-01-01\n---\n", "---\n{title: T, date: 2023-01-01}\n---\n",
            "---\ntitle: T\ndate: 2023-01-01\nx: &a [*a]\n---\n", "+++\ntitle = 'T'\ndate = 2023-01-01\n+++\n",
            "+++\ntitle = \"\\u0001\"\ndate = 2023-01-01T10:00:00+02:00\naliases = ['/x/']\n+++\n",
            "---\ntitle: T\ndate: 2023-01-01\n<<: {slug: merged}\n---\n", "---\n---\n", "---\n", "",
        ]))
    try:
        dumped = yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False,
                                default_flow_style=draw(st.booleans()))
    except yaml.YAMLError:
        dumped = "title: T\ndate: 2023-01-01\n"
    return "---\n" + dumped + "---\n"


@st.composite
def post_bytes(draw) -> bytes:
    text = draw(front_matter()) + draw(BODIES)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16"]))
    data = text.encode(encoding, "surrogatepass")
    mutation = draw(st.integers(0, 6))
    if mutation == 0 and data:  # flip a byte
        i = draw(st.integers(0, len(data) - 1))
        data = data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1:]
    elif mutation == 1:  # truncate, maybe mid-character
        data = data[:draw(st.integers(0, len(data)))]
    elif mutation == 2:  # splice in raw bytes
        i = draw(st.integers(0, len(data)))
        data = data[:i] + draw(st.binary(max_size=8)) + data[i:]
    return data


FILE_NAMES = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), min_size=1,
                     max_size=40).filter(lambda n: len((n + ".md").encode("utf-8")) <= 255 and not n.startswith("."))


@st.composite
def sites(draw) -> dict[str, bytes]:
    """Posts by file name (relative to posts/, maybe in a sub-folder)."""
    files: dict[str, bytes] = {}
    for _ in range(draw(st.integers(1, 5))):
        name = draw(st.one_of(FILE_NAMES, st.sampled_from(["index", "CON", "ß", "SS", "..md", "a.b", "2023/x",
                                                          "2024/x", "x/index", "\U00011F04"])))
        files[name + draw(st.sampled_from([".md", ".md", ".markdown"]))] = draw(post_bytes())
    return files


# --- running a site through both engines -------------------------------------------------------


def write_site(root: Path, posts: dict[str, bytes], config: str = "") -> Path:
    site = root / "site"
    (site / "posts").mkdir(parents=True)
    (site / "site.toml").write_text(SITE_TOML + config, encoding="utf-8")
    for name, data in posts.items():
        path = site / "posts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return site


def build_both(root: Path, posts: dict[str, bytes], config: str = "") -> tuple[list[str], dict[str, bytes]]:
    """Build on both engines; check every invariant; the diagnostics and files."""
    site = write_site(root, posts, config)
    before = outside(root, root / "out")
    results = {}
    for name in ("native", "wasm"):
        out = root / "out" / name
        report = build(site, out, get_renderer(name), build_time=BUILD_TIME)
        lines = [d.format() for d in report.diagnostics]
        for line in lines:
            assert_one_line(line)
        for path in out.rglob("*"):
            assert not path.is_symlink() and path.resolve().is_relative_to(out.resolve()), path
        results[name] = (lines, tree_bytes(out))
    assert results["wasm"][0] == results["native"][0]
    assert results["wasm"][1] == results["native"][1]
    assert outside(root, root / "out") == before  # the site folder and everything beside it: unchanged
    lines, out = results["native"]
    assert_well_formed(out, unsafe_html=False)
    return lines, out


class _Scratch:
    """A fresh folder per Hypothesis example (tmp_path is one per test)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.n = 0

    def __call__(self) -> Path:
        self.n += 1
        path = self.base / f"ex{self.n}"
        path.mkdir()
        return path


@pytest.fixture
def scratch(tmp_path) -> _Scratch:
    return _Scratch(tmp_path)


# --- properties -------------------------------------------------------------------------------


@pytest.mark.wasm
@pytest.mark.slow
@examples(ci=60)
@given(posts=sites())
def test_random_sites_build_the_same_well_formed_files_on_both_engines(scratch, posts):
    lines, out = build_both(scratch(), posts)
    assert "index.html" in out and "sitemap.xml" in out and "404.html" in out


@pytest.mark.wasm
@pytest.mark.slow
@examples(ci=50)
@given(names=st.lists(st.tuples(NAMES, st.lists(NAMES, max_size=3), st.lists(NAMES, max_size=3)),
                      min_size=1, max_size=4))
def test_random_slugs_aliases_and_tags_never_write_outside_the_output_folder(scratch, names):
    posts = {}
    for i, (slug, aliases, tags) in enumerate(names):
        front = {"title": f"Post {i}", "date": f"2023-01-{i + 1:02d}", "slug": slug, "aliases": aliases,
                 "tags": tags, "categories": tags[::-1]}
        posts[f"p{i}.md"] = ("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\nBody.\n").encode("utf-8")
    lines, out = build_both(scratch(), posts)
    for path in out:
        assert ".." not in path.split("/") and not path.startswith("/") and "\\" not in path


@pytest.mark.wasm
@examples(ci=100)
@given(data=st.lists(st.binary(max_size=300), min_size=1, max_size=4))
def test_random_bytes_as_whole_files_parse_identically_and_never_crash(data):
    sources = [Source(f"posts/b{i}.md", d) for i, d in enumerate(data)]
    tzif = zone_data("Europe/Berlin")
    native = get_renderer("native").parse_posts(sources, SITE_TOML, tzif)
    wasm = get_renderer("wasm").parse_posts(sources, SITE_TOML, tzif)
    assert wasm == native
    for d in native.diagnostics:
        assert_one_line(d.format())


@pytest.mark.wasm
@pytest.mark.slow
@examples(ci=50)
@given(posts=st.dictionaries(st.sampled_from(["a.md", "b.md"]), st.binary(max_size=400), min_size=1))
def test_random_bytes_as_posts_in_a_site_build_cleanly(scratch, posts):
    build_both(scratch(), posts)


UNICODE_15_16 = ["\U00011F04", "\U0001E030", "\U00010D4A", "\U00011380", "\U00010D40", "\U0001FAE8", "\U0001CC00",
                 "\U000105C0", "\U00016D40", "\U0001E5D0", "\u1C89", "\uA7CB", "\U0002EBF0", "\U00031350"]


@pytest.mark.wasm
@pytest.mark.slow
@examples(ci=40)
@given(words=st.lists(st.one_of(st.sampled_from(UNICODE_15_16), st.text(alphabet="aZ9 *_#-.[](`", max_size=3)),
                      min_size=1, max_size=12))
def test_characters_newer_than_the_host_s_unicode_give_the_same_site_on_both_engines(scratch, words):
    """The guest's Python knows Unicode 16.0, the host's 14.0: slugs, anchors, emphasis,
    list numbers and highlighting must not depend on which (renderer/ucd.py)."""
    text = "".join(words)
    front = {"title": text or "x", "date": "2023-01-01", "tags": [text or "x"], "categories": words}
    body = f"# {text}\n\n{text}\n\n*{text}*{text}\n\n_{text}_\n\n{text}. item\n\n```python\n{text}\n```\n"
    posts = {"u.md": ("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body).encode("utf-8"),
             f"{text.replace('/', '')[:20] or 'n'}.md": b"---\ntitle: N\ndate: 2023-01-02\n---\nx\n"}
    build_both(scratch(), posts)


CLI_SITES = st.fixed_dictionaries({"a.md": post_bytes(), "b.md": post_bytes(), "c.md": post_bytes()})


@pytest.mark.slow
@settings(PROFILE, max_examples=3 if PROFILE.max_examples <= 25 else 60)
@given(posts=CLI_SITES)
@pytest.mark.parametrize("engine_name", ENGINES)
def test_the_command_line_never_prints_a_traceback(scratch, engine_name, posts):
    root = scratch()
    site = write_site(root, posts)
    proc = subprocess.run([sys.executable, "-m", "wasm_host", "build", str(site), "-o", str(root / "out"),
                           "--engine", engine_name], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env=dict(os.environ, SOURCE_DATE_EPOCH=str(BUILD_TIME // 1_000_000)))
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    *problems, summary = proc.stderr.splitlines()
    assert summary.startswith("Built "), summary
    for line in problems:
        assert_one_line(line)
    assert (proc.returncode == 1) == any(": error: " in line for line in problems)
