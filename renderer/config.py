"""Site configuration: ``site.toml`` text in, a validated :class:`SiteConfig` out.

Every key is optional. Unknown keys are reported as warnings (they are
usually typos); values of the wrong type are errors and fall back to the
default, so one bad key never stops a build.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields, replace
from typing import Any

import tomli

from . import uri
from .diagnostics import Diagnostic, error, warning
from .goldmark.heading_ids import HEADING_ID_TYPES
from .model import Link, Taxonomy
from .sanitize import DEFAULT_MODE, RAW_HTML_MODES, raw_html_mode
from .slugs import slugify
from .urls import RESERVED_PATHS, permalink_problem
from .values import TIMEZONE_NAME, jsonable, toml_error, toml_key_line, type_name

CONFIG_PATH = "site.toml"
FEED_FORMATS = ("rss", "atom", "json")  # RSS 2.0, Atom 1.0, JSON Feed 1.1


@dataclass(frozen=True)
class Limits:
    """Sandbox and input limits; the host enforces the time and memory ones."""

    render_timeout: float = 2.0  # seconds per page or post
    memory_mb: int = 512  # linear memory cap of one sandbox instance
    max_file_mb: float = 8.0  # a post larger than this is refused
    max_output_mb: float = 32.0  # one output file larger than this is refused
    max_nesting: int = 32  # blockquote/list nesting depth in Markdown
    max_elements: int = 5_000  # HTML tags and emphasis marks in one post (see renderer.content.ELEMENTS)


DEFAULT_TAXONOMIES = (Taxonomy("tag", "tags"), Taxonomy("category", "categories"))
LAYOUTS = ("wasmblog", "hugo")


@dataclass(frozen=True)
class SiteConfig:
    title: str = "A wasmblog site"
    base_url: str = "/"
    author: str = ""
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    page_size: int = 10
    summary_words: int = 70
    words_per_minute: int = 200
    feed_limit: int = 20
    feed_full_content: bool = False
    raw_html: str = DEFAULT_MODE  # sanitize | escape | omit | allow (renderer.sanitize)
    highlight: bool = True
    highlight_style: str = "friendly"
    highlight_style_dark: str = "monokai"
    toc_min_level: int = 2
    toc_max_level: int = 4
    # Goldmark's Markdown (renderer.goldmark): Hugo sites get Hugo's defaults from renderer.hugo.
    typographer: bool = True  # [markdown] typographer: curly quotes, dashes, ellipses, guillemets
    definition_lists: bool = False
    heading_attributes: bool = False  # {#id .class key=value} after a heading
    block_attributes: bool = False  # {.class} on the line after a paragraph, table, list...
    heading_id_type: str = ""  # [markdown] heading_ids: "" (wasmblog's), github, github-ascii, blackfriday
    hard_wraps: bool = False  # a line break in a paragraph is a <br>
    markup: str = ""  # [markdown] markup: "" (wasmblog's) or "hugo": footnotes, task lists, bare links as goldmark
    linkify: bool = True  # [markdown] linkify: bare URLs become links
    link_hook: str = ""  # [markdown] link_hook: "" or "embedded" (Hugo's embedded link render hook, renderer.hooks)
    menu: tuple[Link, ...] = ()
    params_json: str = "{}"
    limits: Limits = field(default_factory=Limits)
    taxonomies: tuple[Taxonomy, ...] = DEFAULT_TAXONOMIES
    permalinks: tuple[Link, ...] = ()  # section (name) -> URL pattern such as /:year/:month/:slug/
    main_sections: tuple[str, ...] = ()  # sections listed on the home page and its feed; () = all
    copyright: str = ""
    layout: str = "wasmblog"  # wasmblog (posts/, pages/) | hugo (content/SECTION/...)
    content_dir: str = ""  # where content files are, relative to the site ("content" for Hugo)
    feed_formats: tuple[str, ...] = FEED_FORMATS  # [feed] formats: which feeds to write
    search_enabled: bool = True  # [search] enabled: the search page and its index
    disable_aliases: bool = False  # [hugo] disable_aliases: no redirect pages (Hugo's disableAliases)
    disable_kinds: tuple[str, ...] = ()  # [hugo] disable_kinds: kinds of pages not written (Hugo's disableKinds)
    # [languages.KEY] tables, default_language and default_language_in_subdir as one JSON value (renderer.languages
    # reads it); "" for a site in one language, which builds as it always did.
    languages_json: str = ""

    @property
    def base_path(self) -> str:
        """The path part of ``base_url``, with leading and trailing slashes."""
        path = uri.split(self.base_url)[2] or "/"
        if not path.endswith("/"):
            path += "/"
        return path

    @property
    def site_root(self) -> str:
        """``scheme://host`` of ``base_url``, or ``""`` when it is relative."""
        scheme, authority, _, _, _ = uri.split(self.base_url)
        if scheme and authority:
            return f"{scheme.lower()}://{authority}"
        return ""

    @property
    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = json.loads(self.params_json)
        return params


