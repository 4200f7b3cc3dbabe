"""Rendering page jobs: each job's context, its template, and the output checked.

A job's context is assembled from views (:mod:`.views`) and rendered with
the compiled theme (:mod:`.theme`). What comes out is cleaned so that every
page parses (characters HTML or XML forbid are replaced or dropped) and
checked (no half surrogate pairs, not over ``limits.max_output_mb``); any
failure becomes one diagnostic that names the template and line.
"""

from __future__ import annotations

import dataclasses
import re
from types import CodeType, TracebackType
from typing import Any, Mapping, Sequence

import jinja2
from markupsafe import Markup

from .. import highlight, languages, search
from ..config import SiteConfig
from ..diagnostics import Diagnostic, describe_exception, error, megabytes
from ..i18n import catalog
from ..model import Link, OutputFile, PageJob, PageKind, Post, SiteResult, SitemapLink
from ..values import SURROGATE
from .theme import TEMPLATE_FOR_KIND, Theme, compiled_theme
from .views import (LanguageView, PageView, Urls, Views, pager, rebase_links, section_title, taxonomy_title, term_view,
                    translations)

FEED_KINDS = frozenset((PageKind.FEED, PageKind.ATOM, PageKind.JSON_FEED))

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


def _context(job: PageJob, posts: Mapping[str, Post], config: SiteConfig, views: Views) -> dict[str, Any]:
    """What the template of ``job`` sees (listed in :mod:`.theme`)."""
    urls = views.urls
    kind = PageKind(job.kind).value  # a plain string, as templates always saw it
    views.refs.update((link.name, link.url) for link in job.refs)
    # The page's language: its words (t, t.date) and dates. A site of one language has one, the
    # default (config.language); a language of a multilingual site has its own views, in its words.
    t = views.translator("")
    ctx: dict[str, Any] = {
        "site": views.site,
        "relurl": urls.rel,
        "absurl": urls.abs,
        "kind": kind,
        "lang": t.lang,
        "t": t,
    }
    own = translations(config, job.translations) if job.translations else []
    if job.lang:
        ctx["language_links"] = _language_links(views.site.languages, own)
        ctx["x_default"] = next((t for t in own if t.key == _default_key(config)), own[0] if own else None)
    if job.kind in (PageKind.POST, PageKind.PAGE):
        post = posts[job.posts[0]]
        older = views.link(posts[job.prev]) if job.prev in posts else None
        newer = views.link(posts[job.next]) if job.next in posts else None
        ctx["page"] = dataclasses.replace(views.post(post), older=older, newer=newer, translations=own, lang=job.lang)
        return ctx
    listed = [views.post(posts[s]) for s in job.posts if s in posts]
    intro = views.post(posts[job.intro]) if job.intro in posts else None
    title = config.title
    prefix = ""
    if (job.kind == PageKind.TERM or job.kind in FEED_KINDS) and job.term:
        term = term_view(job.taxonomy, job.term, job.term_slug, len(job.posts), urls, config, t)
        ctx["term"] = term
        title = f"{term.taxonomy_singular}: {job.term}"
        prefix = f"{job.taxonomy}/{job.term_slug}/"
    elif job.kind == PageKind.TAXONOMY:
        title = taxonomy_title(job.taxonomy, t)
        ctx["terms"] = [term_view(job.taxonomy, x.name, x.slug, x.count, urls, config, t) for x in job.terms]
        ctx["taxonomy"] = job.taxonomy
    elif job.kind == PageKind.NOTFOUND:
        title = t("pageNotFound")
    elif job.kind == PageKind.SEARCH:
        title = t("search")
    elif job.kind == PageKind.LIST and job.section:
        title = section_title(job.section.rsplit("/", 1)[-1])
        prefix = job.url[:-len(f"page/{job.number}/")] if job.number > 1 else job.url  # as the plan made it
        ctx["children"] = [Link(c.name, urls.rel(c.url)) for c in job.children]
    if intro is not None and job.kind not in FEED_KINDS:
        title = intro.title
    if job.kind in (PageKind.LIST, PageKind.TERM):
        ctx["pager"] = pager(job, prefix, urls)
        if job.number > 1:
            title = t("pageNumber", Title=title, Number=job.number)
    ctx["posts"] = listed
    show_intro = intro is not None and job.kind not in FEED_KINDS and job.number == 1
    ctx["page"] = PageView(kind=kind, title=title, url=urls.rel(job.url), permalink=urls.abs(job.url),
                           description=(intro.description if intro is not None and intro.description
                                        else config.description),
                           content=intro.content if show_intro and intro is not None else Markup(""), section=job.section,
                           params=intro.params if intro is not None else {}, translations=own, lang=job.lang)
    if job.kind in FEED_KINDS:
        ctx["lastmod"] = views.date(job.lastmod) if job.lastmod else None
        # Feed readers resolve links against the feed: relative links and #anchors are made
        # the post's, root-relative ones absolute.
        listed = [dataclasses.replace(v, content_html=rebase_links(v.content_html, v.url)) for v in listed]
        if urls.root:
            listed = [dataclasses.replace(v, summary_html=_absolute(v.summary_html, urls.root),
                                          content_html=_absolute(v.content_html, urls.root)) for v in listed]
        ctx["posts"] = listed
    if job.kind == PageKind.SITEMAP:
        ctx["links"] = [SitemapLink(urls.abs(link.url), link.lastmod,
                                    [Link(t.code, t.permalink) for t in translations(config, link.alternates)])
                        for link in job.links]
        ctx["alternates"] = any(link.alternates for link in job.links)
    if job.kind == PageKind.SITEMAP_INDEX:
        ctx["sitemaps"] = [SitemapLink(urls.abs(link.url), link.lastmod) for link in job.links]
    if job.kind == PageKind.ALIAS:
        ctx["target"] = urls.rel(job.target)  # relative, so redirects work on a local preview too
        ctx["canonical"] = urls.abs(job.target)
    if job.kind == PageKind.SEARCH_INDEX:
        ctx["index"] = Markup(search.index_json(
            [{"url": v.url, "title": v.title, "date": v.date.iso, "day": t.date(v.date),  # type: ignore[union-attr]  # posts are dated
              "tags": [t.name for t in v.tags], "summary": search.short_summary(v.description, v.summary_html)}
             for v in listed],
            [posts[s].search_terms for s in job.posts if s in posts]))
    if job.kind == PageKind.CSS:
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
        repeated = {frame for frame in frames if frame in seen or seen.add(frame)}  # type: ignore[func-returns-value]  # add() is None: the first sighting is not kept
        for frame in frames:
            if frame in repeated:
                return frame
    return frames[-1] if frames else ("", 0)


