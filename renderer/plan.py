"""The site plan: published posts -> every output file as an independent job.

Publishing rules (drafts, future posts), ordering, pagination, taxonomies,
feeds, the sitemap and aliases all live here, so that rendering one job
needs nothing but the job and the few posts it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from . import slugs
from .config import SiteConfig
from .diagnostics import Diagnostic, error, warning
from .model import BuildOptions, PageJob, PageKind, Plan, Post, SitemapLink, TermRef

TAXONOMIES = ("tags", "categories")


@dataclass
class _Term:
    name: str
    slug: str
    posts: list[Post]
    sources: set[str]  # of ``posts``: a post tagged 'Go' and 'go' is listed once


def published(posts: Sequence[Post], options: BuildOptions) -> list[Post]:
    """Posts to publish, newest first (ties broken by source path)."""
    keep = [p for p in posts
            if (options.drafts or not p.draft) and (options.future or p.timestamp <= options.build_time)]
    return sorted(keep, key=lambda p: (-p.timestamp, p.source))


def publication_window(posts: Sequence[Post], options: BuildOptions) -> tuple[int, int]:
    """The build times ``[lo, hi)`` around ``options.build_time`` that publish the same posts.

    Planning reads the build time only through :func:`published`, so the
    whole plan is the same for every build time in this span (a property a
    test checks): the host's render cache keys a plan by it, and a build a
    minute later reuses the plan unless a post's date was passed in between.
    Keep it in step with :func:`published`.
    """
    if options.future:
        return (-1 << 63, 1 << 63)
    t = options.build_time
    lo = max((p.timestamp for p in posts if p.timestamp <= t), default=-1 << 63)
    hi = min((p.timestamp for p in posts if p.timestamp > t), default=1 << 63)
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
                            posts=[p.source for p in chunk], number=n, total=total, **extra))  # type: ignore[arg-type]
    if total >= 1:  # /page/1/ is the same list as the first page: redirect it
        jobs.append(PageJob(kind=PageKind.ALIAS, path=f"{prefix}page/1/index.html", url=f"{prefix}page/1/",
                            target=prefix))
    return jobs


def _terms(posts: list[Post], taxonomy: str, diags: list[Diagnostic]) -> list[_Term]:
    by_slug: dict[str, _Term] = {}
    for post in posts:
        for name in getattr(post, taxonomy):
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


def _parent(path: str, levels: int) -> str:
    """``path`` without its last ``levels`` segments."""
    return path.rsplit("/", levels)[0]


def plan_site(posts: Sequence[Post], config: SiteConfig, options: BuildOptions) -> Plan:
    """Every output file of the site as a :class:`PageJob`, in path order."""
    diags: list[Diagnostic] = []
    live = published(posts, options)

    # One post per slug: the first by source path keeps it. Slugs that differ
    # only in case ('ß' and 'ss') clash too: on a case-insensitive disk they
    # are one folder, and the host refuses to write the second.
    owner: dict[str, Post] = {}
    for post in sorted(live, key=lambda p: p.source):
        key = post.slug.casefold()
        if key in owner:
            first = owner[key]
            same = "" if first.slug == post.slug else \
                f" (as {first.slug!r}: the same folder on a case-insensitive disk)"
            diags.append(error(post.source, 0, f"slug {post.slug!r} is already used by "
                                               f"{first.source}{same}; give one of them another 'slug:'"))
            continue
        owner[key] = post
    live = [p for p in live if owner.get(p.slug.casefold()) is p]

    jobs: list[PageJob] = []
    size = config.page_size
    for i, post in enumerate(live):
        older = live[i + 1].source if i + 1 < len(live) else ""
        newer = live[i - 1].source if i > 0 else ""
        jobs.append(PageJob(kind=PageKind.POST, path=post.url_path + "index.html", url=post.url_path,
                            posts=[post.source] + [s for s in (older, newer) if s], prev=older, next=newer))

    jobs += _paginate(PageKind.LIST, "", live, size)
    newest = live[0].lastmod if live else ""
    feed_posts = [p.source for p in live[:config.feed_limit]]
    jobs.append(PageJob(kind=PageKind.FEED, path="index.xml", url="index.xml", posts=feed_posts, lastmod=newest))

    sitemap_links = [SitemapLink("", newest)]
    for taxonomy in TAXONOMIES:
        terms = _terms(live, taxonomy, diags)
        refs = [TermRef(t.name, t.slug, len(t.posts)) for t in terms]
        jobs.append(PageJob(kind=PageKind.TAXONOMY, path=f"{taxonomy}/index.html", url=f"{taxonomy}/",
                            taxonomy=taxonomy, terms=refs))
        sitemap_links.append(SitemapLink(f"{taxonomy}/", newest))
        for term in terms:
            prefix = f"{taxonomy}/{term.slug}/"
            jobs += _paginate(PageKind.TERM, prefix, term.posts, size,
                              taxonomy=taxonomy, term=term.name, term_slug=term.slug)
            jobs.append(PageJob(kind=PageKind.FEED, path=prefix + "index.xml", url=prefix + "index.xml",
                                posts=[p.source for p in term.posts[:config.feed_limit]],
                                taxonomy=taxonomy, term=term.name, term_slug=term.slug,
                                lastmod=term.posts[0].lastmod))
            sitemap_links.append(SitemapLink(prefix, term.posts[0].lastmod))

    sitemap_links += [SitemapLink(p.url_path, p.lastmod) for p in live]
    jobs.append(PageJob(kind=PageKind.SITEMAP, path="sitemap.xml", url="sitemap.xml", links=sitemap_links))
    jobs.append(PageJob(kind=PageKind.NOTFOUND, path="404.html", url="404.html"))
    jobs.append(PageJob(kind=PageKind.CSS, path="css/style.css", url="css/style.css"))
    jobs.append(PageJob(kind=PageKind.ROBOTS, path="robots.txt", url="robots.txt"))

    # Paths (case-folded) already written, and the folders they are in: an
    # alias may neither replace a file nor turn a file into a folder
    # ('css/style.css/' would take the stylesheet's place) or the reverse.
    taken = {job.path.casefold(): "" for job in jobs}
    folders = {_parent(path, i) for path in taken for i in range(1, path.count("/") + 1)}
    for post in sorted(live, key=lambda p: p.source):
        for alias in post.aliases:
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
            jobs.append(PageJob(kind=PageKind.ALIAS, path=alias, url=url, target=post.url_path))

    jobs.sort(key=lambda j: j.path)
    return Plan(jobs, diags)