# key in site.toml -> (attribute, expected type(s), section)
_TOP = {
    "copyright": str,
    "title": str,
    "base_url": str,
    "author": str,
    "description": str,
    "language": str,
    "timezone": str,
    "page_size": int,
    "summary_words": int,
    "words_per_minute": int,
}
_SECTIONS: dict[str, dict[str, tuple[str, type]]] = {
    "feed": {"limit": ("feed_limit", int), "full_content": ("feed_full_content", bool),
             "formats": ("feed_formats", tuple)},
    "search": {"enabled": ("search_enabled", bool)},
    "hugo": {"disable_aliases": ("disable_aliases", bool), "disable_kinds": ("disable_kinds", tuple)},
    "markdown": {
        "raw_html": ("raw_html", str),
        "highlight": ("highlight", bool),
        "highlight_style": ("highlight_style", str),
        "highlight_style_dark": ("highlight_style_dark", str),
        "toc_min_level": ("toc_min_level", int),
        "toc_max_level": ("toc_max_level", int),
        "typographer": ("typographer", bool),
        "definition_lists": ("definition_lists", bool),
        "heading_attributes": ("heading_attributes", bool),
        "block_attributes": ("block_attributes", bool),
        "heading_ids": ("heading_id_type", str),
        "hard_wraps": ("hard_wraps", bool),
        "markup": ("markup", str),
        "link_hook": ("link_hook", str),
        "linkify": ("linkify", bool),
    },
}
_LIMITS = {f.name: f.type for f in fields(Limits)}
# The range each limit may be set to: finite, and within what the engines can
# enforce (a wasm32 memory is at most 4 GiB; past 100 levels of Markdown
# nesting the parser's recursion overflows the stack).
LIMIT_RANGES: dict[str, tuple[float, float]] = {
    "render_timeout": (0.01, 3600.0),
    "memory_mb": (64, 4096),
    "max_file_mb": (0.001, 1024.0),
    "max_output_mb": (0.001, 4096.0),
    "max_nesting": (1, 100),
    "max_elements": (1, 10_000_000),
}


def _type_ok(value: Any, expected: type) -> bool:
    if expected is bool:
        return isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, expected)


_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", float: "a number"}


