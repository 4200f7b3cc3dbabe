"""The guest: the render core behind the component's WIT exports.

componentize-py runs this module once at build time and snapshots the
result, so everything the core will ever need must be imported, and every
cache warmed, here: the component has no filesystem to import from later.
The warm-up renders a small representative site through every stage and
every error path.

Conversions between the WIT dataclasses (``wit_world``) and the core's own
dataclasses (``renderer.model``) go by field name, driven by the target
type's annotations, so the two stay in step with the WIT file.
"""

from __future__ import annotations

import lean  # first: it compiles the biggest module before anything else is loaded (see lean)

# Modules the core reaches lazily (codecs by name, jinja2's error path):
import encodings.latin_1
import encodings.unicode_escape
import encodings.utf_16
import encodings.utf_16_be
import encodings.utf_16_le
import encodings.utf_8_sig  # noqa: F401  looked up by name on first use: imported for the snapshot
import dataclasses
import enum
import gc
import json
import sys
import typing

import jinja2.debug  # noqa: F401  imported lazily by jinja2 on errors: the guest cannot
import renderer
import renderer.model as model
import renderer.templates
import wit_world
from componentize_py_types import Err
from renderer import codec, sanitize
from renderer.diagnostics import describe_exception

import warmup
import warmup_tz  # written by the component build: TZif data for the warm-up

_CONVERTERS: dict[typing.Any, typing.Callable[[typing.Any], typing.Any]] = {}


def _identity(value: typing.Any) -> typing.Any:
    return value


def converter(target: typing.Any) -> typing.Callable[[typing.Any], typing.Any]:
    """A function turning a value into ``target`` (a dataclass, List[...] or enum).

    Built once per type, from the target's annotations, and kept: in the
    sandbox every Python-level step costs, so the work of looking at the
    types is not repeated per value.
    """
    conv = _CONVERTERS.get(target)
    if conv is not None:
        return conv
    origin = typing.get_origin(target)
    if origin in (list, list):
        (item,) = typing.get_args(target)
        item_conv = converter(item)
        conv = list if item_conv is _identity else (lambda v: [item_conv(x) for x in v])
    elif origin is tuple:  # tuple[X, ...] in the core, list<x> in WIT
        item_conv = converter(typing.get_args(target)[0])
        conv = lambda v: tuple(item_conv(x) for x in v)  # noqa: E731  one converter per branch
    elif isinstance(target, type) and dataclasses.is_dataclass(target):
        hints = typing.get_type_hints(target)
        fields = [(f.name, converter(hints[f.name])) for f in dataclasses.fields(target)]

        def conv(value: typing.Any, _cls: type = target, _fields: list[typing.Any] = fields) -> typing.Any:
            return _cls(*[c(getattr(value, name)) for name, c in _fields])
    elif isinstance(target, type) and issubclass(target, enum.Enum):
        # By case name, both ways: a WIT enum (PageKind.LIST) or the core's
        # (PageKind.LIST, a str enum), or a plain string ("error").
        conv = lambda v, _enum=target: _enum[v.name if isinstance(v, enum.Enum) else v.upper()]  # noqa: E731  one converter per branch
    elif target is str:
        conv = _text
    else:
        conv = _identity
    _CONVERTERS[target] = conv
    return conv


def _text(value: typing.Any) -> typing.Any:
    """A WIT enum as the core's string for it (``Severity.ERROR`` -> ``"error"``)."""
    return value.name.lower() if isinstance(value, enum.Enum) else value


def convert(value: typing.Any, target: typing.Any) -> typing.Any:
    """``value`` as an instance of ``target``."""
    return converter(target)(value)


def _sources(items: list[wit_world.Source]) -> list[renderer.Source]:
    return [renderer.Source(s.path, s.data.encode("latin-1"), tuple(s.resources),
                            tuple(c.encode("latin-1") for c in s.cascade)) for s in items]


def _templates(items: list[wit_world.Template]) -> dict[str, str]:
    return {t.name: t.source for t in items}


def _config(config: wit_world.SiteConfig) -> renderer.SiteConfig:
    return convert(config, renderer.SiteConfig)


def _options(options: wit_world.BuildOptions) -> renderer.BuildOptions:
    return renderer.BuildOptions(options.build_time, options.drafts, options.future)


