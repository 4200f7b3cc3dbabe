"""Engine parity: the render core gives the same bytes natively and inside the sandbox.

Every test here runs the same real input through ``--engine native`` and
``--engine wasm`` (and, for whole sites, ``--jobs 1`` and ``--jobs 2``) and
compares everything that comes out: each output file byte for byte, every
diagnostic, the exit status. Nothing is compared with a stored expectation:
the native engine is the reference for the sandbox, and the sandbox for it.
"""

from __future__ import annotations

import json
import os
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitekit import BUILD_TIME, ROOT, SAMPLE_SITE, TESTS, get_renderer
from renderer import Source
from wasm_host.site import BuildReport, build
from wasm_host.bench.corpus import write_site
from wasm_host.engines import make_renderer
from wasm_host.engines.zones import zone_data

ENGINES_AND_JOBS = [("native", 1), ("native", 2), ("wasm", 1), ("wasm", 2)]
BERLIN = 'title = "Parity"\nbase_url = "https://example.org/blog/"\ntimezone = "Europe/Berlin"\n'


# --- helpers -------------------------------------------------------------------------


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``: relative path -> bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def diagnostics(report: BuildReport) -> list[str]:
    return [d.format() for d in report.diagnostics]


Results = dict[tuple[str, int], tuple[BuildReport, dict[str, bytes]]]


def build_all_ways(site: Path, out_root: Path, **options) -> Results:
    """Build ``site`` with each engine and job count; the report and output tree of each."""
    results = {}
    for name, jobs in ENGINES_AND_JOBS:
        out = out_root / f"out-{name}-{jobs}"
        report = build(site, out, get_renderer(name), jobs=jobs, build_time=BUILD_TIME, **options)
        results[(name, jobs)] = (report, tree(out))
    return results


def assert_all_identical(results: Results) -> None:
    (ref_report, ref_tree) = results[("native", 1)]
    for way, (report, files) in results.items():
        assert diagnostics(report) == diagnostics(ref_report), f"{way}: diagnostics differ from native, 1 job"
        assert sorted(files) == sorted(ref_tree), f"{way}: a different set of files"
        different = [path for path in ref_tree if files[path] != ref_tree[path]]
        assert different == [], f"{way}: these files differ from native, 1 job: {different[:10]}"
        assert (report.posts, report.pages, report.static) == (ref_report.posts, ref_report.pages, ref_report.static)