def parse_config(text: str) -> tuple[SiteConfig, list[Diagnostic]]:
    """Parse ``site.toml``; never raises. Returns the config and diagnostics."""
    diags: list[Diagnostic] = []
    try:
        data = tomli.loads(text)
    except ValueError as exc:
        if not isinstance(exc, tomli.TOMLDecodeError):  # int("9" * 5000): Python's own digit limit
            diags.append(error(CONFIG_PATH, 0, "invalid TOML: a number too long to read; using the default "
                                               "configuration"))
            return SiteConfig(), diags
        msg, line = toml_error(exc)
        diags.append(error(CONFIG_PATH, line, f"invalid TOML: {msg}; using the default configuration"))
        return SiteConfig(), diags

    values: dict[str, Any] = {}

    def take(key: str, value: Any, attr: str, expected: type, shown: str) -> None:
        special = _PROCESSORS.get(shown)
        if special is not None:
            special(value, toml_key_line(text, key), values, diags)
            return
        if _type_ok(value, expected):
            values[attr] = value
        else:
            diags.append(
                error(CONFIG_PATH, toml_key_line(text, key),
                      f"'{shown}' must be {_TYPE_NAMES[expected]}, not {type_name(value)}")
            )

    limits: dict[str, Any] = {}
    languages: dict[str, Any] = {}
    for key, value in data.items():
        if key in _TOP:
            take(key, value, key, _TOP[key], key)
        elif key in _SECTIONS and isinstance(value, dict):
            for sub, subvalue in value.items():
                if sub in _SECTIONS[key]:
                    attr, expected = _SECTIONS[key][sub]
                    take(sub, subvalue, attr, expected, f"{key}.{sub}")
                else:
                    diags.append(warning(CONFIG_PATH, toml_key_line(text, sub),
                                         f"unknown key '{key}.{sub}' (known: {', '.join(_SECTIONS[key])})"))
        elif key == "limits" and isinstance(value, dict):
            for sub, subvalue in value.items():
                limit_type = {"float": float, "int": int}.get(str(_LIMITS.get(sub)), None)
                if limit_type is None:
                    diags.append(warning(CONFIG_PATH, toml_key_line(text, sub),
                                         f"unknown key 'limits.{sub}' (known: {', '.join(_LIMITS)})"))
                elif not _type_ok(subvalue, limit_type) or not LIMIT_RANGES[sub][0] <= subvalue <= LIMIT_RANGES[sub][1]:
                    low, high = LIMIT_RANGES[sub]
                    diags.append(error(CONFIG_PATH, toml_key_line(text, sub),
                                       f"'limits.{sub}' must be {'a number' if limit_type is float else 'an integer'} "
                                       f"from {low:g} to {high:g}; using the default, {getattr(Limits, sub):g}"))
                else:
                    limits[sub] = float(subvalue) if limit_type is float else subvalue
        elif key in ("languages", "default_language", "default_language_in_subdir"):
            languages[key] = value
        elif key == "menu":
            items = _parse_menu(value, text, diags)
            if items is not None:
                values["menu"] = items
        elif key in _TABLES:
            _TABLES[key](value, toml_key_line(text, key) or _table_line(text, key), values, diags)
        elif key == "params":
            if isinstance(value, dict):
                values["params_json"] = json.dumps(jsonable(value), ensure_ascii=False, sort_keys=False)
            else:
                diags.append(error(CONFIG_PATH, toml_key_line(text, key), "'params' must be a table"))
        else:
            known = ", ".join([*_TOP, *_SECTIONS, *_TABLES, "limits", "menu", "params", "languages"])
            diags.append(warning(CONFIG_PATH, toml_key_line(text, key), f"unknown key '{key}' (known: {known})"))

    if languages:
        values["languages_json"] = _languages(languages, text, values, diags)
    config = replace(SiteConfig(), **values)
    if limits:
        config = replace(config, limits=replace(Limits(), **limits))
    return _validate(config, text, diags), diags


def _raw_html(value: Any, line: int, values: dict[str, Any], diags: list[Diagnostic]) -> None:
    """``[markdown] raw_html``: a mode; true/false (the old spelling) still work, with a warning."""
    try:
        mode, legacy = raw_html_mode(value)
    except ValueError:
        diags.append(error(CONFIG_PATH, line, f"'markdown.raw_html' must be one of "
                                              f"{', '.join(repr(m) for m in RAW_HTML_MODES)}, not {value!r}; "
                                              f"using {DEFAULT_MODE!r}"))
        return
    if legacy:
        diags.append(warning(CONFIG_PATH, line, f"'raw_html = {str(value).lower()}' is deprecated: write "
                                                f"raw_html = \"{mode}\""))
    values["raw_html"] = mode


def _table_line(text: str, key: str) -> int:
    table = text.find(f"[{key}]")
    return text.count("\n", 0, table) + 1 if table >= 0 else 0


def _taxonomies(value: Any, line: int, values: dict[str, Any], diags: list[Diagnostic]) -> None:
    """``taxonomies = { tag = "tags", series = "series" }`` (Hugo's shape: singular = plural)."""
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        diags.append(error(CONFIG_PATH, line, "'taxonomies' must be a table of singular = \"plural\" names, "
                                              "such as { tag = \"tags\", series = \"series\" }"))
        return
    found: list[Taxonomy] = []
    for singular, plural in value.items():
        slug = slugify(plural)
        if not slug or slug != plural or plural in RESERVED_PATHS:
            diags.append(error(CONFIG_PATH, line, f"taxonomy {plural!r} must be a lower-case URL segment "
                                                  "other than posts, pages, page, css; left out"))
            continue
        if plural not in [t.plural for t in found]:
            found.append(Taxonomy(singular, plural))
    values["taxonomies"] = tuple(found)


