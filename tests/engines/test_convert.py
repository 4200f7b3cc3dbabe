"""Values across the WIT boundary (wasm_host/engines/convert.py), without a sandbox."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from types import SimpleNamespace

from wasm_host.engines.convert import lift, lower


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclass
class Node:
    summary_html: str
    colour: Colour
    children: list[Node]
    tags: list[str]


def _record(summary_html: str, colour: str, children: list[SimpleNamespace], tags: list[str]) -> SimpleNamespace:
    return SimpleNamespace(**{"summary-html": summary_html, "colour": colour, "children": children, "tags": tags})


def test_a_record_lifts_to_its_dataclass_through_lists_enums_and_its_own_type():
    leaf = _record("<p>b</p>", "blue", [], ["x"])
    value = lift([_record("<p>a</p>", "red", [leaf, leaf], [])], list[Node])
    assert value == [Node("<p>a</p>", Colour.RED, [Node("<p>b</p>", Colour.BLUE, [], ["x"])] * 2, [])]


def test_a_dataclass_lowers_to_wit_field_names_and_plain_values_stay_as_they_are():
    node = Node("<p>a</p>", Colour.RED, [Node("b", Colour.BLUE, [], [])], ["t"])
    lowered = lower([node])
    assert getattr(lowered[0], "summary-html") == "<p>a</p>"
    assert getattr(lowered[0].children[0], "summary-html") == "b"
    assert lowered[0].tags == ["t"]
    assert [lower(v) for v in ("s", 3, True, 1.5, b"x")] == ["s", 3, True, 1.5, b"x"]
