"""The Go template interpreter (renderer.gotemplate) on Go's own test tables, and its bounds.

``tests/data/gotemplate/exec_cases.json`` and ``escape_cases.json`` are
ported from Go's ``text/template/exec_test.go`` (``execTests``) and
``html/template/escape_test.go`` (``TestEscape``) (BSD licence, The Go
Authors): the cases whose data and functions have a meaning here (no
pointers, channels, complex numbers, Go's ``call``, or the functions Hugo
replaces with different results), with Go's data rebuilt below.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import pytest

from renderer.gotemplate import FUNCS, Call, compiled
from renderer.gotemplate.exec import MAX_RANGE, Budget, Templates, execute
from renderer.gotemplate.parse import TemplateError, parse
from renderer.gotemplate.values import HTML, GoObject, sprintf

DATA = Path(__file__).parent.parent / "data" / "gotemplate"


class U(GoObject):
    go_name = "*template.U"
    go_fields: ClassVar[frozenset[str]] = frozenset(["V"])

    def __init__(self) -> None:
        self.V = "v"


class T(GoObject):
    """Go's tVal, as far as the ported cases read it."""

    go_name = "*template.T"
    go_fields: ClassVar[frozenset[str]] = frozenset(
        ["True", "I", "X", "U", "MSI", "MSIone", "MSIEmpty", "SI", "SIEmpty", "SB", "FloatZero", "Empty0"])

    def __init__(self) -> None:
        self.True_ = True
        self.I, self.X, self.U = 17, "x", U()
        self.MSI, self.MSIone, self.MSIEmpty = {"one": 1, "two": 2, "three": 3}, {"one": 1}, {}
        self.SI, self.SIEmpty, self.SB = [3, 4, 5], [], [True, False]
        self.FloatZero, self.Empty0 = 0.0, None

    def go_member(self, name: str) -> Any:
        return self.True_ if name == "True" else getattr(self, name)


DATAS = {"tVal": T, "nil": lambda: None, "0": lambda: 0, "13": lambda: 13, "15.1": lambda: 15.1,
         "true": lambda: True, '"hello"': lambda: "hello", "123": lambda: 123}


def run(template: str, data: Any, html: bool = False) -> str:
    trees = parse("t", template, frozenset(FUNCS))
    return execute(Templates(trees, FUNCS, html=html), "t", data, Budget())


EXEC_CASES = json.loads((DATA / "exec_cases.json").read_text())


@pytest.mark.parametrize("case", EXEC_CASES, ids=[c["name"] for c in EXEC_CASES])
def test_go_exec_table(case: dict) -> None:
    data = DATAS[case["data"]]()
    if case["ok"]:
        assert run(case["template"], data) == case["output"]
    else:
        with pytest.raises(TemplateError):
            run(case["template"], data)


ESCAPE_DATA = {"F": False, "T": True, "C": "<Cincinnati>", "G": "<Goodbye>", "H": "<Hello>", "A": ["<a>", "<b>"],
               "E": [], "N": 42, "U": None,
               "W": HTML('&iexcl;<b class="foo">Hello</b>, <textarea>O\'World</textarea>!'), "I": "${ asd `` }"}
ESCAPE_CASES = json.loads((DATA / "escape_cases.json").read_text())


@pytest.mark.parametrize("case", ESCAPE_CASES, ids=[f"{i}-{c['name']}" for i, c in enumerate(ESCAPE_CASES)])
def test_go_escape_table(case: dict) -> None:
    # Go escapes a template whole, and may refuse one that ends outside text; the cases that end inside a
    # tag are run with a closing '>' appended, and that '>' cut off again.
    template, output = case["template"], case["output"]
    try:
        assert run(template, ESCAPE_DATA, html=True) == output
    except TemplateError as exc:
        if "non-text context" not in str(exc):
            raise
        assert run(template + ">", ESCAPE_DATA, html=True)[:-1] == output


@pytest.mark.parametrize("fmt, args, out", [
    ("%d|%5d|%-5d|%05d|%+d|%x|%X|%o|%b|%c|%q|%U", [42, 42, 42, 42, 42, 255, 255, 8, 5, 65, 65, 0x2603],
     "42|   42|42   |00042|+42|ff|FF|10|101|A|'A'|U+2603"),
    ("%s|%10s|%-10s|%.2s|%q|%x|% x|%#q", ["go", "go", "go", "golang", 'a"b', "hi", "hi", "back`q"],
     'go|        go|go        |go|"a\\"b"|6869|68 69|"back`q"'),
    ("%v|%g|%f|%.2f|%e|%8.3f|%G", [1.5, 1e21, 3.14159, 2.345, 1234.5678, 3.14159, 1e-7],
     "1.5|1e+21|3.141590|2.35|1.234568e+03|   3.142|1E-07"),
    ("%v|%v|%v|%v|%t", [[1, "a"], {"b": 2, "a": 1}, None, True, False], "[1 a]|map[a:1 b:2]|<nil>|true|false"),
    ("%T|%T|%T|%T|%T", [1, 1.0, "s", [1], {"a": 1}], "int|float64|string|[]interface {}|map[string]interface {}"),
    ("%d %d|%z", [1], "1 %!d(MISSING)|%!z(MISSING)"),
    ("%d", [1, 2], "1%!(EXTRA int=2)"),
    ("%s|%d", [1, "x"], "%!s(int=1)|%!d(string=x)"),
    ("%*d|%.*f", [5, 1, 2, 3.14159], "    1|3.14"),
])
def test_printf_has_gos_verbs_flags_and_error_forms(fmt: str, args: list, out: str) -> None:
    assert sprintf(fmt, args) == out


