"""The languages of a multilingual site, as Hugo has them.

``site.toml``'s ``[languages.KEY]`` tables (``renderer.config`` keeps them as
the one JSON value ``SiteConfig.languages_json``) say which languages the site
is written in. Each content file belongs to one: by its name (``post.fr.md``,
``index.fr.md`` in a bundle) or by the content folder of its language
(``content_dir``); other files are the default language's. Each language is
built as a site of its own under its prefix (``fr/``; the default language at
the top unless ``default_language_in_subdir``), from the configuration
:func:`for_language` gives: its title, description, params and menu, its
``base_url`` with the prefix added. A page and its translations share a key:
the file's path without the language (``posts/hello.md``), or the
``translationKey`` of its front matter.

Pure: no I/O. A site without languages never reaches this module's planning.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from .config import SiteConfig
from .model import Link


@dataclass(frozen=True)
class Language:
    key: str  # "fr", as in [languages.fr] and in file names (post.fr.md)
    code: str  # the language tag pages carry (lang="fr-FR", hreflang), Hugo's languageCode/locale
    name: str  # as a reader knows it: "Français"
    direction: str  # ltr | rtl
    weight: int
    title: str
    description: str
    content_dir: str  # its own content folder ("content/fr"), or "" for the site's
    params: dict[str, Any]
    menu: tuple[Link, ...]
    prefix: str  # "" for the language at the top, else "fr/"


@dataclass(frozen=True)
class Languages:
    default: str
    in_subdir: bool
    current: str  # the language a configuration from for_language is for
    languages: tuple[Language, ...]  # enabled ones, in Hugo's order (weight, then key)
    disabled: tuple[str, ...]

    def get(self, key: str) -> Language | None:
        return next((lang for lang in self.languages if lang.key == key), None)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(lang.key for lang in self.languages)


@lru_cache(maxsize=16)
def _parse(text: str) -> Languages | None:
    if not text:
        return None
    data = json.loads(text)
    default, in_subdir = str(data["default"]), bool(data["in_subdir"])
    langs = tuple(Language(
        key=d["key"], code=d["code"], name=d["name"], direction=d["direction"], weight=d["weight"],
        title=d["title"], description=d["description"], content_dir=d["content_dir"], params=d["params"],
        menu=tuple(Link(name, url) for name, url in d["menu"]),
        prefix="" if d["key"] == default and not in_subdir else d["key"] + "/") for d in data["languages"])
    return Languages(default, in_subdir, str(data["current"]), langs, tuple(data["disabled"]))


def languages(config: SiteConfig) -> Languages | None:
    """The site's languages; None for a site in one language (no ``[languages]``, or one without a subfolder)."""
    langs = _parse(config.languages_json)
    if langs is None or (len(langs.languages) < 2 and not langs.in_subdir):
        return None
    return langs


def is_multilingual(config: SiteConfig) -> bool:
    return languages(config) is not None


def current(config: SiteConfig) -> Language | None:
    """The language a configuration is for (None for a site in one language)."""
    langs = languages(config)
    return langs.get(langs.current) if langs is not None else None


@lru_cache(maxsize=64)
def for_language(config: SiteConfig, key: str) -> SiteConfig:
    """The configuration of the site in language ``key``: its own title, description, params (over the
    site's), menu and content folder, ``language`` its code, ``base_url`` with its prefix."""
    langs = languages(config)
    lang = langs.get(key) if langs is not None else None
    if langs is None or lang is None:
        return config
    params = dict(json.loads(config.params_json))
    params.update(lang.params)
    base = site_base_url(config)
    data = json.loads(config.languages_json)
    data["current"] = key
    return replace(config, title=lang.title or config.title, description=lang.description or config.description,
                   params_json=json.dumps(params, ensure_ascii=False), menu=lang.menu or config.menu,
                   language=lang.code, content_dir=lang.content_dir or config.content_dir,
                   base_url=base + lang.prefix, languages_json=json.dumps(data, ensure_ascii=False, sort_keys=True))


