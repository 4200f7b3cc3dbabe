"""Go's ``unicode`` classes as goldmark asks them, the same on both engines.

Characters assigned after Unicode 14.0 are treated as unassigned (category
``Cn``) on every Python (``renderer.ucd``), so the host's 3.11 and the
guest's 3.14 classify alike.
"""

from __future__ import annotations

import unicodedata

from ..ucd import unassigned


def category(c: str) -> str:
    return "Cn" if unassigned(c) else unicodedata.category(c)


def is_letter(c: str) -> bool:  # unicode.IsLetter
    return category(c).startswith("L")


def is_digit(c: str) -> bool:  # unicode.IsDigit
    return category(c) == "Nd"


def is_number(c: str) -> bool:  # unicode.IsNumber
    return category(c).startswith("N")


def is_punct(c: str) -> bool:  # unicode.IsPunct
    return category(c).startswith("P")


def is_punct_or_symbol(c: str) -> bool:  # goldmark's util.IsPunctRune
    return category(c)[0] in "PS"


def is_space(c: str) -> bool:  # unicode.IsSpace (and goldmark's util.IsSpaceRune)
    return c in "\t\n\v\f\r \x85\xa0" or (ord(c) > 0xff and category(c) == "Zs") or c in "\u2028\u2029"


def is_ascii_punct(b: int) -> bool:  # goldmark's util.IsPunct, of one byte
    return 0x21 <= b <= 0x2f or 0x3a <= b <= 0x40 or 0x5b <= b <= 0x60 or 0x7b <= b <= 0x7e


def is_ascii_space(b: int) -> bool:  # goldmark's util.IsSpace, of one byte
    return b in (0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d)
