"""renderer/ucd.py's table is exactly what scripts/gen_ucd.py generates.

The table is CPython 3.11's Unicode 14.0 database, which is what CI runs. On
a Python with another Unicode version the table cannot be regenerated, and
this test fails saying so: skipping would hide that the check never ran.
"""

from __future__ import annotations

import importlib.util
import unicodedata

import pytest

from sitekit import ROOT


def _generator():
    spec = importlib.util.spec_from_file_location("gen_ucd", ROOT / "scripts" / "gen_ucd.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_checked_in_unicode_table_is_what_the_script_generates():
    gen = _generator()
    try:
        fresh = gen.table()
    except gen.WrongUnicode as exc:
        pytest.fail(f"cannot check renderer/ucd.py under Unicode {unicodedata.unidata_version}: {exc}", pytrace=False)
    checked_in = gen.checked_in((ROOT / "renderer" / "ucd.py").read_text(encoding="utf-8"))
    assert checked_in == fresh, "renderer/ucd.py was edited by hand: run python3.11 scripts/gen_ucd.py"


def test_the_script_refuses_another_unicode_version(monkeypatch, capsys):
    gen = _generator()
    monkeypatch.setattr(gen.unicodedata, "unidata_version", "16.0.0")
    assert gen.main(["--check"]) == 2
    assert "Unicode 16.0.0" in capsys.readouterr().err
