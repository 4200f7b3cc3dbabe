"""site.toml and front matter treat values alike: one wording for a value's
type in errors, one conversion of parameters to JSON (renderer/values.py)."""

from __future__ import annotations

import json

import pytest

from renderer import Source, parse_config, parse_posts


def config_error(text: str) -> str:
    _, diags = parse_config(text)
    return next(d.message for d in diags if d.is_error)


def front_matter_error(line: str) -> str:
    result = parse_posts([Source("posts/p.md", f"---\ntitle: T\ndate: 2023-01-01\n{line}\n---\nx\n".encode())], "")
    return next(d.message for d in result.diagnostics if d.is_error)


@pytest.mark.parametrize("toml, yaml, name", [
    ("5", "5", "an integer"),
    ("1.5", "1.5", "a number"),
    ("[1]", "[1]", "a list"),
    ("{a = 1}", "{a: 1}", "a mapping"),
])
def test_config_and_front_matter_name_a_wrong_type_alike(toml, yaml, name):
    assert config_error(f"title = {toml}\n").endswith(f"not {name}")
    assert front_matter_error(f"draft: {yaml}").endswith(f"not {name}")


def test_params_become_the_same_json_in_config_and_front_matter():
    config, _ = parse_config('[params]\nn = nan\ni = inf\nd = 2023-01-01\nl = [1, "a"]\n')
    posts = parse_posts([Source("posts/p.md", b"---\ntitle: T\ndate: 2023-01-01\nn: .nan\ni: .inf\n"
                                              b"d: !!timestamp 2023-01-01\nl: [1, a]\n---\nx\n")], "").posts
    expected = {"n": None, "i": None, "d": "2023-01-01", "l": [1, "a"]}
    assert json.loads(config.params_json) == expected
    assert json.loads(posts[0].params_json) == expected
