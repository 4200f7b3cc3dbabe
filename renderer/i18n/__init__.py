"""Translation tables and dates for a language: Hugo's ``i18n/LANG.toml``, ``t()`` and ``i18n``/``T``.

A table is Hugo's format (go-i18n's): ``key = "text"``, or a table of
plural forms (``zero one two few many other``) whose text may print
``{{ .Count }}`` (or ``{{ . }}``, or ``{{ .Name }}`` of the values passed);
``.yaml``/``.yml`` and ``.json`` too, nested keys joined with ``.``, and
the older list of ``{id, translation}``. The tables come from two places:
the default theme's (``renderer/themes/default/i18n/``, read while
``import renderer`` runs, like its templates) and the site's
(``SITE/i18n/LANG.toml``), which the host reads and passes in with the
templates as ``i18n/LANG.toml`` (:data:`I18N_PREFIX`): the core reads no
file. A site's key replaces the theme's in that language.

Looking a key up in language ``fr-ca``, as Hugo does: ``fr-ca``, then
``fr``, then the site's default language (``defaultContentLanguage``,
else ``language``/``languageCode``); a key found nowhere is ``""`` (Hugo
prints nothing and warns), except a key of the default theme's own, which
falls back to its English so that a page in a language it does not ship
still has its words. The plural form is the count's CLDR category in the
language the text was found in (:mod:`.plural`); a missing form is
``other``'s, a missing ``other`` is ``""`` (as Hugo 0.168).

:class:`Translator` is one language's view: ``t("readMore")``,
``t("posts", count=3)``, ``t.date(post.date)`` (the layout in the table's
``dateFormat``, Go's reference time or Hugo's ``:date_long``...). The
Jinja2 templates see it as ``t``; Go-template shortcodes call it as
``i18n``/``T``, and Hugo's ``time.Format``/``dateFormat`` take the names
of the page's language from :mod:`.locales`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Mapping

import tomli
import yaml

from ..dates import UTC, DateInfo, parse_date
from ..diagnostics import Diagnostic, SourceError, error
from ..values import toml_error
from .golayout import DAYS, MONTHS, NAMED, go_format
from .locales import LOCALES, NAMED_DATES, candidates, locale, named_date
from .plural import category

I18N_PREFIX = "i18n/"  # a site's table among the templates passed to the core: i18n/fr.toml
SUFFIXES = (".toml", ".yaml", ".yml", ".json")
FORMS = ("zero", "one", "two", "few", "many", "other")
RESERVED = frozenset((*FORMS, "id", "description", "hash", "leftdelim", "rightdelim"))
DATE_FORMAT_KEY = "dateFormat"  # the layout of t.date() when none is given
DEFAULT_DATE_FORMAT = ":date_long"
MAX_KEYS = 10_000  # keys kept per file

Entry = dict[str, str]  # plural form -> text
Table = dict[str, Entry]  # key -> its forms


def table_language(name: str) -> str:
    """The language of a table file: ``i18n/pt-BR.toml`` -> ``pt-br``."""
    stem = name.rsplit("/", 1)[-1]
    for suffix in SUFFIXES:
        if stem.endswith(suffix):
            stem = stem[:-len(suffix)]
            break
    return stem.lower().replace("_", "-")


def _forms(key: str, value: Any, out: Table, depth: int = 0) -> None:
    if len(out) > MAX_KEYS:  # (YAML aliases can nest a table into itself many times over)
        raise SourceError(f"more than {MAX_KEYS:,} keys")
    if isinstance(value, str):
        out[key] = {"other": value}
        return
    if not isinstance(value, dict):
        raise SourceError(f"translation {key!r} must be text or a table of plural forms "
                          f"({', '.join(FORMS)}), not {type(value).__name__}")
    reserved = [k for k in value if str(k).lower() in RESERVED]
    if reserved and len(reserved) != len(value):
        others = sorted(str(k) for k in value if str(k).lower() not in RESERVED)
        raise SourceError(f"translation {key!r} mixes plural forms ({', '.join(sorted(map(str, reserved)))}) "
                          f"with other keys ({', '.join(others)})")
    if reserved:
        forms = {str(k).lower(): v for k, v in value.items() if str(k).lower() in FORMS}
        bad = [k for k, v in forms.items() if not isinstance(v, str)]
        if bad:
            raise SourceError(f"translation {key!r}: the form {bad[0]!r} must be text")
        out[key] = forms
        return
    if depth > 8:
        raise SourceError(f"translation {key!r} nests too deeply")
    for inner, item in value.items():
        _forms(f"{key}.{inner}", item, out, depth + 1)


def parse_table(name: str, text: str) -> tuple[Table, list[Diagnostic]]:
    """One table file (``i18n/fr.toml``...): its keys, or what is wrong with it (the file is then left out)."""
    try:
        if name.endswith(".toml"):
            try:
                data: Any = tomli.loads(text)
            except tomli.TOMLDecodeError as exc:
                message, line = toml_error(exc)
                return {}, [error(name, line, f"invalid TOML: {message}; the file is ignored")]
        elif name.endswith(".json"):
            try:
                data = json.loads(text)
            except ValueError as exc:
                line = getattr(exc, "lineno", 0)
                return {}, [error(name, line, "invalid JSON; the file is ignored")]
        else:
            try:
                data = yaml.load(text, Loader=yaml.SafeLoader)  # the safe loader: plain data only
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                return {}, [error(name, mark.line + 1 if mark is not None else 0,
                                  "invalid YAML; the file is ignored")]
        table: Table = {}
        if data is None:
            return {}, []
        if isinstance(data, list):  # go-i18n v1: [{id, translation}]
            for item in data:
                if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                    raise SourceError("a list of translations must hold tables with an 'id' and a 'translation'")
                _forms(item["id"], item.get("translation", ""), table)
        elif isinstance(data, dict):
            for key, value in data.items():
                _forms(str(key), value, table)
        else:
            raise SourceError("a translation table must map keys to text")
        if len(table) > MAX_KEYS:
            raise SourceError(f"more than {MAX_KEYS:,} keys")
        return table, []
    except SourceError as exc:
        return {}, [error(name, exc.line or 0, f"{exc.message}; the file is ignored")]
    except (ValueError, RecursionError):  # a number too long to read, absurd nesting
        return {}, [error(name, 0, "unreadable translation table; the file is ignored")]


def _read_theme_tables() -> dict[str, str]:
    folder = resources.files("renderer").joinpath("themes", "default", "i18n")
    return dict(sorted((I18N_PREFIX + entry.name, entry.read_text(encoding="utf-8")) for entry in folder.iterdir()
                       if entry.is_file() and entry.name.endswith(SUFFIXES)))


THEME_FILES: Mapping[str, str] = _read_theme_tables()


def _load(files: Mapping[str, str]) -> tuple[dict[str, Table], list[Diagnostic]]:
    tables: dict[str, Table] = {}
    diags: list[Diagnostic] = []
    # Deeper names first (a Hugo theme's i18n/themes/N-NAME/fr.toml), so the site's i18n/fr.toml wins.
    for name in sorted(files, key=lambda n: (-n.count("/"), n)):
        table, problems = parse_table(name, files[name])
        diags.extend(problems)
        tables.setdefault(table_language(name), {}).update(table)
    return tables, diags


THEME_TABLES, _THEME_PROBLEMS = _load(THEME_FILES)
if _THEME_PROBLEMS:
    raise ImportError(f"the default theme's translations are broken: {_THEME_PROBLEMS[0]}")


def site_tables(templates: Mapping[str, str]) -> dict[str, str]:
    """The site's translation tables among the templates passed to the core (``i18n/LANG.toml``)."""
    return {name: text for name, text in templates.items() if name.startswith(I18N_PREFIX)}


