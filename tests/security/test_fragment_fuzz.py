"""A property-based fuzzer of the trusted-fragment rule: Markdown positions, shortcodes, raw HTML and
forged placeholder words composed at random, each document rendered and checked as the attack suite
checks whole sites (no event handler, no script, no unsafe URL, no placeholder left over), and a sample
rendered by both engines, byte for byte. ``WASMBLOG_FUZZ=long`` runs many more examples."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renderer.placeholders import Placeholders
from sitekit import get_renderer
from test_trusted_fragments import GADGETS, POSITIONS, WRITTEN, check_html

LONG = os.environ.get("WASMBLOG_FUZZ") == "long"
RAW = ['<img src=x alt="P">', "<a href='P'>l</a>", "<!-- P -->", "<b title=P>t</b>", "<span>P</span>",
       '<svg><a xlink:href="P">s</a></svg>', "<textarea>P</textarea>", "<details><summary>P</summary></details>"]
PIECES = list(GADGETS.values()) + ["plain text", "**bold**", "`code`", "&amp; &#60; &lt;", "\u200b", "<", '"']


@st.composite
def documents(draw: st.DrawFn) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 4))):
        template = draw(st.sampled_from(list(POSITIONS.values()) + RAW))
        payload = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=3)))
        blocks.append(template.replace("P", payload))
    text = "\n\n".join(blocks)
    if draw(st.booleans()):  # a word this text would get, written into it (in one of its spellings)
        word = Placeholders(text).prefix + "AZ"
        WRITTEN.add(word)
        spelling = draw(st.sampled_from([word, word[:3] + "&#" + str(ord(word[3])) + ";" + word[4:],
                                         word[:3] + "<!-- -->" + word[3:], word.lower()]))
        text = text.replace("plain text", spelling, 1) if "plain text" in text else text + " " + spelling
    return text


@settings(max_examples=1500 if LONG else 150, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents())
def test_no_composed_document_gets_markup_its_author_did_not_write(native, doc):
    check_html(native.render_markdown(doc), doc)


@pytest.mark.wasm
@pytest.mark.slow
@settings(max_examples=200 if LONG else 25, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents())
def test_both_engines_render_every_composed_document_alike(native, doc):
    assert get_renderer("wasm").render_markdown(doc) == native.render_markdown(doc)
