"""Incremental builds: the core's stages looked up in the render cache before they are run.

Each stage is a pure function of its arguments, so its result can be stored
under a hash of exactly those arguments and reused whenever they hash the
same. The keys are computed from the canonical form (``codec.canonical``)
of the very values passed to the stage, walked field by field, so a field
added to ``Source``, ``Post``, ``PageJob`` or ``SiteConfig`` is in the key
without anyone touching this module:

- every key: the engine and the core's version (``engines.version``);
- parse (one entry per source): the ``SiteConfig`` record, the time-zone
  data, the ``Source`` (path, bytes and whatever else it carries);
- plan: the ``SiteConfig``, the ``BuildOptions`` (with the build time: it
  decides which posts are published), every post as planning gets it;
- render (one entry per page job): the ``SiteConfig``, every template
  override, the ``PageJob``, and each post record ``job_posts`` passes for
  it, in the shape it passes it (``job_shapes``: a post page's post whole,
  its neighbours without body fields, a list's posts without the body
  fields no template of the list names). A shaped record's digest is made
  of the digest of the post without any body field (its "head") and, for
  each body field, the digest of its value or the word that it is
  withheld: both are stored with the parsed post, so no rebuild digests a
  post again to key a page (10,000 posts, several shapes each).

``tests/builds/test_incremental.py`` keeps the list of each stage's
arguments in step with the core's signatures: an argument added to a stage
fails that test until it is added to the key here.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field, replace
from typing import Any
from collections.abc import Callable, Iterable, Mapping, Sequence

from renderer import BuildOptions, Diagnostic, OutputFile, PageJob, Plan, Post, Source, job_shapes
from renderer.model import PageKind
from renderer.reads import ALL_BODY, BODY_FIELDS, withheld_fields
from renderer.model import FileCopy
from renderer.config import SiteConfig
from renderer.plan import publication_window
from renderer.shortcodes.builtins import BUILTINS
from renderer.i18n import I18N_PREFIX, site_tables
from renderer.shortcodes.site import GO_PREFIX, go_templates
from renderer.shortcodes.syntax import find_tags

from ..engines.version import engine_version
from .cache import RenderCache
from renderer.codec import Uncacheable, canonical, decoder, digest, plain, value_digest

_LOG = logging.getLogger("wasmblog")

# The layout of this module's entries: part of every key, so entries written by another layout are never read.
FORMAT = 3

_posts = decoder(list[Post])
_diags = decoder(list[Diagnostic])
_jobs = decoder(list[PageJob])
_copies = decoder(list[FileCopy])


@dataclass(frozen=True)
class StoredFile:
    """A page whose bytes are in the render cache (and in the output folder the last build wrote).

    The build hard-links it from there instead of writing it again.
    """

    path: str
    sha: bytes
    size: int  # bytes


@dataclass
class ParsedSource:
    """What parsing one source gave: its posts and diagnostics; faults are not cached."""

    source: Source
    posts: list[Post]
    diagnostics: list[Diagnostic]
    cacheable: bool = True


@dataclass
class RenderedJob:
    """What rendering one job gave (without the diagnostics every render call reports)."""

    job: PageJob
    files: list[OutputFile | StoredFile]
    diagnostics: list[Diagnostic]
    cacheable: bool = True
    stopped: bool = False  # the sandbox had to stop it


@dataclass
class Reuse:
    """How much of a build came from the cache."""

    parsed: int = 0
    parse_reused: int = 0
    planned: bool = False
    plan_reused: bool = False
    pages: int = 0
    pages_reused: int = 0  # output files that came from the cache
    reused_paths: set[str] = field(default_factory=set)
    extra: dict[str, Any] = field(default_factory=dict)

    def count_written(self, paths: Iterable[str]) -> None:
        """Count as reused only the cached files the build writes (a static file may replace one)."""
        self.pages_reused = len(self.reused_paths.intersection(paths))

    def to_json(self) -> dict[str, Any]:
        return {"posts_parsed": self.parsed - self.parse_reused, "posts_reused": self.parse_reused,
                "plan_reused": self.plan_reused, "pages_reused": self.pages_reused, **self.extra}


class ShortcodeDeps:
    """What of the site's shortcodes a post's parse depends on: the templates of the shortcodes it calls
    (a name without a template too, so that adding one re-parses the post), and, when it calls a Go
    shortcode, the Go partials and the Go templates that define templates, which any Go shortcode may
    use. A post that calls no site shortcode does not depend on them: editing one re-parses only the
    posts that call it."""

    def __init__(self, shortcodes: Mapping[str, str]) -> None:
        self.jinja = {k: v for k, v in shortcodes.items() if not k.startswith((GO_PREFIX, I18N_PREFIX))}
        go = go_templates(shortcodes)
        self.go = {k[len("shortcodes/"):-len(".html")]: v for k, v in go.items()
                   if k.startswith("shortcodes/") and k.endswith(".html")}
        shared = {k: v for k, v in go.items() if not k.startswith("shortcodes/") or "define" in v or "block" in v}
        shared.update(site_tables(shortcodes))  # the translations any Go shortcode's i18n/T may print
        self.go_shared = value_digest(shared).hex() if shared else ""
        self.none = digest(b"no-site-shortcodes")
        hooks = {k: v for k, v in go.items() if k.startswith("_markup/")}  # render hooks: every post's input
        self.hooks = value_digest(hooks).hex() if hooks else ""
        if self.hooks:
            self.none = digest(b"render-hooks", self.hooks)

    def of(self, source: Source) -> bytes:
        if not self.jinja and not self.go:
            return self.none
        text = source.data.decode("utf-8", "replace") if isinstance(source.data, bytes) else str(source.data)
        if "{{" not in text:
            return self.none
        names = sorted({tag.name for tag in find_tags(text) if not tag.problem})
        used = [(n, self.jinja.get(n), self.go.get(n)) for n in names if n in self.jinja or n in self.go
                or n not in BUILTINS]
        if not used:
            return self.none
        calls_go = any(go is not None for _, _, go in used)
        key = {"used": [[n, j, g] for n, j, g in used], "go": self.go_shared if calls_go else ""}
        if self.hooks:  # render hooks: an input of every post, whatever it calls
            key["hooks"] = self.hooks
        return value_digest(key)


class StageMemo:
    """The render cache seen through one build's inputs: keys, lookups, and storing results.

    With ``cache=None`` (``--no-cache``) every lookup misses and nothing is stored.
    """

    def __init__(self, cache: RenderCache | None, engine: Any, config: SiteConfig, templates: Mapping[str, str],
                 tzif: bytes, shortcodes: Mapping[str, str] | None = None, previous: StageMemo | None = None) -> None:
        """``previous``: the memo of the last load of the same site by the same process (``serve``), whose
        parsed sources and digests are kept in memory: a reload after one edit then decodes nothing
        from the cache but that post (1,000 posts: parse 124 -> 60 ms, at a load of 6)."""
        version = engine_version(engine) if cache is not None else None
        self.cache = cache if version is not None else None
        self.reuse = Reuse()
        self._full: dict[str, bytes] = {}  # source -> digest of the post as parsed
        self._parts: dict[str, tuple[bytes, bytes, dict[str, bytes]]] = {}  # source -> full digest, head, fields
        self._shaped: dict[tuple[str, frozenset[str]], tuple[bytes, bytes]] = {}  # -> (full digest, shaped digest)
        self._template_map = dict(templates)
        self._planned: dict[str, tuple[Post, bytes]] = {}  # source -> (post, digest of what planning reads)
        self._job_digests: dict[str, bytes] = {}  # output path -> digest of its job, from the plan
        self._parsed: dict[bytes, ParsedSource] = {}  # parse key -> what it gave, for the next load (serve)
        self._kept: dict[bytes, ParsedSource] = {}  # the previous load's
        self._plan_memory: tuple[bytes, Plan, dict[str, bytes]] | None = None  # key, plan, job digests
        self._plan_kept = previous._plan_memory if previous is not None and previous.cache is cache else None
        # posts, options without the build time, publication window, plan digests: the last load's
        self._plan_inputs: tuple[list[Post], BuildOptions, tuple[int, int], list[bytes]] | None = (
            previous._plan_inputs if previous is not None and previous.cache is cache else None)
        if previous is not None and previous.cache is cache and cache is not None:
            self._full, self._parts, self._shaped, self._planned = (
                previous._full, previous._parts, previous._shaped, previous._planned)
            self._kept = previous._parsed
        if self.cache is None:
            return
        self.base = digest(b"wasmblog-render-cache", str(FORMAT), version or "")
        self.config = value_digest(config)
        self.templates = value_digest(dict(templates))
        self.tzif = digest(tzif)
        self.shortcodes = ShortcodeDeps(shortcodes or {})  # site shortcodes are inputs of the posts using them
        # A source equal to the last load's, under the same inputs, has the same parse key: computed once.
        self._context = digest(self.base, self.config, self.tzif, value_digest(dict(shortcodes or {})))
        kept_hidden = getattr(previous, "_hidden", None) if getattr(previous, "templates", None) == self.templates \
            and previous is not None and previous.cache is cache else None
        self._hidden = kept_hidden if kept_hidden is not None else self._withheld(templates)  # (serve: the last load's)
        self._keys: dict[str, tuple[Source, bytes]] = {}
        self._kept_keys = previous._keys if previous is not None and getattr(previous, "_context", None) == \
            self._context else {}

    def _withheld(self, templates: Mapping[str, str]) -> Mapping[PageKind, frozenset[str]]:
        """``renderer.reads.withheld_fields(templates)``, from the cache: reading the theme's templates
        to find what each kind of page names parses all of them (~0.1 s, every rebuild)."""
        assert self.cache is not None
        key = digest(b"withheld-fields", self.base, self.templates)
        payload = self.cache.get(key)
        if payload is not None:
            try:
                return {PageKind(k): frozenset(v) for k, v in json.loads(payload).items()}
            except (ValueError, TypeError, AttributeError):
                pass  # not what this version stores: find it again
        found = withheld_fields(templates)
        self.cache.put(key, "render", json.dumps({str(k): sorted(v) for k, v in found.items()}).encode("ascii"))
        return found

    @property
    def enabled(self) -> bool:
        return self.cache is not None

    @property
    def hidden(self) -> Mapping[PageKind, frozenset[str]] | None:
        """The body fields each kind of page is not given (``renderer.reads``), when the cache had them."""
        return self._hidden if self.cache is not None else None

    # -- parse -------------------------------------------------------------------------------------

    def parse(self, sources: Sequence[Source],
              run: Callable[[list[Source]], list[ParsedSource]]) -> list[ParsedSource]:
        """Every source parsed, from the cache where possible, the rest through ``run``; in source order."""
        self.reuse.parsed += len(sources)
        if self.cache is None:
            return run(list(sources))
        keys = {}
        for s in sources:
            seen = self._kept_keys.get(s.path)
            if seen is not None and (seen[0] is s or seen[0] == s):  # (serve keeps unchanged sources as they were)
                keys[s.path] = seen[1]
                self._keys[s.path] = seen
                continue
            try:
                keys[s.path] = digest(b"parse", self.base, self.config, self.tzif, self.shortcodes.of(s),
                                      value_digest(s))
            except Uncacheable:
                continue
            self._keys[s.path] = (s, keys[s.path])
        done: dict[str, ParsedSource] = {}
        known = self._full
        for s in sources:  # what the previous load parsed, with these very inputs: already in memory
            key = keys.get(s.path)
            kept = self._kept.get(key) if key is not None else None
            if key is None or kept is None:
                continue
            for p in kept.posts:  # (a loop, not all(): 10,000 generators were 20 ms of a reload)
                if p.source not in known:
                    break
            else:
                done[s.path] = self._parsed[key] = (kept if kept.source is s
                                                    else ParsedSource(s, kept.posts, kept.diagnostics))
        found = self.cache.get_many([k for path, k in keys.items() if path not in done])
        for s in sources:
            key = keys.get(s.path)
            payload = found.get(key) if key is not None and s.path not in done else None
            if key is None or payload is None:
                continue
            try:
                data = json.loads(payload)
                posts = _posts(data["posts"])
                full = [(p.source, bytes.fromhex(d)) for p, d in zip(posts, data["digests"], strict=True)]
                parts = [(p.source, (f, bytes.fromhex(head), {k: bytes.fromhex(v) for k, v in fields.items()}))
                         for p, (_, f), (head, fields) in zip(posts, full, data["parts"], strict=True)]
                diags = _diags(data["diags"])
            except (ValueError, TypeError, KeyError, AttributeError):
                continue  # not what this version stores: parse it again
            self._full.update(full)
            self._parts.update(parts)
            done[s.path] = self._parsed[key] = ParsedSource(s, posts, diags)
        self.reuse.parse_reused += len(done)
        missing = [s for s in sources if s.path not in done]
        for parsed in run(missing) if missing else []:
            done[parsed.source.path] = parsed
            key = keys.get(parsed.source.path)
            if key is None or not parsed.cacheable:
                continue
            try:
                post_digests = [value_digest(p) for p in parsed.posts]
                post_parts = [_parts(p) for p in parsed.posts]
                payload = json.dumps({"posts": plain(parsed.posts), "diags": plain(parsed.diagnostics),
                                      "digests": [d.hex() for d in post_digests],
                                      "parts": [[h.hex(), {k: v.hex() for k, v in f.items()}]
                                                for h, f in post_parts]},
                                     ensure_ascii=True).encode("ascii")
            except Uncacheable:
                continue
            self._full.update((p.source, d) for p, d in zip(parsed.posts, post_digests, strict=True))
            self._parts.update((p.source, (d, h, f)) for p, d, (h, f) in zip(parsed.posts, post_digests, post_parts,
                                                                            strict=True))
            self.cache.put(key, "parse", payload)
            self._parsed[key] = parsed
        return [done[s.path] for s in sources]

    # -- plan -----------------------------------------------------------------------------------------

    def plan(self, posts: Sequence[Post], options: BuildOptions, run: Callable[[], Plan | None]) -> Plan | None:
        """The plan of ``posts`` (as parsed), from the cache or through ``run`` (None: it failed).

        The build time is keyed by the span of build times that publish the same
        posts (``plan.publication_window``), so a later build reuses the plan.
        """
        self.reuse.planned = True
        if self.cache is None:
            return run()
        try:
            key = self._plan_key(posts, options)
        except Uncacheable:
            return run()
        if self._plan_kept is not None and self._plan_kept[0] == key:  # the last load's plan, still in memory
            _, plan, self._job_digests = self._plan_kept
            self._plan_memory = self._plan_kept
            self.reuse.plan_reused = True
            return plan
        payload = self.cache.get(key)
        if payload is not None:
            try:
                data = json.loads(payload)
                jobs = _jobs(data["jobs"])
                job_digests = {job.path: bytes.fromhex(d) for job, d in zip(jobs, data["digests"], strict=True)}
                diags = _diags(data["diags"])
                copies = _copies(data["copies"])
            except (ValueError, TypeError, KeyError, AttributeError):
                payload = None  # not what this version stores: plan again
            else:
                self._job_digests = job_digests
                self.reuse.plan_reused = True
                plan = Plan(jobs, diags, copies)
                self._plan_memory = (key, plan, job_digests)
                return plan
        result = run()
        if result is not None:
            try:
                encoded = [canonical(job) for job in result.jobs]  # the key of each page starts from its job's bytes
                digests = [hashlib.sha256(e).digest() for e in encoded]
                self._job_digests = {job.path: d for job, d in zip(result.jobs, digests, strict=True)}
                self.cache.put(key, "plan", b'{"jobs":[' + b",".join(encoded) + b'],"diags":'
                               + json.dumps(plain(result.diagnostics)).encode("ascii") + b',"copies":'
                               + json.dumps(plain(result.copies)).encode("ascii") + b',"digests":'
                               + json.dumps([d.hex() for d in digests]).encode("ascii") + b"}")
                self._plan_memory = (key, result, self._job_digests)
            except Uncacheable:
                pass
        return result

    def _plan_key(self, posts: Sequence[Post], options: BuildOptions) -> bytes:
        """The plan's key: the configuration, the options but the build time, the span of build times
        that publish the same posts, and what planning reads of each post.

        After a reload that parsed a few posts again (``serve``), only those are looked at: the others
        are the very objects of the last load, so their digests and publication dates stand, and the
        span stands while the build time stays in it (10,000 posts: 60 ms of a reload to 2 ms).
        """
        timeless = replace(options, build_time=0)
        last = self._plan_inputs
        if last is not None and last[1] == timeless and len(last[0]) == len(posts) \
                and last[2][0] <= options.build_time < last[2][1]:
            before, _, window, digests = last
            changed = [i for i, (a, b) in enumerate(zip(before, posts, strict=True)) if a is not b]
            if len(changed) <= len(posts) // 10 and all(_edges(before[i]) == _edges(posts[i]) for i in changed):
                digests = list(digests)
                for i in changed:
                    digests[i] = self._plan_digest(posts[i])
                self._plan_inputs = (list(posts), timeless, window, digests)
                return digest(b"plan", self.base, self.config, value_digest(timeless), value_digest(window), *digests)
        window = publication_window(posts, options)
        digests = [self._plan_digest(p) for p in posts]
        self._plan_inputs = (list(posts), timeless, window, digests)
        return digest(b"plan", self.base, self.config, value_digest(timeless), value_digest(window), *digests)

    # -- render -----------------------------------------------------------------------------------------

    def _post_digest(self, post: Post, withheld: frozenset[str]) -> bytes:
        """The digest of a post record as a render call gets it: whole, or without the body fields
        ``withheld`` (renderer.job_shapes): made of the digests of its head and of each body field it
        keeps, with the names of those it lacks."""
        full = self._full.get(post.source)
        if full is None:
            full = self._full[post.source] = value_digest(post)
        if not withheld:
            return full
        seen = self._shaped.get((post.source, withheld))
        if seen is not None and seen[0] == full:
            return seen[1]
        parts = self._parts.get(post.source)
        if parts is None or parts[0] != full:
            head, fields = _parts(post)
            parts = self._parts[post.source] = (full, head, fields)
        _, head, fields = parts
        value = digest(b"post-shape", head, *[b"withheld " + name.encode() if name in withheld else fields[name]
                                               for name in BODY_FIELDS])
        self._shaped[(post.source, withheld)] = (full, value)
        return value

    def _plan_digest(self, post: Post) -> bytes:
        """The digest of what planning reads of a post (``post`` as parsed): its record without the
        body, nor the figures only the body decides (words, reading time, headings, whether the
        summary is cut), which no page job holds. A body-only edit leaves it as it was, so the site
        is not planned again (in a sandbox, a third of a second for 100 posts). tests/builds check a
        rebuild after such an edit against a cold build. Known by the post object itself, so a reload
        that parsed one post digests one (10,000 posts: 200 ms of a reload to 2 ms)."""
        seen = self._planned.get(post.source)
        if seen is not None and seen[0] is post:
            return seen[1]
        shape = object.__new__(type(post))
        shape.__dict__.update(post.__dict__, summary_html="", content_html="", toc_html="", search_terms="",
                              links=[], word_count=0, reading_time=0, toc_count=0, truncated=False)
        value = value_digest(shape)
        self._planned[post.source] = (post, value)
        return value

    def render_key(self, job: PageJob, by_source: Mapping[str, Post]) -> bytes | None:
        known = self._job_digests.get(job.path)
        try:
            job_digest = known if known is not None else value_digest(job)
            return digest(b"render", self.base, self.config, self.templates, job_digest,
                          *[self._post_digest(by_source[s], w)
                            for s, w in job_shapes([job], self._template_map, self._hidden) if s in by_source])
        except Uncacheable:
            return None

    def globals_key(self) -> bytes:
        """The key of what every render call reports whatever its jobs (the theme's own diagnostics)."""
        return digest(b"render-globals", self.base, self.config, self.templates)

    def shared(self, run: Callable[[], list[Diagnostic]]) -> list[Diagnostic]:
        """What every render call reports whatever its jobs (the templates' own problems), from the
        cache or through ``run``."""
        if self.cache is None:
            return run()
        gkey = self.globals_key()
        payload = self.cache.get(gkey)
        if payload is not None:
            try:
                cached: list[Diagnostic] = _diags(json.loads(payload))
                return cached
            except (ValueError, TypeError, KeyError, AttributeError):
                pass  # not what this version stores: ask again
        found = run()
        try:
            self.cache.put(gkey, "render", json.dumps(plain(found)).encode("ascii"))
        except Uncacheable:
            pass
        return found

    def render(self, jobs: Sequence[PageJob], by_source: Mapping[str, Post],
               linkable: Callable[[str, bytes], bool],
               run: Callable[[list[PageJob]], list[RenderedJob]]) -> list[RenderedJob]:
        """Every job rendered, from the cache where possible (without the diagnostics every render
        call reports: see :meth:`shared`).

        A cached page becomes a :class:`StoredFile` when ``linkable(path, sha)`` says the output
        folder already holds those bytes, else its bytes are read back from the cache.
        """
        self.reuse.pages += len(jobs)
        if self.cache is None:
            return run(list(jobs))
        keys = {job.path: self.render_key(job, by_source) for job in jobs}
        found = self.cache.get_many([k for k in keys.values() if k is not None])
        hits = {}
        for job in jobs:
            key = keys[job.path]
            payload = found.get(key) if key is not None else None
            if payload is not None:
                try:
                    data = json.loads(payload)
                    if all(isinstance(f, list) and len(f) == 3 for f in data["files"]) and "diags" in data:
                        hits[job.path] = data
                except (ValueError, TypeError, KeyError):
                    pass  # not what this version stores: render it again
        # Files the output folder already holds, whose bytes the cache also has (one query for all).
        # (Should the link fail when the site is written, the bytes come from the cache, else from
        # the output folder itself, checked against their digest: see output.write_site.)
        present = {(path, sha) for data in hits.values() for path, hexsha, _ in data["files"]
                   for sha in (_sha(hexsha),) if linkable(path, sha)}
        done: dict[str, RenderedJob] = {}
        for job in jobs:
            data = hits.get(job.path)
            hit = self._stored(job, data, present) if data is not None else None
            if hit is not None:
                done[job.path] = hit
        self.reuse.reused_paths.update(f.path for r in done.values() for f in r.files)
        missing = [job for job in jobs if job.path not in done]
        for result in run(missing) if missing else []:
            done[result.job.path] = result
            key = keys.get(result.job.path)
            if key is not None and result.cacheable:
                self._store(key, result)
        return [done[job.path] for job in jobs]

    def _stored(self, job: PageJob, data: dict[str, Any], present: set[tuple[str, bytes]]) -> RenderedJob | None:
        """A cache hit as a result: files the output folder holds by reference, the others' bytes read back."""
        assert self.cache is not None
        files: list[OutputFile | StoredFile] = []
        try:
            for path, sha_hex, size in data["files"]:
                sha = _sha(sha_hex)
                if (path, sha) in present:
                    files.append(StoredFile(path, sha, size))
                    continue
                blob = self.cache.blob(sha)
                if blob is None:
                    return None  # the bytes are gone or damaged: render it again
                files.append(OutputFile(path, blob.decode("utf-8")))
            return RenderedJob(job, files, _diags(data["diags"]))
        except (ValueError, TypeError, AttributeError):
            return None

    def _store(self, key: bytes, result: RenderedJob) -> None:
        assert self.cache is not None
        files = []
        for f in result.files:
            if isinstance(f, StoredFile):
                files.append([f.path, f.sha.hex(), f.size])
                continue
            try:
                data = f.content.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate: the build refuses it, the cache does not keep it
                return
            files.append([f.path, self.cache.put_blob(data).hex(), len(data)])
        try:
            payload = json.dumps({"files": files, "diags": plain(result.diagnostics)}).encode("ascii")
        except Uncacheable:
            return
        self.cache.put(key, "render", payload)


def _parts(post: Post) -> tuple[bytes, dict[str, bytes]]:
    """The digest of ``post`` without any body field, and of each body field's value."""
    return value_digest(post.withholding(ALL_BODY)), {name: value_digest(getattr(post, name)) for name in BODY_FIELDS}


def _edges(post: Post) -> tuple[int, int]:
    """What of a post decides when it is published (``plan.publication_window`` reads these)."""
    return (post.expiry, post.publish or post.timestamp)


def _sha(text: Any) -> bytes:
    """A stored hex digest (anything else matches nothing)."""
    return bytes.fromhex(text) if isinstance(text, str) and len(text) == 64 else b""


def reused_files(results: Iterable[RenderedJob]) -> int:
    return sum(1 for r in results for f in r.files if isinstance(f, StoredFile))
