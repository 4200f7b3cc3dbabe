"""Raw HTML, sanitized by default: real tags render, no script, handler or unsafe URL gets through.

The vectors are the OWASP XSS filter-evasion cheat sheet's (tests/data/), and
Hypothesis makes more; every page is checked with the shared output-safety
checks of tests/safety.py (html5lib, not the code under test).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renderer import Source
from safety import assert_safe_fragment, assert_well_formed, parse_strictly
from sitekit import CONFIG, code_scripts, find_all, parse_html, render, text_of

DATA = Path(__file__).resolve().parent.parent / "data"
VECTORS = [line.replace("\\n", "\n") for line in (DATA / "xss-filter-evasion.txt").read_text("utf-8").splitlines()
           if line and not line.startswith("#")]
MODES = ("sanitize", "escape", "omit", "allow")


def assert_no_script(where: str, html_text: str) -> None:
    assert_safe_fragment(where, html_text)


def test_the_corpus_is_the_cheat_sheet():
    assert len(VECTORS) == 101
    assert any("onerror" in v for v in VECTORS) and any("&#0000106" in v for v in VECTORS)


@pytest.mark.parametrize("context", ["{}", "Text {} more text.", "- item {}\n- item", "| a |\n|---|\n| {} |",
                                     "> {}", "[link {}](/x/)"])
def test_no_vector_of_the_cheat_sheet_gets_through(engine, context):
    for i, vector in enumerate(VECTORS):
        assert_no_script(f"vector {i + 1}: {vector!r}", engine.render_markdown(context.format(vector)))


@pytest.mark.wasm
def test_the_corpus_renders_the_same_on_both_engines(native):
    from sitekit import get_renderer
    wasm = get_renderer("wasm")
    text = "\n\n".join(VECTORS)
    assert wasm.render_markdown(text) == native.render_markdown(text)


def test_pages_built_from_the_corpus_are_well_formed_and_safe(engine):
    posts = [Source(f"posts/v{i:03d}.md", f"---\ntitle: V{i}\ndate: 2023-01-01\n---\n{v}\n".encode())
             for i, v in enumerate(VECTORS)]
    site = render(engine, posts)
    assert not site.errors
    out = {path: content.encode("utf-8") for path, content in site.files.items() if path.startswith("posts/")}
    assert_well_formed(out, unsafe_html=False)


# --- what the allow-list keeps ------------------------------------------------------------------


GITHUB_LIKE = """\
<table><caption>Cap</caption><thead><tr><th align="left">h</th></tr></thead><tbody><tr><td colspan="2">c</td></tr></tbody></table>

<figure><img src="/images/x.png" alt="An image" title="T" width="40" height="30" onerror="alert(1)" style="color:red">
<figcaption>A <cite>cited work</cite>, <abbr title="HyperText">HTML</abbr>, <kbd>Ctrl</kbd>,
x<sup>2</sup> and H<sub>2</sub>O</figcaption></figure>

<dl><dt>Term</dt><dd>Definition</dd></dl>

