"""What both engines share: the render core's API as a protocol, faults, deadlines, limits.

Both engines expose the render core's API (``parse_posts``, ``plan_site``,
``render_pages``, ``render_site``, ``render_markdown``) with the same
arguments and result types, so a caller switches engines by switching one
object. A call that the engine had to stop (deadline, memory cap, trap)
raises :class:`SandboxFault`; the caller decides what input to blame.
"""

from __future__ import annotations

from typing import Any, Protocol
from collections.abc import Mapping, Sequence

from renderer import BuildOptions, PageJob, ParseResult, Plan, Post, SiteResult, Source
from renderer.config import Limits, SiteConfig


class SandboxFault(Exception):
    """A render call was stopped: ``kind`` is timeout, memory, stack or trap."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class Renderer(Protocol):
    """The render core's API, the one both engines offer (mypy checks each against it).

    ``timeout`` (seconds, per deadline unit) and ``memory_mb`` are the caps of
    every call; ``config`` is site.toml's text or a parsed ``SiteConfig``.
    """

    name: str
    timeout: float
    memory_mb: int

    def parse_posts(self, sources: Sequence[Source], config: str | SiteConfig, tzif: bytes = b"",
                    shortcodes: Mapping[str, str] | None = None) -> ParseResult: ...

    def plan_site(self, posts: Sequence[Post], config: str | SiteConfig, options: BuildOptions) -> Plan: ...

    def render_pages(self, jobs: Sequence[PageJob], posts: Sequence[Post], config: str | SiteConfig,
                     templates: Mapping[str, str]) -> SiteResult: ...

    def render_site(self, sources: Sequence[Source], config: str, templates: Mapping[str, str],
                    options: BuildOptions, tzif: bytes = b"") -> SiteResult: ...

    def render_markdown(self, text: str, **options: Any) -> str: ...

    def limited(self, limits: Limits) -> Renderer:
        """This engine with the caps of a site's ``[limits]``: a new engine; this one is left as it was."""
        ...


# How long one call may take: render_timeout per item, but a batch gets at
# most BATCH_DEADLINE_ITEMS items' worth (plus one per BYTES_PER_DEADLINE of
# input, and one per POSTS_PER_DEADLINE posts or links a page shows). A batch
# that runs out is retried one item at a time, each with its own page's
# deadline, so the results are the same; the cap only bounds what one runaway
# post or template costs: about (BATCH_DEADLINE_ITEMS + 1) x render_timeout,
# however large the batch it was in.
#
# A page's own deadline is the same wherever it is rendered: alone (a request
# to `wasmblog serve`, a build's retry) or in a build's batch, which gets at
# least what each of its pages would alone. So a list of every post (the
# search page of a 5,479-post site: 1 + 5 deadlines) renders in `serve` as it
# does in `build`, where it used to fail alone after one deadline while its
# build batch had four. 1,000 posts a deadline is about four times what the
# wasm engine needs to list them.
BATCH_DEADLINE_ITEMS = 4
BYTES_PER_DEADLINE = 512 * 1024
POSTS_PER_DEADLINE = 1_000


def parse_items(sources: Sequence[Source]) -> int:
    """Deadline units for parsing ``sources`` in one call."""
    size = sum(len(s.data) for s in sources)
    return min(len(sources), BATCH_DEADLINE_ITEMS) + size // BYTES_PER_DEADLINE


def page_items(job: PageJob) -> int:
    """Deadline units one page needs beyond its first: one per POSTS_PER_DEADLINE posts or links it shows."""
    return (len(job.posts) + len(job.links)) // POSTS_PER_DEADLINE


def render_items(jobs: Sequence[PageJob], posts: Sequence[Post]) -> int:
    """Deadline units for rendering ``jobs`` in one call: never fewer than any of them would get alone."""
    size = sum(len(p.content_html) + len(p.summary_html) + len(p.search_terms) for p in posts)
    return min(len(jobs), BATCH_DEADLINE_ITEMS) + sum(page_items(job) for job in jobs) + size // BYTES_PER_DEADLINE
