"""mistune beyond its public API, as ``renderer/mistune_internals.py`` uses it.

These fail when an upgrade of mistune changes what that module relies on,
and they check that wasmblog changes only its own Markdown instance.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from itertools import product

import mistune
import mistune._inline.emphasis as emphasis
import mistune.list_parser as list_parser

from renderer import mistune_internals as internals
from renderer.markdown import render_markdown

# Every pair of these around a delimiter run: letters, digits, punctuation, space, line ends, non-ASCII letters.
CHARS = "a Z 0 9 . , ! ( ) * _ ' \" é ß 中 ٣ \u00a0 \t \n -".split(" ") + [" "]


def test_the_installed_mistune_is_a_version_the_module_was_written_for():
    installed = tuple(int(p) for p in importlib.metadata.version("mistune").split(".")[:2])
    assert internals.SUPPORTED[0] <= installed < internals.SUPPORTED[1]
    assert internals.VERSION == importlib.metadata.version("mistune")


def test_every_replaced_function_exists_in_mistune_under_its_name():
    modules = {"mistune.list_parser": list_parser, "mistune._inline.emphasis": emphasis}
    for module, names in internals.REPLACED.items():
        for name in names:
            assert callable(getattr(modules[module], name)), f"{module}.{name}"


def test_the_list_bullet_is_mistunes_with_ascii_digits():
    for marker in ("1.", "1)", "-", "*", "+", "12."):
        ours = internals.list_parser._get_list_bullet(marker)
        assert ours == list_parser._get_list_bullet(marker).replace(r"\d", "[0-9]")
        assert r"\d" not in ours


def test_the_flanking_rules_are_mistunes_for_every_character_unicode_14_knows():
    for before, after, marker, size in product(CHARS, CHARS, "*_", (1, 2, 3)):
        text = before + marker * size + after
        args = (text, 1, size, marker)
        assert internals._can_open_emphasis(*args) == emphasis._can_open_emphasis(*args), repr(text)
        assert internals._can_close_emphasis(*args) == emphasis._can_close_emphasis(*args), repr(text)
    for char in CHARS:
        assert internals._is_punctuation(char) == emphasis._is_punctuation(char), repr(char)


def test_the_private_copies_call_wasmblogs_functions_and_mistunes_modules_keep_their_own():
    assert internals.list_parser.parse_list.__globals__["_get_list_bullet"] is internals._ascii_list_bullet
    assert internals.emphasis._split_text_token.__globals__["_can_open_emphasis"] is internals._can_open_emphasis
    assert list_parser.parse_list.__globals__["_get_list_bullet"] is list_parser._get_list_bullet
    assert list_parser._get_list_bullet.__module__ == "mistune.list_parser"
    assert emphasis._can_open_emphasis.__module__ == "mistune._inline.emphasis"


def test_wasmblogs_parser_takes_only_ascii_digits_as_list_markers_and_mistune_alone_any_digit():
    text = "1. one\n٢. two\n"  # an Arabic-Indic two: a digit to Python's \d, not to CommonMark
    assert render_markdown(text, extensions=False, highlight=False, heading_ids=False) == \
        "<ol>\n<li>one\n٢. two</li>\n</ol>\n"
    assert mistune.create_markdown()(text).count("<li>") == 2  # mistune alone: unchanged


def test_wasmblogs_emphasis_is_mistunes_on_text_unicode_14_knows():
    for text in ("*a*b", "_a_b", "a*b*c", "**x**.", "*(x)*", "foo_bar_", "*中*文"):
        assert render_markdown(text, extensions=False, highlight=False, heading_ids=False) == \
            mistune.html(text), text


def test_importing_renderer_leaves_every_function_of_mistune_as_it_was():
    script = """
import importlib, pkgutil, mistune
names = [m.name for m in pkgutil.walk_packages(mistune.__path__, "mistune.")]
modules = [importlib.import_module(n) for n in ["mistune", *names]]
before = {(m.__name__, k): v for m in modules for k, v in vars(m).items()}
import renderer, renderer.markdown, renderer.content
renderer.markdown.render_markdown("1. *a*_b_\\n2. c")
after = {(m.__name__, k): v for m in modules for k, v in vars(m).items()}
changed = sorted(f"{m}.{k}" for (m, k) in before if after.get((m, k)) is not before[(m, k)])
print(len(before), changed)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split(" ", 1)
    assert int(out[0]) > 500 and out[1].strip() == "[]"


def _inline_parser(**options):
    from renderer.markdown import MarkdownOptions, _markdown
    return _markdown(MarkdownOptions(**options)).inline


def test_an_h_ends_plain_text_only_where_a_url_may_start():
    inline = _inline_parser()
    text = "the path is https://example.org/h here"
    assert inline._find_fast_text_end(text, 0) == text.index("https")
    assert inline._find_fast_text_end("which thing", 0) == len("which thing")
    assert inline._find_fast_text_end("rather *so*", 0) == len("rather ")


def test_every_h_ends_plain_text_when_another_rule_may_start_there(monkeypatch):
    inline = _inline_parser()
    monkeypatch.setitem(inline._rule_start_chars, "emphasis", {"*", "_", "h"})
    assert internals.fast_text_trigger(inline).search("the").start() == 1


def test_the_html_is_mistunes_whatever_the_hs_around_entities_links_and_breaks(monkeypatch):
    pieces = ["h", "ht", "http://a.b/h", "https://x.y/", "&", "&hellip;", ";", "*", "_", "[", "](/h)", "`",
              "\\", "  \n", "\n", " ", "a", "~~", "<a href=\"h\">", "</a>", "&#104;", "[^1]", "\n\n[^1]: h\n"]
    texts = ["".join(pieces[(i * 7 + j * j) % len(pieces)] for j in range(i % 23 + 1)) for i in range(600)]
    texts += ["&h" + "ellip; h&hellip; [&hellip;h](http://a.b) *h&amp;h*", "h  \nh\\\nh"]
    for options in ({}, {"typographer": True}, {"markup": "hugo"}):
        ours = [render_markdown(text, **options) for text in texts]
        monkeypatch.setattr("renderer.markdown._InlineParser._find_fast_text_end",
                            mistune.InlineParser._find_fast_text_end)
        assert [render_markdown(text, **options) for text in texts] == ours
        monkeypatch.undo()


def test_what_the_fast_text_scan_reads_of_mistunes_inline_parser_exists():
    inline = mistune.InlineParser()
    for name in internals.READ:
        assert hasattr(inline, name), name
    assert mistune.inline_parser._KNOWN_RULE_START_CHARS["url_link"] == {"h"}
    assert mistune.plugins.url.URL_LINK_PATTERN.startswith(r"https?:\/\/")  # what "h(?=ttps?://)" stands for