def _default_key(config: SiteConfig) -> str:
    langs = languages.languages(config)
    return langs.default if langs is not None else ""


def _language_links(site_languages: list[LanguageView], own: list[LanguageView]) -> list[LanguageView]:
    """The language switcher's links: each language's version of the page, else its home page."""
    by_key = {t.key: t for t in own}
    return [by_key.get(lang.key, lang) for lang in site_languages]


def render_job(job: PageJob, posts: Mapping[str, Post], config: SiteConfig,
               theme: Theme, views: Views) -> tuple[OutputFile | None, Diagnostic | None]:
    """One page, or the diagnostic that says why it could not be made."""
    name = TEMPLATE_FOR_KIND[job.kind]
    try:
        template = theme.env.get_template(name)
        text = template.render(_context(job, posts, config, views))
    except Exception as exc:
        filenames = {fn for _, fn in theme.sources.values()}
        where, line = _template_line(exc.__traceback__, filenames, isinstance(exc, RecursionError))
        if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
            where, line = exc.filename, exc.lineno or 0
        if not where:
            where = theme.filename(name)
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
        return None, error(theme.filename(name), 0,
                           f"while rendering {job.path}: the page holds half of a surrogate pair "
                           "(a \\ud800-\\udfff escape?), which is not a character")
    limit = int(config.limits.max_output_mb * 1_000_000)
    if len(text) > limit:  # a post page is as big as its post; any other page, as its template makes it
        blame = job.posts[0] if job.kind == PageKind.POST and job.posts else theme.filename(name)
        return None, error(blame, 0,
                           f"{job.path} would be {megabytes(len(text))} MB, over the "
                           f"{limit / 1e6:g} MB output limit (limits.max_output_mb)")
    return OutputFile(job.path, text), None


def render_pages(jobs: Sequence[PageJob], posts: Sequence[Post], config: SiteConfig,
                 templates: Mapping[str, str], tables: Mapping[str, str] | None = None) -> SiteResult:
    """Render ``jobs`` with the default theme and the ``templates`` overriding it, in the words of the
    theme's translation tables and the site's ``tables`` (``{"i18n/fr.toml": text}``);
    ``posts`` must include every post the jobs name."""
    theme = compiled_theme(templates)
    words = catalog(tables or {}, config.language)
    views = Views(config, Urls(config), words)
    by_lang: dict[str, tuple[SiteConfig, Views]] = {"": (config, views)}
    by_source = {p.source: p for p in posts}
    files: list[OutputFile] = []
    diags: list[Diagnostic] = list(theme.diagnostics)
    for job in jobs:
        if job.lang not in by_lang:
            lconf = languages.for_language(config, job.lang)
            by_lang[job.lang] = (lconf, Views(lconf, Urls(lconf), words, lconf.language))
        own_config, own_views = by_lang[job.lang]
        out, diag = render_job(job, by_source, own_config, theme, own_views)
        if out is not None:
            files.append(out)
        if diag is not None:
            diags.append(diag)
    return SiteResult(files, diags)
