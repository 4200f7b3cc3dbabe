"""Templates: page jobs + posts -> output files, through sandboxed Jinja2.

Themes are rendered with Jinja2's ``ImmutableSandboxedEnvironment`` on both
engines: a template cannot reach Python internals, mutate its inputs, or
build huge strings and ranges. Compiled templates are cached per distinct
template set, so the default theme is compiled once per process (and once
in the WebAssembly snapshot).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import operator
import pprint  # noqa: F401  jinja2's pprint filter imports it lazily (the guest cannot)
import re
import textwrap  # noqa: F401  jinja2's wordwrap filter imports it lazily (the guest cannot)
from dataclasses import dataclass, field
from types import CodeType, TracebackType
from typing import Any, Callable, Mapping, Sequence

import jinja2
import jinja2.debug  # noqa: F401  imported lazily by jinja2 on errors; the sandbox needs it now
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from . import highlight, slugs
from .config import SiteConfig
from .dates import DateInfo
from .diagnostics import Diagnostic, describe_exception, error, megabytes
from .model import Link, OutputFile, PageJob, PageKind, Post, SiteResult, SitemapLink
from .theme import THEME
from .values import SURROGATE

TEMPLATE_FOR_KIND: dict[PageKind, str] = {
    PageKind.POST: "post.html",
    PageKind.LIST: "list.html",
    PageKind.TERM: "term.html",
    PageKind.TAXONOMY: "taxonomy.html",
    PageKind.FEED: "rss.xml",
    PageKind.SITEMAP: "sitemap.xml",
    PageKind.NOTFOUND: "404.html",
    PageKind.ALIAS: "alias.html",
    PageKind.CSS: "style.css",
    PageKind.ROBOTS: "robots.txt",
}
TAXONOMY_TITLES = {"tags": "Tags", "categories": "Categories"}
TAXONOMY_SINGULAR = {"tags": "Tag", "categories": "Category"}
MAX_TEMPLATE_STRING = 1_000_000  # longest string a template may build with * or **
# Largest integer a template may compute with * or ** (Python cannot print
# ints over 4,300 digits, and multiplying huge ones blocks signals natively).
MAX_TEMPLATE_INT_BITS = 10_000
_BIG_NUMBER = f"a template may not compute a number larger than {MAX_TEMPLATE_INT_BITS:,} bits"
# Characters XML 1.0 forbids even when escaped; dropped from feeds and sitemaps.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Code points HTML forbids in a document (controls other than whitespace,
# noncharacters): they come out as U+FFFD, so every page parses cleanly.
# One character class of ranges (scanned fast), over-matching the astral
# planes' top code points; _html_clean keeps those that are not noncharacters.
_HTML_SUSPECT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\U0001fffe-\U0010ffff]")


def _html_replace(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ord(ch) > 0xFFFF and ord(ch) & 0xFFFE != 0xFFFE:
        return ch  # an astral character that is not a noncharacter: fine
    return "\ufffd"


def _html_clean(text: str) -> str:
    """``text`` with the code points HTML forbids replaced by U+FFFD."""
    if _HTML_SUSPECT.search(text) is None:
        return text
    return _HTML_SUSPECT.sub(_html_replace, text)


def _safe_range(*args: int) -> range:
    """Jinja2's ``safe_range`` without ``len()``: on a 32-bit build (the wasm
    guest) ``len(range(10**12))`` raises "Python int too large to convert to
    C ssize_t" before the sandbox's own check, so the engines disagreed."""
    rng = range(*args)
    if max(0, -((rng.start - rng.stop) // rng.step)) > jinja2.sandbox.MAX_RANGE:
        raise OverflowError("Range too big. The sandbox blocks ranges larger than"
                            f" MAX_RANGE ({jinja2.sandbox.MAX_RANGE}).")
    return rng


# CPython refuses code nested past 20 loop/with/try blocks, 100 indentation
# levels or 200 brackets with a SyntaxError, and to word that error it opens
# the source file by name: in the capability-free guest any file access traps
# the whole instance. So templates whose generated code nests that deep are
# refused here, before compile(), with the same message on both engines.
MAX_CODE_BLOCKS = 16
MAX_CODE_INDENT = 80
MAX_CODE_BRACKETS = 150
_BLOCK_STATEMENTS = ("for ", "async for ", "while ", "with ", "async with ", "try:")
_DEBUG_INFO = re.compile(r"^debug_info = '([0-9=&]*)'$", re.MULTILINE)


def _brackets_too_deep(line: str) -> bool:
    depth, quote, escaped = 0, "", False
    for ch in line:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
            if depth > MAX_CODE_BRACKETS:
                return True
        elif ch in ")]}":
            depth -= 1
    return False


def _too_deep(code: str) -> int:
    """The line of generated Python that nests past CPython's limits, or 0."""
    blocks: list[int] = []
    for number, line in enumerate(code.split("\n"), 1):
        stripped = line.lstrip(" ")
        if not stripped:
            continue
        indent = (len(line) - len(stripped)) // 4
        while blocks and blocks[-1] >= indent:
            blocks.pop()
        if stripped.startswith(_BLOCK_STATEMENTS):
            blocks.append(indent)
        if len(blocks) > MAX_CODE_BLOCKS or indent > MAX_CODE_INDENT:
            return number
        if (stripped.count("(") + stripped.count("[") + stripped.count("{") > MAX_CODE_BRACKETS
                and _brackets_too_deep(stripped)):
            return number
    return 0


def _template_lineno(code: str, code_line: int) -> int:
    """The template line that generated ``code_line`` (from Jinja's debug_info)."""
    m = _DEBUG_INFO.search(code)
    pairs = [tuple(map(int, pair.split("="))) for pair in m.group(1).split("&") if pair] if m else []
    before = [(line, tpl) for tpl, line in pairs if line <= code_line]
    return max(before)[1] if before else 1


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _without_address(value: Any) -> Any:
    """``value`` as template output. An object shown by its default repr
    (``{{ posts|map('upper') }}`` without ``|list``: ``<generator object ...
    at 0x7f...>``) carries its memory address, which differs from build to
    build and between engines; the address is left out."""
    if isinstance(value, (str, int, float, jinja2.Undefined)) or value is None or hasattr(value, "__html__"):
        return value
    text = str(value)
    return _ADDRESS.sub("", text) if " at 0x" in text else text


def _not_deterministic(what: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise jinja2.sandbox.SecurityError(f"{what} would make every build different; templates must be "
                                           "deterministic")
    return refuse


class ThemeSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's sandbox, plus bounds on ``*`` and ``**`` (string and number bombs)."""

    intercepted_binops = frozenset(["*", "**"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("finalize", _without_address)
        super().__init__(*args, **kwargs)
        self.globals["range"] = _safe_range
        string_filter = self.filters["string"]
        self.filters["string"] = lambda value: string_filter(_without_address(value))
        # A page must be the same on every build and engine: no randomness.
        self.filters["random"] = _not_deterministic("the 'random' filter")
        self.globals["lipsum"] = _not_deterministic("lipsum()")

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # str.encode / bytes.decode look codecs up by name, importing them on
        # first use: the guest can import nothing after its snapshot.
        if attr in ("encode", "decode") and isinstance(obj, (str, bytes, bytearray)):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def _compile(self, source: str, filename: str) -> CodeType:
        line = _too_deep(source)
        if line:
            raise jinja2.TemplateSyntaxError(
                f"nested too deeply (more than {MAX_CODE_BLOCKS} loops inside each other, "
                f"{MAX_CODE_INDENT} levels of blocks or {MAX_CODE_BRACKETS} of brackets)",
                _template_lineno(source, line), filename=filename)
        return super()._compile(source, filename)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``x._anything`` is refused whether or not ``x`` has it (``range.__self__``
        on a function, ``self._TemplateReference__context``); a mapping's own
        keys (``page.params._draft``) stay readable."""
        if (isinstance(attribute, str) and attribute.startswith("_")
                and not (isinstance(obj, Mapping) and attribute in obj)):
            self.unsafe_undefined(obj, attribute)
        return super().getattr(obj, attribute)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        """An attribute the sandbox refuses is an error, not a silent empty value:
        ``{{ ''.__class__ }}`` and ``'{0.__class__}'.format(x)`` say so."""
        raise jinja2.sandbox.SecurityError(
            f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe.")

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            if isinstance(right, (int, float)) and abs(right) > 1000:
                raise jinja2.sandbox.SecurityError("exponent too large for a template")
            if (isinstance(left, int) and isinstance(right, int) and right > 0
                    and left.bit_length() * right > MAX_TEMPLATE_INT_BITS):
                raise jinja2.sandbox.SecurityError(_BIG_NUMBER)
            return operator.pow(left, right)
        if operator_name == "*":
            if (isinstance(left, int) and isinstance(right, int)
                    and left.bit_length() + right.bit_length() > MAX_TEMPLATE_INT_BITS):
                raise jinja2.sandbox.SecurityError(_BIG_NUMBER)
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int):
                    if len(seq) * n > MAX_TEMPLATE_STRING:
                        raise jinja2.sandbox.SecurityError(
                            f"a template may not build a value longer than {MAX_TEMPLATE_STRING:,}")
            return operator.mul(left, right)
        return super().call_binop(context, operator_name, left, right)


class _ThemeLoader(jinja2.BaseLoader):
    """Templates from memory; the file name says where the template came from."""

    def __init__(self, sources: Mapping[str, tuple[str, str]]) -> None:
        self.sources = sources  # name -> (source text, file name for messages)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if template not in self.sources:
            raise jinja2.TemplateNotFound(template)
        source, filename = self.sources[template]
        return source, filename, lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self.sources)


@dataclass
class _Theme:
    env: ThemeSandbox
    diagnostics: list[Diagnostic] = field(default_factory=list)


_THEMES: dict[str, _Theme] = {}


def _autoescape(name: str | None) -> bool:
    return not (name or "").endswith((".css", ".txt"))


def _theme_key(overrides: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(overrides):
        digest.update(name.encode() + b"\0" + overrides[name].encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def _theme(overrides: Mapping[str, str]) -> _Theme:
    """The compiled theme for this set of overrides (cached)."""
    key = _theme_key(overrides)
    theme = _THEMES.get(key)
    if theme is not None:
        return theme
    sources = {name: (text, f"theme/{name}") for name, text in THEME.items()}
    sources.update({name: (text, f"templates/{name}") for name, text in overrides.items()})
    env = ThemeSandbox(loader=_ThemeLoader(sources), autoescape=_autoescape, trim_blocks=True,
                       lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False, cache_size=-1)
    theme = _Theme(env)
    for name in sorted(overrides):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            theme.diagnostics.append(error(f"templates/{name}", exc.lineno or 0,
                                           f"template syntax error: {exc.message}" +
                                           ("; using the default theme's template" if name in THEME else "")))
            if name in THEME:
                sources[name] = (THEME[name], f"theme/{name}")
            else:
                del sources[name]
        except Exception as exc:  # e.g. RecursionError on absurd nesting
            what = "nests too deeply (recursion?)" if isinstance(exc, RecursionError) else describe_exception(exc)
            theme.diagnostics.append(error(f"templates/{name}", 0, f"template error: {what}"))
            sources.pop(name, None)
            if name in THEME:
                sources[name] = (THEME[name], f"theme/{name}")
    if len(_THEMES) >= 8:
        _THEMES.clear()
    _THEMES[key] = theme
    return theme


def forget_overrides() -> None:
    """Drop compiled template sets except the default theme's."""
    default = _theme({})
    _THEMES.clear()
    _THEMES[_theme_key({})] = default


# --- what templates see -------------------------------------------------------


@dataclass(frozen=True)
class SiteView:
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
    kind: str
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
    kind: str
    title: str
    url: str
    permalink: str
    description: str = ""


@dataclass(frozen=True)
class Pager:
    number: int
    total: int
    first_url: str
    last_url: str
    prev_url: str
    next_url: str


class _Urls:
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


def _site_view(config: SiteConfig, urls: _Urls) -> SiteView:
    return SiteView(
        title=config.title, description=config.description, author=config.author,
        language=config.language, base_url=config.base_url, base_path=config.base_path,
        root=urls.abs(""), menu=[Link(m.name, urls.rel(m.url)) for m in config.menu],
        params=config.params, feed_url=urls.rel("index.xml"),
        feed_full_content=config.feed_full_content,
    )


def _terms_links(names: list[str], taxonomy: str, urls: _Urls) -> list[Link]:
    out = []
    for name in names:
        slug = slugs.term_slug(name)
        if slug:
            out.append(Link(name, urls.rel(f"{taxonomy}/{slug}/")))
    return out


class _Views:
    """Template views of posts, made once per post per render call."""

    def __init__(self, config: SiteConfig, urls: _Urls) -> None:
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
                kind="post", source=post.source, slug=post.slug, title=post.title,
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


def _term_view(taxonomy: str, name: str, slug: str, count: int, urls: _Urls) -> TermView:
    return TermView(name=name, slug=slug, taxonomy=taxonomy, taxonomy_title=TAXONOMY_TITLES.get(taxonomy, taxonomy),
                    taxonomy_singular=TAXONOMY_SINGULAR.get(taxonomy, taxonomy),
                    url=urls.rel(f"{taxonomy}/{slug}/"), feed_url=urls.rel(f"{taxonomy}/{slug}/index.xml"),
                    count=count)


def _pager(job: PageJob, prefix: str, urls: _Urls) -> Pager:
    def page_url(n: int) -> str:
        return urls.rel(prefix if n == 1 else f"{prefix}page/{n}/")

    return Pager(number=job.number, total=job.total, first_url=page_url(1), last_url=page_url(job.total),
                 prev_url=page_url(job.number - 1) if job.number > 1 else "",
                 next_url=page_url(job.number + 1) if job.number < job.total else "")


def _context(job: PageJob, posts: Mapping[str, Post], config: SiteConfig, views: _Views) -> dict[str, Any]:
    urls = views.urls
    kind = PageKind(job.kind).value  # a plain string, as templates always saw it
    ctx: dict[str, Any] = {
        "site": views.site,
        "relurl": urls.rel,
        "absurl": urls.abs,
        "kind": kind,
    }
    if job.kind == "post":
        post = posts[job.posts[0]]
        older = views.link(posts[job.prev]) if job.prev in posts else None
        newer = views.link(posts[job.next]) if job.next in posts else None
        ctx["page"] = dataclasses.replace(views.post(post), older=older, newer=newer)
        return ctx
    listed = [views.post(posts[s]) for s in job.posts if s in posts]
    title = config.title
    prefix = ""
    if job.kind in ("term", "feed") and job.term:
        term = _term_view(job.taxonomy, job.term, job.term_slug, len(job.posts), urls)
        ctx["term"] = term
        title = f"{term.taxonomy_singular}: {job.term}"
        prefix = f"{job.taxonomy}/{job.term_slug}/"
    elif job.kind == "taxonomy":
        title = TAXONOMY_TITLES.get(job.taxonomy, job.taxonomy)
        ctx["terms"] = [_term_view(job.taxonomy, t.name, t.slug, t.count, urls) for t in job.terms]
        ctx["taxonomy"] = job.taxonomy
    elif job.kind == "notfound":
        title = "Page not found"
    if job.kind in ("list", "term"):
        ctx["pager"] = _pager(job, prefix, urls)
        if job.number > 1:
            title = f"{title} (page {job.number})"
    ctx["posts"] = listed
    ctx["page"] = PageView(kind=kind, title=title, url=urls.rel(job.url), permalink=urls.abs(job.url),
                           description=config.description)
    if job.kind == "feed":
        ctx["lastmod"] = views.date(job.lastmod) if job.lastmod else None
        if urls.root:  # feed readers resolve links against the feed: make them absolute
            ctx["posts"] = [dataclasses.replace(v, summary_html=_absolute(v.summary_html, urls.root),
                                                content_html=_absolute(v.content_html, urls.root)) for v in listed]
    if job.kind == "sitemap":
        ctx["links"] = [SitemapLink(urls.abs(link.url), link.lastmod) for link in job.links]
    if job.kind == "alias":
        ctx["target"] = urls.rel(job.target)  # relative, so redirects work on a local preview too
        ctx["canonical"] = urls.abs(job.target)
    if job.kind == "css":
        ctx["highlight_css"] = Markup(highlight.stylesheet(config.highlight_style, config.highlight_style_dark))
    return ctx


_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')


def _absolute(html_text: str, root: str) -> str:
    """Root-relative links and images in ``html_text`` made absolute with ``root``."""
    return _ROOT_RELATIVE.sub(lambda m: m.group(1) + root + "/", html_text)


def _template_line(tb: TracebackType | None, filenames: set[str], recursion: bool = False) -> tuple[str, int]:
    """The innermost template frame of a traceback (no linecache, no files).

    For a RecursionError the innermost frame is wherever the engine's Python
    ran out of depth, which differs natively and in the guest; the outermost
    frame that repeats, one on the loop, is the same on both.
    """
    frames: list[tuple[str, int]] = []
    while tb is not None:
        code: CodeType = tb.tb_frame.f_code
        if code.co_filename in filenames:
            frames.append((code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    if recursion:
        seen: set[tuple[str, int]] = set()
        repeated = {frame for frame in frames if frame in seen or seen.add(frame)}
        for frame in frames:
            if frame in repeated:
                return frame
    return frames[-1] if frames else ("", 0)


def render_job(job: PageJob, posts: Mapping[str, Post], config: SiteConfig,
               theme: _Theme, views: _Views) -> tuple[OutputFile | None, Diagnostic | None]:
    name = TEMPLATE_FOR_KIND[job.kind]
    try:
        template = theme.env.get_template(name)
        text = template.render(_context(job, posts, config, views))
    except Exception as exc:
        loader: _ThemeLoader = theme.env.loader  # type: ignore[assignment]
        filenames = {fn for _, fn in loader.sources.values()}
        where, line = _template_line(exc.__traceback__, filenames, isinstance(exc, RecursionError))
        if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
            where, line = exc.filename, exc.lineno or 0
        if not where:
            where = loader.sources.get(name, ("", f"theme/{name}"))[1]
        if isinstance(exc, RecursionError):
            what = "nests too deeply (recursion?)"
        elif isinstance(exc, MemoryError):
            what = "ran out of memory (the sandbox's cap is limits.memory_mb)"
        else:
            what = describe_exception(exc)
        return None, error(where, line, f"while rendering {job.path}: {what}")
    if name.endswith(".xml"):
        text = _XML_INVALID.sub("", text)
    elif name.endswith(".html"):
        text = _html_clean(text)
    if not text.isascii() and SURROGATE.search(text):  # e.g. {{ "\\ud800" }}: not writable as UTF-8
        loader = theme.env.loader  # type: ignore[assignment]
        return None, error(loader.sources.get(name, ("", f"theme/{name}"))[1], 0,
                           f"while rendering {job.path}: the page holds half of a surrogate pair "
                           "(a \\ud800-\\udfff escape?), which is not a character")
    limit = int(config.limits.max_output_mb * 1_000_000)
    if len(text) > limit:  # a post page is as big as its post; any other page, as its template makes it
        loader = theme.env.loader  # type: ignore[assignment]
        blame = job.posts[0] if job.kind == "post" and job.posts else \
            loader.sources.get(name, ("", f"theme/{name}"))[1]
        return None, error(blame, 0,
                           f"{job.path} would be {megabytes(len(text))} MB, over the "
                           f"{limit / 1e6:g} MB output limit (limits.max_output_mb)")
    return OutputFile(job.path, text), None


def render_pages(jobs: Sequence[PageJob], posts: Sequence[Post], config: SiteConfig,
                 templates: Mapping[str, str]) -> SiteResult:
    """Render ``jobs``; ``posts`` must include every post the jobs name."""
    theme = _theme(templates)
    views = _Views(config, _Urls(config))
    by_source = {p.source: p for p in posts}
    files: list[OutputFile] = []
    diags: list[Diagnostic] = list(theme.diagnostics)
    for job in jobs:
        out, diag = render_job(job, by_source, config, theme, views)
        if out is not None:
            files.append(out)
        if diag is not None:
            diags.append(diag)
    return SiteResult(files, diags)
