"""What templates see: the site, posts, pages, terms and pagers as read-only views.

Views are made from the core's plain data (posts, page jobs, the config),
with URLs that honour ``base_url``'s path prefix; a post's view is made once
per render call however many pages list it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from markupsafe import Markup

from .. import languages, slugs, uri
from ..config import SiteConfig
from ..dates import DateInfo
from ..i18n import Catalog, Translator
from ..model import Link, PageJob, Post, SitemapLink
from ..plan import post_terms
from ..refs import UNRESOLVED, ref_key, resolve_refs
from .sandbox import PLAIN_DATA, plain_data

TAXONOMY_TITLES = {"tags": "Tags", "categories": "Categories"}
TAXONOMY_SINGULAR = {"tags": "Tag", "categories": "Category"}
# [feed] formats -> (file name, MIME type, name shown to readers)
FEEDS = {"rss": ("index.xml", "application/rss+xml", "RSS"),
         "atom": ("atom.xml", "application/atom+xml", "Atom"),
         "json": ("feed.json", "application/feed+json", "JSON Feed")}


@dataclass(frozen=True)
class Feed:
    """One feed of the site or of a term: ``site.feeds``, ``term.feeds``."""

    format: str  # rss | atom | json
    type: str  # its MIME type, for <link rel="alternate" type=...>
    name: str  # RSS, Atom, JSON Feed
    url: str
    permalink: str


def taxonomy_title(plural: str, t: Translator | None = None) -> str:
    """How a taxonomy is named on its pages: "Tags", "Series" (the built-in ones in ``t``'s language)."""
    if plural in TAXONOMY_TITLES:
        return (t(plural) if t is not None else "") or TAXONOMY_TITLES[plural]
    return plural[:1].upper() + plural[1:]


def taxonomy_singular(config: SiteConfig, plural: str, t: Translator | None = None) -> str:
    """One term's kind: "Tag", "Series"."""
    if plural in TAXONOMY_SINGULAR:
        word = TAXONOMY_SINGULAR[plural]
        return (t(word.lower()) if t is not None else "") or word
    singular = next((t.singular for t in config.taxonomies if t.plural == plural), plural)
    return singular[:1].upper() + singular[1:]


def section_title(section: str) -> str:
    """A section list's title when its _index.md gives none: "Posts", "Blog"."""
    return section[:1].upper() + section[1:]


@dataclass(frozen=True)
class SiteView:
    """``site`` in every template."""

    title: str
    description: str
    author: str
    language: str
    base_url: str
    base_path: str
    root: str
    menu: list[Link]
    params: dict[str, Any]
    feed_url: str
    feed_full_content: bool
    generator: str = "wasmblog"
    taxonomies: list[Link] = field(default_factory=list)  # each taxonomy's page: name "Tags", url
    copyright: str = ""
    feeds: list[Feed] = field(default_factory=list)
    search_url: str = ""  # "" when [search] enabled = false
    # Multilingual sites (renderer.languages); empty for a site in one language:
    languages: list[LanguageView] = field(default_factory=list)  # every language, its home page
    lang: str = ""  # the key of this page's language ("fr")
    direction: str = "ltr"
    locale: str = ""  # Open Graph's form of the language's code: fr_FR


@dataclass(frozen=True)
class LanguageView:
    """A language of the site (``site.languages``), or a page in one (``page.translations``)."""

    key: str  # "fr"
    code: str  # the page's lang attribute and hreflang: "fr-FR"
    name: str  # "Français"
    direction: str  # ltr | rtl
    url: str  # its home page, or the page in this language
    permalink: str
    current: bool  # the language of the page being rendered
    locale: str = ""  # fr_FR


@dataclass(frozen=True)
class TermView:
    """A tag or category: ``term`` on its pages and feed, an item of ``terms``."""

    name: str
    slug: str
    taxonomy: str
    taxonomy_title: str
    taxonomy_singular: str
    url: str
    feed_url: str
    count: int
    feeds: list[Feed] = field(default_factory=list)


@dataclass(frozen=True)
class PostView:
    """A post: ``page`` on its own page, an item of ``posts`` on lists and feeds."""

    kind: str  # a plain string, so |pprint shows 'post' as it always did, not a PageKind
    source: str
    slug: str
    title: str
    description: str
    url: str
    permalink: str
    date: DateInfo | None  # None: a page without a date
    lastmod: DateInfo | None
    draft: bool
    tags: list[Link]
    categories: list[Link]
    preview: str
    summary: Markup
    content: Markup
    toc: Markup
    summary_html: str  # plain strings: feeds escape them into XML text
    content_html: str
    toc_count: int
    truncated: bool
    word_count: int
    reading_time: int
    params: dict[str, Any]
    older: PostLink | None = None
    newer: PostLink | None = None
    section: str = ""
    author: str = ""
    weight: int = 0
    taxonomies: dict[str, list[Link]] = field(default_factory=dict)  # every taxonomy's terms, tags included
    image: str = ""  # the social card's image, absolute (``preview``, else Hugo's images), or ""
    translations: list[LanguageView] = field(default_factory=list)  # this page in every language it is in
    lang: str = ""  # multilingual sites: the key of its language


@dataclass(frozen=True)
class PostLink:
    """A neighbouring post as a post page links to it (no body: see job_posts)."""

    title: str
    url: str
    date: DateInfo


@dataclass(frozen=True)
class PageView:
    """``page`` on every page that is not a post's."""

    kind: str  # a plain string, so |pprint shows 'post' as it always did, not a PageKind
    title: str
    url: str
    permalink: str
    description: str = ""
    content: Markup = Markup("")  # a list's intro, from its _index.md
    section: str = ""
    params: dict[str, Any] = field(default_factory=dict)  # the intro's front matter
    translations: list[LanguageView] = field(default_factory=list)  # this page in every language it is in
    lang: str = ""  # multilingual sites: the key of its language


@dataclass(frozen=True)
class Pager:
    """``pager`` on paginated lists; ``prev_url``/``next_url`` are empty at the ends."""

    number: int
    total: int
    first_url: str
    last_url: str
    prev_url: str
    next_url: str


# The files the core writes once for the whole site, whatever the language of the page linking them.
SITE_FILES = frozenset(("css/style.css", "js/search.js"))


class Urls:
    """Site-relative paths to links that honour base_url's path prefix."""

    def __init__(self, config: SiteConfig) -> None:
        self.base = config.base_path
        self.root = config.site_root
        self.site_base = languages.site_base_path(config)  # a language's base path without its prefix

    def rel(self, path: str = "") -> str:
        path = str(path)
        if "://" in path or path.startswith(("//", "#", "mailto:")):
            return path
        if path.lstrip("/") in SITE_FILES and self.site_base != self.base:
            return self.site_base + path.lstrip("/")  # written once for every language, at the top
        if self.base != "/" and path.startswith(self.base):
            return path  # already has the base path (a view's .url): adding it again would double it
        return self.base + slugs.url_quote(path.lstrip("/"))

    def abs(self, path: str = "") -> str:
        rel = self.rel(path)
        return rel if "://" in rel else self.root + rel


def feeds(config: SiteConfig, prefix: str, urls: Urls) -> list[Feed]:
    """The feeds under ``prefix`` ("" for the site's, ``tags/wasm/`` for a term's), as configured."""
    out = []
    for fmt in config.feed_formats:
        name, mime, shown = FEEDS[fmt]
        out.append(Feed(fmt, mime, shown, urls.rel(prefix + name), urls.abs(prefix + name)))
    return out


def locale(code: str) -> str:
    """Open Graph's spelling of a language tag: ``fr-fr`` -> ``fr_FR``."""
    lang, _, region = code.partition("-")
    return f"{lang.lower()}_{region.upper()}" if region else lang.lower()


def _languages(config: SiteConfig) -> dict[str, Any]:
    """``site``'s language fields: none for a site in one language."""
    langs = languages.languages(config)
    if langs is None:
        return {}
    root = Urls(replace(config, base_url=languages.site_base_url(config)))
    views = [LanguageView(lang.key, lang.code, lang.name, lang.direction, root.rel(lang.prefix), root.abs(lang.prefix),
                          lang.key == langs.current, locale(lang.code)) for lang in langs.languages]
    own = langs.get(langs.current)
    return {"languages": views, "lang": langs.current, "direction": own.direction if own else "ltr",
            "locale": locale(config.language)}


def translations(config: SiteConfig, links: list[Link]) -> list[LanguageView]:
    """A page's ``translations`` (key, URL from the site's root) as views, in the site's order of languages."""
    langs = languages.languages(config)
    if langs is None or not links:
        return []
    root = Urls(replace(config, base_url=languages.site_base_url(config)))
    out = []
    for link in links:
        lang = langs.get(link.name)
        if lang is not None:
            out.append(LanguageView(lang.key, lang.code, lang.name, lang.direction, root.rel(link.url),
                                    root.abs(link.url), lang.key == langs.current, locale(lang.code)))
    return out


def _site_view(config: SiteConfig, urls: Urls, t: Translator) -> SiteView:
    site_feeds = feeds(config, "", urls)
    return SiteView(
        title=config.title, description=config.description, author=config.author,
        language=config.language, base_url=config.base_url, base_path=config.base_path,
        root=urls.abs(""), menu=[Link(m.name, urls.rel(m.url)) for m in config.menu],
        params=config.params, feed_url=site_feeds[0].url if site_feeds else "",
        feed_full_content=config.feed_full_content,
        taxonomies=[Link(taxonomy_title(x.plural, t), urls.rel(f"{x.plural}/")) for x in config.taxonomies
                    if "taxonomy" not in config.disable_kinds],  # (Hugo's disableKinds: no such page to link)
        copyright=config.copyright, feeds=site_feeds,
        search_url=urls.rel("search/") if config.search_enabled else "",
        **_languages(config),
    )


_LINK_VALUE = re.compile(r'(\s(?:href|src)=")([^"]*)"')
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _rebased(m: re.Match[str], url: str) -> str:
    value = m.group(2)
    if value.startswith("#"):
        value = url + value
    elif value and not value.startswith("/") and not _SCHEME.match(value):
        value = uri.resolve_in_html(url, value)  # the core's own rule: the same on every CPython
    return f'{m.group(1)}{value}"'


def rebase_links(html_text: str, url: str) -> str:
    """``html_text`` with its ``#anchor`` and relative links resolved against the page at
    ``url``: a summary on a list page, or a post in a feed, is not on the post's own page."""
    return _LINK_VALUE.sub(lambda m: _rebased(m, url), html_text)


def _terms_links(names: list[str], taxonomy: str, urls: Urls) -> list[Link]:
    out = []
    for name in names:
        slug = slugs.term_slug(name)
        if slug:
            out.append(Link(name, urls.rel(f"{taxonomy}/{slug}/")))
    return out


class Views:
    """Template views of posts, made once per post per render call."""

    def __init__(self, config: SiteConfig, urls: Urls, catalog: Catalog, lang: str = "") -> None:
        self.urls = urls
        self.config = config
        self.catalog = catalog
        # The words of these views' language: ``lang``, a language of a multilingual site, or
        # the default language's (what a site of one language shows everywhere).
        self.t = catalog.translator(lang)
        self._translators: dict[str, Translator] = {"": self.t}
        self.site = _site_view(config, urls, self.t)
        self._posts: dict[str, PostView] = {}
        self._dates: dict[str, DateInfo] = {}
        self.refs: dict[str, str] = {}  # ref/relref target -> site-relative URL (from the jobs)

    def translator(self, lang: str = "") -> Translator:
        """The words and dates of language ``lang`` ("" for the site's default), made once per render call."""
        found = self._translators.get(lang)
        if found is None:
            found = self._translators[lang] = self.catalog.translator(lang)
        return found

    def _ref_url(self, source: str, target: str, absolute: bool) -> str:
        url = self.refs.get(ref_key(source, target), UNRESOLVED)
        if url == UNRESOLVED:
            return url
        path, _, anchor = url.partition("#")
        full = self.urls.abs(path) if absolute else self.urls.rel(path)
        return full + ("#" + slugs.url_quote(anchor) if anchor else "")

    def html(self, text: str, source: str) -> str:
        """The HTML of the post in ``source`` with its ref/relref links resolved."""
        return resolve_refs(text, lambda target, absolute: self._ref_url(source, target, absolute))

    def date(self, iso: str) -> DateInfo | None:
        if not iso:
            return None
        info = self._dates.get(iso)
        if info is None:
            info = self._dates[iso] = DateInfo.from_iso(iso)
        return info

    def link(self, post: Post) -> PostLink:
        return PostLink(post.title, self.urls.rel(post.url_path), self.date(post.date))  # type: ignore[arg-type]  # a post has a date

    def post(self, post: Post) -> PostView:
        view = self._posts.get(post.source)
        if view is None:
            urls = self.urls
            url = urls.rel(post.url_path)
            content_html = self.html(post.content_html, post.source)
            summary_html = rebase_links(self.html(post.summary_html, post.source), url)
            taxonomies = {t.plural: _terms_links(post_terms(post, t.plural), t.plural, urls)
                          for t in self.config.taxonomies}
            view = self._posts[post.source] = PostView(
                kind=post.kind, source=post.source, slug=post.slug, title=post.title,
                description=post.description, url=url, permalink=urls.abs(post.url_path),
                date=self.date(post.date), lastmod=self.date(post.lastmod), draft=post.draft,
                tags=taxonomies.get("tags") or [], categories=taxonomies.get("categories") or [],
                preview=urls.rel(post.preview) if post.preview.startswith("/") else post.preview,
                summary=Markup(summary_html), content=Markup(content_html), toc=Markup(post.toc_html),
                summary_html=summary_html, content_html=content_html, toc_count=post.toc_count,
                truncated=post.truncated, word_count=post.word_count, reading_time=post.reading_time,
                params=json.loads(post.params_json), section=post.section, author=post.author,
                weight=post.weight, taxonomies=taxonomies,
                image=urls.abs(post.preview) if post.preview.startswith("/") else post.preview,
            )
        return view


def term_view(taxonomy: str, name: str, slug: str, count: int, urls: Urls,
              config: SiteConfig | None = None, t: Translator | None = None) -> TermView:
    singular = taxonomy_singular(config, taxonomy, t) if config is not None else \
        TAXONOMY_SINGULAR.get(taxonomy, taxonomy)
    term_feeds = feeds(config if config is not None else SiteConfig(), f"{taxonomy}/{slug}/", urls)
    return TermView(name=name, slug=slug, taxonomy=taxonomy, taxonomy_title=taxonomy_title(taxonomy, t),
                    taxonomy_singular=singular,
                    url=urls.rel(f"{taxonomy}/{slug}/"), feed_url=term_feeds[0].url if term_feeds else "",
                    count=count, feeds=term_feeds)


def pager(job: PageJob, prefix: str, urls: Urls) -> Pager:
    def page_url(n: int) -> str:
        return urls.rel(prefix if n == 1 else f"{prefix}page/{n}/")

    return Pager(number=job.number, total=job.total, first_url=page_url(1), last_url=page_url(job.total),
                 prev_url=page_url(job.number - 1) if job.number > 1 else "",
                 next_url=page_url(job.number + 1) if job.number < job.total else "")


# Everything above is plain data: templates read its fields without the sandbox's per-read checks.
plain_data(SiteView, TermView, PostView, PostLink, PageView, Pager, Link, DateInfo, SitemapLink, LanguageView)
# t's methods and language, read on every listed post: no per-read checks either (it has no others to reach).
PLAIN_DATA[Translator] = frozenset(("date", "strings", "has", "text", "lang"))
