"""The site plan: published posts -> every output file as an independent job.

Publishing rules (drafts, future posts), ordering, pagination, taxonomies,
feeds, the sitemap and aliases all live here, so that rendering one job
needs nothing but the job and the few posts it names.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from . import languages, slugs, urls
from .config import SiteConfig
from .diagnostics import Diagnostic, error, warning
from .model import INTRO, PAGE, POST, BuildOptions, FileCopy, Link, PageJob, PageKind, Plan, Post, SitemapLink, TermRef
from .refs import RefIndex

# [feed] formats -> (page kind, file name in the feed's folder). RSS keeps index.xml.
FEED_FILES = {"rss": (PageKind.FEED, "index.xml"), "atom": (PageKind.ATOM, "atom.xml"),
              "json": (PageKind.JSON_FEED, "feed.json")}
SEARCH_PAGE = "search/"
SEARCH_INDEX = "search-index.json"
SEARCH_SCRIPT = "js/search.js"


@dataclass
class _Term:
    name: str
    slug: str
    posts: list[Post]
    sources: set[str]  # of ``posts``: a post tagged 'Go' and 'go' is listed once


def is_published(post: Post, options: BuildOptions) -> bool:
    """Not a draft, not in the future, not expired (unless the options ask for drafts or the future)."""
    if post.draft and not options.drafts:
        return False
    starts = post.publish or post.timestamp
    if starts > options.build_time and not options.future:
        return False
    return not (post.expiry and post.expiry <= options.build_time)


def published(posts: Sequence[Post], options: BuildOptions) -> list[Post]:
    """Posts to publish, newest first (ties broken by source path); weighted ones first, as Hugo lists them."""
    keep = [p for p in posts if p.kind == POST and is_published(p, options)]
    return sorted(keep, key=lambda p: (p.weight == 0, p.weight, -p.timestamp, p.source))


def post_terms(post: Post, taxonomy: str) -> list[str]:
    """A post's terms in ``taxonomy``."""
    if taxonomy == "tags":
        return post.tags
    if taxonomy == "categories":
        return post.categories
    return next((t.terms for t in post.terms if t.taxonomy == taxonomy), [])


def publication_window(posts: Sequence[Post], options: BuildOptions) -> tuple[int, int]:
    """The build times ``[lo, hi)`` around ``options.build_time`` that publish the same posts.

    Planning reads the build time only through :func:`published`, so the
    whole plan is the same for every build time in this span (a property a
    test checks): the host's render cache keys a plan by it, and a build a
    minute later reuses the plan unless a post's date was passed in between.
    Keep it in step with :func:`published`.
    """
    # The times at which is_published() can change its answer for some post: when it
    # starts (publishDate, else its date; not with --future) and when it expires.
    edges = [p.expiry for p in posts if p.expiry]
    if not options.future:
        edges += [p.publish or p.timestamp for p in posts]
    t = options.build_time
    lo = max((e for e in edges if e <= t), default=-1 << 63)
    hi = min((e for e in edges if e > t), default=1 << 63)
    return (lo, hi)


