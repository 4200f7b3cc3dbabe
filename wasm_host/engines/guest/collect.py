"""Run natively by the component build: which modules does the core import?

Drives the core through the same warm-up as the guest and prints the names
of every module loaded, as JSON. The build bundles exactly those modules'
sources (plus the pure-Python fallbacks of C extensions), not whole packages.
"""

import json
import sys

import renderer
from renderer import codec, highlight, sanitize

import warmup
import warmup_tz


def _sources(items):
    return [renderer.Source(path, data, tuple(resources)) for path, data, resources in items]


highlight.preload()
sanitize.preload()
warmup.run(
    lambda sources, config, tzif, shortcodes: renderer.parse_posts(_sources(sources), config, tzif, shortcodes),
    lambda posts, config, options: codec.loads(codec.dumps(renderer.plan_site(  # (as the guest takes and gives it)
        codec.loads(codec.dumps(posts), list[renderer.Post]), config, renderer.BuildOptions(*options))), renderer.Plan),
    renderer.render_pages,
    lambda sources, config, templates, options, tzif: renderer.render_site(
        _sources(sources), config, templates, renderer.BuildOptions(*options), tzif),
    lambda text, options: renderer.render_markdown(text, **options),
    warmup_tz.TZIF,
)
json.dump(sorted(sys.modules), sys.stdout)