@dataclass
class Catalog:
    """Every language's table, the theme's and the site's merged, and the site's default language."""

    tables: dict[str, Table]
    default: str
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def chain(self, lang: str) -> list[tuple[str, Table]]:
        """The tables ``lang`` looks a key up in, in order: itself, its base, the default language's."""
        codes = dict.fromkeys((*candidates(lang), *candidates(self.default)))
        return [(code, self.tables[code]) for code in codes if code in self.tables]

    def find(self, key: str, lang: str) -> tuple[Entry, str] | None:
        """The forms of ``key`` for ``lang`` and the language they were found in, by Hugo's fallback."""
        return _find(self.chain(lang), key)

    def translator(self, lang: str = "") -> Translator:
        """The view of language ``lang`` (the default language's when empty)."""
        return Translator(lang or self.default, self)


def _find(chain: list[tuple[str, Table]], key: str) -> tuple[Entry, str] | None:
    for code, table in chain:
        entry = table.get(key)
        if entry is not None:
            return entry, code
    own = THEME_TABLES["en"].get(key)
    return (own, "en") if own is not None else None


_CATALOGS: dict[str, Catalog] = {}


def catalog(files: Mapping[str, str], default: str) -> Catalog:
    """The theme's tables with the site's ``files`` (``{"i18n/fr.toml": text}``) over them, for a site
    whose default language is ``default`` (cached per set)."""
    digest = hashlib.sha256(default.encode())
    for name in sorted(files):
        digest.update(b"\0" + name.encode() + b"\0" + files[name].encode("utf-8", "surrogatepass"))
    key = digest.hexdigest()
    found = _CATALOGS.get(key)
    if found is not None:
        return found
    tables = {code: dict(table) for code, table in THEME_TABLES.items()}
    own, diags = _load(files)
    for code, table in own.items():
        tables.setdefault(code, {}).update(table)
    made = Catalog(tables, (default or "en").lower().replace("_", "-"), diags)
    if len(_CATALOGS) >= 8:
        _CATALOGS.clear()
    _CATALOGS[key] = made
    return made