def _permalinks(value: Any, line: int, values: dict[str, Any], diags: list[Diagnostic]) -> None:
    """``[permalinks] posts = "/:year/:month/:slug/"``: URL patterns by section."""
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        diags.append(error(CONFIG_PATH, line, "'permalinks' must be a table of section = \"/pattern/\""))
        return
    links = []
    for section, pattern in value.items():
        problem = permalink_problem(pattern)
        if problem:
            diags.append(error(CONFIG_PATH, line, f"permalink {pattern!r} for {section!r}: {problem}; "
                                                  "using the default URL"))
            continue
        links.append(Link(section, pattern))
    values["permalinks"] = tuple(links)


def _main_sections(value: Any, line: int, values: dict[str, Any], diags: list[Diagnostic]) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        diags.append(error(CONFIG_PATH, line, "'main_sections' must be a list of section names"))
        return
    values["main_sections"] = tuple(value)


def _choice(name: str, choices: tuple[str, ...]) -> Any:
    def take(value: Any, line: int, values: dict[str, Any], diags: list[Diagnostic]) -> None:
        if value not in choices:
            diags.append(error(CONFIG_PATH, line, f"'{name}' must be one of {', '.join(choices)}, not {value!r}"))
            return
        values[name] = value
    return take


def _content_dir(value: Any, line: int, values: dict[str, Any], diags: list[Diagnostic]) -> None:
    if not isinstance(value, str) or any(seg in ("", ".", "..") for seg in value.strip("/").split("/")) \
            and value.strip("/"):
        diags.append(error(CONFIG_PATH, line, f"'content_dir' must be a folder inside the site, not {value!r}"))
        return
    values["content_dir"] = value.strip("/")


def _feed_formats(value: Any, line: int, values: dict[str, Any], diags: list[Diagnostic]) -> None:
    """``[feed] formats = ["rss", "atom", "json"]``: the feeds to write, in this order."""
    if not isinstance(value, list):
        shown = ", ".join(f'"{f}"' for f in FEED_FORMATS)
        diags.append(error(CONFIG_PATH, line, f"'feed.formats' must be a list such as [{shown}], "
                                              f"not {type_name(value)}"))
        return
    formats: list[str] = []
    for item in value:
        if item not in FEED_FORMATS:
            diags.append(error(CONFIG_PATH, line, f"'feed.formats': unknown format {str(item)[:40]!r} "
                                                  f"(known: {', '.join(FEED_FORMATS)}); left out"))
        elif item not in formats:
            formats.append(item)
    values["feed_formats"] = tuple(formats)


# Hugo's page kinds (disableKinds), lower case.
HUGO_KINDS = ("page", "home", "section", "taxonomy", "term", "rss", "sitemap", "robotstxt", "404")


def _disable_kinds(value: Any, line: int, values: dict[str, Any], diags: list[Diagnostic]) -> None:
    """``[hugo] disable_kinds = ["taxonomy", "term"]``: Hugo's kinds of pages not to write."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        diags.append(error(CONFIG_PATH, line, f"'hugo.disable_kinds' must be a list of kinds "
                                              f"({', '.join(HUGO_KINDS)}), not {type_name(value)}"))
        return
    kinds = []
    for item in value:
        if item.lower() not in HUGO_KINDS:
            diags.append(warning(CONFIG_PATH, line, f"'hugo.disable_kinds': unknown kind {item[:40]!r} "
                                                    f"(known: {', '.join(HUGO_KINDS)}); left out"))
        elif item.lower() not in kinds:
            kinds.append(item.lower())
    values["disable_kinds"] = tuple(kinds)


def _heading_ids(value: Any, line: int, values: dict[str, Any], diags: list[Diagnostic]) -> None:
    """``[markdown] heading_ids``: how heading ids are made (renderer.goldmark.heading_ids)."""
    choices = ("wasmblog", *HEADING_ID_TYPES)
    if value not in choices:
        diags.append(error(CONFIG_PATH, line, f"'markdown.heading_ids' must be one of "
                                              f"{', '.join(repr(c) for c in choices)}, not {value!r}"))
        return
    values["heading_id_type"] = "" if value == "wasmblog" else value


def _markup(value: Any, line: int, values: dict[str, Any], diags: list[Diagnostic]) -> None:
    """``[markdown] markup``: whose markup footnotes and bare links get ("wasmblog" or "hugo")."""
    if value not in ("wasmblog", "hugo"):
        diags.append(error(CONFIG_PATH, line, f"'markdown.markup' must be 'wasmblog' or 'hugo', not {value!r}"))
        return
    values["markup"] = "" if value == "wasmblog" else value


def _link_hook(value: Any, line: int, values: dict[str, Any], diags: list[Diagnostic]) -> None:
    """``[markdown] link_hook``: "embedded" runs Hugo's embedded link render hook (renderer.hooks), "none" not."""
    if value not in ("embedded", "none"):
        diags.append(error(CONFIG_PATH, line, f"'markdown.link_hook' must be 'embedded' or 'none', not {value!r}"))
        return
    values["link_hook"] = "" if value == "none" else value


