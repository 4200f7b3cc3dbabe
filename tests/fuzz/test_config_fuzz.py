"""No traceback from any configuration (issue 17, item 3).

A Hypothesis test writes random configuration trees in every format wasmblog reads (site.toml; a Hugo
site's hugo.toml, hugo.yaml, hugo.json, and config/_default/ split files): nulls, lists where tables
go, nested junk, and every known key with values of every type, some texts cut short. The command
line builds each site (natively, in this process): the exit status is 0 or 1, stderr holds no
traceback, and every line of it is a diagnostic. The default budget is small, for the CI lane;
WASMBLOG_FUZZ=long runs forty times as many. A handful of cases also go through the real program
(``python -m wasm_host``), and the environment's own faults: an unusable cache folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import tomli_w
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitekit import DIAGNOSTIC_LINE, ROOT
from wasm_host.cli import main

LONG = os.environ.get("WASMBLOG_FUZZ") == "long"
EXAMPLES = settings(max_examples=400 if LONG else 10, deadline=None, derandomize=not LONG,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Every key wasmblog reads, as paths into the tree (site.toml's, then Hugo's, any case Hugo accepts).
SITE_KEYS = [
    ("title",), ("base_url",), ("author",), ("description",), ("language",), ("timezone",), ("page_size",),
    ("summary_words",), ("words_per_minute",), ("copyright",), ("main_sections",), ("taxonomies",),
    ("taxonomies", "tag"), ("permalinks",), ("permalinks", "posts"), ("layout",), ("content_dir",), ("menu",),
    ("params",), ("params", "x"), ("feed",), ("feed", "limit"), ("feed", "full_content"), ("feed", "formats"),
    ("search",), ("search", "enabled"), ("markdown",), ("markdown", "raw_html"), ("markdown", "highlight"),
    ("markdown", "highlight_style"), ("markdown", "highlight_style_dark"), ("markdown", "toc_min_level"),
    ("markdown", "toc_max_level"), ("limits",), ("limits", "render_timeout"), ("limits", "memory_mb"),
    ("limits", "max_file_mb"), ("limits", "max_output_mb"), ("limits", "max_nesting"),
]
HUGO_KEYS = [
    ("title",), ("baseURL",), ("languageCode",), ("locale",), ("paginate",), ("pagination",),
    ("pagination", "pagerSize"), ("summaryLength",), ("timeZone",), ("author",), ("author", "name"),
    ("copyright",), ("rssLimit",), ("menu",), ("menu", "main"), ("menus",), ("menus", "main"), ("taxonomies",),
    ("taxonomies", "tag"), ("permalinks",), ("permalinks", "posts"), ("permalinks", "page"),
    ("permalinks", "page", "posts"), ("permalinks", "section"), ("markup",), ("markup", "highlight"),
    ("markup", "highlight", "style"), ("markup", "tableOfContents"), ("markup", "tableOfContents", "startLevel"),
    ("markup", "tableOfContents", "endLevel"), ("params",), ("params", "description"), ("params", "author"),
    ("params", "mainSections"), ("params", "cover"), ("params", "cover", "image"), ("languages",),
    ("languages", "en"), ("languages", "en", "title"), ("languages", "en", "params"),
    ("languages", "en", "contentDir"), ("languages", "fr"), ("defaultContentLanguage",), ("contentDir",),
]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-10, 10), st.integers(-2**70, 2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["", "posts", "/", "UTC", "Europe/Paris", "../..", ":slug", "/:year/:slug/", "sanitize",
                     "friendly", "https://example.org/", "10"]),
    st.dates(), st.datetimes(), st.times())
junk = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.text(max_size=6), inner, max_size=4)),
                    max_leaves=12)
menu_entries = st.lists(st.one_of(junk, st.fixed_dictionaries(
    {}, optional={"name": junk, "url": junk, "pageRef": junk, "weight": junk, "identifier": junk})), max_size=3)


def put(tree: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """``tree`` with ``value`` at ``path``, making tables on the way (over whatever was there)."""
    for key in path[:-1]:
        if not isinstance(tree.get(key), dict):
            tree[key] = {}
        tree = tree[key]
    tree[path[-1]] = value


@st.composite
def trees(draw: st.DrawFn, keys: list[tuple[str, ...]]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path in draw(st.lists(st.sampled_from(keys), max_size=8)):
        value = draw(menu_entries) if path[-1] in ("main", "menu") and draw(st.booleans()) else draw(junk)
        put(tree, path, value)
    for _ in range(draw(st.integers(0, 2))):
        put(tree, (draw(st.text(min_size=1, max_size=8)),), draw(junk))
    return tree


def _plain(value: Any, toml: bool) -> Any:
    """What a format can hold: TOML has no null and no time without a date in arrays of tables...
    (nulls go), and every format's keys are strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v, toml) for k, v in value.items() if not (toml and v is None)}
    if isinstance(value, list):
        return [_plain(v, toml) for v in value if not (toml and v is None)]
    return value