<details><summary>More</summary>Hidden text</details>
"""


def test_the_tags_github_allows_render_as_tags(engine):
    doc = parse_html(engine.render_markdown(GITHUB_LIKE))
    for tag in ("table", "caption", "th", "td", "figure", "figcaption", "cite", "abbr", "kbd", "sup", "sub", "dl",
                "dt", "dd", "details", "summary"):
        assert list(doc.iter(tag)), tag
    img = next(doc.iter("img"))
    assert dict(img.attrib) == {"src": "/images/x.png", "alt": "An image", "title": "T", "width": "40",
                                "height": "30"}
    assert next(doc.iter("abbr")).get("title") == "HyperText"
    assert next(doc.iter("td")).get("colspan") == "2"


def test_other_tags_go_and_their_text_stays(engine):
    doc = parse_html(engine.render_markdown("A <marquee>moving</marquee> and <font color=red>red</font> word."))
    assert not list(doc.iter("marquee")) and not list(doc.iter("font"))
    assert text_of(doc) == "A moving and red word."


@pytest.mark.parametrize("tag", ["script", "style", "iframe", "object", "noscript", "template", "textarea"])
def test_script_style_and_frames_go_with_their_content(engine, tag):
    html_text = engine.render_markdown(f"Before <{tag}>secret();</{tag}> after.")
    assert "secret" not in html_text and f"<{tag}" not in html_text
    assert text_of(parse_html(html_text)) == "Before after."


@pytest.mark.parametrize("url, kept", [
    ("https://example.org/", True), ("/posts/x/", True), ("#top", True), ("mailto:me@example.org", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("java&#x09;script:alert(1)", False),
    ("&#106;avascript:alert(1)", False), ("vbscript:msgbox(1)", False), ("data:text/html,<script>x</script>", False),
])
def test_links_keep_only_the_schemes_markdown_links_may_use(engine, url, kept):
    doc = parse_html(engine.render_markdown(f'<a href="{url}">x</a>'))
    assert (next(doc.iter("a")).get("href") is not None) is kept


def test_data_and_script_images_are_dropped(engine):
    doc = parse_html(engine.render_markdown('<img src="data:image/svg+xml;base64,PHN2Zz4="> '
                                            '<img src="javascript:alert(1)">'))
    assert [img.get("src") for img in doc.iter("img")] == [None, None]


@pytest.mark.parametrize("written", ['<input>', '<input type="text" value="Password">', '<input type="password">',
                                     '<input type="submit">', '<input type="image" src="x.png">',
                                     '<input type="hidden" name="t">', '<input type="search">'])
def test_an_input_that_is_not_a_checkbox_is_dropped(engine, written):
    html_text = engine.render_markdown(f"Log in: {written} and <b>go</b>")
    assert "<input" not in html_text and "<b>go</b>" in html_text


def test_a_raw_checkbox_is_kept_only_disabled(engine):
    doc = parse_html(engine.render_markdown('<input type="checkbox" checked name="x"> <input type=CHECKBOX>'))
    assert [sorted(i.attrib.items()) for i in doc.iter("input")] == [
        [("checked", ""), ("disabled", ""), ("type", "checkbox")], [("disabled", ""), ("type", "CHECKBOX")]]


def test_task_list_checkboxes_stay_disabled_next_to_raw_html(engine):
    doc = parse_html(engine.render_markdown("- [x] done <b>now</b>\n- [ ] later\n"))
    assert [(i.get("type"), i.get("disabled"), i.get("checked")) for i in doc.iter("input")] == [
        ("checkbox", "", ""), ("checkbox", "", None)]


# --- what the sanitizer leaves alone ------------------------------------------------------------


def test_a_post_without_raw_html_renders_to_the_same_bytes_in_every_mode(engine):
    body = (Path(__file__).resolve().parent.parent / "posts" / "extensions.md").read_text("utf-8").split("---\n", 2)[2]
    outputs = {mode: engine.render_markdown(body, raw_html=mode) for mode in MODES}
    assert len(set(outputs.values())) == 1, outputs.keys()


def _shape(html_text: str) -> list[tuple[str, dict[str, str], str]]:
    """Elements, attributes and text, in document order (not bytes: serialisations differ)."""
    doc = parse_html(html_text)
    return [(el.tag, {k: v.replace(" ", "") for k, v in el.attrib.items()}, (el.text or "").strip())
            for el in doc.iter() if isinstance(el.tag, str)]


def test_everything_wasmblog_markdown_emits_survives_the_sanitizer(engine):
    body = (Path(__file__).resolve().parent.parent / "posts" / "extensions.md").read_text("utf-8").split("---\n", 2)[2]
    body += "\n\n## A heading\n\n```python\nx = 1\n```\n\n![img](/i.png 'T')\n\nRaw <b>bold</b>.\n"
    sanitized = engine.render_markdown(body)
    allowed = engine.render_markdown(body, raw_html="allow")
    assert sanitized != allowed  # the sanitizer ran (its serialisation differs)
    assert _shape(sanitized) == _shape(allowed)


def test_highlighted_code_and_shortcodes_are_trusted_as_they_are(engine):
    body = "<b>raw</b>\n\n```python\nx = '<script>'\n```\n\n{{< youtube ZJthWmvUzzc >}}\n"
    sanitized = engine.render_markdown(body)
    allowed = engine.render_markdown(body, raw_html="allow")
    code = re.search(r'<pre class="highlight".*?</pre>', allowed, re.S).group(0)
    card = re.search(r'<p class="embed embed-youtube">.*?</p>', allowed, re.S).group(0)
    assert code in sanitized and card in sanitized


def test_the_sanitizer_runs_in_the_site_build(engine):
    site = render(engine, [Source("posts/x.md", b"---\ntitle: X\ndate: 2023-01-01\n---\n"
                                                b"<table><tr><td>cell</td></tr></table>\n\n<script>alert(1)</script>\n")])
    doc = site.html("posts/x/index.html")
    assert find_all(doc, "td") and not code_scripts(doc)


# --- Hypothesis: any mix of tags, attributes, URLs and Markdown --------------------------------

TAGS = ["a", "img", "script", "SCRIPT", "svg", "math", "iframe", "style", "b", "div", "table", "td", "object",
        "embed", "form", "input", "base", "meta", "link", "details", "video", "body", "template", "noscript", "p"]
ATTRS = ["href", "src", "onerror", "ONLOAD", "onclick", "style", "srcset", "formaction", "action", "xlink:href",
         "background", "poster", "data", "class", "id", "title", "cite", "type"]
URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:x", "&#106;avascript:x", "&#x6A;avascript:x",
        " javascript:x", "vbscript:x", "data:text/html,x", "data:image/svg+xml,x", "livescript:x", "/ok", "https://ok",
        "#ok", "x", "&#0000106avascript:x", "javas&#99;ript:x", "\x01javascript:x"]
PIECES = st.one_of(
    st.builds(lambda t, a, q, v, c: f"<{t} {a}={q}{v}{q}>{c}", st.sampled_from(TAGS), st.sampled_from(ATTRS),
              st.sampled_from(['"', "'", ""]), st.sampled_from(URLS + ["alert(1)"]), st.sampled_from(["", "x", "</b>"])),
    st.builds(lambda t: f"</{t}>", st.sampled_from(TAGS)),
    st.sampled_from(["<!--", "-->", "<![CDATA[", "]]>", "\n\n", "*", "`", "[", "](", ")", "> ", "- ", "<", ">",
                     "&", "&lt;", "{{< youtube x >}}", "{{< figure src=\"javascript:alert(1)\" >}}", "\n```\n"]),
    st.text(alphabet="<>=\"'/ abcjsvx:;&#\t\n", max_size=8),
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=12).map("".join))
def test_sanitize_mode_never_lets_a_script_through(text):
    from sitekit import get_renderer
    assert_no_script(repr(text), get_renderer("native").render_markdown(text))


@pytest.mark.wasm
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=12).map("".join))
def test_sanitize_mode_gives_the_same_bytes_on_both_engines(text):
    from sitekit import get_renderer
    assert get_renderer("wasm").render_markdown(text) == get_renderer("native").render_markdown(text)


def test_sanitized_output_parses_without_errors(engine):
    html_text = engine.render_markdown(GITHUB_LIKE + "\n\n<p>unclosed <b>bold <i>both</p> <table><td>x")
    _, errors = parse_strictly(f"<!DOCTYPE html><html><head><title>t</title></head><body>{html_text}</body></html>"
                               .encode())
    assert errors == []


def test_the_site_config_default_is_sanitize():
    from renderer import parse_config
    assert parse_config("")[0].raw_html == "sanitize"
    assert parse_config(CONFIG)[0].raw_html == "sanitize"


def test_the_sanitizer_is_loaded_only_when_a_post_has_raw_html():
    # justhtml is a third of the CLI's import time, and a rebuild whose posts come from the cache never needs it.
    script = ("import sys, wasm_host.cli, renderer\n"
              "assert 'justhtml' not in sys.modules\n"
              "assert renderer.render_markdown('*plain*') == '<p><em>plain</em></p>\\n'\n"
              "assert 'justhtml' not in sys.modules\n"
              "print(renderer.render_markdown('<cite onclick=\"x()\">a</cite>'))\n"
              "assert 'justhtml' in sys.modules\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "<p><cite>a</cite></p>"