_ACTION = re.compile(r"\{\{-?\s*\.([A-Za-z_][A-Za-z0-9_]*)?\s*-?\}\}")
NO_VALUE = "<no value>"  # what Go's template prints for a missing field


def _print(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return NO_VALUE if value is None else str(value)


_PARTS: dict[str, tuple[tuple[str, str | None], ...]] = {}


def _parts(text: str) -> tuple[tuple[str, str | None], ...]:
    """``text`` as (literal, field) pairs: the field printed after the literal ("" for ``.``, None: none)."""
    found = _PARTS.get(text)
    if found is None:
        out: list[tuple[str, str | None]] = []
        pos = 0
        for m in _ACTION.finditer(text):
            out.append((text[pos:m.start()], m.group(1) or ""))
            pos = m.end()
        out.append((text[pos:], None))
        found = tuple(out)
        if len(_PARTS) < 10_000:
            _PARTS[text] = found
    return found


def fill(text: str, data: Any) -> str | None:
    """``text`` with ``{{ . }}``, ``{{ .Count }}`` and ``{{ .Name }}`` filled in from ``data`` (a number,
    text or a mapping); ``None`` when it asks a field of a value that has none (Hugo prints nothing).
    Any other action is left as written."""
    if "{{" not in text:
        return text
    out = []
    for literal, name in _parts(text):
        out.append(literal)
        if name is None:
            continue
        if not name:
            out.append(_print(data))
        elif isinstance(data, Mapping):
            out.append(_print(data.get(name)))
        elif data is None:
            out.append(NO_VALUE)
        elif name == "Count" and isinstance(data, (int, float)) and not isinstance(data, bool):
            out.append(_print(data))
        else:
            return None
    return "".join(out)


def _count(data: Any) -> int | None:
    value = data.get("Count") if isinstance(data, Mapping) else data
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return value


def translate(entry: Entry, lang: str, data: Any) -> str:
    """The text of ``entry`` (found in ``lang``) for ``data``: the plural form of its count, filled in."""
    count = _count(data)
    if count is None and isinstance(data, float) and not isinstance(data, bool):
        return ""  # Hugo prints nothing for a count with a fraction
    form = "other" if count is None else category(lang, count)
    text = entry.get(form, entry.get("other"))
    if text is None:
        return ""
    return fill(text, data) or ""


class Translator:
    """One language's words and dates: ``t`` in templates."""

    # What Jinja2's sandbox and context look up on every call: present, so each lookup is a hit
    # (a missing attribute costs an exception; a page makes about thirty calls).
    unsafe_callable = False
    alters_data = False
    jinja_pass_arg = None

    def __init__(self, lang: str, catalog: Catalog) -> None:
        self.lang = lang
        self._catalog = catalog
        self._chain = catalog.chain(lang)
        self._plain: dict[tuple[str, int | None], str] = {}  # (key, count) -> its text (most of a page's words)
        self._dates: dict[tuple[str, str], str] = {}  # (RFC 3339 text, layout) -> the date shown

    def __call__(self, key: Any, count: Any = None, **values: Any) -> str:
        """``t("key")``, ``t("key", count=n)``, ``t("key", Name=value)`` (``{{ .Name }}`` in the text)."""
        if values:
            data: Any = dict(values)
            if count is not None:
                data["Count"] = count
        else:
            data = count
        return self.text(str(key), data)

    def text(self, key: str, data: Any = None) -> str:
        """Hugo's ``i18n key data``: ``data`` is a count, text, or a mapping of the values the text prints."""
        memo = data is None or type(data) is int  # a key alone, or with a count: kept
        if memo:
            known = self._plain.get((key, data))
            if known is not None:
                return known
        found = _find(self._chain, key)
        text = translate(found[0], found[1], data) if found is not None else ""
        if memo and len(self._plain) < 10_000:
            self._plain[key, data] = text
        return text

    def has(self, key: Any) -> bool:
        """Whether ``key`` has a translation (in this language or the default)."""
        return _find(self._chain, str(key)) is not None

    def strings(self, *keys: Any) -> str:
        """``keys`` with their plural forms in this language, as JSON, for a script (the search page's
        ``data-strings``); ``""`` when every one is the theme's English (which the script has)."""
        out = {}
        for key in map(str, keys):
            found = _find(self._chain, key)
            if found is not None and found[0] != THEME_TABLES["en"].get(key):
                out[key] = found[0]
        return json.dumps(out, ensure_ascii=False, sort_keys=True, separators=(",", ":")) if out else ""

    def date(self, value: Any, layout: Any = None) -> str:
        """``value`` (a post's date, an RFC 3339 text, a datetime) in ``layout``: Go's reference time
        (``"2 January 2006"``) with this language's month and weekday names, or Hugo's ``:date_long``,
        ``:date_full``, ``:date_medium``, ``:date_short``; by default the table's ``dateFormat``."""
        chosen = str(layout) if layout else (self.text(DATE_FORMAT_KEY) or DEFAULT_DATE_FORMAT)
        iso = value.iso if isinstance(value, DateInfo) else value if isinstance(value, str) else None
        if iso is not None and (iso, chosen) in self._dates:
            return self._dates[iso, chosen]
        moment = to_moment(value)
        shown = format_time(moment, chosen, self.lang) if moment is not None else ""
        if iso is not None and len(self._dates) < 100_000:
            self._dates[iso, chosen] = shown
        return shown


def to_moment(value: Any) -> dt.datetime | None:
    """A datetime from what templates hold as a date: a :class:`DateInfo`, RFC 3339 text, a datetime."""
    if isinstance(value, DateInfo):
        value = value.iso
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            return parse_date(value, UTC)
        except SourceError:
            return None
    return None


def format_time(moment: dt.datetime, layout: str, lang: str) -> str:
    """Hugo's ``time.Format layout`` for a page in language ``lang``: named date layouts as CLDR has
    them for the language; otherwise Go's English, then, as Hugo's ``htime.TimeFormatter`` does, the
    month's English name replaced by the language's wherever it occurs (its long name when the layout
    has ``January``, else its short one when it has ``Jan``), and the weekday's likewise (``Monday``,
    ``Mon``)."""
    if layout in NAMED_DATES:
        return named_date(moment, layout, lang)
    text = go_format(moment, NAMED.get(layout, layout))
    loc = locale(lang)
    if loc is LOCALES["en"]:
        return text
    month, day = moment.month - 1, moment.weekday()
    if "January" in layout:
        text = text.replace(MONTHS[month], loc.months[month])
    elif "Jan" in layout:
        text = text.replace(MONTHS[month][:3], loc.short_months[month])
    if "Monday" in layout:
        text = text.replace(DAYS[day], loc.weekdays[day])
    elif "Mon" in layout:
        text = text.replace(DAYS[day][:3], loc.short_weekdays[day])
    return text


__all__ = ["I18N_PREFIX", "Catalog", "Translator", "catalog", "format_time", "parse_table", "site_tables",
           "translate"]