@pytest.mark.parametrize("template, message", [
    ("{{if}}", "missing value for if"),
    ("{{end}}", "unexpected {{end}}"),
    ("{{range .}}", "unexpected EOF"),
    ("{{$x}}", "undefined variable \"$x\""),
    ("{{break}}", "{{break}} outside {{range}}"),
    ("{{.X | 3}}", "non executable command in pipeline stage 2"),
    ("{{\"unterminated}}", "unterminated quoted string"),
    ("{{/* open", "unclosed comment"),
    ("{{ (1 }}", "unclosed left paren"),
    ("{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}", "multiple definition of template"),
])
def test_parse_errors_say_what_go_says(template: str, message: str) -> None:
    with pytest.raises(TemplateError, match=".*" + message.replace("(", r"\(").replace(")", r"\)")
                       .replace("|", r"\|").replace("{", r"\{").replace("}", r"\}").replace("$", r"\$")):
        parse("t", template, frozenset(FUNCS))


def test_trim_markers_and_comments() -> None:
    assert run("a  {{- 1 -}}  b {{/* c */}} c {{- /* d */ -}} d", None) == "a1b  cd"


def test_range_over_an_integer_a_map_in_key_order_and_with_break_and_continue() -> None:
    assert run("{{range 3}}{{.}}{{end}}", None) == "012"
    assert run('{{range $k, $v := dict "b" 2 "a" 1 "c" 3}}{{$k}}{{$v}}{{end}}', None) == "a1b2c3"
    assert run("{{range $i, $e := seq 6}}{{if eq $e 2}}{{continue}}{{end}}{{if gt $e 4}}{{break}}{{end}}"
               "{{$e}}{{end}}", None) == "134"


def test_define_template_and_block() -> None:
    out = run('{{define "x"}}[{{.}}]{{end}}{{template "x" 1}}{{block "y" 2}}<{{.}}>{{end}}', None)
    assert out == "[1]<2>"


def test_a_field_is_only_what_the_data_model_lists_never_a_python_attribute() -> None:
    call = Call("sc", [], {}, None, False, 1, page={"title": "T"}, site={})
    for template in ("{{ .__class__ }}", "{{ .Page.__dict__ }}", "{{ .Page.data }}", "{{ .call }}",
                     "{{ .Page.Title.__len__ }}", "{{ .Page.render }}", "{{ .Get.__globals__ }}"):
        shortcodes = compiled({"shortcodes/sc.html": template})
        with pytest.raises(Exception) as info:
            shortcodes.render(call)
        assert "T" not in str(info.value) or "type" in str(info.value)
    assert run('{{ index (dict "a" 1) "__class__" }}|{{ (dict "a" 1).__init__ }}', None) == "<no value>|<no value>"


def test_budgets_stop_runaway_templates() -> None:
    with pytest.raises(TemplateError, match="more than 100,000 steps"):
        run("{{range seq 1000}}{{range seq 1000}}{{end}}{{end}}", None)
    with pytest.raises(TemplateError, match=f"more than {MAX_RANGE:,} iterations"):
        run("{{range 200000}}{{end}}", None)
    with pytest.raises(TemplateError, match="deep"):
        run('{{define "r"}}{{template "r" .}}{{end}}{{template "r" 1}}', None)
    with pytest.raises(TemplateError, match="longer than 1,000,000"):
        run('{{$s := "ab"}}{{range seq 30}}{{$s = printf "%s%s" $s $s}}{{end}}', None)


@pytest.mark.parametrize("pattern", ["(a+)+$", "(x|xx)*y", r"(\d{1,3})+", "(?:ab?)+", "a*b*c*d*e*f", r"(a)\1",
                                     "(?=a)", r"\p{L}"])
def test_regular_expressions_that_could_backtrack_for_ever_are_refused(pattern: str) -> None:
    with pytest.raises(TemplateError):
        run("{{ findRE " + json.dumps(pattern) + " " + json.dumps("a" * 30) + " }}", None)


def test_regular_expressions_have_go_semantics() -> None:
    assert run(r'{{ findRE "b$" "ab\n" }}|{{ findRE "\\w+" "héllo" }}|{{ replaceRE "(\\w+)@(\\w+)" "$2 at ${1}" '
               r'"me@host" }}', None) == "[]|[h llo]|host at me"
