"""Whether ``wasmblog build`` has nothing to do: the up-to-date check, as make, ninja and git do it.

After a build that wrote its output without an error, :func:`record_data` is kept in
the site's render cache (:meth:`.cache.RenderCache.set_up_to_date`) a record of
everything that build's output depends on:

- every file and folder under the site folder (path, size, mtime, ctime,
  inode; a symlink as the file it leads to), taken *before* the build read
  them, so an edit made while it ran is seen. That is more than the readers
  read (:mod:`.reader`, :mod:`.hugo`: content, static, templates, layouts,
  i18n, themes, the config files, data...), on purpose: a file added,
  removed or renamed anywhere in the site is a change, and the record does not
  have to follow the readers' rules. Only version-control folders, the output
  folder and its workspace (when they are inside the site) are left out;
- the code that renders: every file of ``renderer/`` and ``wasm_host/``, the
  packages the core bundles (their ``dist-info`` folders: an upgrade removes
  the old one), the Python running it, and the engine's name;
- the build's options (``--drafts``, ``--future``, ``--strict``, the limits)
  and the span of build times that publish the same posts
  (``renderer.plan.publication_window``): a later build time (or another
  ``SOURCE_DATE_EPOCH``) may publish a future-dated post, so the record holds
  only while the build time stays in it. Only planning reads the build time;
- every file and folder of the output folder (path, size, mtime, ctime,
  inode), taken after the build swapped it in, so a file deleted, edited or
  added there by hand is a change (the ctime: even one whose mtime was put
  back; nothing but the next build links these files elsewhere);
- what the build reported (counts and diagnostics), to report it again.

:func:`check` stats all that again (1,000 posts, 1,620 pages: ~50 ms, most of it
the output folder's 3,142 files and folders) and returns the record when nothing
differs: the build is skipped. This module imports nothing of the core, so that
``wasmblog build`` answers without importing it (~0.3 s). A build that does run
pays for the record: ~60 ms of walking the site and the output folder.

"Racily clean" files (git's term): a file's times tick coarsely, so a file
changed twice within one tick, around the moment its status was taken, keeps
the same status. An input whose mtime or ctime is within :data:`RACY_NS` of
the moment the record's inputs were taken counts as changed (the next build
records it again, by then old enough). An output file written within
:data:`RACY_NS` of its record is recorded with its SHA-256 (of what the build
meant to write), and every check compares its bytes. A build that had an error
is not recorded: the next one builds and reports it again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Sequence

FORMAT = 1
RACY_NS = 2_000_000_000  # 2 s: FAT's mtime tick, the coarsest file system a site may be on
_UNWALKED = frozenset((".git", ".hg", ".svn", "__pycache__"))  # never read by a build
# What the core's output depends on besides its own files (keep in step with engines/version.py's
# CORE_DISTRIBUTIONS and the component's: a test checks); recorded by their dist-info folder.
CODE_DISTRIBUTIONS = ("mistune", "Jinja2", "MarkupSafe", "Pygments", "PyYAML", "python-frontmatter", "tomli",
                      "justhtml", "tzdata", "componentize-py", "wasmtime")

Tree = dict[str, list[int]]


def build_time_micros() -> int:
    """The build time: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return int(epoch) * 1_000_000
        except ValueError:
            pass
    return time.time_ns() // 1000


def cpu_count() -> int:
    """Cores this process may run on (the default for ``--jobs``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def display_prefix(site: Path | str) -> str:
    """How diagnostics name a site's files to the user: relative to where the command ran
    (``content/posts/x.md`` for ``wasmblog build content``)."""
    text = str(site)
    return "" if text in (".", "./") else text.rstrip("/") + "/"


def workspace(out: Path) -> Path:
    """The folder beside ``out`` holding its lock and spare copy (``.OUT.wasmblog/``, ignored by git)."""
    return out.parent / f".{out.name}.wasmblog"


def legacy_files(out: Path) -> list[Path]:
    """What wasmblog 0.1's first builds left beside ``out`` (a lock file and a spare folder), now unused."""
    return [p for p in (out.parent / f".{out.name}.wasmblog-lock", out.parent / f".{out.name}.wasmblog-spare")
            if p.exists()]