def cli_build(site: Path, out: Path, engine: str, jobs: int = 1) -> subprocess.CompletedProcess:
    """``wasmblog build SITE -o OUT --engine E --jobs N``, as a user runs it (fixed build time)."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(BUILD_TIME // 1_000_000))
    return subprocess.run([sys.executable, "-m", "wasm_host", "build", str(site), "-o", str(out),
                           "--engine", engine, "--jobs", str(jobs), "--quiet"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)


def has_posts(site: Path) -> bool:
    return any((site / "posts").rglob("*.md"))


# --- whole sites -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> Path:
    """A snapshot of the sample site content/ (a generated site if it has no posts yet)."""
    dest = tmp_path_factory.mktemp("sample") / "content"
    if has_posts(SAMPLE_SITE):
        shutil.copytree(SAMPLE_SITE, dest)
    else:
        write_site(dest, 12, seed=3)
    return dest


@pytest.fixture(scope="module")
def corpus_300(tmp_path_factory) -> Path:
    return write_site(tmp_path_factory.mktemp("corpus") / "site", 300, seed=0)


@pytest.mark.wasm
@pytest.mark.slow
def test_the_sample_site_builds_byte_identically_on_both_engines_and_any_job_count(sample_site, tmp_path):
    results = build_all_ways(sample_site, tmp_path)
    assert_all_identical(results)
    report, files = results[("native", 1)]
    assert report.posts > 0 and "index.html" in files


@pytest.mark.wasm
@pytest.mark.slow
def test_the_sample_site_with_drafts_and_future_posts_builds_byte_identically(sample_site, tmp_path):
    assert_all_identical(build_all_ways(sample_site, tmp_path, drafts=True, future=True))


@pytest.mark.wasm
@pytest.mark.slow
def test_the_wasmblog_command_builds_the_sample_site_identically_with_either_engine(sample_site, tmp_path):
    native = cli_build(sample_site, tmp_path / "a", "native")
    wasm = cli_build(sample_site, tmp_path / "b", "wasm", jobs=2)
    assert (wasm.returncode, wasm.stdout, wasm.stderr) == (native.returncode, native.stdout, native.stderr)
    assert tree(tmp_path / "b") == tree(tmp_path / "a")


@pytest.mark.wasm
@pytest.mark.slow
def test_a_generated_corpus_of_300_posts_builds_byte_identically_on_both_engines_and_any_job_count(
        corpus_300, tmp_path):
    results = build_all_ways(corpus_300, tmp_path)
    assert_all_identical(results)
    report, files = results[("native", 1)]
    assert report.posts >= 290  # about 2% of the corpus are drafts
    assert sum(path.startswith("posts/") for path in files) == report.posts


@pytest.mark.wasm
@pytest.mark.slow
@pytest.mark.parametrize("site", sorted(p.name for p in (TESTS / "sites").iterdir() if p.is_dir()))
def test_every_test_site_builds_byte_identically_on_both_engines(site, tmp_path):
    assert_all_identical(build_all_ways(TESTS / "sites" / site, tmp_path))


# --- broken input --------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"

# Each broken post next to one good post: what a team member might save by mistake.
BROKEN_POSTS: dict[str, bytes] = {
    "broken-yaml.md": b"---\ntitle: [unclosed\ndate: 2023-01-01\n---\nBody\n",
    "yaml-bad-indent.md": b"---\ntitle: a\n  b: c\ndate: 2023-01-01\n---\nBody\n",
    "date-words.md": b"---\ntitle: Words\ndate: yesterday\n---\nBody\n",
    "date-feb-30.md": b"---\ntitle: Leap\ndate: 2023-02-30\n---\nBody\n",
    "date-month-13.md": b"---\ntitle: Month\ndate: 2023-13-01T10:00:00Z\n---\nBody\n",
    "date-hour-25.md": b"---\ntitle: Hour\ndate: 2023-01-01T25:00:00+01:00\n---\nBody\n",
    "title-list.md": b"---\ntitle: [a, b]\ndate: 2023-01-01\n---\nBody\n",
    "tags-not-strings.md": b"---\ntitle: Tags\ndate: 2023-01-01\ntags: [1, {a: b}, [c], null]\n---\nBody\n",
    "draft-maybe.md": b"---\ntitle: Draft\ndate: 2023-01-01\ndraft: maybe\n---\nBody\n",
    "invalid-utf8.md": b"---\ntitle: Latin-1\ndate: 2023-01-01\n---\nCaf\xe9 cr\xe8me\n",
    "invalid-utf16.md": b"\xff\xfe-\x00-\x00-\x00\n\x00\x00\xd8",
    "binary.md": PNG,
    "empty.md": b"",
    "blank.md": b"  \n\n\t\n",
    "no-front-matter.md": b"Just some text.\n",
    "unclosed.md": b"---\ntitle: Open\ndate: 2023-01-01\n",
    "list-front-matter.md": b"---\n- a\n- b\n---\nBody\n",
    "dup-a.md": b"---\ntitle: First\ndate: 2023-01-02\nslug: same\n---\nA\n",
    "dup-b.md": b"---\ntitle: Second\ndate: 2023-01-03\nslug: same\n---\nB\n",
    "slug-escape.md": b"---\ntitle: Escape\ndate: 2023-01-01\nslug: ../../x\n---\nBody\n",
    "alias-escape.md": b"---\ntitle: Alias\ndate: 2023-01-01\naliases: [../../etc/passwd]\n---\nBody\n",
    "yaml-bomb.md": (b"---\ntitle: Bomb\ndate: 2023-01-01\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
                     b"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                     b"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                     b"---\nBody\n"),
    "yaml-deep.md": b"---\ntitle: " + b"[" * 500 + b"]" * 500 + b"\ndate: 2023-01-01\n---\nBody\n",
    "toml-broken.md": b"+++\ntitle = \ndate = 2023-01-01\n+++\nBody\n",
    "lone-surrogate.md": b'---\ntitle: "half \\ud800 a pair"\ndate: 2023-01-01\n---\nBody\n',
    "good.md": b"---\ntitle: The good one\ndate: 2023-01-04T10:00:00Z\ntags: [ok]\n---\nFine *post*.\n",
}
BROKEN_TEMPLATES = {
    "post.html": "{% extends 'base.html' %}{% block main %}{% for x in %}{% endblock %}",
    "extra.html": "{{ oops( }}",
}


def _broken(folder: Path, templates: bool) -> Path:
    site = folder / "site"
    (site / "posts").mkdir(parents=True)
    (site / "templates").mkdir()
    (site / "site.toml").write_text(BERLIN + "bogus_key = 1\n", encoding="utf-8")
    for name, data in BROKEN_POSTS.items():
        (site / "posts" / name).write_bytes(data)
    for name, text in BROKEN_TEMPLATES.items() if templates else ():
        (site / "templates" / name).write_text(text, encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory) -> Path:
    """Every broken post beside a good one, and two broken templates."""
    return _broken(tmp_path_factory.mktemp("broken"), templates=True)


@pytest.fixture(scope="module")
def broken_posts_site(tmp_path_factory) -> Path:
    """Every broken post beside a good one, with the default theme."""
    return _broken(tmp_path_factory.mktemp("broken-posts"), templates=False)


@pytest.mark.wasm
@pytest.mark.slow
def test_broken_posts_give_identical_diagnostics_and_files_on_both_engines(broken_posts_site, tmp_path):
    results = build_all_ways(broken_posts_site, tmp_path)
    assert_all_identical(results)
    report, files = results[("native", 1)]
    blamed = {d.path for d in report.diagnostics if d.is_error}
    broken = {f"posts/{name}" for name in BROKEN_POSTS if name not in ("good.md", "dup-a.md")}
    assert broken - blamed == set(), "every broken post is named by an error"
    assert {"posts/good/index.html", "posts/same/index.html", "tags/ok/index.html"} <= set(files)  # the rest is built


@pytest.mark.wasm
@pytest.mark.slow
def test_broken_templates_stop_the_build_identically_on_both_engines(broken_site, tmp_path):
    """A template that does not compile is site-wide: each engine names it and writes nothing."""
    results = build_all_ways(broken_site, tmp_path)
    assert_all_identical(results)
    report, files = results[("native", 1)]
    assert report.stopped and files == {}
    assert {d.path for d in report.diagnostics if d.is_error} >= {"templates/post.html", "templates/extra.html"}


@pytest.mark.wasm
@pytest.mark.slow
def test_the_wasmblog_command_reports_broken_input_identically_with_either_engine(broken_site, tmp_path):
    native = cli_build(broken_site, tmp_path / "a", "native")
    wasm = cli_build(broken_site, tmp_path / "b", "wasm", jobs=2)
    assert native.returncode == 1
    assert (wasm.returncode, wasm.stdout, wasm.stderr) == (native.returncode, native.stdout, native.stderr)
    assert tree(tmp_path / "b") == tree(tmp_path / "a")


# Templates a theme author might write by mistake (or on purpose). Each is built on
# both engines; where Python differs between them (3.11 natively, 3.14 on 32-bit
# WASI in the guest, no files, no imports after the snapshot) the core must hide it.
HOSTILE_TEMPLATES = {
    "recursive-macro": {"list.html": "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}"},
    "self-include": {"list.html": "{% include 'list.html' %}"},
    "mutual-include": {"list.html": "{% include 'a.html' %}", "a.html": "{% include 'list.html' %}"},
    "self-extends": {"list.html": "{% extends 'list.html' %}"},
    "deep-loops": {"list.html": "{% for a in [1] %}" * 40 + "x" + "{% endfor %}" * 40},
    "deep-ifs": {"list.html": "{% if 1 %}" * 120 + "x" + "{% endif %}" * 120},
    "deep-expression": {"list.html": "{{ " + "(" * 300 + "1" + ")" * 300 + " }}"},
    "long-sum": {"list.html": "{{ 1" + " + 1" * 600 + " }}"},
    "long-filter-chain": {"list.html": "{{ site.title" + "|lower" * 400 + " }}"},
    "huge-range": {"list.html": "{% for i in range(10**12) %}{% endfor %}"},
    "huge-negative-range": {"list.html": "{% for i in range(0, -10**10, -1) %}{% endfor %}"},
    "string-bomb": {"list.html": "{{ 'x' * 10**9 }}"},
    "power-bomb": {"list.html": "{{ 10 ** 10 ** 10 }}"},
    "internals": {"list.html": "{{ ''.__class__.__mro__[1].__subclasses__() }}"},
    "random": {"list.html": "{{ posts|random }}"},
    "lipsum": {"list.html": "{{ lipsum(3) }}"},
    "wordwrap": {"list.html": "{{ site.description|wordwrap(10) }}"},
    "pprint": {"list.html": "{{ site|pprint }}"},
    "codec": {"list.html": "{{ site.title.encode('punycode') }}"},
    "unknown-codec": {"list.html": "{{ site.title.encode('no-such-codec') }}"},
    "lone-surrogate": {"list.html": '{{ "\\ud800" }}'},
    "generator-repr": {"list.html": "{{ posts|map(attribute='title') }} {{ relurl }} {{ range|string }}"},
    "huge-index": {"list.html": "{{ posts[10**12] }} {{ site.title[10**12:] }}"},
    "float-formatting": {"list.html": "{{ 0.1 + 0.2 }} {{ 1e300 * 1e10 }} {{ 2 ** 0.5 }} {{ (10 ** 20) / 3 }}"},
}


@pytest.mark.wasm
@pytest.mark.parametrize("case", sorted(HOSTILE_TEMPLATES))
def test_hostile_templates_give_identical_diagnostics_and_files_on_both_engines(case, tmp_path):
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    (site / "templates").mkdir()
    # No case is about time (each is refused when compiled or stopped by the template sandbox): a far-out
    # deadline keeps a busy machine from timing out an innocent page on one engine (seen: theme/taxonomy.html
    # past 2 s in wasm at a load average of 11).
    (site / "site.toml").write_text(BERLIN + "[limits]\nrender_timeout = 60\n", encoding="utf-8")
    (site / "posts" / "one.md").write_text("---\ntitle: One\ndate: 2023-01-01\n---\nBody.\n", encoding="utf-8")
    for name, text in HOSTILE_TEMPLATES[case].items():
        (site / "templates" / name).write_text(text, encoding="utf-8")
    native = build(site, tmp_path / "native", get_renderer("native"), build_time=BUILD_TIME)
    wasm = build(site, tmp_path / "wasm", get_renderer("wasm"), build_time=BUILD_TIME)
    assert diagnostics(wasm) == diagnostics(native)
    assert tree(tmp_path / "wasm") == tree(tmp_path / "native")
    if native.stopped:  # a template that does not compile stops the build (all or nothing)
        assert wasm.stopped and tree(tmp_path / "native") == {}
    else:
        assert "posts/one/index.html" in tree(tmp_path / "native")  # one failing at run time costs its pages only
    assert b" at 0x" not in b"".join(tree(tmp_path / "native").values())  # no memory addresses in the output


def test_templates_cannot_make_builds_differ_from_run_to_run(tmp_path):
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    (site / "templates").mkdir()
    (site / "posts" / "one.md").write_text("---\ntitle: One\ndate: 2023-01-01\n---\nBody.\n", encoding="utf-8")
    (site / "templates" / "list.html").write_text("{{ [1, 2, 3, 4, 5, 6, 7, 8]|random }}", encoding="utf-8")
    (site / "templates" / "term.html").write_text("{{ lipsum() }}", encoding="utf-8")
    report = build(site, tmp_path / "out", get_renderer("native"), build_time=BUILD_TIME)
    assert [d.message for d in report.diagnostics if d.is_error] == [
        "while rendering index.html: SecurityError: the 'random' filter would make every build different; "
        "templates must be deterministic"]


# Front matter PyYAML accepts that has no fixed order or no plain-text form.
ODD_YAML_POSTS = {
    "set.md": b"---\ntitle: Set\ndate: 2023-01-01\ncustom: !!set {alpha, beta, gamma, delta, epsilon, zeta}\n---\nx\n",
    "omap.md": b"---\ntitle: Omap\ndate: 2023-01-01\ncustom: !!omap [{b: 1}, {a: 2}]\n---\nx\n",
    "binary.md": b"---\ntitle: Binary\ndate: 2023-01-01\ncustom: !!binary aGVsbG8gd29ybGQ=\n---\nx\n",
    "timestamp.md": b"---\ntitle: Stamp\ndate: 2023-01-01\ncustom: !!timestamp 2023-01-01T10:00:00Z\n---\nx\n",
    "keys.md": b"---\ntitle: Keys\ndate: 2023-01-01\ncustom: {1: a, 1.5: b, true: c, null: d, [1, 2]: e}\n---\nx\n",
    "floats.md": b"---\ntitle: Floats\ndate: 2023-01-01\ncustom: [.nan, .inf, -.inf, 1e400, 0.1, 1_000]\n---\nx\n",
    "escapes.md": (b'---\ntitle: "tab\\t nul\\0 bell\\a pair \\ud83d\\ude00 \\U0001F600 \\x85 \\L \\P"\n'
                   b"date: 2023-01-01\n---\nx\n"),
    "anchors.md": (b"---\ntitle: &t Anchored\ndescription: *t\ndate: 2023-01-01\ntags: &tags [a, b]\n"
                   b"categories: *tags\n---\nx\n"),
}


@pytest.mark.wasm
@pytest.mark.parametrize("name", sorted(ODD_YAML_POSTS))
def test_odd_yaml_front_matter_parses_identically_on_both_engines(name):
    source = Source(f"posts/{name}", ODD_YAML_POSTS[name])
    native = get_renderer("native").parse_posts([source], BERLIN)
    wasm = get_renderer("wasm").parse_posts([source], BERLIN)
    assert wasm == native


def test_a_yaml_set_in_front_matter_comes_out_in_a_fixed_order():
    (post,) = get_renderer("native").parse_posts([Source("posts/set.md", ODD_YAML_POSTS["set.md"])], BERLIN).posts
    assert json.loads(post.params_json) == {"custom": ["alpha", "beta", "delta", "epsilon", "gamma", "zeta"]}


# --- every test input, one by one ------------------------------------------------------------

POST_FILES = sorted(p.relative_to(TESTS).as_posix() for p in TESTS.glob("**/*.md")
                    if p.parts[len(TESTS.parts)] in ("posts", "sites"))


@pytest.mark.wasm
@pytest.mark.parametrize("relpath", POST_FILES)
def test_every_test_post_parses_identically_on_both_engines(relpath):
    source = Source(f"posts/{Path(relpath).name}", (TESTS / relpath).read_bytes())
    tzif = zone_data("Europe/Berlin")
    native = get_renderer("native").parse_posts([source], BERLIN, tzif)
    wasm = get_renderer("wasm").parse_posts([source], BERLIN, tzif)
    assert wasm == native


COMMONMARK = json.loads((TESTS / "data" / "commonmark-spec-0.31.2.json").read_text(encoding="utf-8"))
PLAIN = dict(extensions=False, raw_html="allow", highlight=False, heading_ids=False)


@pytest.mark.wasm
@pytest.mark.slow
@pytest.mark.parametrize("options", [PLAIN, {}], ids=["plain-commonmark", "site-defaults"])
def test_every_commonmark_example_renders_identically_on_both_engines(options):
    native, wasm = get_renderer("native"), get_renderer("wasm")
    differ = [ex["example"] for ex in COMMONMARK
              if wasm.render_markdown(ex["markdown"], **options) != native.render_markdown(ex["markdown"], **options)]
    assert differ == []


# Deep nesting costs C stack in the guest's CPython in ways it does not cost natively
# (``[`` x 3,000 once trapped the sandbox while rendering fine natively).
DEEP = {
    "quotes": ">" * 100_000 + " x\n",
    "brackets": "[" * 100_000 + "\n",
    "brackets-closed": "[" * 100_000 + "]" * 100_000 + "\n",
    "brackets-link": "[" * 50_000 + "x" + "]" * 50_000 + "(/u)\n",
    "images": "![" * 50_000 + "\n",
    "quoted-brackets": ">" * 50_000 + " " + "[" * 50_000 + "\n",
    "emphasis": "*" * 100_000 + "x" + "*" * 100_000 + "\n",
    "list": "".join("  " * i + "- x\n" for i in range(500)),
}


@pytest.mark.wasm
@pytest.mark.slow
@pytest.mark.parametrize("doc", sorted(DEEP))
def test_deeply_nested_documents_render_identically_on_both_engines(doc):
    # A generous deadline: this compares output; test_sandbox checks the limits.
    native = make_renderer("native", timeout=60).render_markdown(DEEP[doc])
    wasm = make_renderer("wasm", timeout=60).render_markdown(DEEP[doc])
    assert wasm == native


# --- random documents (Hypothesis) --------------------------------------------------------

UNICODE_WORDS = ["héllo", "naïve", "e\u0301t\u00e9", "a\u0300\u0301\u0302", "😀", "👩\u200d💻", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
                 "𓂀", "עברית", "العربية", "中文字", "한국어", "\u200b", "\u00a0", "\ufeff", "ﬁ", "ǅ", "İ", "ß"]
WORD = st.one_of(st.sampled_from(UNICODE_WORDS),
                 st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=8),
                 st.text(min_size=1, max_size=4))
URLS = ["/posts/x/", "posts/rel/", "https://example.org/a?b=1&c=<2>", "javascript:alert(1)",
        "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:x",
        "mailto:me@example.org", "#frag", "", "<with space>", "/images/x.png 'title'", "/a_(b)_c", "//evil.example"]
LANGS = ["python", "rust", "js", "html", "bash", "console", "wat", "json", "nosuchlang", "", "py {.x}", "c++"]


def _wrap(marker: str):
    return lambda text: f"{marker}{text}{marker}"


@st.composite
def inline_text(draw) -> str:
    atoms = st.one_of(
        WORD,
        st.builds(lambda m, t: _wrap(m)(t), st.sampled_from(["*", "**", "_", "__", "***", "~~", "*_"]), WORD),
        st.sampled_from(["*", "**", "_", "***", "~~", "`", "``", "[", "]", "![", "<", ">", "&", "\\", "|", "!"]),
        st.builds(lambda t: f"`{t}`", st.text(alphabet="ab `<&*_\\", min_size=1, max_size=8)),
        st.builds(lambda t, u: f"[{t}]({u})", WORD, st.sampled_from(URLS)),
        st.builds(lambda t, u: f"![{t}]({u})", WORD, st.sampled_from(URLS)),
        st.sampled_from(["<https://example.org/x>", "https://bare.example.org/p?q=1.", "<me@example.org>",
                         "www.example.org", "[^1]", "[ref]", "[ref][]", "&amp;", "&copy;", "&#x1F600;", "&#0;",
                         "&#xD800;", "&bogus;", "\\*", "\\[", "\\`", "  \n", "\\\n", "<span class=x>", "</span>",
                         "<script>alert(1)</script>", "<!-- c -->", "<a href='javascript:x'>y</a>",
                         "<img src=x onerror=alert(1)>", "<?php ?>", "<![CDATA[x]]>"]),
    )
    parts = draw(st.lists(atoms, min_size=1, max_size=8))
    seps = draw(st.lists(st.sampled_from([" ", "", " ", "\n"]), min_size=len(parts), max_size=len(parts)))
    return "".join(p + s for p, s in zip(parts, seps, strict=True)).strip("\n") or "x"


def _indent(text: str, prefix: str, first: str | None = None) -> str:
    lines = text.split("\n")
    return "\n".join(((first if i == 0 and first is not None else prefix) + line) if line else line
                     for i, line in enumerate(lines))


LEAF_BLOCKS = st.one_of(
    inline_text(),
    st.builds(lambda n, t: "#" * n + " " + t.replace("\n", " "), st.integers(1, 7), inline_text()),
    st.builds(lambda t, u: t.replace("\n", " ") + "\n" + u, inline_text(), st.sampled_from(["===", "---"])),
    st.builds(lambda f, lang, code, close: f"{f}{lang}\n{code}\n" + (f if close else ""),
              st.sampled_from(["```", "~~~", "````"]), st.sampled_from(LANGS),
              st.text(alphabet=string.printable + "é😀\u0301", max_size=60), st.booleans()),
    st.builds(lambda code: _indent(code, "    "), st.text(alphabet=string.ascii_letters + " <&*\n", min_size=1,
                                                                max_size=40)),
    st.builds(lambda cols, rows, align: "| " + " | ".join(cols) + " |\n|" + "|".join(align[:len(cols)]) + "|\n"
              + "\n".join("| " + " | ".join(r) + " |" for r in rows),
              st.lists(WORD.map(lambda w: w.replace("|", "")), min_size=1, max_size=4),
              st.lists(st.lists(inline_text().map(lambda t: t.replace("\n", " ").replace("|", "\\|")),
                                min_size=0, max_size=5), max_size=4),
              st.lists(st.sampled_from(["---", ":--", "--:", ":-:"]), min_size=4, max_size=4)),
    st.sampled_from(["<div>\n*not emphasis*\n</div>", "<script>\nalert(1)\n</script>", "<!--\ncomment\n-->",
                     "<pre>\n  keep  \n</pre>", "<table><tr><td>x</td></tr></table>", "***", "---", "___",
                     "[ref]: /url 'Title'", "[^1]: The note.", "<!--more-->", "- [ ] todo\n- [x] done",
                     "\t\ttabbed", "\x00 nul"]),
)


def _list(items: list[str], ordered: bool, marker: str) -> str:
    out = []
    for i, item in enumerate(items, 1):
        bullet = f"{i}{marker} " if ordered else f"{marker} "
        out.append(_indent(item, " " * len(bullet), bullet))
    return "\n".join(out)


BLOCKS = st.recursive(
    LEAF_BLOCKS,
    lambda children: st.one_of(
        st.builds(lambda items, ordered, marker: _list(items, ordered, marker),
                  st.lists(children, min_size=1, max_size=4), st.booleans(),
                  st.sampled_from(["-", "*", "+", ".", ")"])),
        st.builds(lambda block, lazy: _indent(block, "> ") if not lazy else "> " + block,
                  children, st.booleans()),
        st.builds(lambda a, b: a + "\n\n" + b, children, children),
    ),
    max_leaves=12,
)


@st.composite
def markdown_documents(draw) -> str:
    if draw(st.integers(0, 4)) == 0:  # sometimes plain noise made of Markdown's special characters
        return draw(st.text(alphabet=list("*_`[]()<>!#-+>|\\~:=\n\r\t &;.1aZ") + ["é", "😀", "\u0301", "\u200b"],
                            max_size=200))
    text = "\n\n".join(draw(st.lists(BLOCKS, min_size=1, max_size=5)))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r", "mixed"]))
    if newline == "mixed":
        lines = text.split("\n")
        ends = draw(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=len(lines), max_size=len(lines)))
        return "".join(line + end for line, end in zip(lines, ends, strict=True))
    return text.replace("\n", newline)


MARKDOWN_OPTIONS = st.fixed_dictionaries({
    "extensions": st.booleans(), "raw_html": st.sampled_from(["sanitize", "escape", "omit", "allow"]),
    "highlight": st.booleans(),
    "heading_ids": st.booleans(), "base_path": st.sampled_from(["/", "/blog/"]),
    "toc_min_level": st.integers(1, 3), "toc_max_level": st.integers(3, 6), "max_nesting": st.sampled_from([4, 32]),
})


@pytest.mark.wasm
@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=markdown_documents(), options=MARKDOWN_OPTIONS)
def test_random_markdown_renders_identically_natively_and_in_the_sandbox(text, options):
    native = get_renderer("native").render_markdown(text, **options)  # raises if the core crashes
    wasm = get_renderer("wasm").render_markdown(text, **options)  # raises SandboxFault if the sandbox stops
    assert wasm == native


SCALARS = st.one_of(
    st.text(max_size=30), st.integers(-10**20, 10**20), st.floats(allow_nan=True), st.booleans(), st.none(),
    st.sampled_from(["2023-11-15T17:04:04.016Z", "2023-02-30", "2023-01-01 10:00", "2024-02-29T23:59:60Z",
                     "yesterday", "2023-06-01T12:00:00+14:00", "0001-01-01", "9999-12-31T23:59:59Z", "2023-13-01",
                     "../../x", "/images/x.png", "UPPER Case Tag", "c++", "wasm"]),
    st.datetimes(), st.dates(),
)
FIELD_VALUES = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=3)), max_leaves=8)
KEYS = st.sampled_from(["title", "description", "date", "lastmod", "draft", "tags", "categories", "preview",
                        "slug", "summary", "aliases", "custom", "weight", "Title", "tags "])


@st.composite
def post_files(draw) -> bytes:
    front = draw(st.dictionaries(KEYS, FIELD_VALUES, max_size=8))
    if draw(st.booleans()):  # most posts have a title and a date
        front.setdefault("title", draw(st.text(min_size=1, max_size=20)))
        front.setdefault("date", draw(st.sampled_from(["2023-11-15T17:04:04.016Z", "2023-03-26 02:30"])))
    dumped = yaml.safe_dump(front, allow_unicode=draw(st.booleans()), default_flow_style=draw(st.booleans()),
                            sort_keys=False)
    text = "---\n" + dumped + "---\n" + draw(markdown_documents())
    if draw(st.integers(0, 5)) == 0:  # a damaged copy: a line of the front matter lost or doubled
        lines = text.split("\n")
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i]) if draw(st.booleans()) else lines.pop(i)
        text = "\n".join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16"]))
    data = text.encode(encoding, "surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]  # truncated mid-file (mid-character too)
    return data


@pytest.mark.wasm
@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=st.lists(post_files(), min_size=1, max_size=4))
def test_random_posts_parse_identically_natively_and_in_the_sandbox(files):
    sources = [Source(f"posts/p{i}.md", data) for i, data in enumerate(files)]
    tzif = zone_data("Europe/Berlin")
    native = get_renderer("native").parse_posts(sources, BERLIN, tzif)
    wasm = get_renderer("wasm").parse_posts(sources, BERLIN, tzif)
    assert wasm == native


def test_a_bad_raw_html_option_names_the_option_and_its_values(engine):
    with pytest.raises(ValueError, match=r"^raw_html \(rawHtml in JavaScript\) must be one of 'sanitize', 'escape', "
                                         r"'omit', 'allow', not 'foo'$"):
        engine.render_markdown("*x*", raw_html="foo")