# Keys whose value needs more than a type check: key as shown -> processor.
_PROCESSORS = {
    "markdown.link_hook": _link_hook,
    "markdown.raw_html": _raw_html,
    "markdown.heading_ids": _heading_ids,
    "markdown.markup": _markup,
    "feed.formats": _feed_formats,
    "hugo.disable_kinds": _disable_kinds,
}
# Top-level keys that hold more than one value, or need their own check.
_TABLES = {
    "taxonomies": _taxonomies,
    "permalinks": _permalinks,
    "main_sections": _main_sections,
    "layout": _choice("layout", LAYOUTS),
    "content_dir": _content_dir,
}


# [languages.KEY]: key -> (JSON field, expected type)
LANGUAGE_KEYS: dict[str, type] = {"name": str, "code": str, "direction": str, "weight": int, "title": str,
                                  "description": str, "content_dir": str, "disabled": bool, "params": dict,
                                  "menu": list}
LANGUAGE_KEY = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


def _languages(given: dict[str, Any], text: str, values: dict[str, Any], diags: list[Diagnostic]) -> str:
    """``[languages.KEY]``, ``default_language`` and ``default_language_in_subdir`` as the one JSON value
    ``languages_json`` (read by :mod:`renderer.languages`); "" when they name no language."""
    table = given.get("languages", {})
    line = _table_line(text, "languages") or toml_key_line(text, "languages")
    if not isinstance(table, dict):
        diags.append(error(CONFIG_PATH, line, "'languages' must be a table of languages ([languages.fr] ...)"))
        table = {}
    default = given.get("default_language", "")
    if not isinstance(default, str):
        diags.append(error(CONFIG_PATH, toml_key_line(text, "default_language"), "'default_language' must be a string"))
        default = ""
    in_subdir = given.get("default_language_in_subdir", False)
    if not isinstance(in_subdir, bool):
        diags.append(error(CONFIG_PATH, toml_key_line(text, "default_language_in_subdir"),
                           "'default_language_in_subdir' must be true or false"))
        in_subdir = False
    out: list[dict[str, Any]] = []
    disabled: list[str] = []
    for key, entry in table.items():
        where = _table_line(text, f"languages.{key}") or line
        if not LANGUAGE_KEY.match(key):
            diags.append(error(CONFIG_PATH, where, f"language {key!r} must be a language code in lower case "
                                                   "such as 'fr' or 'pt-br'; ignored"))
            continue
        if not isinstance(entry, dict):
            diags.append(error(CONFIG_PATH, where, f"'languages.{key}' must be a table; ignored"))
            continue
        lang: dict[str, Any] = {"key": key, "code": key, "name": key, "direction": "ltr", "weight": 0, "title": "",
                                "description": "", "content_dir": "", "params": {}, "menu": []}
        for sub, value in entry.items():
            expected = LANGUAGE_KEYS.get(sub)
            if expected is None:
                diags.append(warning(CONFIG_PATH, where, f"unknown key 'languages.{key}.{sub}' "
                                                         f"(known: {', '.join(LANGUAGE_KEYS)})"))
            elif not _type_ok(value, expected):
                shown = _TYPE_NAMES.get(expected) or ("a table" if expected is dict else "an array of tables")
                diags.append(error(CONFIG_PATH, where, f"'languages.{key}.{sub}' must be {shown}, "
                                                       f"not {type_name(value)}"))
            elif sub == "direction" and value not in ("ltr", "rtl"):
                diags.append(error(CONFIG_PATH, where, f"'languages.{key}.direction' must be 'ltr' or 'rtl'"))
            elif sub == "menu":
                items = _parse_menu(value, text, diags)
                lang["menu"] = [[m.name, m.url] for m in items or ()]
            elif sub == "params":
                lang["params"] = jsonable(value)
            elif sub == "content_dir":
                fixed: dict[str, Any] = {}
                _content_dir(value, where, fixed, diags)
                lang["content_dir"] = fixed.get("content_dir", "")
            else:
                lang[sub] = value
        if lang.pop("disabled", False):
            disabled.append(key)
        else:
            out.append(lang)
    if not out and not default:
        return ""
    if not default:
        default = values.get("language", "en").lower() if any(o["key"] == values.get("language", "en").lower()
                                                             for o in out) else min(out, key=_order)["key"]
    for lang in out:  # the default language's tag is the site's 'language' unless it has its own
        if lang["key"] == default and "code" not in table.get(default, {}) and isinstance(values.get("language"), str):
            lang["code"] = values["language"]
    if not any(o["key"] == default for o in out):
        out.append({"key": default, "code": values.get("language", default), "name": default, "direction": "ltr",
                    "weight": 0, "title": "", "description": "", "content_dir": "", "params": {}, "menu": []})
    out.sort(key=_order)
    return json.dumps({"default": default, "in_subdir": in_subdir, "current": default, "languages": out,
                       "disabled": sorted(disabled)}, ensure_ascii=False, sort_keys=True)