def _ids(*paths: Path) -> set[tuple[int, int]]:
    found = set()
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        found.add((st.st_dev, st.st_ino))
    return found


def _walk(top: str, prefix: str, tree: Tree, skip: set[tuple[int, int]], seen: set[tuple[int, int]],
          ctime: bool) -> None:
    """Every file and folder under ``top`` into ``tree`` (a folder in ``skip`` left out). A folder is
    not statted (its entries are), unless it is a symlink or has the inode of one to skip: no stat
    per folder is ~30% of walking an output folder of 1,620 pages in as many folders."""
    skipped_inodes = {ino for _, ino in skip}
    try:
        entries = list(os.scandir(top))
    except OSError:
        tree[prefix] = [-2]  # unreadable: a build would say so
        return
    for entry in entries:
        name = entry.name
        rel = prefix + name
        try:
            link = entry.is_symlink()
            if not link and entry.is_dir(follow_symlinks=False):
                if name in _UNWALKED:
                    continue
                if entry.inode() in skipped_inodes:
                    st = entry.stat(follow_symlinks=False)
                    if (st.st_dev, st.st_ino) in skip:
                        continue
                tree[rel + "/"] = [0]  # an empty folder may count (a site without posts/ gets a warning)
                _walk(entry.path, rel + "/", tree, skip, seen, ctime)
                continue
            st = os.stat(entry.path) if link else entry.stat(follow_symlinks=False)
        except OSError:
            tree[rel] = [-1]  # a dangling symlink
            continue
        if stat.S_ISDIR(st.st_mode):  # a symlink to a folder: the reader follows it
            if name in _UNWALKED or (st.st_dev, st.st_ino) in skip:
                continue
            tree[rel + "/"] = [0]
            if (st.st_dev, st.st_ino) not in seen:  # (a symlink to a folder above: walked once)
                seen.add((st.st_dev, st.st_ino))
                _walk(entry.path, rel + "/", tree, skip, seen, ctime)
        elif ctime:
            tree[rel] = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
        else:
            tree[rel] = [st.st_size, st.st_mtime_ns, st.st_ino]


def site_tree(site: Path | str, out: Path | str) -> Tree:
    """The status of every file and folder under ``site``, but the output folder and its workspace."""
    root = os.path.abspath(site)
    out_path = Path(os.path.abspath(out))
    tree: Tree = {}
    _walk(root, "", tree, _ids(out_path, workspace(out_path)), _ids(Path(root)), ctime=True)
    return tree


def out_tree(out: Path | str) -> Tree:
    """The status of every file and folder in the output folder."""
    tree: Tree = {}
    _walk(os.path.abspath(out), "", tree, set(), _ids(Path(out)), ctime=True)
    return tree


def _code_roots() -> list[Path]:
    spec = importlib.util.find_spec("renderer")  # (finds it without importing it)
    roots = [Path(__file__).resolve().parent.parent]  # wasm_host/: the readers, the writer, the guest, the WIT
    if spec is not None and spec.origin is not None:
        roots.append(Path(spec.origin).resolve().parent)
    return roots


def code_stamp(engine: str, dists: dict[str, str] | None = None) -> dict[str, Any]:
    """What the rendering code is: the engine, every file of the core and the host, the bundled packages
    (by their dist-info folder's status: ``dists`` maps each to its folder, found by :func:`dist_folders`)."""
    files: dict[str, Tree] = {}
    for root in _code_roots():
        tree: Tree = {}
        _walk(str(root), "", tree, _ids(root / "bench"), set(), ctime=True)  # (bench/: not used to build)
        files[str(root)] = tree
    dists = dist_folders() if dists is None else dists
    folders: Tree = {}
    for folder in sorted(dists.values()):
        try:
            st = os.stat(folder)
            folders[folder] = [st.st_mtime_ns, st.st_ino]
        except OSError:
            folders[folder] = [-1]
    return {"engine": engine, "python": sys.version, "executable": sys.executable, "path": sys.path[1:],
            "files": files, "dists": folders}


