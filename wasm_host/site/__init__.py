"""Sites on disk: reading a site folder, building it with an engine, writing the output.

``build(SITE, OUT, engine)`` is the whole of ``wasmblog build``; the server
uses the same pieces (``load_site``, ``parse_and_plan``, ``output_files``)
so that it serves exactly the bytes a build writes; ``wasmblog deploy``
plans with ``parse_and_plan`` too.
"""

from .build import BuildReport, build, output_files, parse_sources, plan_input, render
from .cache import RenderCache
from .stages import Planned, cpu_count, parse_and_plan
from .output import OutputError, validate, write_site
from .reader import SiteInput, build_time_micros, display_prefix, load_site, with_limits

__all__ = ["BuildReport", "OutputError", "Planned", "RenderCache", "SiteInput", "build", "build_time_micros",
           "cpu_count", "display_prefix", "load_site", "output_files", "parse_and_plan", "parse_sources", "plan_input",
           "render", "validate", "with_limits", "write_site"]
