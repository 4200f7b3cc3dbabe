"""The render cache: what the core's stages returned, stored under a hash of what they read.

One SQLite file per site (``render/<hash of the site's absolute path>.sqlite``
under wasmblog's cache folder), with three tables:

- ``entries``: a stage's result (JSON) by its key, the SHA-256 of exactly
  what the stage read (see ``wasm_host/site/incremental.py``);
- ``blobs``: output files' bytes by their own SHA-256, so a page that comes
  out the same from different inputs is stored once, and a build can tell
  whether a file it already wrote can be reused without reading it;
- ``manifests``: what the last build wrote to each output folder (path,
  content hash and the file's stat, one record per folder), so the next
  build can hard-link unchanged files from there instead of writing them
  again;
- ``uptodate``: per output folder, everything the last build that wrote it
  depended on (:mod:`.uptodate`), so that a build with nothing changed
  returns at once.

Every entry and blob carries the SHA-256 of its payload and is checked on
every read: a bad one is deleted and treated as missing, so it is
recomputed, never used. A database that SQLite cannot read is set aside and
started afresh. The cache is bounded: when a site's file grows past
``max_bytes``, the least recently used entries and blobs go first. The
compiled WebAssembly component is cached elsewhere and never touched here.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from collections.abc import Callable, Iterable, Iterator

SCHEMA = 2
# An entry's last use is recorded at most this often (an UPDATE per hit costs more than the hit):
# least recently used is known to within ten minutes.
USED_GRANULARITY_NS = 600 * 10**9
DEFAULT_MAX_MB = 1024  # per site; WASMBLOG_RENDER_CACHE_MB overrides
_CHUNK = 500  # keys per SELECT ... IN (...)

_LOG = logging.getLogger("wasmblog")

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (key BLOB PRIMARY KEY, stage TEXT NOT NULL, sha BLOB NOT NULL,
                                    value BLOB NOT NULL, size INTEGER NOT NULL, used INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS blobs (sha BLOB PRIMARY KEY, data BLOB NOT NULL, size INTEGER NOT NULL,
                                  used INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS manifests (dir TEXT PRIMARY KEY, sha BLOB NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS uptodate (dir TEXT PRIMARY KEY, sha BLOB NOT NULL, data BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS entries_used ON entries (used);
CREATE INDEX IF NOT EXISTS blobs_used ON blobs (used);
"""