def _json_default(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def dump(tree: Any, ext: str) -> str | None:
    """``tree`` as the text of a config file (None when the format cannot write it)."""
    try:
        if ext == "toml":
            return tomli_w.dumps(_plain(tree, True)) if isinstance(tree, dict) else None
        if ext == "json":
            return json.dumps(_plain(tree, False), default=_json_default)
        return yaml.safe_dump(_plain(tree, False), allow_unicode=True)
    except (TypeError, ValueError, yaml.YAMLError, OverflowError):
        return None


@st.composite
def sites(draw: st.DrawFn, layout: str) -> dict[str, str]:
    """The config files of a site: site-relative path -> text."""
    if layout == "site.toml":
        files = {"site.toml": dump(draw(trees(SITE_KEYS)), "toml")}
    elif layout == "config/_default":
        tree = draw(trees(HUGO_KEYS))
        files = {}
        for key in list(tree):
            if draw(st.booleans()):
                ext = draw(st.sampled_from(["toml", "yaml", "json"]))
                files[f"config/_default/{key.lower()}.{ext}"] = dump(tree.pop(key), ext)
        files["config/_default/hugo.toml"] = dump(tree, "toml")
    else:
        ext = layout.rsplit(".", 1)[1]
        files = {layout: dump(draw(trees(HUGO_KEYS)), ext)}
    files = {path: text for path, text in files.items() if text is not None}
    if files and draw(st.integers(0, 5)) == 0:  # now and then, a file cut short
        path = draw(st.sampled_from(sorted(files)))
        files[path] = files[path][:draw(st.integers(0, len(files[path])))]
    return files


def build_site(files: dict[str, str], hugo: bool) -> tuple[int, str]:
    with tempfile.TemporaryDirectory(prefix="wasmblog-config-fuzz-") as tmp:
        site = Path(tmp) / "site"
        posts = site / ("content/posts" if hugo else "posts")
        posts.mkdir(parents=True)
        (posts / "a.md").write_text("---\ntitle: A post\ndate: 2024-01-01\ntags: [x]\n---\nSome *text*.\n")
        for path, text in files.items():
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            (site / path).write_text(text, "utf-8")
        result = CliRunner().invoke(main, ["build", str(site), "-o", str(Path(tmp) / "out"), "--engine",
                                           "native", "-j", "1", "--no-cache", "--quiet"],
                                    env={"SOURCE_DATE_EPOCH": "1800000000"})
        return result.exit_code, result.stderr


def assert_clean(status: int, stderr: str) -> None:
    assert status in (0, 1), stderr
    assert "Traceback" not in stderr, stderr
    for line in stderr.splitlines():
        assert DIAGNOSTIC_LINE.match(line), line


@EXAMPLES
@given(files=sites("site.toml"))
def test_any_site_toml_builds_or_stops_with_diagnostics(files):
    assert_clean(*build_site(files, hugo=False))


@EXAMPLES
@given(layout=st.sampled_from(["hugo.toml", "hugo.yaml", "hugo.json", "config/_default"]), data=st.data())
def test_any_hugo_config_builds_or_stops_with_diagnostics(layout, data):
    files = data.draw(sites(layout))
    assert_clean(*build_site(files, hugo=True))


# --- a handful through the real program --------------------------------------------------------------


def program(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wasm_host", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1800000000", **(env or {})}, timeout=300)


def hugo_site(folder: Path, config: str, name: str = "hugo.yaml") -> Path:
    (folder / "content" / "posts").mkdir(parents=True)
    (folder / "content" / "posts" / "a.md").write_text("---\ntitle: A\ndate: 2024-01-01\n---\nhi\n")
    (folder / name).write_text(config)
    return folder


