"""Tables as goldmark's table extension reads them (GFM's rules), for Hugo sites (``markup = "hugo"``).

mistune's table plugin wants every body row to start and end with ``|`` when the header does, and the
same number of cells in every row; goldmark (Hugo) takes any line of the block as a row: the pipes at the
ends are optional, a row with fewer cells gets empty ones, extra cells are dropped, and the table ends at
a blank line or where another block starts; an escaped pipe is a pipe, in a code span too. A table may
also start inside a paragraph (the lines before its header stay a paragraph). The header and the
delimiter row must have the same number of cells.

This plugin registers its own parser under mistune's rule names (``table``, ``nptable``), so the table in
quotes and lists that mistune's ``table_in_quote``/``table_in_list`` set up uses it too; the tokens and
their rendering are mistune's.
"""

from __future__ import annotations

import re
from typing import Any

TABLE_LINE = r"^ {0,3}[^\n]*\|[^\n]*(?:\n|$)"  # a line with a pipe: a header, when a delimiter row follows
_DELIMITER_CELL = re.compile(r"[ \t]*:?-+:?[ \t]*")
# Lines that end a table (and a paragraph): a blank line or the start of another block.
_BLOCK_START = re.compile(r"[ \t]*$| {0,3}(?:#{1,6}(?:[ \t]|$)|>|```|~~~|[-+*][ \t]|1[.)][ \t]|<[A-Za-z/!?]|"
                          r"(?:\*[ \t]*){3,}$|(?:-[ \t]*){3,}$|(?:_[ \t]*){3,}$)")


def _cells(line: str) -> list[str]:
    """A row's cells: split at the pipes not escaped with ``\\``, one pipe at each end left out."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not _escaped(text, len(text) - 1):
        text = text[:-1]
    cells, start = [], 0
    for pos, char in enumerate(text):
        if char == "|" and not _escaped(text, pos):
            cells.append(text[start:pos].strip())
            start = pos + 1
    cells.append(text[start:].strip())
    return [c.replace("\\|", "|") for c in cells]  # an escaped pipe is a pipe, in code spans too (GFM)


def _escaped(text: str, pos: int) -> bool:
    slashes = 0
    while pos - slashes - 1 >= 0 and text[pos - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1


def _align(cell: str) -> str | None:
    cell = cell.strip()
    if cell.startswith(":") and cell.endswith(":"):
        return "center"
    if cell.startswith(":"):
        return "left"
    if cell.endswith(":"):
        return "right"
    return None


def parse_table(block: Any, m: re.Match[str], state: Any) -> int | None:
    pos = m.end()
    header = m.group(0)
    delimiter = state.get_line(pos)
    if "-" not in delimiter or "|" not in delimiter and "|" not in header:
        return None
    marks = _cells(delimiter)
    if not all(_DELIMITER_CELL.fullmatch(c) for c in marks):
        return None
    heads = _cells(header)
    if len(heads) != len(marks):
        return None
    aligns = [_align(c) for c in marks]
    pos += len(delimiter)
    rows = []
    while pos < state.cursor_max:
        line = state.get_line(pos)
        if _BLOCK_START.match(line.rstrip("\n")):
            break
        cells = (_cells(line) + [""] * len(aligns))[:len(aligns)]
        rows.append({"type": "table_row", "children": [
            {"type": "table_cell", "text": text, "attrs": {"align": aligns[i], "head": False}}
            for i, text in enumerate(cells)]})
        pos += len(line)
    head = {"type": "table_head", "children": [
        {"type": "table_cell", "text": text, "attrs": {"align": aligns[i], "head": True}}
        for i, text in enumerate(heads)]}
    state.append_token({"type": "table", "children": [head, {"type": "table_body", "children": rows}]})
    return pos


def gfm_tables(md: Any) -> None:
    """Use goldmark's table rules for the ``table`` rules mistune's table plugin registered."""
    md.block.register("table", TABLE_LINE, parse_table, before="paragraph")
    md.block.register("nptable", TABLE_LINE, parse_table, before="paragraph")
