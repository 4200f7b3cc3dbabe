"""A Hugo site's configuration as wasmblog's: Hugo config files in, ``site.toml`` text out.

Pure: the host reads the files (``hugo.toml``, ``config.yaml``,
``config/_default/*.toml``...) and passes their texts; this maps Hugo's keys
(case-insensitive, as in Hugo: ``Paginate`` is ``paginate``) to wasmblog's
and writes them as ``site.toml``. ``wasmblog build`` uses the text in
memory; ``wasmblog import hugo`` writes it. Every key that is not
understood is one warning naming it, never an error: a Hugo site builds
as it is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import tomli
import tomli_w
import yaml

from .diagnostics import Diagnostic, error, warning
from .front_matter import FrontMatterLoader
from .goldmark.heading_ids import HEADING_ID_TYPES
from .highlight import STYLE_NAMES
from .values import Budget, ContainsItself, TooLarge, jsonable, toml_error, toml_key_line, type_name

# Config files Hugo reads, in the order it prefers them.
ROOT_FILES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml",
              "config.json")
DEFAULT_DIR = "config/_default"
# How much a Hugo config's params may expand to (YAML aliases share one value many times).
PARAMS_NODES = 100_000
PARAMS_CHARS = 10_000_000
# Settings that need nothing from wasmblog: its behaviour already is what they ask
# for (privacy, robots.txt, sitemaps), or they concern Hugo's own machinery.
NOT_APPLICABLE = frozenset("""
    theme themesdir module privacy enableinlineshortcodes ignoreerrors timeout resourcedir enablerobotstxt
    defaultcontentlanguage defaultcontentlanguageinsubdir languages contentdir staticdir sitemap markup
    enableemoji pygmentscodefences pygmentsuseclasses layoutdir archetypedir assetdir datadir i18ndir publishdir
    build caches cascade frontmatter outputs outputformats mediatypes security server segments
    relativeurls canonifyurls enablegitinfo
""".split())


@dataclass
class HugoConfig:
    """What a Hugo site's configuration means for wasmblog."""

    site_toml: str  # wasmblog's site.toml, equivalent
    content_dir: str = "content"
    language: str = ""  # the default content language (its files are built; others are not)
    languages: list[str] = field(default_factory=list)  # every configured language
    diagnostics: list[Diagnostic] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)  # `theme`: the themes whose layouts the site's own complete
    # module.mounts: (source folder, target under the component) for static files ("" is the top), and the
    # folders of layouts; Hugo's defaults when the config mounts nothing there.
    static: list[tuple[str, str]] = field(default_factory=lambda: [("static", "")])
    layouts: list[str] = field(default_factory=lambda: ["layouts"])
    content_dirs: list[str] = field(default_factory=list)  # the other languages' own content folders