def cache_home() -> Path:
    """wasmblog's cache folder: ``$WASMBLOG_CACHE_DIR``, else ``$XDG_CACHE_HOME/wasmblog``."""
    if os.environ.get("WASMBLOG_CACHE_DIR"):
        return Path(os.environ["WASMBLOG_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wasmblog"


def render_cache_root() -> Path:
    """Where render caches live: ``$WASMBLOG_RENDER_CACHE``, else ``render/`` in wasmblog's cache folder."""
    if os.environ.get("WASMBLOG_RENDER_CACHE"):
        return Path(os.environ["WASMBLOG_RENDER_CACHE"])
    return cache_home() / "render"


def default_max_bytes() -> int:
    try:
        return int(float(os.environ.get("WASMBLOG_RENDER_CACHE_MB", DEFAULT_MAX_MB)) * 1_000_000)
    except ValueError:
        return DEFAULT_MAX_MB * 1_000_000


def site_cache_path(site: Path | str, root: Path | None = None) -> Path:
    """The cache file of the site folder ``site`` (by its absolute, resolved path)."""
    key = hashlib.sha256(os.fsencode(Path(site).resolve())).hexdigest()[:24]
    return (root or render_cache_root()) / f"{key}.sqlite"


@dataclass
class Outputs:
    """What one build wrote to an output folder: path -> (content sha, size, mtime_ns, inode, source)."""

    files: dict[str, tuple[bytes, int, int, int, str]] = field(default_factory=dict)


@dataclass
class CacheStats:
    hits: dict[str, int] = field(default_factory=dict)
    misses: dict[str, int] = field(default_factory=dict)
    corrupt: int = 0
    evicted: int = 0

    def hit(self, stage: str, n: int = 1) -> None:
        self.hits[stage] = self.hits.get(stage, 0) + n

    def miss(self, stage: str, n: int = 1) -> None:
        self.misses[stage] = self.misses.get(stage, 0) + n


P = ParamSpec("P")
R = TypeVar("R")


def _guarded(default: Callable[[], Any]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A method that, when SQLite finds the file damaged mid-build, gives ``default()`` instead:
    the build goes on without the cache, and the file is started afresh when closed."""
    def wrap(method: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(method)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            self = args[0]
            assert isinstance(self, RenderCache)
            with self.lock:
                if self.broken:
                    return default()  # type: ignore[no-any-return]  # each default() is the method's empty value
                try:
                    return method(*args, **kwargs)
                except sqlite3.DatabaseError as exc:
                    _LOG.warning("render cache %s is damaged (%s); going on without it", self.path, exc)
                    self.broken = True
                    return default()  # type: ignore[no-any-return]  # each default() is the method's empty value
        return guarded
    return wrap


class RenderCache:
    """A site's render cache. SQLite serialises processes (concurrent builds, server workers);
    within a process the methods may be called from any thread.

    ``RenderCache.in_memory()`` keeps the same tables in memory only (``wasmblog serve --no-cache``).
    """

    MEMORY = ":memory:"

    def __init__(self, path: Path | str, site: Path | str = "", max_bytes: int | None = None) -> None:
        self.lock = threading.RLock()
        self.memory = str(path) == self.MEMORY
        self.path = Path(path)
        self.site = str(Path(site).resolve()) if site else ""
        self.max_bytes = default_max_bytes() if max_bytes is None else max_bytes
        self.stats = CacheStats()
        self.broken = False
        self._approx_size: int | None = None  # an upper bound of size(), once it has been measured
        self._used_entries: set[bytes] = set()
        self._used_blobs: set[bytes] = set()
        self._pending: dict[bytes, tuple[str, bytes]] = {}
        self._pending_blobs: dict[bytes, bytes] = {}
        self.db = self._open()

    @classmethod
    def for_site(cls, site: Path | str, root: Path | None = None, max_bytes: int | None = None) -> RenderCache:
        return cls(site_cache_path(site, root), site, max_bytes)

    @classmethod
    def in_memory(cls, max_bytes: int = 256_000_000) -> RenderCache:
        return cls(cls.MEMORY, "", max_bytes)

    # -- opening ---------------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if self.memory:
            return self._connect()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:  # not a database, or damaged: start afresh
            _LOG.warning("render cache %s is unreadable (%s); starting a new one", self.path, exc)
            self._discard()
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.MEMORY if self.memory else self.path, timeout=30, isolation_level=None,
                             check_same_thread=False)
        try:
            if not self.memory:
                db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")  # a cache: never fsync; damage is caught by the hash checks
            db.execute("PRAGMA auto_vacuum=INCREMENTAL")
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = db.execute("SELECT value FROM meta WHERE name='schema'").fetchone()
            if row is not None and row[0] != str(SCHEMA):  # written by another version: start over
                db.executescript("DROP TABLE IF EXISTS entries; DROP TABLE IF EXISTS blobs; "
                                 "DROP TABLE IF EXISTS outputs; DROP TABLE IF EXISTS manifests; "
                                 "DROP TABLE IF EXISTS uptodate;")
            db.executescript(_TABLES)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
            if self.site:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('site', ?)", (self.site,))
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _discard(self) -> None:
        if self.memory:
            return
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)

    # -- entries -----------------------------------------------------------------------------------

    @_guarded(dict)
    def get_many(self, keys: Iterable[bytes]) -> dict[bytes, bytes]:
        """Payloads of the keys that are stored and intact (others are missing)."""
        wanted = [k for k in dict.fromkeys(keys)]
        found: dict[bytes, bytes] = {}
        for k in wanted:
            pending = self._pending.get(k)
            if pending is not None:
                found[k] = pending[1]
        lookup = [k for k in wanted if k not in found]
        bad: list[bytes] = []
        stale = time.time_ns() - USED_GRANULARITY_NS
        for chunk in _chunks(lookup):
            rows = self._select("SELECT key, sha, value, used FROM entries WHERE key IN (%s)", chunk)
            for key, sha, value, used in rows:
                if _intact(value, sha):
                    found[key] = value
                    if not isinstance(used, int) or used < stale:
                        self._used_entries.add(key)
                else:
                    bad.append(key)
        if bad:
            self.stats.corrupt += len(bad)
            _LOG.warning("render cache: %d damaged entr%s recomputed", len(bad), "y" if len(bad) == 1 else "ies")
            self._delete("entries", "key", bad)
        return found

    def get(self, key: bytes) -> bytes | None:
        return self.get_many([key]).get(key)

    def put(self, key: bytes, stage: str, payload: bytes) -> None:
        """Store ``payload`` under ``key`` (written by the next :meth:`flush`)."""
        with self.lock:
            self._pending[key] = (stage, payload)

    # -- blobs --------------------------------------------------------------------------------------

    def put_blob(self, data: bytes) -> bytes:
        sha = hashlib.sha256(data).digest()
        with self.lock:
            self._pending_blobs[sha] = data
        return sha

    @_guarded(lambda: None)
    def blob(self, sha: bytes) -> bytes | None:
        """The bytes whose SHA-256 is ``sha``, if stored and intact."""
        data = self._pending_blobs.get(sha)
        if data is not None:
            return data
        rows = self._select("SELECT data, used FROM blobs WHERE sha IN (%s)", [sha])
        if not rows:
            return None
        stored: bytes = rows[0][0]
        used = rows[0][1]
        if not _intact(stored, sha):
            self.stats.corrupt += 1
            _LOG.warning("render cache: a damaged file was recomputed")
            self._delete("blobs", "sha", [sha])
            return None
        if not isinstance(used, int) or used < time.time_ns() - USED_GRANULARITY_NS:
            self._used_blobs.add(sha)
        return stored

    @_guarded(set)
    def has_blobs(self, shas: Iterable[bytes]) -> set[bytes]:
        """Which of ``shas`` are stored (not checked: :meth:`blob` checks when they are read)."""
        wanted = list(dict.fromkeys(shas))
        found = {s for s in wanted if s in self._pending_blobs}
        stale = time.time_ns() - USED_GRANULARITY_NS
        for chunk in _chunks([s for s in wanted if s not in found]):
            for sha, used in self._select("SELECT sha, used FROM blobs WHERE sha IN (%s)", chunk):
                found.add(sha)
                if not isinstance(used, int) or used < stale:
                    self._used_blobs.add(sha)
        return found

    # -- what the last build wrote --------------------------------------------------------------------

    @_guarded(Outputs)
    def outputs(self, out_dir: Path) -> Outputs:
        """What the last build recorded for the folder ``out_dir`` (nothing if the record is damaged)."""
        row = self.db.execute("SELECT sha, data FROM manifests WHERE dir=?", (str(out_dir),)).fetchone()
        if row is None or not _intact(row[1], row[0]):
            return Outputs()
        try:
            files = json.loads(row[1])
            return Outputs({path: (bytes.fromhex(sha), size, mtime, ino, source)
                            for path, (sha, size, mtime, ino, source) in files.items()
                            if isinstance(source, str) and all(isinstance(n, int) for n in (size, mtime, ino))})
        except (ValueError, TypeError, AttributeError):
            return Outputs()

    @_guarded(lambda: None)
    def set_outputs(self, out_dir: Path, outputs: Outputs) -> None:
        data = json.dumps({path: [sha.hex(), *rest] for path, (sha, *rest) in outputs.files.items()}).encode()
        with self._transaction():
            self.db.execute("INSERT OR REPLACE INTO manifests VALUES (?, ?, ?)",
                            (str(out_dir), hashlib.sha256(data).digest(), data))

    # -- what the last build depended on (the up-to-date check) ------------------------------------------

    @_guarded(lambda: None)
    def up_to_date(self, out_dir: Path | str) -> dict[str, Any] | None:
        """The record :mod:`.uptodate` kept of the last build that wrote ``out_dir`` (None if damaged)."""
        row = self.db.execute("SELECT sha, data FROM uptodate WHERE dir=?", (str(out_dir),)).fetchone()
        if row is None or not _intact(row[1], row[0]):
            return None
        try:
            data = json.loads(row[1])
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    @_guarded(lambda: None)
    def set_up_to_date(self, out_dir: Path | str, record: dict[str, Any] | None) -> None:
        """Keep ``record`` for ``out_dir`` (None: forget it)."""
        with self._transaction():
            if record is None:
                self.db.execute("DELETE FROM uptodate WHERE dir=?", (str(out_dir),))
                return
            data = json.dumps(record, separators=(",", ":")).encode()
            self.db.execute("INSERT OR REPLACE INTO uptodate VALUES (?, ?, ?)",
                            (str(out_dir), hashlib.sha256(data).digest(), data))

    # -- closing ---------------------------------------------------------------------------------------

    @_guarded(lambda: None)
    def flush(self) -> None:
        """Write what was stored, mark what was used, evict past the bound."""
        if not (self._pending or self._pending_blobs or self._used_entries or self._used_blobs):
            self.evict()
            return
        now = time.time_ns()
        if self._approx_size is not None:
            self._approx_size += sum(len(p) for _, p in self._pending.values())
            self._approx_size += sum(len(d) for d in self._pending_blobs.values())
        with self._transaction():
            self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?)",
                                [(key, stage, hashlib.sha256(payload).digest(), payload, len(payload), now)
                                 for key, (stage, payload) in self._pending.items()])
            self.db.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?, ?, ?)",
                                [(sha, data, len(data), now) for sha, data in self._pending_blobs.items()])
            for chunk in _chunks(list(self._used_entries)):
                self.db.execute(f"UPDATE entries SET used=? WHERE key IN ({','.join('?' * len(chunk))})",
                                (now, *chunk))
            for chunk in _chunks(list(self._used_blobs)):
                self.db.execute(f"UPDATE blobs SET used=? WHERE sha IN ({','.join('?' * len(chunk))})",
                                (now, *chunk))
        self._pending.clear()
        self._pending_blobs.clear()
        self._used_entries.clear()
        self._used_blobs.clear()
        self.evict()

    @_guarded(lambda: 0)
    def size(self) -> int:
        """Bytes of stored payloads (entries and blobs)."""
        row = self.db.execute("SELECT (SELECT COALESCE(SUM(size), 0) FROM entries) + "
                              "(SELECT COALESCE(SUM(size), 0) FROM blobs)").fetchone()
        self._approx_size = int(row[0])
        return self._approx_size

    @_guarded(lambda: 0)
    def evict(self) -> int:
        """Drop least recently used entries and blobs until the cache is under 90% of its bound."""
        if self._approx_size is not None and self._approx_size <= self.max_bytes:
            return 0  # an upper bound (a replaced entry counts twice): no need to sum it all again
        total = self.size()
        if total <= self.max_bytes:
            return 0
        target = int(self.max_bytes * 0.9)
        # Least recently used first; among those used by the same build, the largest
        # first (fewest results lost for the bytes freed).
        rows = self.db.execute("SELECT 'e', key, size, used FROM entries UNION ALL "
                               "SELECT 'b', sha, size, used FROM blobs ORDER BY used, size DESC").fetchall()
        drop_e: list[bytes] = []
        drop_b: list[bytes] = []
        for table, key, size, _used in rows:
            if total <= target:
                break
            (drop_e if table == "e" else drop_b).append(key)
            total -= size
        with self._transaction():
            self._delete("entries", "key", drop_e, transaction=False)
            self._delete("blobs", "sha", drop_b, transaction=False)
        self.db.execute("PRAGMA incremental_vacuum")
        self.stats.evicted += len(drop_e) + len(drop_b)
        self._approx_size = total
        return len(drop_e) + len(drop_b)

    def close(self, flush: bool = True) -> None:
        """Close the file, after :meth:`flush` (without: a caller that only read, and needs no eviction)."""
        try:
            if flush:
                self.flush()
        finally:
            with self.lock:
                self.db.close()
                if self.broken:
                    self._discard()

    def __enter__(self) -> RenderCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers ------------------------------------------------------------------------------------------

    def _select(self, sql: str, keys: list[bytes]) -> list[tuple[Any, ...]]:
        return self.db.execute(sql % ",".join("?" * len(keys)), keys).fetchall()

    def _delete(self, table: str, column: str, keys: list[bytes], transaction: bool = True) -> None:
        def run() -> None:
            for chunk in _chunks(keys):
                self.db.execute(f"DELETE FROM {table} WHERE {column} IN ({','.join('?' * len(chunk))})", chunk)
        if transaction:
            with self._transaction():
                run()
        else:
            run()

    class _Tx:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> None:
            self.db.execute("BEGIN IMMEDIATE")

        def __exit__(self, kind: object, *rest: object) -> None:
            self.db.execute("COMMIT" if kind is None else "ROLLBACK")

    def _transaction(self) -> RenderCache._Tx:
        return RenderCache._Tx(self.db)


def _intact(value: object, sha: object) -> bool:
    """Whether a stored payload is bytes whose SHA-256 is the one stored with it."""
    return isinstance(value, bytes) and isinstance(sha, bytes) and hashlib.sha256(value).digest() == sha


def _chunks(items: list[bytes]) -> Iterator[list[bytes]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


@dataclass
class SiteCacheInfo:
    path: Path
    site: str
    entries: int
    blobs: int
    bytes: int
    file_bytes: int
    last_used: float  # seconds since the epoch, 0 if never
    outputs: list[Path] = field(default_factory=list)  # the output folders its builds wrote


def _output_dirs(db: sqlite3.Connection) -> list[Path]:
    """The output folders a site's builds recorded (not their spare copies)."""
    dirs = [Path(row[0]) for row in db.execute("SELECT dir FROM manifests ORDER BY dir")]
    return [d for d in dirs if not (d.name == "spare" and d.parent.name.endswith(".wasmblog"))]


def list_caches(root: Path | None = None) -> list[SiteCacheInfo]:
    """Every site's render cache under ``root``, for ``wasmblog cache info``."""
    folder = root or render_cache_root()
    out = []
    for path in sorted(folder.glob("*.sqlite")) if folder.is_dir() else []:
        size = sum(Path(str(path) + s).stat().st_size for s in ("", "-wal") if Path(str(path) + s).exists())
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
            try:
                site = (db.execute("SELECT value FROM meta WHERE name='site'").fetchone() or ("",))[0]
                entries, e_bytes, e_used = db.execute(
                    "SELECT COUNT(*), COALESCE(SUM(size), 0), COALESCE(MAX(used), 0) FROM entries").fetchone()
                blobs, b_bytes, b_used = db.execute(
                    "SELECT COUNT(*), COALESCE(SUM(size), 0), COALESCE(MAX(used), 0) FROM blobs").fetchone()
                outputs = _output_dirs(db)
            finally:
                db.close()
        except sqlite3.DatabaseError:
            out.append(SiteCacheInfo(path, "(unreadable)", 0, 0, 0, size, 0.0))
            continue
        out.append(SiteCacheInfo(path, site, entries, blobs, e_bytes + b_bytes, size, max(e_used, b_used) / 1e9,
                                 outputs))
    return out


def clear_caches(root: Path | None = None, site: Path | str | None = None) -> int:
    """Delete every site's render cache (or one site's); returns the bytes freed."""
    folder = root or render_cache_root()
    if site is not None:
        paths = [site_cache_path(site, folder)]
    else:
        paths = sorted(folder.glob("*.sqlite")) if folder.is_dir() else []
    freed = 0
    for path in paths:
        for suffix in ("", "-wal", "-shm"):
            extra = Path(str(path) + suffix)
            if extra.exists():
                freed += extra.stat().st_size
                extra.unlink()
    return freed
