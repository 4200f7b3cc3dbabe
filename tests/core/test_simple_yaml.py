"""The front-matter fast path reads exactly what PyYAML reads, or declines."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from renderer.front_matter import FrontMatterLoader
from renderer.simple_yaml import SimpleYaml, Unsupported

FAST = SimpleYaml(FrontMatterLoader)


def full(raw: str):
    """What the full PyYAML loader gives: data, key lines, list item lines."""
    loader = FrontMatterLoader(raw)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}, {}
        lines, items = {}, {}
        for key, value in node.value:
            lines.setdefault(key.value, key.start_mark.line + 2)
            if isinstance(value, yaml.SequenceNode):
                items[key.value] = [n.start_mark.line + 2 for n in value.value]
        return loader.construct_document(node), lines, items
    finally:
        loader.dispose()


def test_the_seed_posts_front_matter_takes_the_fast_path():
    raw = ('title: unikernals-and-wasm\ndescription: "Quick post on why I keep coming back to these subjects"\n'
           'date: 2023-11-15T17:04:04.016Z\npreview: ""\ndraft: false\ntags: ["NaBloPoMo2023"]\n'
           'categories: ["challenge"]\n')
    assert FAST.load(raw) == full(raw)


def test_yaml_1_1_scalars_resolve_as_pyyaml_resolves_them():
    raw = "a: yes\nb: 0x1F\nc: 1:30\nd: .inf\ne: ~\nf: 1_000\ng: 2023-01-01\nh: 'q: x'\n"
    assert FAST.load(raw) == full(raw)
    assert FAST.load(raw)[0]["a"] is True and FAST.load(raw)[0]["g"] == "2023-01-01"


def test_block_lists_and_duplicate_keys_match_pyyaml():
    raw = "tags:\n  - a\n  - 2\ncats:\n- x\ntags: [b, 'c, d']\nempty:\n"
    assert FAST.load(raw) == full(raw)


def test_anything_unusual_is_left_to_pyyaml():
    for raw in ("on: x\n", "a: =\n", "a: b # comment\n", "a: &x 1\nb: *x\n", "a:\n  b: c\n",
                "a: [[1]]\n", "a: !!binary aGk=\n", "a: \"esc\\n\"\n", "a:\tb\n", "a: x\u2028y\n", "- a\n"):
        try:
            FAST.load(raw)
        except Unsupported:
            continue
        raise AssertionError(f"fast path accepted {raw!r}")


_plain = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1,
                 max_size=12)
_value = st.one_of(_plain, _plain.map(lambda s: '"' + s + '"'), _plain.map(lambda s: "'" + s + "'"),
                   st.lists(_plain, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"))
_key = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,8}", fullmatch=True)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_key, _value), max_size=8))
def test_whenever_the_fast_path_answers_pyyaml_agrees(pairs):
    raw = "".join(f"{k}: {v}\n" for k, v in pairs)
    try:
        fast = FAST.load(raw)
    except Unsupported:
        return
    assert fast == full(raw)