def dist_folders() -> dict[str, str]:
    import importlib.metadata  # (~40 ms: only when a build records)

    found = {}
    for name in CODE_DISTRIBUTIONS:
        try:
            folder = getattr(importlib.metadata.distribution(name), "_path", None)
        except importlib.metadata.PackageNotFoundError:
            continue
        if folder is not None:
            found[name] = str(folder)
    return found


def _newest(trees: list[Tree]) -> int:
    """The latest mtime or ctime of a file of ``trees`` (with ctimes)."""
    return max((max(s[1], s[3]) for tree in trees for s in tree.values() if len(s) == 4), default=0)


def _digest(value: Any) -> str:
    """A tree's (or the code's) fingerprint: the record keeps this, not the 4,000 entries of a
    1,000-post site and its output (~0.4 MB of JSON to write and read, ~25 ms a build)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@dataclass
class Inputs:
    """The site's and the code's status, taken before a build reads them."""

    taken: int
    site: Tree
    code: dict[str, Any]

    @classmethod
    def take(cls, site: Path | str, out: Path | str, engine: str) -> Inputs:
        taken = time.time_ns()
        return cls(taken, site_tree(site, out), code_stamp(engine))


@dataclass
class Record:
    """What :func:`check` found still true: the last build's report, to give again."""

    posts: int
    pages: int
    static: int
    parsed: int
    diagnostics: list[list[Any]] = field(default_factory=list)  # [path, line, severity, message, one-line text]
    settled: dict[str, Any] | None = None  # the record without the hashes it no longer needs: keep it instead


@dataclass(frozen=True)
class Line:
    """A recorded diagnostic, as :class:`renderer.Diagnostic` shows itself (``text``: ``format("")``)."""

    path: str
    line: int
    severity: str
    message: str
    text: str

    def format(self, prefix: str = "") -> str:
        return prefix + self.text  # (the caller checks that the prefix needs no escaping)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class Counted:
    """Error and warning counts of a report's ``diagnostics`` (build, check, deploy, and a build found
    up to date: here, where importing it imports nothing of the core)."""

    diagnostics: Sequence[Any]  # each with ``is_error``

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) - self.errors

    def diagnostics_json(self, prefix: str = "") -> list[dict[str, Any]]:
        """The diagnostics as ``--json`` gives them: a site file's path after ``prefix`` (where the
        command ran), a path in angle brackets (``<renderer>``) as it is."""
        out = []
        for d in self.diagnostics:
            shown = "" if d.path.startswith("<") else prefix
            out.append({"path": shown + d.path, "line": d.line, "severity": d.severity, "message": d.message,
                        "text": d.format(shown)})
        return out


