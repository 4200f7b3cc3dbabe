"""The data that flows through the core: sources -> posts -> page jobs -> files.

Everything here is plain data (strings, numbers, lists) so that it crosses
the WebAssembly boundary as WIT records without loss: a value that goes in
and out of the sandbox comes back equal, which is what keeps the two engines
byte-identical.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from .diagnostics import Diagnostic


class PageKind(enum.StrEnum):
    """What a page job renders; the WIT enum ``page-kind``, case for case.

    A ``StrEnum`` (a ``str`` and an ``Enum``): it compares equal to its value,
    JSON-encodes as it, and ``str()`` gives it too, which is what a template
    printing ``{{ kind }}`` shows.
    """

    POST = "post"
    LIST = "list"
    TAXONOMY = "taxonomy"
    TERM = "term"
    FEED = "feed"
    SITEMAP = "sitemap"
    ALIAS = "alias"
    NOTFOUND = "notfound"
    CSS = "css"
    ROBOTS = "robots"
    PAGE = "page"  # a standalone page (SITE/pages/**, Hugo's top-level content)
    ATOM = "atom"
    JSON_FEED = "json-feed"
    SEARCH = "search"
    SEARCH_INDEX = "search-index"
    SEARCH_SCRIPT = "search-script"
    SITEMAP_INDEX = "sitemap-index"  # a multilingual site's /sitemap.xml: each language's sitemap


@dataclass(frozen=True)
class Link:
    """A named link: a menu entry of ``site.toml``, a post's tag or category."""

    name: str
    url: str


@dataclass(frozen=True)
class Taxonomy:
    """A taxonomy of the site: ``tags`` (singular ``tag``), ``categories``, ``series``..."""

    singular: str
    plural: str


@dataclass(frozen=True)
class TermList:
    """A post's terms in one taxonomy other than tags and categories (``series: [...]``)."""

    taxonomy: str
    terms: list[str]


@dataclass(frozen=True)
class RefUse:
    """A ``ref``/``relref`` shortcode's target, and the line it is on (resolved when the site is planned)."""

    target: str
    line: int


@dataclass(frozen=True)
class SourceLink:
    """A link or image in a post's Markdown: the URL as its page has it (the
    ``href``/``src`` value, base path added) and the line of the source file
    where it was written (0 when it cannot be told)."""

    url: str
    line: int


@dataclass(frozen=True)
class FileCopy:
    """A file to copy as it is: a page bundle's image next to its page."""

    source: str  # site-relative path of the file, as the host listed it
    path: str  # output path


# What a parsed content file is: a dated post, a standalone page, or the intro
# (title, text, aliases) of a list: the home page, a section, a taxonomy or a term.
POST, PAGE, INTRO = "post", "page", "intro"


@dataclass(frozen=True)
class BuildOptions:
    """What to publish. ``build_time`` is microseconds since the epoch, from the host."""

    build_time: int
    drafts: bool = False
    future: bool = False


@dataclass(frozen=True)
class Post:
    """One parsed post: front matter validated, Markdown rendered."""

    source: str  # site-relative path, e.g. posts/hello.md; the post's identity
    slug: str
    title: str
    description: str
    date: str  # RFC 3339, the post's own offset
    timestamp: int  # microseconds since the epoch
    lastmod: str
    draft: bool
    tags: list[str]
    categories: list[str]
    aliases: list[str]  # validated output paths, e.g. old/url/index.html
    preview: str
    summary_html: str
    content_html: str
    toc_html: str
    toc_count: int
    truncated: bool  # the summary leaves something out
    word_count: int
    reading_time: int
    params_json: str  # unknown front-matter keys, as JSON
    kind: str = POST  # post | page | intro
    section: str = "posts"  # the content section (Hugo: the top-level folder under content/)
    url: str = ""  # site-relative URL path the core chose, e.g. posts/hello/ ("" for a home intro)
    terms: list[TermList] = field(default_factory=list)  # taxonomies other than tags and categories
    weight: int = 0  # Hugo's weight: lists show weighted posts first, lightest first
    author: str = ""
    expiry: int = 0  # microseconds since the epoch after which it is not published; 0: never
    publish: int = 0  # microseconds since the epoch from which it is published; 0: its date
    resources: list[str] = field(default_factory=list)  # a bundle's files (site-relative paths)
    refs: list[RefUse] = field(default_factory=list)  # ref/relref targets in its text
    unknown_keys: list[str] = field(default_factory=list)  # front-matter keys wasmblog does not use
    search_terms: str = ""  # its search terms and weights, "term 12 other 3" (renderer.search); "" when off
    links: list[SourceLink] = field(default_factory=list)  # for `wasmblog check`, in document order

    @property
    def url_path(self) -> str:
        """Site-relative URL path of the post page, e.g. ``posts/hello/``."""
        return self.url if self.url or self.kind == INTRO else f"posts/{self.slug}/"

    @property
    def dated(self) -> bool:
        return bool(self.date)

    def without_body(self) -> Post:
        """This post as a neighbour link needs it: rendering never reads the rest.

        Every other field is copied as it is (``dataclasses.replace`` did the
        same at six times the cost; an incremental build of 10,000 posts makes
        30,000 of these).
        """
        bare = object.__new__(type(self))
        bare.__dict__.update(self.__dict__, summary_html="", content_html="", toc_html="", search_terms="",
                             links=[])
        return bare

    def withholding(self, fields: frozenset[str]) -> Post:
        """This post without ``fields`` (body fields: see :mod:`renderer.reads`), each its type's empty value."""
        bare = object.__new__(type(self))
        bare.__dict__.update(self.__dict__, **{name: [] if name == "links" else _EMPTY[name] for name in fields})
        return bare

    def for_index(self) -> Post:
        """This post as the search index needs it: no body, but its summary and terms."""
        bare = object.__new__(type(self))
        bare.__dict__.update(self.__dict__, content_html="", toc_html="", links=[])
        return bare