class WitWorld(wit_world.WitWorld):
    def parse_posts(self, sources: list[wit_world.Source], config: wit_world.SiteConfig,
                    tzif: str, shortcodes: list[wit_world.Template]) -> wit_world.ParseResult:
        try:
            result = renderer.parse_posts(_sources(sources), _config(config), tzif.encode("latin-1"),
                                          _templates(shortcodes))
            return convert(result, wit_world.ParseResult)
        except Exception as exc:  # no traceback: linecache would touch the (absent) filesystem
            raise Err(wit_world.Failure(describe_exception(exc))) from None

    def plan_site(self, posts: list[wit_world.Post], config: wit_world.SiteConfig,
                  options: wit_world.BuildOptions) -> wit_world.Plan:
        try:
            result = renderer.plan_site(convert(posts, list[model.Post]), _config(config), _options(options))
            return convert(result, wit_world.Plan)
        except Exception as exc:
            raise Err(wit_world.Failure(describe_exception(exc))) from None

    def plan_site_encoded(self, posts: str, config: wit_world.SiteConfig, options: wit_world.BuildOptions) -> str:
        try:
            result = renderer.plan_site(codec.decoder(list[model.Post])(json.loads(posts)), _config(config),
                                        _options(options))
            return codec.dumps(result).decode("ascii")
        except Exception as exc:
            raise Err(wit_world.Failure(describe_exception(exc))) from None

    def render_pages(self, jobs: list[wit_world.PageJob], posts: list[wit_world.Post], config: wit_world.SiteConfig,
                     templates: list[wit_world.Template]) -> wit_world.SiteResult:
        try:
            result = renderer.render_pages(convert(jobs, list[model.PageJob]),
                                           convert(posts, list[model.Post]), _config(config),
                                           _templates(templates))
            return convert(result, wit_world.SiteResult)
        except Exception as exc:
            raise Err(wit_world.Failure(describe_exception(exc))) from None

    def render_site(self, sources: list[wit_world.Source], config: str, templates: list[wit_world.Template],
                    options: wit_world.BuildOptions, tzif: str) -> wit_world.SiteResult:
        try:
            result = renderer.render_site(_sources(sources), config, _templates(templates), _options(options),
                                          tzif.encode("latin-1"))
            return convert(result, wit_world.SiteResult)
        except Exception as exc:
            raise Err(wit_world.Failure(describe_exception(exc))) from None

    def render_markdown(self, text: str, options: wit_world.MarkdownOptions) -> str:
        try:
            return renderer.render_markdown(text, **dataclasses.asdict(options))
        except Exception as exc:
            raise Err(wit_world.Failure(describe_exception(exc))) from None


def _warm() -> None:
    """Exercise every stage and error path so the snapshot holds it all."""
    lean.preload_highlighting()
    sanitize.preload()
    world = WitWorld()

    def record(config):
        return convert(renderer.load_config(config)[0], wit_world.SiteConfig)

    def parse(sources, config, tzif, shortcodes):
        return world.parse_posts([wit_world.Source(p, d.decode("latin-1"), list(r), []) for p, d, r in sources],
                                 record(config), tzif.decode("latin-1"),
                                 [wit_world.Template(n, s) for n, s in shortcodes.items()])

    def plan(posts, config, options):
        encoded = codec.dumps(convert(posts, list[model.Post])).decode("ascii")  # the host's encoded form
        world.plan_site_encoded(encoded, record(config), wit_world.BuildOptions(*options))
        return world.plan_site(posts, record(config), wit_world.BuildOptions(*options))

    def pages(jobs, posts, config, templates):
        return world.render_pages(jobs, posts, record(config),
                                  [wit_world.Template(n, s) for n, s in templates.items()])

    def site(sources, config, templates, options, tzif):
        return world.render_site([wit_world.Source(p, d.decode("latin-1"), list(r), []) for p, d, r in sources],
                                 config,
                                 [wit_world.Template(n, s) for n, s in templates.items()],
                                 wit_world.BuildOptions(*options), tzif.decode("latin-1"))

    def markdown(text, options):
        return world.render_markdown(text, wit_world.MarkdownOptions(**options))

    warmup.run(parse, plan, pages, site, markdown, warmup_tz.TZIF)
    try:  # the Err path
        world.plan_site([None], record(""), wit_world.BuildOptions(0, False, False))
    except Err:
        pass
    renderer.templates.forget_overrides()
    # The bundled modules the warm-up did not load (rare languages' lexers) stay importable.
    sys.meta_path.insert(0, lean.lazy_modules())
    # Everything alive now lives as long as the instance: move it out of the
    # cyclic GC's sight, so a collection during a render does not walk (and
    # page in) the whole snapshot heap of a fresh instance.
    gc.collect()
    lean.zero_free_memory()
    gc.freeze()


_warm()