NULL_COVER = "title: Mine\nbaseURL: https://example.org/\nparams:\n  cover:\n    # hidden: true\n    # image: x\n"


def test_a_hugo_param_whose_children_are_all_commented_out_builds(tmp_path):
    """A real blog's hugo.yaml: `cover:` left empty (YAML's null) ended build, check and import in a
    TypeError from tomli_w."""
    site = hugo_site(tmp_path / "site", NULL_COVER)
    built = program("build", str(site), "-o", str(tmp_path / "out"), "--engine", "native", "--quiet")
    assert (built.returncode, built.stderr) == (0, "")
    checked = program("check", str(site), "--engine", "native", "--quiet")
    assert checked.returncode == 0 and "Traceback" not in checked.stderr, checked.stderr
    imported = program("import", "hugo", str(site), str(tmp_path / "moved"))
    assert imported.returncode == 0 and "Traceback" not in imported.stderr, imported.stderr
    assert "[params.cover]" not in (tmp_path / "moved" / "site.toml").read_text()  # (TOML has no null)


def test_wrong_types_in_every_format_are_diagnostics_at_their_line(tmp_path):
    for name, text in (("hugo.yaml", "title: Mine\npaginate: [1, 2]\n"),
                       ("hugo.json", '{\n  "title": "Mine",\n  "paginate": [1, 2]\n}\n'),
                       ("hugo.toml", 'title = "Mine"\npaginate = [1, 2]\n')):
        site = hugo_site(tmp_path / name, text, name)
        proc = program("build", str(site), "-o", str(tmp_path / f"{name}-out"), "--engine", "native", "--quiet")
        assert proc.returncode == 1, proc.stderr
        assert [line for line in proc.stderr.splitlines() if ": error: " in line] == [
            f"{site}/{name}:{3 if name.endswith('json') else 2}: error: Hugo setting 'paginate' must be an "
            "integer, not a list"]


def test_a_self_containing_yaml_config_is_one_error(tmp_path):
    site = hugo_site(tmp_path / "site", "title: x\nparams: &p\n  again: *p\n")
    proc = program("build", str(site), "-o", str(tmp_path / "out"), "--engine", "native", "--quiet")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"{site}/hugo.yaml:1: error: expands to more than ")


# --- the environment --------------------------------------------------------------------------------


def test_an_unusable_cache_folder_is_one_line_naming_it(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go\n")
    env = {"XDG_CACHE_HOME": str(blocker), "WASMBLOG_CACHE_DIR": "", "WASMBLOG_RENDER_CACHE": ""}
    site = ROOT / "content"
    wasm = program("build", str(site), "-o", str(tmp_path / "out"), "--engine", "wasm", "--quiet", env=env)
    assert wasm.returncode == 1 and "Traceback" not in wasm.stderr, wasm.stderr
    assert all(DIAGNOSTIC_LINE.match(line) for line in wasm.stderr.splitlines()), wasm.stderr
    assert f"{blocker}/wasmblog: error: cannot be used as wasmblog's cache folder: Not a directory" in wasm.stderr
    native = program("build", str(site), "-o", str(tmp_path / "out2"), "--engine", "native", "--quiet", env=env)
    assert native.returncode == 0, native.stderr  # the render cache is a help, not a need: a warning
    assert native.stderr == f"wasmblog: warning: building without the render cache: {blocker}/wasmblog/render: " \
                            "Not a directory\n"


def test_an_unexpected_exception_is_one_line_with_exit_status_70(tmp_path):
    """The last resort for a bug (here, a renderer that raises where none should): one line naming it."""
    code = ("import sys; import wasm_host.site as site; from wasm_host import cli\n"
            "def broken(*a, **k): raise KeyError('boom')\n"
            "site.build = broken  # (the command imports it when it has work to do)\n"
            "sys.argv = ['wasmblog', 'build', sys.argv[1], '-o', sys.argv[2], '--engine', 'native']\n"
            "cli.main()\n")
    proc = subprocess.run([sys.executable, "-c", code, str(ROOT / "content"), str(tmp_path / "out")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 70 and proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("wasmblog: error: unexpected KeyError: 'boom' at ")
    assert "this is a bug in wasmblog" in proc.stderr