def _order(lang: dict[str, Any]) -> tuple[bool, int, str]:
    """Hugo's order of languages: by weight (0 last), then key."""
    return (lang["weight"] == 0, lang["weight"], lang["key"])


def _parse_menu(value: Any, text: str, diags: list[Diagnostic]) -> tuple[Link, ...] | None:
    table = text.find("[[menu]]")
    line = toml_key_line(text, "menu") or (table >= 0 and text.count("\n", 0, table) + 1)
    if not isinstance(value, list):
        diags.append(error(CONFIG_PATH, int(line),
                           "'menu' must be an array of tables ([[menu]] name = ..., url = ...)"))
        return None
    items = []
    for entry in value:
        if (not isinstance(entry, dict) or not isinstance(entry.get("name"), str)
                or not isinstance(entry.get("url"), str)):
            diags.append(error(CONFIG_PATH, int(line), "each [[menu]] entry needs a string 'name' and 'url'"))
            continue
        items.append(Link(entry["name"], entry["url"]))
    return tuple(items)


def _validate(config: SiteConfig, text: str, diags: list[Diagnostic]) -> SiteConfig:
    fixes: dict[str, Any] = {}
    for key, low in (("page_size", 1), ("summary_words", 1), ("words_per_minute", 1), ("feed_limit", 1)):
        if getattr(config, key) < low:
            diags.append(error(CONFIG_PATH, toml_key_line(text, key.split("_", 1)[-1] if key == "feed_limit" else key),
                               f"'{key}' must be at least {low}"))
            fixes[key] = getattr(SiteConfig, key)
    if not 1 <= config.toc_min_level <= config.toc_max_level <= 6:
        diags.append(error(CONFIG_PATH, toml_key_line(text, "toc_min_level"),
                           "toc levels must satisfy 1 <= toc_min_level <= toc_max_level <= 6"))
        fixes["toc_min_level"] = SiteConfig.toc_min_level
        fixes["toc_max_level"] = SiteConfig.toc_max_level
    if not TIMEZONE_NAME.match(config.timezone) or ".." in config.timezone:
        diags.append(error(CONFIG_PATH, toml_key_line(text, "timezone"),
                           f"'timezone' must be an IANA name such as 'Europe/Paris', not {config.timezone!r}"))
        fixes["timezone"] = "UTC"
    scheme, authority, _, _, _ = uri.split(config.base_url)
    if (scheme is not None and (scheme.lower() not in ("http", "https") or not authority)) or (
            authority is not None and not uri.plain_authority(authority)):
        diags.append(error(CONFIG_PATH, toml_key_line(text, "base_url"),
                           f"'base_url' must be an http(s) URL or a path, not {config.base_url!r}"))
        fixes["base_url"] = "/"
    elif not config.base_url.endswith("/"):
        fixes["base_url"] = config.base_url + "/"
    return replace(config, **fixes) if fixes else config