# A withheld field's value (Post.withholding): what a post without a body has.
_EMPTY: dict[str, object] = {"content_html": "", "toc_html": "", "summary_html": "", "word_count": 0,
                             "reading_time": 0, "toc_count": 0, "truncated": False, "links": [], "search_terms": ""}


@dataclass(frozen=True)
class TermRef:
    """A tag or category with its slug and how many published posts use it."""

    name: str
    slug: str
    count: int


@dataclass(frozen=True)
class SitemapLink:
    url: str  # site-relative URL path
    lastmod: str  # RFC 3339, or ""
    alternates: list[Link] = field(default_factory=list)  # multilingual sites: the page in each language


@dataclass(frozen=True)
class PageJob:
    """One output file and everything needed to render it, except post bodies.

    A job names the posts it shows by their ``source``; the renderer is given
    those posts alongside. Jobs are self-contained, so any subset of them can
    be rendered in any order, on any engine, in any sandbox instance, with
    the same bytes out.
    """

    kind: PageKind
    path: str  # output path, e.g. posts/hello/index.html
    url: str  # site-relative URL path, e.g. posts/hello/
    posts: list[str] = field(default_factory=list)
    number: int = 1  # page number (1-based) for paginated lists
    total: int = 1  # number of pages in this list
    taxonomy: str = ""  # tags | categories
    term: str = ""  # the term's display name
    term_slug: str = ""
    terms: list[TermRef] = field(default_factory=list)
    prev: str = ""  # post page: source of the older post
    next: str = ""  # post page: source of the newer post
    target: str = ""  # alias: site-relative URL it redirects to
    links: list[SitemapLink] = field(default_factory=list)  # sitemap entries
    lastmod: str = ""  # sitemap/feeds: newest date among the posts
    section: str = ""  # section list pages: the section ("" on the home page's list)
    intro: str = ""  # list, term and taxonomy pages: source of the _index.md shown at the top
    refs: list[Link] = field(default_factory=list)  # ref/relref targets (name) the posts use, and their URLs
    children: list[Link] = field(default_factory=list)  # section lists: sub-sections and undated pages
    lang: str = ""  # multilingual sites: the language of the page ("" for a site in one language)
    translations: list[Link] = field(default_factory=list)  # the same page in other languages: (key, URL from the
    # site's root, e.g. fr/posts/a/), the page's own language included, in the site's order of languages

    @property
    def neighbours(self) -> tuple[str, ...]:
        """Posts this job only links to (a post page's older and newer posts, the
        search page's list of every post)."""
        if self.kind == PageKind.SEARCH:
            return tuple(self.posts)
        return tuple(s for s in (self.prev, self.next) if s) if self.kind == PageKind.POST else ()

    @property
    def indexed(self) -> tuple[str, ...]:
        """Posts this job needs as the search index does (:meth:`Post.for_index`)."""
        return tuple(self.posts) if self.kind == PageKind.SEARCH_INDEX else ()


@dataclass(frozen=True)
class OutputFile:
    path: str
    content: str


@dataclass
class ParseResult:
    """Posts parsed from a batch of sources, and what was wrong with the rest."""

    posts: list[Post]
    diagnostics: list[Diagnostic]


@dataclass
class Plan:
    """The whole site as independent page jobs, and the files to copy as they are."""

    jobs: list[PageJob]
    diagnostics: list[Diagnostic]
    copies: list[FileCopy] = field(default_factory=list)


@dataclass
class SiteResult:
    files: list[OutputFile]
    diagnostics: list[Diagnostic]
    copies: list[FileCopy] = field(default_factory=list)  # the whole site's (render_site); none from render_pages

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)
