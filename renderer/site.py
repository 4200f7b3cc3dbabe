"""The site pipeline: sources -> posts -> plan -> files, as pure functions.

``render_site`` runs the three stages in one call. The stages are public
too, so a host can run them in separate sandbox instances (``--jobs N``,
the per-request server) and get exactly the same bytes: each stage is a
function of its arguments only, and diagnostics are put in a canonical
order at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from . import content, dates, languages, plan
from .config import CONFIG_PATH, SiteConfig, parse_config
from .diagnostics import Diagnostic, SourceError, error, sort_key, warning
from .model import BuildOptions, PageJob, PageKind, ParseResult, Plan, Post, SiteResult
from .reads import ALL_BODY, INDEX_WITHHELD, withheld_fields
from .shortcodes import site as site_shortcodes
from .i18n import I18N_PREFIX, site_tables
from .i18n import catalog as i18n_catalog
from .shortcodes.site import GO_PREFIX
from .templates import render_pages as _render_with_theme

SHORTCODE_PREFIX = "shortcodes/"  # a template named shortcodes/NAME.html is the shortcode NAME


SIZE_MARK = content.SIZE_MARK  # what the host puts between a bundle image's path and its size


@dataclass(frozen=True)
class Source:
    """One input file: its path relative to the site folder and its raw bytes.

    ``resources`` are the other files of a page bundle (``posts/x/index.md``'s
    images), as site-relative paths the host listed: the plan copies them
    next to the page.
    """

    path: str
    data: bytes
    resources: tuple[str, ...] = ()
    # Hugo sites: the bytes of the _index.md files above it that set a `cascade`, nearest first (the host
    # lists them, so that each file still parses on its own, and a change to one reparses what it reaches).
    cascade: tuple[bytes, ...] = ()


def shortcode_templates(templates: Mapping[str, str]) -> dict[str, str]:
    """The site's shortcodes (``{NAME: source}``) among its templates (``shortcodes/NAME.html``), and a
    Hugo site's Go templates as they are (``go:shortcodes/NAME.html``, ``go:partials/PATH``), with the
    site's translation tables (``i18n/LANG.toml``) when it has Go templates (their ``i18n``/``T``)."""
    found = {name[len(SHORTCODE_PREFIX):-len(".html")]: text for name, text in templates.items()
             if name.startswith(SHORTCODE_PREFIX) and name.endswith(".html")}
    found.update((name, text) for name, text in templates.items() if name.startswith(GO_PREFIX))
    if any(name.startswith(GO_PREFIX) for name in found):
        found.update(site_tables(templates))
    return found


def theme_templates(templates: Mapping[str, str]) -> dict[str, str]:
    """The theme overrides among a site's templates (the shortcodes are not theme templates)."""
    return {name: text for name, text in templates.items()
            if not name.startswith((SHORTCODE_PREFIX, GO_PREFIX, I18N_PREFIX))}


@lru_cache(maxsize=8)
def load_config(text: str) -> tuple[SiteConfig, tuple[Diagnostic, ...]]:
    """Parse ``site.toml`` text (cached: every stage needs it)."""
    config, diags = parse_config(text)
    if not config.site_root:
        diags.append(warning(CONFIG_PATH, 0, "'base_url' is not an absolute URL such as 'https://example.org/'; "
                                             "feed and sitemap links will be relative"))
    return config, tuple(diags)


def site_config(config: str | SiteConfig) -> tuple[SiteConfig, tuple[Diagnostic, ...]]:
    """A stage's ``config`` argument: ``site.toml`` text, or a config already parsed.

    Hosts that run many calls (a sandbox per page) parse the text once and
    pass the result; its diagnostics are then theirs to report.
    """
    if isinstance(config, SiteConfig):
        return config, ()
    return load_config(config)


