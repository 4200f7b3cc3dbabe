"""wasmblog's render core: a pure function from a site's sources to its files.

Nothing in this package reads files, clocks, the environment or the network:
the host passes everything in (source bytes, ``site.toml`` text, template
overrides, the build time, time-zone data) and gets files and diagnostics
back. That is what lets the same code run natively and inside a
capability-free WebAssembly sandbox with byte-identical results.

    >>> from renderer import render_markdown
    >>> render_markdown("*hi*")
    '<p><em>hi</em></p>\\n'
"""

from .config import Limits, SiteConfig, parse_config
from .diagnostics import Diagnostic
from .markdown import MarkdownOptions, render_markdown
from .model import BuildOptions, OutputFile, PageJob, ParseResult, Plan, Post, SiteResult
from .site import Source, finalize, job_posts, job_shapes, load_config, parse_posts, plan_site, render_pages, render_site

__all__ = [
    "BuildOptions", "Diagnostic", "Limits", "MarkdownOptions", "OutputFile", "PageJob", "ParseResult",
    "Plan", "Post", "SiteConfig", "SiteResult", "Source", "finalize", "job_posts", "job_shapes", "load_config", "parse_config",
    "parse_posts", "plan_site", "render_markdown", "render_pages", "render_site",
]
