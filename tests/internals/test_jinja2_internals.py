"""Jinja2 beyond its public API, as ``renderer/templates/jinja2_internals.py`` reads it.

These fail when an upgrade of Jinja2 changes what that module relies on,
instead of the sandbox naming the wrong template line.
"""

from __future__ import annotations

import importlib.metadata

import jinja2

from renderer.templates import jinja2_internals as internals
from renderer.templates.sandbox import ThemeSandbox

TEMPLATE = "one\n{% for x in xs %}\n  {{ x }}\n{% endfor %}\n{% if y %}\n{{ y|upper }}\n{% endif %}\n"


def test_the_installed_jinja2_is_a_version_the_module_was_written_for():
    installed = tuple(int(p) for p in importlib.metadata.version("Jinja2").split(".")[:2])
    assert internals.SUPPORTED[0] <= installed < internals.SUPPORTED[1]
    assert internals.VERSION == importlib.metadata.version("Jinja2")


def test_generated_lines_map_to_the_template_lines_jinja2_itself_reports():
    env = jinja2.Environment()
    generated = env.compile(TEMPLATE, raw=True)
    template = env.from_string(TEMPLATE)
    mapped = {line: internals.template_line(generated, line) for line in range(1, generated.count("\n") + 2)}
    assert {line: template.get_corresponding_lineno(line) for line in mapped if line >= 1} == mapped
    assert set(mapped.values()) >= {3, 6}  # the two output lines are among the mapped ones


def test_code_without_debug_info_is_blamed_on_line_one():
    assert internals.template_line("x = 1\n", 1) == 1


def test_the_sandbox_compiles_with_the_public_compile_and_names_the_line_of_a_too_deep_nest():
    deep = "first\n" + "{% for a in b %}" * 20 + "x" + "{% endfor %}" * 20
    try:
        ThemeSandbox().from_string(deep)
    except jinja2.TemplateSyntaxError as exc:
        assert exc.lineno == 2 and "nested too deeply" in exc.message
    else:
        raise AssertionError("a 20-deep loop nest compiled")
    assert ThemeSandbox().from_string(TEMPLATE).render(xs=[1], y="y").split() == ["one", "1", "Y"]