def finalize(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics in canonical order, each once."""
    return sorted(set(diagnostics), key=sort_key)


def parse_posts(sources: Sequence[Source], config: str | SiteConfig, tzif: bytes = b"",
                shortcodes: Mapping[str, str] | None = None) -> ParseResult:
    """Stage 1: parse and render each post's Markdown. Order of ``sources`` is kept.

    ``shortcodes`` are the site's own (``{NAME: template source}``).
    """
    site, _ = site_config(config)
    compiled = site_shortcodes.compiled(shortcodes or {})
    diags: list[Diagnostic] = []
    try:
        zone = dates.load_zone(site.timezone, tzif)
    except SourceError as exc:
        diags.append(error(CONFIG_PATH, 0, exc.message + "; dates without an offset are read as UTC"))
        zone = dates.UTC
    posts: list[Post] = []
    multilingual = languages.is_multilingual(site)
    for source in sources:
        own, logical = site, ""
        if multilingual:
            key, logical = languages.language_of(site, source.path)
            if not key:
                continue  # a disabled language's file: not built, as in Hugo
            own = languages.for_language(site, key)
        elif site.languages_json and languages.disabled_file(site, source.path):
            continue  # a disabled language's file: not built, as in Hugo
        post, post_diags = content.parse_post(source.path, source.data, own, zone, tuple(source.resources),
                                              compiled, tuple(source.cascade), logical)
        diags.extend(post_diags)
        if post is not None:
            posts.append(post)
    return ParseResult(posts, diags)


def plan_site(posts: Sequence[Post], config: str | SiteConfig, options: BuildOptions) -> Plan:
    """Stage 2: every output file as a job. Also reports the config text's diagnostics."""
    site, config_diags = site_config(config)
    result = plan.make_plan(posts, site, options)
    return Plan(result.jobs, list(config_diags) + result.diagnostics, result.copies)


def render_pages(jobs: Sequence[PageJob], posts: Sequence[Post], config: str | SiteConfig,
                 templates: Mapping[str, str]) -> SiteResult:
    """Stage 3: render jobs. ``posts`` must hold every post the jobs name.

    Every call also reports the problems of the templates themselves (the theme
    overrides' and the shortcode templates': syntax, a template named that does
    not exist, a block never shown), whatever the jobs: with no jobs, that is
    all it does, which is how a host checks what every page depends on.
    """
    site, _ = site_config(config)
    tables = site_tables(templates)
    result = _render_with_theme(jobs, posts, site, theme_templates(templates), tables)
    # (the Jinja2 ones: a Hugo site's Go templates say what they cannot do where they are called)
    shortcodes = {name: text for name, text in shortcode_templates(templates).items()
                  if not name.startswith((GO_PREFIX, I18N_PREFIX))}
    if shortcodes:
        result.diagnostics[:0] = site_shortcodes.problems(shortcodes)
    if tables:  # what is wrong with the site's translation tables, once per render call, as for templates
        result.diagnostics[:0] = i18n_catalog(tables, site.language).diagnostics
    return result


NONE: frozenset[str] = frozenset()


def job_posts(jobs: Sequence[PageJob], posts: Mapping[str, Post], templates: Mapping[str, str],
              hidden: Mapping[PageKind, frozenset[str]] | None = None) -> list[Post]:
    """Exactly the posts ``jobs`` need, in source order, for a render call, each in the shape they read.

    A post page gets its post whole. A post a job only links to (a post
    page's neighbours) goes without any body field: rendering reads only the
    title, URL and date of a neighbour. The search index reads a post's
    summary and terms, not its body (10,000 bodies are tens of megabytes to
    copy). A list, term, feed or search page gets its posts without the
    body fields that no template it can reach names (``templates``: the
    site's overrides; see :mod:`renderer.reads`): with the default theme a
    list page gets no post's body, so a body edit renders no list again
    (unless the post's reading time changes, which lists print). A post two
    jobs of the call need gets what either needs. (``hidden``: ``withheld_fields(templates)``, when the
    caller has it already.)
    """
    return [posts[s].withholding(w) if w else posts[s] for s, w in job_shapes(jobs, templates, hidden)
            if s in posts]


def job_shapes(jobs: Sequence[PageJob], templates: Mapping[str, str],
               hidden: Mapping[PageKind, frozenset[str]] | None = None) -> list[tuple[str, frozenset[str]]]:
    """The posts ``jobs`` name, in source order, each with the body fields withheld from it (:func:`job_posts`)."""
    hidden_for = withheld_fields(templates) if hidden is None else hidden
    withheld: dict[str, frozenset[str]] = {}

    def need(source: str, fields: frozenset[str]) -> None:
        seen = withheld.get(source)
        withheld[source] = fields if seen is None else seen & fields

    for job in jobs:
        if job.kind in (PageKind.POST, PageKind.PAGE):  # (its posts: itself, and its neighbours)
            links = (job.prev, job.next)
            for s in job.posts:
                need(s, ALL_BODY if s in links else NONE)
        elif job.kind == PageKind.SEARCH_INDEX:
            for s in job.posts:
                need(s, INDEX_WITHHELD)
        else:
            fields = hidden_for.get(PageKind(job.kind), NONE)
            for s in job.posts:
                need(s, fields)
        if job.intro:
            need(job.intro, NONE)
    return sorted(withheld.items())


def render_site(sources: Sequence[Source], config: str, templates: Mapping[str, str],
                options: BuildOptions, tzif: bytes = b"") -> SiteResult:
    """The whole site in one call: sources, config text, template overrides,
    build options (with the build time) in; output files and diagnostics out.
    """
    parsed = parse_posts(sources, config, tzif, shortcode_templates(templates))
    site_plan = plan_site(parsed.posts, config, options)
    rendered = render_pages(site_plan.jobs, parsed.posts, config, templates)
    diags = finalize([*parsed.diagnostics, *site_plan.diagnostics, *rendered.diagnostics])
    return SiteResult(sorted(rendered.files, key=lambda f: f.path), diags, site_plan.copies)
