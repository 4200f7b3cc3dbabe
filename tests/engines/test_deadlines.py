"""How long a render call may take: the same rule for a page wherever it is rendered.

A page gets one deadline (limits.render_timeout), one more per 1,000 posts or
links it shows and one per 512 KB of posts it is given; a batch of pages gets
at most four pages' first deadlines but every page's extra ones. So the page
that `wasmblog serve` renders alone has the deadline it has in a build.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from renderer.model import PageJob, PageKind, SitemapLink
from wasm_host.engines import BATCH_DEADLINE_ITEMS, render_items
from wasm_host.engines.base import POSTS_PER_DEADLINE, page_items


def listing(kind: PageKind, posts: int) -> PageJob:
    return PageJob(kind, f"{kind.value}/index.html", f"{kind.value}/", posts=[f"posts/p{i}.md" for i in range(posts)])


def test_the_search_page_of_a_5479_post_site_gets_a_deadline_per_thousand_posts_alone():
    assert render_items([listing(PageKind.SEARCH, 5_479)], []) == 1 + 5


def test_a_post_page_alone_gets_one_deadline():
    assert render_items([PageJob(PageKind.POST, "posts/a/index.html", "posts/a/", posts=["posts/a.md"])], []) == 1


def test_a_sitemap_counts_its_links():
    job = PageJob(PageKind.SITEMAP, "sitemap.xml", "sitemap.xml",
                  links=[SitemapLink(f"https://example.org/{i}/", "") for i in range(2_500)])
    assert page_items(job) == 2


@settings(deadline=None)  # a loaded machine is slower, never wrong
@given(st.lists(st.integers(0, 12_000), min_size=1, max_size=12))
def test_a_batch_gets_at_least_the_deadline_of_each_of_its_pages_alone(sizes):
    jobs = [listing(PageKind.LIST, n) for n in sizes]
    batch = render_items(jobs, [])
    assert all(batch >= render_items([job], []) for job in jobs)
    assert batch == min(len(jobs), BATCH_DEADLINE_ITEMS) + sum(n // POSTS_PER_DEADLINE for n in sizes)
