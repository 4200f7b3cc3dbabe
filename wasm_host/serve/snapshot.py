"""The site as served at one moment: one snapshot type per serving mode, one way to look a path up.

A snapshot is immutable once published (the ETag memo of a planned one
and the pages a memoised one has rendered aside). ``lookup(path)`` says how
to answer for an output path: a :class:`StaticFile` from ``SITE/static``,
:class:`Bytes` already made, a :class:`Job` to render in a fresh sandbox,
or ``None`` (not in the site). The application serves those three the same
way whatever the mode.

- :class:`BuiltSnapshot` (``--mode static``): the whole site built into memory.
- :class:`PlannedSnapshot` (``--mode per-request``): every page a job, rendered
  on every request.
- :class:`MemoSnapshot` (``--mode memo``): every page a job, rendered once per
  distinct input (its render-cache key) and then served from memory.
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from renderer import BuildOptions, Diagnostic, PageJob, Post
from renderer.config import SiteConfig
from renderer.routing import body_etag

from ..engines import Renderer
from ..site import RenderCache, SiteInput
from ..site.incremental import StageMemo


@dataclass(frozen=True)
class StaticFile:
    """A file served by the host as it is: under ``SITE/static``, or a page bundle's
    file (then ``root`` is the site folder and ``rel`` its path there)."""

    path: Path
    root: Path | None = None
    rel: str = ""


@dataclass(frozen=True)
class Bytes:
    """A page already rendered (static mode)."""

    body: bytes
    etag: str


@dataclass(frozen=True)
class Job:
    """A page to render on request; ``etag`` is that of its last rendering, if any.

    ``key`` (memo mode): the page's render-cache key, under which its bytes are kept once rendered.
    """

    job: PageJob
    etag: str | None
    key: bytes | None = None


@dataclass(frozen=True)
class Failed:
    """A page whose render failed (memo mode), kept under its input hash like a rendered page: the
    next request gets the same error page without a sandbox spent on it, until an input changes."""

    kind: str  # timeout, memory, stack, trap, error
    message: str

    @property
    def body(self) -> bytes:  # what it weighs in the page store
        return self.message.encode("utf-8")


Entry = StaticFile | Bytes | Job | Failed


@dataclass
class Snapshot(ABC):
    """What every mode's snapshot holds: the site read from disk, its static files, diagnostics."""

    generation: int
    root: Path
    site: SiteInput
    options: BuildOptions
    base_path: str  # decoded path prefix of base_url, with slashes: "/" or "/blog/"
    engine: Renderer  # the server's engine with this version's [limits]: edited limits apply from the reload on
    static: dict[str, Path] = field(default_factory=dict)  # output path -> file under SITE/static
    diagnostics: list[Diagnostic] = field(default_factory=list)
    post_count: int = 0
    seconds: float = 0.0
    reparsed: int = 0

    @property
    def config(self) -> SiteConfig:
        return self.site.config

    @property
    def static_root(self) -> Path:
        return self.root / "static"

    @abstractmethod
    def generated(self) -> set[str]:
        """Output paths of the pages (not the static files)."""

    @abstractmethod
    def lookup(self, path: str) -> Entry | None:
        """How to answer for ``path``, or None when the site has no such file."""

    def __contains__(self, path: str) -> bool:
        return path in self.static or path in self.generated()

    @property
    def page_count(self) -> int:
        return len(self.generated())

    def paths(self) -> list[str]:
        """Every output path, as ``wasmblog build`` would write them."""
        return sorted({*self.static, *self.generated()})


def static_entry(snap: Snapshot, path: str) -> StaticFile:
    """``path`` of ``snap.static``: a file of static/, or a bundle's file (served from the site folder)."""
    file = snap.static[path]
    if file.is_relative_to(snap.static_root):
        return StaticFile(file)
    return StaticFile(file, snap.root, file.relative_to(snap.root).as_posix())