def _load(name: str, text: str) -> tuple[dict[str, Any], Diagnostic | None]:
    try:
        if name.endswith(".toml"):
            return tomli.loads(text), None
        if name.endswith(".json"):
            data = json.loads(text)
        else:
            loader = FrontMatterLoader(text)
            try:
                data = loader.get_single_data()
            finally:
                loader.dispose()
        if data is None:
            return {}, None
        if not isinstance(data, dict):
            return {}, error(name, 1, "a Hugo config file must be a table of settings; ignored")
        try:  # plain data from here on, bounded (YAML aliases can make a value huge, or contain itself)
            return jsonable(data, Budget(PARAMS_NODES, PARAMS_CHARS)), None
        except (TooLarge, ContainsItself, RecursionError):
            return {}, error(name, 1, f"expands to more than {PARAMS_NODES:,} values or {PARAMS_CHARS:,} "
                                      "characters (YAML aliases?), or contains itself; ignored")
    except tomli.TOMLDecodeError as exc:
        msg, line = toml_error(exc)
        return {}, error(name, line, f"invalid TOML: {msg}; ignored")
    except (ValueError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else getattr(exc, "lineno", 0)
        return {}, error(name, line, f"cannot read this config file ({type(exc).__name__}); ignored")


def _header_line(text: str, key: str) -> int:
    """The line of the first ``[key]`` or ``[key.sub]`` table header (TOML), 0 if none."""
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip().lstrip("[").lower()
        if line.strip().startswith("[") and (stripped.startswith(key.lower() + "]") or
                                             stripped.startswith(key.lower() + ".")):
            return number
    return 0


def _lower(data: Any) -> Any:
    """Keys lower-cased at every level, as Hugo reads its config (params keep their values)."""
    if isinstance(data, dict):
        return {str(k).lower(): _lower(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_lower(v) for v in data]
    return data


def _merge(into: dict[str, Any], data: dict[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into.setdefault(key, value)


def _key_line(name: str, text: str, keys: tuple[str, ...]) -> int:
    """The 1-based line where the (nested) key ``keys`` is set in a config file, 0 if not found
    (best effort: each key is looked for after the line of the one before, case-insensitively)."""
    line = 0
    lines = text.split("\n")
    for depth, key in enumerate(keys):
        word = re.escape(key)
        if name.endswith(".toml"):
            pattern = rf"^\s*(?:{word}|\"{word}\"|'{word}')\s*=|^\s*\[+\s*(?:[\w.\"'-]+\.)?{word}\s*[\].]"
        elif name.endswith(".json"):
            pattern = rf"\"{word}\"\s*:"
        else:
            pattern = rf"^\s*(?:- )?(?:{word}|\"{word}\"|'{word}')\s*:"
        found = next((number for number in range(line, len(lines))
                      if re.search(pattern, lines[number], re.IGNORECASE)), None)
        if found is None:
            return line if depth else 0
        line = found + 1
    return line


class _Mapper:
    def __init__(self) -> None:
        self.out: dict[str, Any] = {}
        self.diags: list[Diagnostic] = []
        self.where: dict[str, tuple[str, int]] = {}  # top-level key -> (file, line)
        self.texts: dict[str, str] = {}  # file -> text
        self.key = ""  # the top-level key being mapped

    def locate(self, key: str, sub: tuple[str, ...] = ()) -> tuple[str, int]:
        path, line = self.where.get(key, (ROOT_FILES[0], 0))
        if sub:
            stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            keys = sub if path.startswith(DEFAULT_DIR + "/") and stem == key else (key, *sub)
            line = _key_line(path, self.texts.get(path, ""), keys) or line
        return path, line

    def note(self, key: str, message: str) -> None:
        path, line = self.locate(key)
        self.diags.append(warning(path, line, message))

    def wrong(self, value: Any, expected: str, *sub: str) -> None:
        """A setting of the wrong type: an error (Hugo too refuses to build with one)."""
        path, line = self.locate(self.key, sub)
        shown = ".".join((self.key, *sub))
        self.diags.append(error(path, line, f"Hugo setting '{shown}' must be {expected}, not {type_name(value)}"))

    def empty(self, *sub: str) -> None:
        """A setting that is empty (YAML's null, as ``title:`` with nothing after it): left unset, as Hugo does."""
        path, line = self.locate(self.key, sub)
        self.diags.append(warning(path, line, f"Hugo setting '{'.'.join((self.key, *sub))}' is empty; ignored"))

    def put(self, section: str, key: str, value: Any) -> None:
        (self.out.setdefault(section, {}) if section else self.out)[key] = value


def _text(value: Any) -> str | None:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        name: str = value["name"]  # author = { name = "..." }
        return name
    return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _number(value: Any) -> bool:
    """An integer as Hugo reads one (it converts "10" too)."""
    return (isinstance(value, int) and not isinstance(value, bool)) or \
        (isinstance(value, str) and value.strip().lstrip("+-").isdigit() and value.strip().isascii())


def _count(m: _Mapper, value: Any, *sub: str) -> int | None:
    """A positive integer setting: None (and a diagnostic) when it is not one; a zero or negative one is
    Hugo's "no limit" or "the default" and is left unset without a word."""
    if value is None:
        m.empty(*sub)
        return None
    if not _number(value):
        m.wrong(value, "an integer", *sub)
        return None
    number = int(value)
    return number if 0 < number <= 10**9 else None


def _table(m: _Mapper, value: Any, *sub: str) -> bool:
    """Whether a setting that holds settings is a table (else a diagnostic)."""
    if value is None:
        m.empty(*sub)
        return False
    if not isinstance(value, dict):
        m.wrong(value, "a table of settings", *sub)
        return False
    return True


def _menu(m: _Mapper, value: Any) -> None:
    if not _table(m, value):
        return
    entries = value.get("main")
    if entries is None:
        if value:
            m.note(m.key, f"Hugo setting '{m.key}': only {m.key}.main is used, as the site's menu")
        return
    if isinstance(entries, dict):  # one entry written as a table
        entries = [entries]
    if not isinstance(entries, list):
        m.wrong(entries, "a list of menu entries", "main")
        return
    items: list[tuple[int, int, str, str]] = []
    for entry in entries:
        if not isinstance(entry, dict):
            m.wrong(entry, "a list of menu entries (tables with a name and a url or pageRef)", "main")
            continue
        name = _text(entry.get("name") or entry.get("identifier"))
        url = entry.get("url") or entry.get("pageref")
        if not name or not isinstance(url, str):
            path, line = m.locate(m.key, ("main",))
            m.diags.append(warning(path, line, f"a Hugo {m.key}.main entry without a name and a url (or pageRef) "
                                               "is left out"))
            continue
        if "://" not in url and not url.startswith("#"):
            url = "/" + url.strip("/") + "/" if url.strip("/") else "/"
        weight = entry.get("weight")
        items.append((weight if isinstance(weight, int) else 0, len(items), name, url))
    m.out["menu"] = [{"name": name, "url": url} for _, _, name, url in sorted(items)]
    if set(value) - {"main"}:
        m.note("menu", f"Hugo menus {', '.join(sorted(set(value) - {'main'}))}: only menu.main is used")


def _params(m: _Mapper, value: Any, original: Any) -> None:
    if not _table(m, value):
        return
    for key, target in (("description", "description"), ("author", "author")):
        text = _text(value.get(key))
        if text is not None:
            m.out.setdefault(target, text)
    sections = value.get("mainsections")
    if isinstance(sections, list) and all(isinstance(s, str) for s in sections):
        m.out["main_sections"] = sections
    elif isinstance(sections, str):
        m.out["main_sections"] = [sections]
    elif sections is not None:
        m.wrong(sections, "a list of section names", "mainSections")
    if isinstance(original, dict):
        try:
            m.out["params"] = jsonable(original, Budget(PARAMS_NODES, PARAMS_CHARS))
        except (TooLarge, ContainsItself, RecursionError):
            m.diags.append(error(*m.locate(m.key), "Hugo 'params' expand to more than "
                                                   f"{PARAMS_NODES:,} values or {PARAMS_CHARS:,} characters "
                                                   "(YAML aliases?), or contain themselves"))


def _pagination(m: _Mapper, value: Any) -> None:
    if not _table(m, value):
        return
    size = _count(m, value["pagersize"], "pagerSize") if "pagersize" in value else None
    if size:
        m.out["page_size"] = size


def _permalinks(m: _Mapper, value: Any) -> None:
    if not _table(m, value):
        return
    found: dict[str, str] = {}
    for key, pattern in value.items():
        if isinstance(pattern, str):
            found[key] = pattern
        elif isinstance(pattern, dict) and key in ("page", "section"):  # Hugo 0.120+: by page kind
            if key == "page":
                found.update({k: v for k, v in pattern.items() if isinstance(v, str)})
            else:
                m.note("permalinks", "Hugo 'permalinks.section': section lists keep their folder URLs")
    m.out["permalinks"] = found


def _taxonomies(m: _Mapper, value: Any) -> None:
    if not _table(m, value):
        return
    for key, plural in value.items():
        if not isinstance(plural, str):
            m.wrong(plural, "the plural name of the taxonomy", str(key))
    m.out["taxonomies"] = {str(k): v for k, v in value.items() if isinstance(v, str)}


def _markup(m: _Mapper, value: Any) -> None:
    if not _table(m, value):
        return
    highlight = value.get("highlight")
    style = highlight.get("style") if isinstance(highlight, dict) else None
    if highlight is not None and not isinstance(highlight, dict):
        m.wrong(highlight, "a table of settings", "highlight")
    elif isinstance(style, str):
        if style in STYLE_NAMES:
            m.put("markdown", "highlight_style", style)
        else:
            m.note("markup", f"Hugo highlight style {style!r} is not one wasmblog has; using its default")
    elif style is not None:
        m.wrong(style, "the name of a style", "highlight", "style")
    toc = value.get("tableofcontents")
    if toc is not None and not isinstance(toc, dict):
        m.wrong(toc, "a table of settings", "tableOfContents")
    elif isinstance(toc, dict):
        low = _count(m, toc["startlevel"], "tableOfContents", "startLevel") if "startlevel" in toc else None
        high = _count(m, toc["endlevel"], "tableOfContents", "endLevel") if "endlevel" in toc else None
        if low and high and 1 <= low <= high <= 6:
            m.put("markdown", "toc_min_level", low)
            m.put("markdown", "toc_max_level", high)
    goldmark = value.get("goldmark")
    if goldmark is not None and not isinstance(goldmark, dict):
        m.wrong(goldmark, "a table of settings", "goldmark")
    elif isinstance(goldmark, dict):
        _goldmark(m, goldmark)


# Hugo's goldmark defaults (markup/goldmark/goldmark_config): what a Hugo site's Markdown is unless it says otherwise.
GOLDMARK_DEFAULTS = {"typographer": True, "definition_lists": True, "heading_attributes": True,
                     "block_attributes": False, "heading_ids": "github", "markup": "hugo"}
# markup.goldmark settings and where they go: (path under markup.goldmark, wasmblog's [markdown] key).
_GOLDMARK_FLAGS = ((("extensions", "definitionlist"), "definition_lists"),
                   (("parser", "attribute", "title"), "heading_attributes"),
                   (("parser", "attribute", "block"), "block_attributes"),
                   (("renderer", "hardwraps"), "hard_wraps"),
                   (("extensions", "linkify"), "linkify"))


def _goldmark(m: _Mapper, goldmark: dict[str, Any]) -> None:
    """``markup.goldmark``: the typographer, definition lists, attributes, heading ids, hard wraps, unsafe."""
    def get(*path: str) -> Any:
        node: Any = goldmark
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        return node

    def flag(path: tuple[str, ...], target: str) -> None:
        value = get(*path)
        if isinstance(value, bool):
            m.put("markdown", target, value)
        elif value is not None:
            m.wrong(value, "true or false", "goldmark", *path)

    for path, target in _GOLDMARK_FLAGS:
        flag(path, target)
    typographer = get("extensions", "typographer")
    if isinstance(typographer, bool):  # Hugo before 0.112 spelled it as a bool
        m.put("markdown", "typographer", typographer)
    elif isinstance(typographer, dict):
        disable = typographer.get("disable")
        if isinstance(disable, bool):
            m.put("markdown", "typographer", not disable)
        elif disable is not None:
            m.wrong(disable, "true or false", "goldmark", "extensions", "typographer", "disable")
        custom = sorted(k for k, v in typographer.items() if k != "disable" and v is not None)
        if custom:
            m.note("markup", f"Hugo typographer substitutions ({', '.join(custom)}) are not used by wasmblog: "
                             f"it writes goldmark's defaults (&ldquo; &rdquo; &ndash; ...)")
    elif typographer is not None:
        m.wrong(typographer, "a table of settings", "goldmark", "extensions", "typographer")
    kind = get("parser", "autoidtype") or get("parser", "autoheadingidtype")
    if isinstance(kind, str) and kind in HEADING_ID_TYPES:
        m.put("markdown", "heading_ids", kind)
    elif kind is not None:
        m.wrong(kind, f"one of {', '.join(HEADING_ID_TYPES)}", "goldmark", "parser", "autoIDType")
    unsafe = get("renderer", "unsafe")
    if unsafe is True:
        m.put("markdown", "raw_html", "allow")
    elif unsafe is not None and not isinstance(unsafe, bool):
        m.wrong(unsafe, "true or false", "goldmark", "renderer", "unsafe")


def _simple(target: str, convert: Callable[[Any], Any], section: str = "") -> Callable[[_Mapper, Any], None]:
    """A setting of one value: text (``_text``) or a count (``_int``)."""
    def take(m: _Mapper, value: Any) -> None:
        if value is None:
            m.empty()
            return
        if convert is _int:
            converted = _count(m, value)
        else:
            converted = convert(value)
            if converted is None:
                m.wrong(value, "text")
        if converted is not None:
            m.put(section, target, converted)
    return take


_KEYS: dict[str, Callable[[_Mapper, Any], None]] = {
    "title": _simple("title", _text),
    "baseurl": _simple("base_url", _text),
    "languagecode": _simple("language", _text),
    "locale": _simple("language", _text),
    "paginate": _simple("page_size", _int),
    "pagination": _pagination,
    "summarylength": _simple("summary_words", _int),
    "timezone": _simple("timezone", _text),
    "author": _simple("author", _text),
    "copyright": _simple("copyright", _text),
    "rsslimit": _simple("limit", _int, "feed"),
    "menu": _menu,
    "menus": _menu,
    "taxonomies": _taxonomies,
    "permalinks": _permalinks,
    "markup": _markup,
    "disablealiases": lambda m, v: m.put("hugo", "disable_aliases", v) if isinstance(v, bool) else
    m.wrong(v, "true or false"),
    "disablekinds": lambda m, v: m.put("hugo", "disable_kinds", [str(k).lower() for k in v])
    if isinstance(v, list) and all(isinstance(k, str) for k in v) else m.wrong(v, "a list of kinds of pages"),
}


def hugo_config(files: list[tuple[str, str]], layout: str = "hugo") -> HugoConfig:
    """Hugo's config files (site-relative name, text), most important first, as wasmblog's ``site.toml``.

    ``layout`` is the layout the site.toml is for: "hugo" to build the Hugo folder
    as it is, "wasmblog" for ``wasmblog import hugo``'s copy.
    """
    m = _Mapper()
    merged: dict[str, Any] = {}
    originals: dict[str, Any] = {}
    for name, text in files:
        data, problem = _load(name, text)
        m.texts[name] = text
        if problem is not None:
            m.diags.append(problem)
        stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if name.startswith(DEFAULT_DIR + "/") and stem not in ("hugo", "config"):
            key, _, lang = stem.partition(".")
            if lang and key == "languages":
                data = {"languages": {lang: data}}  # config/_default/languages.fr.toml: [languages.fr]
            elif lang:
                data = {"languages": {lang: {key: data}}}  # menus.fr.toml, params.fr.toml: the language's own
            else:
                data = {stem: data}  # config/_default/params.toml holds [params]
        for key in data:
            line = toml_key_line(text, str(key)) or _header_line(text, str(key)) or \
                _key_line(name, text, (str(key),)) or (1 if name.startswith(DEFAULT_DIR) else 0)
            m.where.setdefault(str(key).lower(), (name, line))
            if str(key).lower() == "params" and isinstance(data[key], dict):
                originals.setdefault("params", {})
                _merge(originals["params"], data[key])
            if str(key).lower() == "languages" and isinstance(data[key], dict):  # each language's params, as written
                for lang, entry in data[key].items():
                    own_params = next((v for k, v in entry.items() if str(k).lower() == "params"), None) \
                        if isinstance(entry, dict) else None
                    if isinstance(own_params, dict):
                        _merge(originals.setdefault("languages", {}).setdefault(str(lang).lower(), {}), own_params)
        _merge(merged, _lower(data))

    for key in ("defaultcontentlanguage", "contentdir"):
        if key in merged and not isinstance(merged[key], str):
            m.key = key
            m.wrong(merged.pop(key), "text")
    language = str(merged.get("defaultcontentlanguage") or "en").lower()
    languages: dict[str, Any] = merged["languages"] if isinstance(merged.get("languages"), dict) else {}
    own: dict[str, Any] = languages[language] if isinstance(languages.get(language), dict) else {}
    own = {k: v for k, v in own.items() if k != "contentdir" or isinstance(v, str)}
    for key, value in own.items():  # the default language's own settings (title, params...) win
        if "languages" in m.where:
            m.where[key] = m.where["languages"]
        if key == "params" and isinstance(value, dict) and isinstance(merged.get("params"), dict):
            _merge(value, merged["params"])
        merged[key] = value
    content_dir = str(own.get("contentdir") or merged.get("contentdir") or "content").strip("/")
    m.key = "module"
    mounts = _mounts(m, merged.get("module"), language)
    content_dir = next((src for src, target in mounts.get("content", []) if target == ""), content_dir)

    for key, value in merged.items():
        m.key = key
        if key in _KEYS:
            _KEYS[key](m, value)
        elif key == "params":
            _params(m, value, originals.get("params", {}))
        elif key not in NOT_APPLICABLE and key not in ("weight", "label", "languagename", "title", "contentdir"):
            m.note(key, f"Hugo setting '{key}' is not used by wasmblog")
    if merged.get("defaultcontentlanguage") and "language" not in m.out:
        # Without a languageCode, Hugo's pages are in the default content language: <html lang>, i18n, dates.
        m.out["language"] = language
    dirs = _languages(m, languages, language, merged, mounts.get("lang_content", []), content_dir,
                      originals.get("languages", {}))
    if languages and _embedded_link_hook(merged):  # Hugo's useEmbedded "auto": a site with [languages]
        m.out.setdefault("markdown", {})["link_hook"] = "embedded"
    if layout == "hugo":
        m.out["layout"] = "hugo"
        m.out["content_dir"] = content_dir
    m.out.setdefault("taxonomies", {"tag": "tags", "category": "categories"})
    markdown = m.out.setdefault("markdown", {})
    for key, default in GOLDMARK_DEFAULTS.items():
        markdown.setdefault(key, default)
    theme = merged.get("theme")
    themes = [str(t) for t in (theme if isinstance(theme, list) else [theme] if theme else [])
              if isinstance(t, str) and t and "/" not in t and "\\" not in t and not t.startswith(".")]
    return HugoConfig(_write(m.out), content_dir, language, sorted(languages), m.diags, themes,
                      mounts.get("static", [("static", "")]), [src for src, _ in mounts.get("layouts", [])] or
                      ["layouts"], dirs)


def _languages(m: _Mapper, languages: dict[str, Any], default: str, merged: dict[str, Any],
               mounted: list[tuple[str, str]], content_dir: str, written: dict[str, Any]) -> list[str]:
    """Hugo's ``languages`` as site.toml's ``[languages.KEY]`` tables (with ``default_language`` and
    ``default_language_in_subdir``) when the site has more than one; the other languages' content folders."""
    in_subdir = merged.get("defaultcontentlanguageinsubdir") is True
    if len(languages) < 2 and not in_subdir:
        if isinstance(m.out.get("language"), str) and m.out["language"].lower() != default:
            m.out["default_language"] = default  # Hugo's .Lang ("en") beside the languageCode ("en-us")
        return []
    from_mounts = {lang: source for source, lang in mounted}
    out: dict[str, dict[str, Any]] = {}
    dirs: list[str] = []
    for key, entry in sorted(languages.items()):
        key = str(key).lower()
        if not isinstance(entry, dict):
            m.key = "languages"
            m.wrong(entry, "a table of a language's settings", key)
            continue
        lang: dict[str, Any] = {}
        for target, names in (("name", ("languagename", "label")), ("code", ("languagecode", "locale")),
                              ("title", ("title",))):
            value = next((_text(entry[n]) for n in names if _text(entry.get(n))), None)
            if value:
                lang[target] = value
        direction = entry.get("languagedirection", entry.get("direction"))
        if direction in ("ltr", "rtl"):
            lang["direction"] = direction
        if isinstance(entry.get("weight"), int) and not isinstance(entry.get("weight"), bool):
            lang["weight"] = entry["weight"]
        if entry.get("disabled") is True:
            lang["disabled"] = True
        own_dir = entry.get("contentdir") if isinstance(entry.get("contentdir"), str) else from_mounts.get(key, "")
        own_dir = str(own_dir).strip("/")
        if key == default:
            own_dir = own_dir or content_dir
        if own_dir:
            lang["content_dir"] = own_dir
            if key != default and not lang.get("disabled"):
                dirs.append(own_dir)
        params = entry.get("params")
        if isinstance(params, dict):
            try:  # with its keys as written (templates read site.params.homeInfoParams)
                lang["params"] = jsonable(written.get(key, params), Budget(PARAMS_NODES, PARAMS_CHARS))
            except (TooLarge, ContainsItself, RecursionError):
                pass
            description = _text(params.get("description"))
            if description:
                lang["description"] = description
        menus = entry.get("menus", entry.get("menu"))
        if isinstance(menus, dict):
            sub = _Mapper()
            sub.key = "menus"
            _menu(sub, menus)
            if sub.out.get("menu"):
                lang["menu"] = sub.out["menu"]
        out[key] = lang
    if default in out and "code" not in out[default] and isinstance(m.out.get("language"), str):
        out[default]["code"] = m.out["language"]
    m.out["default_language"] = default
    if in_subdir:
        m.out["default_language_in_subdir"] = True
    m.out["languages"] = out
    return dirs


def _embedded_link_hook(merged: dict[str, Any]) -> bool:
    """Whether Hugo runs its embedded link render hook on a site with ``languages``:
    ``markup.goldmark.renderHooks.link.useEmbedded`` "auto" (the default; checked against Hugo 0.168: a site
    with one ``[languages.en]`` gets it, one without ``languages`` does not), "always" or "fallback"."""
    node: Any = merged
    for key in ("markup", "goldmark", "renderhooks", "link", "useembedded"):
        node = node.get(key) if isinstance(node, dict) else None
    return node in (None, "auto", "always", "fallback")


# The components module.mounts may mount into, and what wasmblog does with each.
MOUNT_TARGETS = ("content", "static", "layouts", "assets", "data", "i18n", "archetypes")


def _mounts(m: _Mapper, module: Any, language: str) -> dict[str, list[tuple[str, str]]]:
    """``module.mounts`` by component: ``{"static": [(source, target below static/)]}``. As in Hugo, a
    component with any mount loses its default folder; a mount for another language is left out."""
    if not isinstance(module, dict) or module.get("mounts") is None:
        return {}
    mounts = module["mounts"]
    if not isinstance(mounts, list):
        m.wrong(mounts, "a list of mounts", "mounts")
        return {}
    out: dict[str, list[tuple[str, str]]] = {}
    for mount in mounts:
        source, target = (mount.get("source"), mount.get("target")) if isinstance(mount, dict) else (None, None)
        if not isinstance(source, str) or not isinstance(target, str):
            m.wrong(mount, "a list of mounts (tables with a source and a target)", "mounts")
            continue
        lang = mount.get("lang")
        if isinstance(lang, str) and lang and lang.lower() != language:
            if target.strip("/") == "content" and source.strip("/"):  # another language's content folder
                out.setdefault("lang_content", []).append((source.strip("/"), lang.lower()))
            continue
        target = target.strip("/")
        component, _, below = target.partition("/")
        source = source.strip("/")
        if component not in MOUNT_TARGETS or not source or ".." in source.split("/") or source.startswith("~"):
            m.note("module", f"Hugo mount {source!r} -> {target!r} is not one wasmblog reads; ignored")
            continue
        out.setdefault(component, []).append((source, below))
    return out


_ORDER = ("title", "base_url", "author", "description", "copyright", "language", "timezone", "page_size",
          "summary_words", "layout", "content_dir", "main_sections", "taxonomies")


def _tomlable(value: Any) -> Any:
    """``value`` (JSON-like data) without the empty values TOML cannot hold: YAML's and JSON's nulls
    (``cover:`` whose children are all commented out), wherever they are in the tree."""
    if isinstance(value, dict):
        return {k: _tomlable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_tomlable(v) for v in value if v is not None]
    return value


def _write(out: dict[str, Any]) -> str:
    """``out`` as site.toml text: plain keys first, then tables, in a fixed order."""
    out = _tomlable(out)
    ordered = {k: out[k] for k in _ORDER if k in out}
    ordered.update({k: v for k, v in out.items() if k not in ordered and not isinstance(v, (dict, list))})
    ordered.update({k: v for k, v in out.items() if k not in ordered})
    text = tomli_w.dumps(ordered)
    return "# Made by wasmblog from this Hugo site's configuration.\n" + text
