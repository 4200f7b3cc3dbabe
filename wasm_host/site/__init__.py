"""Sites on disk: reading a site folder, building it with an engine, writing the output.

``build(SITE, OUT, engine)`` is the whole of ``wasmblog build``; the server
uses the same pieces (``load_site``, ``parse_sources``, ``render``,
``output_files``) so that it serves exactly the bytes a build writes.
"""

from .build import BuildReport, build, output_files, parse_sources, plan_input, render
from .cache import RenderCache
from .stages import cpu_count
from .output import OutputError, validate, write_site
from .reader import SiteInput, build_time_micros, display_prefix, load_site, with_limits

__all__ = ["BuildReport", "OutputError", "RenderCache", "SiteInput", "build", "build_time_micros", "cpu_count",
           "display_prefix", "load_site", "output_files", "parse_sources", "plan_input", "render", "validate",
           "with_limits", "write_site"]