def _pages(total_items: int, size: int) -> int:
    return max(1, -(-total_items // size))


def _list_url(prefix: str, number: int) -> str:
    return prefix if number == 1 else f"{prefix}page/{number}/"


def _paginate(kind: PageKind, prefix: str, posts: list[Post], size: int, **extra: object) -> list[PageJob]:
    total = _pages(len(posts), size)
    jobs = []
    for n in range(1, total + 1):
        url = _list_url(prefix, n)
        chunk = posts[(n - 1) * size:n * size]
        jobs.append(PageJob(kind=kind, path=url + "index.html", url=url,
                            posts=[p.source for p in chunk], number=n, total=total, **extra))  # type: ignore[arg-type]  # extra holds the job's other fields
    if total >= 1:  # /page/1/ is the same list as the first page: redirect it
        jobs.append(PageJob(kind=PageKind.ALIAS, path=f"{prefix}page/1/index.html", url=f"{prefix}page/1/",
                            target=prefix))
    return jobs


def _terms(posts: list[Post], taxonomy: str, diags: list[Diagnostic]) -> list[_Term]:
    by_slug: dict[str, _Term] = {}
    for post in posts:
        for name in post_terms(post, taxonomy):
            slug = slugs.term_slug(name)
            if not slug:
                why = ("has no letters or digits" if not slugs.slugify(name)
                       else "would need a URL the taxonomy uses itself")
                diags.append(warning(post.source, 0, f"{taxonomy[:-1]} {name!r} {why}; "
                                                     "it is left out of the taxonomy"))
                continue
            term = by_slug.setdefault(slug, _Term(name, slug, [], set()))
            if post.source not in term.sources:
                term.sources.add(post.source)
                term.posts.append(post)
    return sorted(by_slug.values(), key=lambda t: (t.name.casefold(), t.slug))


def _feeds(prefix: str, posts: list[Post], config: SiteConfig, **extra: str) -> list[PageJob]:
    """The feeds of the whole site (``prefix`` "") or of one term, one job per format."""
    sources = [p.source for p in posts[:config.feed_limit]]
    lastmod = posts[0].lastmod if posts else ""
    jobs = []
    for fmt in config.feed_formats:
        kind, name = FEED_FILES[fmt]
        jobs.append(PageJob(kind=kind, path=prefix + name, url=prefix + name, posts=list(sources), lastmod=lastmod,
                            **extra))  # type: ignore[arg-type]  # extra holds the job's other fields
    return jobs


def _search(live: list[Post]) -> list[PageJob]:
    """The search page (every post listed, for readers without JavaScript), its index and script."""
    sources = [p.source for p in live]
    return [PageJob(kind=PageKind.SEARCH, path=SEARCH_PAGE + "index.html", url=SEARCH_PAGE, posts=sources),
            PageJob(kind=PageKind.SEARCH_INDEX, path=SEARCH_INDEX, url=SEARCH_INDEX, posts=list(sources),
                    lastmod=live[0].lastmod if live else ""),
            PageJob(kind=PageKind.SEARCH_SCRIPT, path=SEARCH_SCRIPT, url=SEARCH_SCRIPT)]


def _parent(path: str, levels: int) -> str:
    """``path`` without its last ``levels`` segments."""
    return path.rsplit("/", levels)[0]


def _claim_urls(items: list[Post], diags: list[Diagnostic]) -> list[Post]:
    """One page per URL: the first by source path keeps it. URLs that differ only in
    case ('ß' and 'ss') clash too: on a case-insensitive disk they are one folder."""
    owner: dict[str, Post] = {}
    for post in sorted(items, key=lambda p: p.source):
        key = post.url_path.casefold()
        if key in owner:
            first = owner[key]
            by_slug = post.url_path == f"posts/{post.slug}/" and first.url_path == f"posts/{first.slug}/"
            shown = repr(first.slug) if by_slug else repr(first.url_path)
            same = "" if first.url_path == post.url_path else \
                f" (as {shown}: the same folder on a case-insensitive disk)"
            what = f"slug {post.slug!r}" if by_slug else f"URL /{post.url_path}"
            diags.append(error(post.source, 0, f"{what} is already used by "
                                               f"{first.source}{same}; give one of them another 'slug:'"))
            continue
        owner[key] = post
    return [p for p in items if owner.get(p.url_path.casefold()) is p]


def make_plan(posts: Sequence[Post], config: SiteConfig, options: BuildOptions) -> Plan:
    """Every output file of the site as a :class:`PageJob`, in path order: one planner per family of
    pages (posts and pages, the home page's list, section lists, taxonomies, the site's own files,
    aliases), as Zola's ``render_*``. A multilingual site is planned language by language
    (:func:`_plan_languages`)."""
    if languages.is_multilingual(config):
        return _plan_languages(posts, config, options)
    return _plan_one(posts, config, options)


def _plan_languages(posts: Sequence[Post], config: SiteConfig, options: BuildOptions) -> Plan:
    """Each language planned as a site of its own, its pages under its prefix (``fr/``), as Hugo writes
    them: each has its lists, taxonomies, feeds, search, 404 page and sitemap (``fr/sitemap.xml``, the
    default language's too: ``/sitemap.xml`` is their index); robots.txt once, at the top. Each page
    that exists in several languages lists them all (``translations``)."""
    langs = languages.languages(config)
    assert langs is not None
    by_lang: dict[str, list[Post]] = {}
    for post in posts:
        by_lang.setdefault(languages.language_of(config, post.source)[0], []).append(post)
    jobs: list[PageJob] = []
    diags: list[Diagnostic] = []
    copies: list[FileCopy] = []
    sitemaps: list[SitemapLink] = []
    keys: dict[str, list[tuple[str, str]]] = {}  # translation key -> (language, URL from the site's root)
    job_keys: list[tuple[int, list[str]]] = []
    for lang in langs.languages:
        own = by_lang.get(lang.key, [])
        lconf = languages.for_language(config, lang.key)
        plan = _plan_one(own, lconf, options, unknown=False)
        diags += plan.diagnostics
        by_source = {p.source: p for p in own}
        for job in plan.jobs:
            if job.kind in (PageKind.ROBOTS, PageKind.CSS, PageKind.SEARCH_SCRIPT):
                if lang.key == langs.default:  # once for the whole site, at the top (robots.txt, as Hugo)
                    jobs.append(replace(job, lang=""))  # robots.txt names the sitemap index
                continue
            if job.kind == PageKind.SITEMAP:
                sitemaps.append(SitemapLink(f"{lang.key}/sitemap.xml", max((link.lastmod for link in job.links),
                                                                           default="")))
                job = replace(job, path=f"{lang.key}/sitemap.xml", lang=lang.key)
            else:
                job = replace(job, path=lang.prefix + job.path, lang=lang.key)
            found = _job_keys(job, by_source, lconf)
            if found:
                job_keys.append((len(jobs), found))
                for key in found:
                    keys.setdefault(key, []).append((lang.key, lang.prefix + job.url))
            jobs.append(job)
        copies += [FileCopy(c.source, lang.prefix + c.path) for c in plan.copies]
    jobs, job_keys = _one_per_path(jobs, job_keys, diags)
    if "sitemap" not in config.disable_kinds:
        jobs.append(PageJob(kind=PageKind.SITEMAP_INDEX, path="sitemap.xml", url="sitemap.xml", links=sitemaps))
    if langs.in_subdir:
        home = (langs.get(langs.default) or langs.languages[0]).prefix
        jobs.append(PageJob(kind=PageKind.ALIAS, path="index.html", url="", target=home))
    order = {key: i for i, key in enumerate(langs.keys)}
    by_url: dict[tuple[str, str], list[Link]] = {}  # (language, its URL) -> the page in each language
    for index, found in job_keys:
        seen: dict[str, str] = {}
        for key in found:
            for lang_key, url in keys.get(key, []):
                seen.setdefault(lang_key, url)
        if len(seen) > 1:
            links = [Link(k, seen[k]) for k in sorted(seen, key=lambda k: order.get(k, len(order)))]
            jobs[index] = replace(jobs[index], translations=links)
            by_url[(jobs[index].lang, jobs[index].url)] = links
    for index, job in enumerate(jobs):  # each sitemap entry with its alternates, as Hugo's sitemaps have them
        if job.kind == PageKind.SITEMAP and by_url:
            jobs[index] = replace(job, links=[replace(link, alternates=by_url.get((job.lang, link.url), []))
                                              for link in job.links])
    jobs.sort(key=lambda j: j.path)
    return Plan(jobs, diags + _unknown_keys(posts), copies)


def _one_per_path(jobs: list[PageJob], job_keys: list[tuple[int, list[str]]],
                  diags: list[Diagnostic]) -> tuple[list[PageJob], list[tuple[int, list[str]]]]:
    """One job per output path (case-folded) across the languages: a page of one language at another's
    prefix (``url: /fr/`` in English) would take the other's page; the first language's is kept."""
    owner: dict[str, PageJob] = {}
    kept: list[PageJob] = []
    index: dict[int, int] = {}
    for i, job in enumerate(jobs):
        first = owner.get(job.path.casefold())
        if first is not None:
            blame = job.posts[0] if job.kind in (PageKind.POST, PageKind.PAGE) and job.posts else \
                first.posts[0] if first.kind in (PageKind.POST, PageKind.PAGE) and first.posts else "site.toml"
            diags.append(error(blame, 0, f"/{job.path} is a page of both {first.lang!r} and {job.lang!r}; "
                                         "give one of them another URL"))
            continue
        owner[job.path.casefold()] = job
        index[i] = len(kept)
        kept.append(job)
    return kept, [(index[i], found) for i, found in job_keys if i in index]


def _job_keys(job: PageJob, posts: dict[str, Post], config: SiteConfig) -> list[str]:
    """What links ``job`` to the same page in other languages: its content file's keys (path, and
    ``translationKey``), or the list it is (the home page, a section, a taxonomy, a term); first pages only."""
    if job.number != 1:
        return []
    if job.kind in (PageKind.POST, PageKind.PAGE):
        post = posts.get(job.posts[0]) if job.posts else None
        return languages.translation_keys(config, post.source, post.params_json) if post else []
    if job.kind == PageKind.LIST:
        return ["list:" + job.section]
    if job.kind == PageKind.TAXONOMY:
        return ["taxonomy:" + job.taxonomy]
    if job.kind == PageKind.TERM:
        return [f"term:{job.taxonomy}/{job.term_slug}"]
    if job.kind == PageKind.SEARCH:
        return ["own:" + job.kind]
    return []  # a 404 page declares no alternates: it is no page of the site


def _plan_one(posts: Sequence[Post], config: SiteConfig, options: BuildOptions, unknown: bool = True) -> Plan:
    """The plan of a site in one language (``unknown``: with the warnings about front-matter keys)."""
    diags: list[Diagnostic] = []
    live, pages, intros = _published_content(posts, options, diags)
    refs = RefIndex([*live, *pages, *intros.values()], config)
    sitemap_links: list[SitemapLink] = []
    jobs = _page_jobs(live, pages)
    main = [p for p in live if not config.main_sections or p.section in config.main_sections]
    newest = main[0].lastmod if main else ""
    jobs += _home_list(main, live, intros, config, sitemap_links)
    jobs += _section_lists(live, pages, intros, config, jobs, sitemap_links)
    for job in jobs:
        if job.kind == PageKind.LIST and job.section and job.number == 1:
            refs.add_section(job.section, job.url)  # a section without an _index.md is a page Hugo's refs find
    jobs += _taxonomy_lists(live, pages, intros, config, newest, sitemap_links, diags)
    sitemap_links += [SitemapLink(p.url_path, p.lastmod) for p in [*live, *pages]]
    jobs, sitemap_links = _without_disabled(jobs, sitemap_links, config)
    jobs += _site_files(sitemap_links, config)
    _resolve_refs(jobs, refs, [*live, *pages, *intros.values()], diags)
    listed_intros = [p for p in intros.values() if any(j.intro == p.source for j in jobs)]
    jobs += _alias_jobs(jobs, [*live, *pages, *listed_intros], config, diags)
    copies = _copies([*live, *pages, *listed_intros])
    if unknown:
        diags += _unknown_keys(posts)
    jobs.sort(key=lambda j: j.path)
    return Plan(jobs, diags, copies)


def _published_content(posts: Sequence[Post], options: BuildOptions,
                       diags: list[Diagnostic]) -> tuple[list[Post], list[Post], dict[str, Post]]:
    """The published posts (newest first), pages and intros (by the URL of their list), one per URL."""
    live = _claim_urls(published(posts, options), diags)
    pages = _claim_urls(sorted((p for p in posts if p.kind == PAGE and is_published(p, options)),
                               key=lambda p: p.source), diags)
    taken_urls = {p.url_path.casefold(): p.source for p in live}
    for page in [p for p in pages if p.url_path.casefold() in taken_urls]:
        diags.append(error(page.source, 0, f"URL /{page.url_path} is already used by "
                                           f"{taken_urls[page.url_path.casefold()]}; give one of them another "
                                           "'slug:'"))
    pages = [p for p in pages if p.url_path.casefold() not in taken_urls]
    intros = {p.url_path: p for p in sorted((p for p in posts if p.kind == INTRO and is_published(p, options)),
                                            key=lambda p: p.source, reverse=True)}
    return live, pages, intros


def _page_jobs(live: list[Post], pages: list[Post]) -> list[PageJob]:
    """A page for each post (with its older and newer neighbours) and each standalone page."""
    jobs: list[PageJob] = []
    for i, post in enumerate(live):
        older = live[i + 1].source if i + 1 < len(live) else ""
        newer = live[i - 1].source if i > 0 else ""
        jobs.append(PageJob(kind=PageKind.POST, path=urls.output_path(post.url_path), url=post.url_path,
                            posts=[post.source] + [s for s in (older, newer) if s], prev=older, next=newer,
                            section=post.section))
    for page in pages:
        jobs.append(PageJob(kind=PageKind.PAGE, path=urls.output_path(page.url_path), url=page.url_path,
                            posts=[page.source], section=page.section))
    return jobs


def _home_list(main: list[Post], live: list[Post], intros: dict[str, Post], config: SiteConfig,
               sitemap_links: list[SitemapLink]) -> list[PageJob]:
    """The home page's list of the main sections' posts, the site's feeds, the search page."""
    jobs = _paginate(PageKind.LIST, "", main, config.page_size, intro=intros[""].source if "" in intros else "")
    jobs += _feeds("", main, config)
    if config.search_enabled:
        jobs += _search(live)
    sitemap_links.append(SitemapLink("", main[0].lastmod if main else ""))
    return jobs


def _taxonomy_lists(live: list[Post], pages: list[Post], intros: dict[str, Post], config: SiteConfig,
                    newest: str, sitemap_links: list[SitemapLink], diags: list[Diagnostic]) -> list[PageJob]:
    """Each taxonomy's page of terms, and each term's list and feeds."""
    jobs: list[PageJob] = []

    def intro(url: str) -> str:
        return intros[url].source if url in intros else ""

    for taxonomy in (t.plural for t in config.taxonomies):
        # Hugo: a standalone page's terms count as a post's (Hugo lists every regular page), after the posts
        terms = _terms(live + (pages if config.layout == "hugo" else []), taxonomy, diags)
        refs_ = [TermRef(t.name, t.slug, len(t.posts)) for t in terms]
        jobs.append(PageJob(kind=PageKind.TAXONOMY, path=f"{taxonomy}/index.html", url=f"{taxonomy}/",
                            taxonomy=taxonomy, terms=refs_, intro=intro(f"{taxonomy}/")))
        sitemap_links.append(SitemapLink(f"{taxonomy}/", newest))
        for term in terms:
            prefix = f"{taxonomy}/{term.slug}/"
            jobs += _paginate(PageKind.TERM, prefix, term.posts, config.page_size,
                              taxonomy=taxonomy, term=term.name, term_slug=term.slug, intro=intro(prefix))
            dated = [p for p in term.posts if p.kind == POST]  # feeds list dated posts only
            jobs += _feeds(prefix, dated, config, taxonomy=taxonomy, term=term.name, term_slug=term.slug)
            sitemap_links.append(SitemapLink(prefix, term.posts[0].lastmod))
    return jobs


def _without_disabled(jobs: list[PageJob], sitemap_links: list[SitemapLink],
                      config: SiteConfig) -> tuple[list[PageJob], list[SitemapLink]]:
    """``jobs`` without the kinds Hugo's ``disableKinds`` names (nor their page/1/ redirects and sitemap
    entries), and without redirects when ``disableAliases`` is set."""
    if config.disable_kinds:
        jobs = [j for j in jobs if _hugo_kind(j) not in config.disable_kinds]
        written = {j.url for j in jobs if j.kind != PageKind.ALIAS}
        jobs = [j for j in jobs if j.kind != PageKind.ALIAS or j.target in written]  # page/1/ of a list not written
        sitemap_links = [link for link in sitemap_links if link.url in written]
    if config.disable_aliases:
        jobs = [j for j in jobs if j.kind != PageKind.ALIAS]  # page/1/ redirects too: Hugo writes none
    return jobs, sitemap_links


def _site_files(sitemap_links: list[SitemapLink], config: SiteConfig) -> list[PageJob]:
    """The sitemap, the 404 page, the stylesheet, robots.txt (unless Hugo's disableKinds leaves one out)."""
    files = (PageJob(kind=PageKind.SITEMAP, path="sitemap.xml", url="sitemap.xml", links=sitemap_links),
             PageJob(kind=PageKind.NOTFOUND, path="404.html", url="404.html"),
             PageJob(kind=PageKind.CSS, path="css/style.css", url="css/style.css"),
             PageJob(kind=PageKind.ROBOTS, path="robots.txt", url="robots.txt"))
    return [job for job in files if _hugo_kind(job) not in config.disable_kinds]


def _resolve_refs(jobs: list[PageJob], refs: RefIndex, content: list[Post], diags: list[Diagnostic]) -> None:
    """Where each ref/relref of the posts a page shows leads (a list shows summaries, a feed whole posts)."""
    by_source = {p.source: p for p in content}
    for job in jobs:
        if job.kind in (PageKind.SEARCH, PageKind.SEARCH_INDEX):
            continue  # they show titles and terms, not posts' text
        bodies = job.posts[:1] if job.kind in (PageKind.POST, PageKind.PAGE) else job.posts  # not neighbours
        shown = [by_source[s] for s in [*bodies, job.intro] if s in by_source]
        job.refs.extend(refs.links(shown, diags))


def _alias_jobs(jobs: list[PageJob], content: list[Post], config: SiteConfig,
                diags: list[Diagnostic]) -> list[PageJob]:
    """A redirect page for each alias of the pages written.

    Paths (case-folded) already written, and the folders they are in: an
    alias may neither replace a file nor turn a file into a folder
    ('css/style.css/' would take the stylesheet's place) or the reverse.
    """
    out: list[PageJob] = []
    taken = {job.path.casefold(): "" for job in jobs}
    folders = {_parent(path, i) for path in taken for i in range(1, path.count("/") + 1)}
    for post in sorted(content, key=lambda p: p.source):
        for alias in [] if config.disable_aliases else post.aliases:
            if alias == urls.output_path(post.url_path):
                continue  # an alias of a page to itself (a Hugo site moved into wasmblog's layout)
            key = alias.casefold()
            clash = next((p for p in [key] + [_parent(key, i) for i in range(1, key.count("/") + 1)]
                          if p in taken), None)
            if clash is None and key in folders:
                clash = key
            if clash is not None:
                who = taken.get(clash, "")
                what = f"the alias of {who}" if who else "a page of the site"
                diags.append(error(post.source, 0, f"alias {alias!r} would overwrite {what}; remove it"))
                continue
            taken[key] = post.source
            folders.update(_parent(key, i) for i in range(1, key.count("/") + 1))
            url = alias[:-len("index.html")] if alias.endswith("index.html") else alias
            out.append(PageJob(kind=PageKind.ALIAS, path=alias, url=url, target=post.url_path))
    return out


def _folder(post: Post, config: SiteConfig) -> str:
    """The content folder a file is in ("docs/sub"); a bundle's is the folder holding the bundle."""
    root = config.content_dir + "/" if config.content_dir else ""
    rel = post.source[len(root):] if post.source.startswith(root) else post.source
    parts = rel.split("/")[:-1]
    if rel.rsplit("/", 1)[-1].startswith("index.") and parts:
        parts = parts[:-1]
    return "/".join(parts)


def _section_lists(live: list[Post], pages: list[Post], intros: dict[str, Post], config: SiteConfig,
                   jobs: list[PageJob], sitemap_links: list[SitemapLink]) -> list[PageJob]:
    """The section lists. A section is a top-level folder with posts, or (Hugo) any folder with an
    ``_index.md``, at any depth, at its folders' URL (``docs/sub/``); it lists the posts in it and in the
    folders under it, and its sub-sections and undated pages (``children``), as Hugo's ``.Pages``."""
    hugo = config.layout == "hugo"
    folders: dict[str, str] = {}  # content folder -> its list's URL
    for post in live:
        if post.section:
            folders.setdefault(post.section, urls.folder_url([slugs.slugify(post.section)])
                               if slugs.slugify(post.section) else "")
    by_url = {}
    for intro in intros.values():
        folder = _folder(intro, config) if hugo else ""
        if hugo and folder and not any(folder == t.plural or folder.startswith(t.plural + "/")
                                       for t in config.taxonomies):
            folders[folder] = intro.url_path
        by_url[intro.url_path] = intro
    if not hugo:  # wasmblog's own layout: sections by their top-level folder, as before
        folders = {p.section: urls.folder_url([slugs.slugify(p.section)]) if slugs.slugify(p.section) else ""
                   for p in live}

    def within(post: Post, folder: str) -> bool:
        if not hugo:
            return post.section == folder
        own = _folder(post, config)
        return own == folder or own.startswith(folder + "/")

    def parent(folder: str) -> str | None:
        while "/" in folder:
            folder = folder.rsplit("/", 1)[0]
            if folder in folders:
                return folder
        return None

    out: list[PageJob] = []
    for folder, prefix in sorted(folders.items()):
        if not prefix or any(j.path == prefix + "index.html" for j in jobs):
            continue  # a post or page took the section's URL
        if config.layout == "wasmblog" and prefix not in intros:
            continue  # wasmblog's own sites list posts on the home page; posts/_index.md adds /posts/
        members = [p for p in live if within(p, folder)]
        children = [] if not hugo else [
            Link(by_url[url].title if url in by_url else views_title(sub), url)
            for sub, url in sorted(folders.items()) if parent(sub) == folder and url] + [
            Link(p.title, p.url_path) for p in sorted(pages, key=lambda p: (p.weight == 0, p.weight, p.title))
            if _folder(p, config) == folder]
        shown = intros[prefix].source if prefix in intros else ""
        out += _paginate(PageKind.LIST, prefix, members, config.page_size, section=folder, intro=shown,
                         children=children)
        sitemap_links.append(SitemapLink(prefix, members[0].lastmod if members else ""))
    return out


def views_title(folder: str) -> str:
    """A section's title when it has no _index.md: its folder's name, capitalised ("Blog")."""
    name = folder.rsplit("/", 1)[-1]
    return name[:1].upper() + name[1:]


def _hugo_kind(job: PageJob) -> str:
    """The kind Hugo's ``disableKinds`` names ``job`` by ("" for what it has no name for)."""
    if job.kind in (PageKind.FEED, PageKind.ATOM, PageKind.JSON_FEED):
        return "term" if job.term_slug else "rss"
    if job.kind == PageKind.LIST:
        return "section" if job.section else "home"
    return {PageKind.POST: "page", PageKind.PAGE: "page", PageKind.TAXONOMY: "taxonomy", PageKind.TERM: "term",
            PageKind.SITEMAP: "sitemap", PageKind.ROBOTS: "robotstxt", PageKind.NOTFOUND: "404"}.get(job.kind, "")


def _copies(items: list[Post]) -> list[FileCopy]:
    """A bundle's files, copied next to its page (``posts/x/cover.jpg`` -> ``posts/x/cover.jpg``
    under the page's URL)."""
    out = []
    for post in sorted(items, key=lambda p: p.source):
        folder = post.source.rsplit("/", 1)[0] + "/"
        for resource in sorted(post.resources):
            if resource.startswith(folder):
                out.append(FileCopy(resource, post.url_path + resource[len(folder):]))
    return out


def _unknown_keys(posts: Sequence[Post]) -> list[Diagnostic]:
    """One warning per front-matter key that wasmblog does not use (Hugo sites), naming the first file."""
    first: dict[str, str] = {}
    count: dict[str, int] = {}
    for post in sorted(posts, key=lambda p: p.source):
        for key in post.unknown_keys:
            first.setdefault(key, post.source)
            count[key] = count.get(key, 0) + 1
    return [warning(first[key], 0, f"front-matter key {key!r} (in {count[key]} file{'s' * (count[key] != 1)}) "
                                   "is not used by wasmblog; templates still see it as page.params."
                                   f"{key}") for key in sorted(first)]
