"""CLDR's plural categories for whole numbers, as go-i18n (Hugo's ``i18n``) chooses a form.

Only the integer rules (a count of posts or minutes); a language not listed
here uses English's (``one`` for 1, ``other`` otherwise).
"""

from __future__ import annotations

_NONE = frozenset("ja zh ko th vi id ms lo my km yue bo dz ig ii jv kea ses sg to wo yo".split())
_ZERO_ONE = frozenset("fr pt hy kab ff ln ti ak am as bn fa gu hi kn mr zu pa si".split())
_SLAVIC = frozenset("ru uk be bs hr sr sh".split())
_FEW_LIKE_PL = frozenset(("pl",))
_CZ = frozenset(("cs", "sk"))


def category(lang: str, n: int) -> str:
    """The plural category (``zero one two few many other``) of ``n`` in language ``lang``."""
    base = lang.lower().replace("_", "-").split("-", 1)[0]
    n = abs(n)
    if base in _NONE:
        return "other"
    if base in _ZERO_ONE:
        if lang.lower().replace("_", "-") == "pt-pt":
            return "one" if n == 1 else "other"
        return "one" if n in (0, 1) else "other"
    if base in _SLAVIC:
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return "few"
        return "many"
    if base in _FEW_LIKE_PL:
        if n == 1:
            return "one"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return "few"
        return "many"
    if base in _CZ:
        return "one" if n == 1 else "few" if 2 <= n <= 4 else "other"
    if base == "ar":
        return ("zero" if n == 0 else "one" if n == 1 else "two" if n == 2 else
                "few" if 3 <= n % 100 <= 10 else "many" if 11 <= n % 100 <= 99 else "other")
    return "one" if n == 1 else "other"