def build_json(report: Any, cache: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``wasmblog build --json``'s report, built or replayed (``cache``: what came from the render cache)."""
    return {
        "site": report.site, "out": report.out, "engine": report.engine, "jobs": report.jobs,
        "posts": report.posts, "pages": report.pages, "static": report.static,
        "seconds": round(report.seconds, 4), "written": report.written, "stopped": report.stopped,
        "errors": report.errors, "warnings": report.warnings, "cache": cache,
        "diagnostics": report.diagnostics_json(prefix),
    }


class Replay(Counted):
    """The report ``wasmblog build`` gives for an output found up to date: the last build's, every
    result reused (what a build that re-checked every result would say), as :class:`.build.BuildReport`."""

    site: str
    out: str
    engine: str
    jobs: int
    posts: int
    pages: int
    static: int
    parsed: int
    seconds: float
    diagnostics: list[Line]
    written: bool
    stopped: bool
    cached: bool

    def __init__(self, found: Record, site: str, out: str, engine: str, jobs: int, seconds: float) -> None:
        self.site, self.out, self.engine, self.jobs, self.seconds = site, out, engine, jobs, seconds
        self.posts, self.pages, self.static, self.parsed = found.posts, found.pages, found.static, found.parsed
        self.diagnostics = [Line(*d) for d in found.diagnostics]
        self.written, self.stopped, self.cached = True, False, True

    @property
    def reused(self) -> int:
        return self.pages

    def to_json(self, prefix: str = "") -> dict[str, Any]:
        return build_json(self, {"enabled": True, "posts_parsed": 0, "posts_reused": self.parsed,
                                 "plan_reused": True, "pages_reused": self.pages}, prefix)


def options_key(site: Path | str, out: Path | str, engine: str, drafts: bool, future: bool, strict: bool,
                limits: dict[str, float] | None) -> dict[str, Any]:
    return {"format": FORMAT, "site": os.path.abspath(site), "out": os.path.abspath(out), "engine": engine,
            "drafts": drafts, "future": future, "strict": strict,
            "limits": sorted((k, float(v)) for k, v in (limits or {}).items())}


def record_data(key: dict[str, Any], inputs: Inputs, window: tuple[int, int], out: Path | str,
                report: Record, sha_of: dict[str, bytes]) -> dict[str, Any]:
    """The record of a build that wrote ``out`` from ``inputs`` (stat the output now, after the swap).

    ``sha_of``: the SHA-256 of the files the build wrote (what it meant to write); an output file
    written within :data:`RACY_NS` of now is recorded with it (or, for a file the build did not
    make, such as its own list of what it wrote, its bytes' hash now)."""
    written = time.time_ns()
    tree = out_tree(out)
    hashes = {}
    for rel, st in tree.items():
        if len(st) == 4 and max(st[1], st[3]) >= written - RACY_NS:
            sha = sha_of.get(rel) or _file_sha(os.path.join(out, rel))
            hashes[rel] = [sha.hex() if sha else "", max(st[1], st[3])]
    return {"key": key, "taken": inputs.taken, "window": list(window),
            "site": _digest(inputs.site), "site_newest": _newest([inputs.site]),
            "code": _digest(inputs.code), "code_newest": _newest(list(inputs.code["files"].values())),
            "dists": sorted(inputs.code["dists"]), "out": _digest(tree), "hashes": hashes,
            "report": {"posts": report.posts, "pages": report.pages, "static": report.static,
                       "parsed": report.parsed, "diagnostics": report.diagnostics}}


def _file_sha(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").digest()
    except OSError:
        return None


def check(data: dict[str, Any] | None, key: dict[str, Any], build_time: int) -> Record | None:
    """The recorded report when nothing the build depends on changed since ``data`` was recorded."""
    try:
        if not data or data.get("key") != key:
            return None
        lo, hi = data["window"]
        if not lo <= build_time < hi:
            return None  # a post's date (or expiry) was passed since: the build publishes other posts
        out = key["out"]
        if legacy_files(Path(out)):
            return None  # a full build says what to do about them
        limit = data["taken"] - RACY_NS  # (a file changed after this may have the status it was recorded with)
        if data["site_newest"] >= limit or _digest(site_tree(key["site"], out)) != data["site"]:
            return None
        if data["code_newest"] >= limit:
            return None
        if _digest(code_stamp(key["engine"], {folder: folder for folder in data["dists"]})) != data["code"]:
            return None
        if _digest(out_tree(out)) != data["out"]:
            return None
        hashes = data["hashes"]
        now = time.time_ns()
        for rel, (sha, _) in hashes.items():  # written just before the record: compare the bytes
            if not sha or _file_sha(os.path.join(out, rel)) != bytes.fromhex(sha):
                return None
        r = data["report"]
        found = Record(r["posts"], r["pages"], r["static"], r["parsed"], r["diagnostics"])
        # A file whose bytes were just found right, last changed RACY_NS or more before: a change from
        # now on gives it another mtime, so its status is enough from now on (after a build that wrote
        # 1,620 pages, hashing them all took ~60 ms of every check).
        keep = {rel: entry for rel, entry in hashes.items() if entry[1] >= now - RACY_NS}
        if len(keep) < len(hashes):
            found.settled = {**data, "hashes": keep}
        return found
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