@dataclass
class BuiltSnapshot(Snapshot):
    """Static mode: the whole site built into memory, as ``wasmblog build`` would write it."""

    files: dict[str, Bytes] = field(default_factory=dict)

    def generated(self) -> set[str]:
        return set(self.files)

    def __contains__(self, path: str) -> bool:
        return path in self.static or path in self.files

    def lookup(self, path: str) -> Entry | None:
        if path in self.static:
            return static_entry(self, path)
        return self.files.get(path)


@dataclass
class PlannedSnapshot(Snapshot):
    """Per-request mode: posts parsed and the site planned; each page rendered when asked for."""

    pages: dict[str, PageJob] = field(default_factory=dict)  # output path -> job
    posts: dict[str, Post] = field(default_factory=dict)  # source -> post
    etags: dict[str, str] = field(default_factory=dict)  # output path -> ETag of its last rendering

    def generated(self) -> set[str]:
        return set(self.pages)

    def __contains__(self, path: str) -> bool:
        return path in self.static or path in self.pages

    def lookup(self, path: str) -> Entry | None:
        if path in self.static:
            return static_entry(self, path)
        job = self.pages.get(path)
        return None if job is None else Job(job, self.etags.get(path))

    def remember(self, path: str, etag: str) -> None:
        """The ETag of ``path``'s latest rendering (answers If-None-Match without rendering)."""
        self.etags[path] = etag


class PageStore:
    """Rendered pages by input hash (render-cache key): in memory, least recently used dropped
    first, over the site's render cache on disk (pages a build or another server process
    rendered; what is found there is kept in memory too). The one place memo mode looks a
    page up and keeps it."""

    def __init__(self, cache: RenderCache | None = None, max_bytes: int = 256_000_000) -> None:
        self.max_bytes = max_bytes
        self.cache = cache
        self._pages: OrderedDict[bytes, Bytes | Failed] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: bytes) -> Bytes | Failed | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
                return page
        page = self._stored(key)
        if page is not None:
            self.put(key, page)
        return page

    def keep(self, key: bytes, path: str, body: bytes, clean: bool) -> Bytes:
        """Keep a page just rendered: in memory, and in the render cache (as a build stores it)
        when it rendered without diagnostics."""
        page = Bytes(body, body_etag(body))
        self.put(key, page)
        if clean and self.cache is not None:
            sha = self.cache.put_blob(body)
            self.cache.put(key, "render", json.dumps(
                {"files": [[path, sha.hex(), len(body)]], "diags": []}).encode("ascii"))
            self.cache.flush()
        return page

    def _stored(self, key: bytes) -> Bytes | None:
        """A page the render cache holds, if intact."""
        payload = self.cache.get(key) if self.cache is not None else None
        if payload is None:
            return None
        try:
            files = json.loads(payload)["files"]
            if len(files) != 1:
                return None
            data = self.cache.blob(bytes.fromhex(files[0][1])) if self.cache is not None else None
        except (ValueError, KeyError, TypeError, IndexError):
            return None
        return None if data is None else Bytes(data, body_etag(data))

    def put(self, key: bytes, page: Bytes | Failed) -> None:
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._pages[key] = page
            self._bytes += len(page.body)
            while self._bytes > self.max_bytes and len(self._pages) > 1:
                _, dropped = self._pages.popitem(last=False)
                self._bytes -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._pages)


@dataclass
class MemoSnapshot(PlannedSnapshot):
    """Memo mode: a page is rendered in a fresh sandbox the first time its inputs are seen,
    then served from memory by their hash; an edit changes the hash of exactly the pages
    that depend on it."""

    store: PageStore = field(default_factory=PageStore)
    memo: StageMemo | None = None  # the stages' memo this version was planned with: it keys the pages
    keys: dict[str, bytes | None] = field(default_factory=dict)  # output path -> key, computed on first use

    def key(self, path: str) -> bytes | None:
        if path not in self.keys:
            self.keys[path] = self.memo.render_key(self.pages[path], self.posts) if self.memo is not None else None
        return self.keys[path]

    def lookup(self, path: str) -> Entry | None:
        if path in self.static:
            return static_entry(self, path)
        job = self.pages.get(path)
        if job is None:
            return None
        key = self.key(path)
        page = self.store.get(key) if key is not None else None
        if page is not None:
            return page
        return Job(job, self.etags.get(path), key)
