"""What templates see: the site, posts, pages, terms and pagers as read-only views.

Views are made from the core's plain data (posts, page jobs, the config),
with URLs that honour ``base_url``'s path prefix; a post's view is made once
per render call however many pages list it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from .. import slugs
from ..config import SiteConfig
from ..dates import DateInfo
from ..model import Link, PageJob, PageKind, Post, SitemapLink
from .sandbox import plain_data

TAXONOMY_TITLES = {"tags": "Tags", "categories": "Categories"}
TAXONOMY_SINGULAR = {"tags": "Tag", "categories": "Category"}


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
    date: DateInfo
    lastmod: DateInfo
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
    older: "PostLink | None" = None
    newer: "PostLink | None" = None


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


@dataclass(frozen=True)
class Pager:
    """``pager`` on paginated lists; ``prev_url``/``next_url`` are empty at the ends."""

    number: int
    total: int
    first_url: str
    last_url: str
    prev_url: str
    next_url: str


class Urls:
    """Site-relative paths to links that honour base_url's path prefix."""

    def __init__(self, config: SiteConfig) -> None:
        self.base = config.base_path
        self.root = config.site_root

    def rel(self, path: str = "") -> str:
        path = str(path)
        if "://" in path or path.startswith(("//", "#", "mailto:")):
            return path
        if self.base != "/" and path.startswith(self.base):
            return path  # already has the base path (a view's .url): adding it again would double it
        return self.base + slugs.url_quote(path.lstrip("/"))

    def abs(self, path: str = "") -> str:
        rel = self.rel(path)
        return rel if "://" in rel else self.root + rel


def _site_view(config: SiteConfig, urls: Urls) -> SiteView:
    return SiteView(
        title=config.title, description=config.description, author=config.author,
        language=config.language, base_url=config.base_url, base_path=config.base_path,
        root=urls.abs(""), menu=[Link(m.name, urls.rel(m.url)) for m in config.menu],
        params=config.params, feed_url=urls.rel("index.xml"),
        feed_full_content=config.feed_full_content,
    )


def _terms_links(names: list[str], taxonomy: str, urls: Urls) -> list[Link]:
    out = []
    for name in names:
        slug = slugs.term_slug(name)
        if slug:
            out.append(Link(name, urls.rel(f"{taxonomy}/{slug}/")))
    return out


class Views:
    """Template views of posts, made once per post per render call."""

    def __init__(self, config: SiteConfig, urls: Urls) -> None:
        self.urls = urls
        self.site = _site_view(config, urls)
        self._posts: dict[str, PostView] = {}
        self._dates: dict[str, DateInfo] = {}

    def date(self, iso: str) -> DateInfo:
        info = self._dates.get(iso)
        if info is None:
            info = self._dates[iso] = DateInfo.from_iso(iso)
        return info

    def link(self, post: Post) -> PostLink:
        return PostLink(post.title, self.urls.rel(post.url_path), self.date(post.date))

    def post(self, post: Post) -> PostView:
        view = self._posts.get(post.source)
        if view is None:
            urls = self.urls
            view = self._posts[post.source] = PostView(
                kind=PageKind.POST.value, source=post.source, slug=post.slug, title=post.title,
                description=post.description, url=urls.rel(post.url_path), permalink=urls.abs(post.url_path),
                date=self.date(post.date), lastmod=self.date(post.lastmod), draft=post.draft,
                tags=_terms_links(post.tags, "tags", urls),
                categories=_terms_links(post.categories, "categories", urls),
                preview=urls.rel(post.preview) if post.preview.startswith("/") else post.preview,
                summary=Markup(post.summary_html), content=Markup(post.content_html), toc=Markup(post.toc_html),
                summary_html=post.summary_html, content_html=post.content_html, toc_count=post.toc_count,
                truncated=post.truncated, word_count=post.word_count, reading_time=post.reading_time,
                params=json.loads(post.params_json),
            )
        return view


def term_view(taxonomy: str, name: str, slug: str, count: int, urls: Urls) -> TermView:
    return TermView(name=name, slug=slug, taxonomy=taxonomy, taxonomy_title=TAXONOMY_TITLES.get(taxonomy, taxonomy),
                    taxonomy_singular=TAXONOMY_SINGULAR.get(taxonomy, taxonomy),
                    url=urls.rel(f"{taxonomy}/{slug}/"), feed_url=urls.rel(f"{taxonomy}/{slug}/index.xml"),
                    count=count)


def pager(job: PageJob, prefix: str, urls: Urls) -> Pager:
    def page_url(n: int) -> str:
        return urls.rel(prefix if n == 1 else f"{prefix}page/{n}/")

    return Pager(number=job.number, total=job.total, first_url=page_url(1), last_url=page_url(job.total),
                 prev_url=page_url(job.number - 1) if job.number > 1 else "",
                 next_url=page_url(job.number + 1) if job.number < job.total else "")


# Everything above is plain data: templates read its fields without the sandbox's per-read checks.
plain_data(SiteView, TermView, PostView, PostLink, PageView, Pager, Link, DateInfo, SitemapLink)