def site_base_url(config: SiteConfig) -> str:
    """``base_url`` of the whole site (a language's configuration has its prefix added)."""
    lang = current(config)
    if lang is not None and lang.prefix and config.base_url.endswith("/" + lang.prefix):
        return config.base_url[:-len(lang.prefix)]
    return config.base_url


def site_base_path(config: SiteConfig) -> str:
    """The path of :func:`site_base_url`: what root-relative links in Markdown are under, in every language."""
    lang = current(config)
    base = config.base_path
    if lang is not None and lang.prefix and base.endswith("/" + lang.prefix):
        return base[:-len(lang.prefix)]
    return base


def _content_root(config: SiteConfig) -> str:
    return config.content_dir + "/" if config.content_dir else ""


def disabled_file(config: SiteConfig, path: str) -> bool:
    """A content file of a disabled language (``post.de.md``) on a site otherwise in one language."""
    langs = _parse(config.languages_json)
    parts = path.rpartition("/")[2].split(".")
    return langs is not None and len(parts) >= 3 and parts[-2].lower() in langs.disabled


def language_of(config: SiteConfig, path: str) -> tuple[str, str]:
    """The language of the content file at site-relative ``path`` and its path without the language
    (``content/posts/a.fr.md`` -> ``("fr", "content/posts/a.md")``). A language is "" when the file's is
    not built (a disabled language); a site in one language has every file in ""."""
    langs = languages(config)
    if langs is None:
        return "", path
    key = langs.default
    dirs = sorted((lang for lang in langs.languages if lang.content_dir), key=lambda la: -len(la.content_dir))
    for lang in dirs:
        if path.startswith(lang.content_dir + "/"):
            key = lang.key
            break
    folder, _, name = path.rpartition("/")
    parts = name.split(".")
    if len(parts) >= 3 and parts[-2].lower() in (*langs.keys, *langs.disabled):
        key = parts[-2].lower()
        name = ".".join(parts[:-2] + parts[-1:])
        path = f"{folder}/{name}" if folder else name
    return ("" if key in langs.disabled else key), path


def translation_keys(config: SiteConfig, source: str, params_json: str) -> list[str]:
    """What links a content file to its translations: its path in its language's content folder without
    the language (``posts/a``; a bundle's folder, ``posts/b``), and its ``translationKey`` if it has one."""
    try:
        params = json.loads(params_json)
    except ValueError:
        params = {}
    given = next((v for k, v in params.items() if k.lower() == "translationkey"), None) \
        if isinstance(params, dict) else None
    out = [_path_key(config, source)]
    if isinstance(given, (str, int, float)) and not isinstance(given, bool) and str(given):
        out.append("key:" + str(given))
    return out


def _path_key(config: SiteConfig, source: str) -> str:
    key, logical = language_of(config, source)
    lconf = for_language(config, key) if key else config
    root = _content_root(lconf)
    rel = logical[len(root):] if root and logical.startswith(root) else logical
    folder, _, name = rel.rpartition("/")
    stem = name.rsplit(".", 1)[0]
    if stem in ("index", "_index"):
        return "path:" + folder + ("/_index" if stem == "_index" else "")
    return "path:" + (f"{folder}/{stem}" if folder else stem)


def _go_language(lang: Language) -> dict[str, Any]:
    return {"language": lang.key, "language_code": lang.code, "language_name": lang.name,
            "direction": lang.direction, "weight": lang.weight, "language_title": lang.title}


def go_site(config: SiteConfig) -> dict[str, Any]:
    """What a Go template's ``site`` knows of the languages (``.Lang``, ``.Language``, ``site.Languages``);
    nothing for a site in one language."""
    langs = languages(config)
    own = langs.get(langs.current) if langs is not None else None
    if langs is None or own is None:
        alone = _parse(config.languages_json)  # one language: a Hugo site's key beside its languageCode
        return {"language": alone.default, "language_code": config.language} if alone is not None else {}
    return {**_go_language(own), "languages": [_go_language(lang) for lang in langs.languages],
            "default_language": langs.default,
            "lang_base_url": config.base_url}  # relLangURL, absLangURL: under the language's prefix
