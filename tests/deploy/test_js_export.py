"""`wasmblog component export --js`: the render component as an ES module, run under Node.

The export is made with the real CLI (jco from jstools/), then a small Node
script (``js_render.mjs``) runs the sample site through it, stage by stage
(parse-posts, plan-site, render-pages) plus render-markdown on every post,
and every result must equal the native engine's, byte for byte.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from jskit import node_json, node_tool
from sitekit import BUILD_TIME, ROOT, SAMPLE_SITE
from renderer import BuildOptions, MarkdownOptions
from wasm_host.engines import make_renderer
from wasm_host.engines.js import jco_command, js_value, node_env, node_path
from wasm_host.site import load_site

pytestmark = [pytest.mark.wasm, pytest.mark.node]

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    node_tool(lambda: jco_command())  # the export needs jco (and Node to run it)
    out = tmp_path_factory.mktemp("js") / "wasmblog-js"
    proc = subprocess.run([sys.executable, "-m", "wasm_host", "component", "export", "--js", str(out)],
                          capture_output=True, text=True, cwd=ROOT, env=dict(os.environ))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


@pytest.mark.slow
def test_the_export_is_one_entry_module_with_types_and_core_modules(exported):
    assert (exported / "wasmblog.js").is_file()
    assert any(p.suffix == ".wasm" for p in exported.iterdir())
    types = (exported / "wasmblog.d.ts").read_text()
    for ref in re.findall(r"from '\./([^']+)\.js'", types):  # every module the types name is there
        assert (exported / f"{ref}.d.ts").is_file(), ref
    for name in ("renderMarkdown", "parsePosts", "planSite", "renderPages", "renderSite"):
        assert f"export function {name}(" in types, name
    assert "tocMinLevel" in types and "rawHtml" in types  # MarkdownOptions' fields in camelCase


@pytest.mark.slow
def test_the_sample_site_renders_under_node_byte_identically_to_native(exported):
    native = make_renderer("native")
    site = load_site(SAMPLE_SITE)
    config, options = site.config, BuildOptions(build_time=BUILD_TIME)
    parsed = native.parse_posts(site.sources, config, site.tzif, site.shortcodes)
    plan = native.plan_site(parsed.posts, config, options)
    rendered = native.render_pages(plan.jobs, parsed.posts, config, site.templates)
    texts = [s.data.decode("utf-8") for s in site.sources]
    bodies = [text.partition(f"\n{text[:3]}\n")[2] for text in texts]  # after the ---/+++ front matter
    assert all(bodies)
    markdown = [(body, js_value(MarkdownOptions())) for body in bodies]
    markdown += [(body, js_value(MarkdownOptions(raw_html="allow", base_path="/blog/", highlight=False)))
                 for body in bodies[:3]]
    payload = {
        "sources": js_value(site.sources), "config": js_value(config), "tzif": js_value(site.tzif),
        "options": js_value(options), "templates": [{"name": n, "source": s} for n, s in site.templates.items()],
        "shortcodes": [{"name": n, "source": s} for n, s in site.shortcodes.items()],
        "markdown": markdown,
    }
    got = node_json(HERE / "js_render.mjs", str(exported / "wasmblog.js"), payload=payload)
    assert got["parsed"] == js_value(parsed)
    assert got["plan"] == js_value(plan)
    assert len(got["rendered"]["files"]) == len(rendered.files) > 50
    assert got["rendered"] == js_value(rendered)
    assert got["markdown"] == [native.render_markdown(text, **MarkdownOptions().__dict__ | _snake(opts))
                               for text, opts in markdown]


def _snake(options: dict) -> dict:
    return {"".join("_" + c.lower() if c.isupper() else c for c in k): v for k, v in options.items()}


# --- the examples, as written (issue 17, item 7) -----------------------------------------------------


def manual_example() -> str:
    """The manual's JS example (docs/pages/javascript.md): the block after "The exports keep their WIT names"."""
    text = (ROOT / "docs" / "pages" / "javascript.md").read_text()
    after = text[text.index("The exports keep their WIT names"):]
    return re.search(r"```js\n(.*?)```", after, re.DOTALL).group(1)


def help_example() -> str:
    """`wasmblog component export --help`'s example: its indented lines that are JavaScript."""
    proc = subprocess.run([sys.executable, "-m", "wasm_host", "component", "export", "--help"],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    lines = proc.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("import {"))
    end = next(i for i in range(start, len(lines)) if lines[i].rstrip().endswith(");"))
    return "\n".join(line.strip() for line in lines[start:end + 1]) + "\n"


def run_example(code: str, exported: Path, tmp_path: Path, check: str = "") -> subprocess.CompletedProcess:
    """``code`` as written, with ./DIR/ pointing at the export, under the project's Node."""
    assert "'./DIR/wasmblog.js'" in code
    script = tmp_path / "example.mjs"
    script.write_text(code.replace("./DIR/wasmblog.js", (exported / "wasmblog.js").as_uri()) + check)
    return subprocess.run([str(node_path()), str(script)], capture_output=True, text=True, env=node_env(),
                          timeout=300)


@pytest.mark.slow
@pytest.mark.parametrize("example", [manual_example, help_example], ids=["manual", "--help"])
def test_the_js_example_runs_as_written(exported, tmp_path, example):
    code = example()
    proc = run_example(code, exported, tmp_path)
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    shown = run_example(code.replace("renderMarkdown('*hi*'", "console.log(renderMarkdown('*hi*'").rstrip()
                        .removesuffix(";") + ");\n", exported, tmp_path)
    assert shown.stdout == "<p><em>hi</em></p>\n\n", shown.stderr


@pytest.mark.slow
def test_a_bad_raw_html_value_names_the_field_and_its_values(exported, tmp_path):
    code = ("import { renderMarkdown } from './DIR/wasmblog.js';\n"
            "const base = { extensions: true, rawHtml: 'sanitize', highlight: true, headingIds: true, basePath: '/',\n"
            "               tocMinLevel: 2, tocMaxLevel: 4, maxNesting: 32, typographer: false,\n"
            "               definitionLists: false, headingAttributes: false, blockAttributes: false,\n"
            "               headingIdType: '', hardWraps: false, markup: '', linkHook: '', linkify: true,\n"
            "               maxMarks: 2000 };\n"
            "for (const rawHtml of [false, 'foo', undefined]) {\n"
            "  try { renderMarkdown('*x*', { ...base, rawHtml }); console.log('no error'); }\n"
            "  catch (e) { console.log(`${e.constructor.name}: ${e.message}`); }\n"
            "}\n"
            "try { renderMarkdown('*x*', { ...base, tocMinLevel: 'two' }); } catch (e) { console.log(e.message); }\n")
    proc = run_example(code, exported, tmp_path)
    assert proc.returncode == 0, proc.stderr
    values = '"sanitize", "escape", "omit", "allow"'
    assert proc.stdout.splitlines() == [
        f"TypeError: renderMarkdown: options.rawHtml must be one of {values}, not false",
        f'TypeError: renderMarkdown: options.rawHtml must be one of {values}, not "foo"',
        f"TypeError: renderMarkdown: options.rawHtml must be one of {values}, not missing",
        "renderMarkdown: options.tocMinLevel must be an integer from 0 to 4294967295, not \"two\""]
