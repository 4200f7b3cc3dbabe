"""Writing a build: validate every path, write into a fresh folder, swap it in.

The host trusts nothing the renderer returns: a path that is absolute, has
``..`` or odd characters, or appears twice, and a file over the size
limit, are refused with a diagnostic. Files are written to a temporary
folder beside the output and swapped in at the end (atomically where the
OS allows), under a lock, so an interrupted, failed or concurrent build
never leaves a half-written site.

wasmblog writes only where it owns the place (:func:`check_place`,
:func:`claim`): never into the site folder, an ancestor of it or one of its
source folders, and into a non-empty folder only if an earlier build wrote
it (its ``.wasmblog-output`` lists what that build wrote) or with
``--force``. Only what an earlier build wrote is ever replaced or removed:
anything else in the folder is the user's and is carried into the new
output as it is (hard-linked), or the build refuses when the site needs
its place. The lock and the spare copy live in one folder beside the
output, ``.OUT.wasmblog/``, which carries its own ``.gitignore``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import hashlib
import os
import shutil
import stat
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Callable, Iterator

from renderer import Diagnostic, OutputFile
from renderer.model import FileCopy
from renderer.diagnostics import error, warning

from .cache import Outputs
from .incremental import StoredFile
from .uptodate import workspace

MAX_PATH_BYTES = 1024
MAX_SEGMENT_BYTES = 255


class OutputError(Exception):
    """The output folder cannot be written; the message says what to do.

    ``path`` is the folder or file concerned, ``message`` the rest:
    ``str(exc)`` is ``path: message``, :meth:`format` the diagnostic line.
    """

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(str(path), message)
        self.path = str(path)
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def format(self) -> str:
        return f"{self.path}: error: {self.message}"


# The record an output folder carries of what the build that wrote it wrote: the folder is
# wasmblog's to replace, and of its files only those listed (anything else is the user's).
MANIFEST = ".wasmblog-output"
_MANIFEST_HEADER = ("# Written by wasmblog: the files its last build wrote to this folder, which the next build "
                    "replaces or removes. Any other file here is yours and is kept.\n")
# Folders a site's sources live in (wasmblog's layout and Hugo's): an output may not be inside one.
SOURCE_FOLDERS = ("posts", "pages", "static", "templates", "content", "layouts", "themes", "assets", "data",
                  "i18n", "archetypes", "config")


def check_path(path: str) -> str | None:
    """Why ``path`` is not a safe output path, or None when it is."""
    if not path or not isinstance(path, str):
        return "empty path"
    if len(path.encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES:
        return "path too long"
    if path.startswith("/") or "\\" in path or ":" in path.split("/", 1)[0]:
        return "absolute path"
    if not (path.isascii() and path.isprintable()) and any(unicodedata.category(ch).startswith("C") for ch in path):
        return "control character in path"  # (printable ASCII has none: the common case is checked at once)
    if path == MANIFEST:
        return f"the name of wasmblog's record of the output folder ({MANIFEST})"
    for segment in path.split("/"):
        if segment in ("", ".", ".."):
            return "path escapes the output folder" if segment == ".." else "empty or '.' path segment"
        if len(segment.encode("utf-8", "surrogatepass")) > MAX_SEGMENT_BYTES:
            return "path segment too long"
    return None


def _utf8_size(text: str) -> int | None:
    """How many bytes ``text`` takes in UTF-8 (as written), or None if it cannot be encoded."""
    if text.isascii():
        return len(text)
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError:
        return None


def validate(files: list[Any], max_bytes: int) -> tuple[list[Any], list[Diagnostic]]:
    """Keep the files that are safe to write; report the others.

    ``files`` are :class:`OutputFile` (text) or pages the render cache holds
    (with ``path`` and ``size`` in bytes, checked the same way).
    """
    keep: list[OutputFile] = []
    diags: list[Diagnostic] = []
    seen: dict[str, int] = {}
    for f in files:
        problem = check_path(f.path)
        if problem:
            diags.append(error("<renderer>", 0, f"refused output {f.path[:200]!r}: {problem}"))
            continue
        size = f.size if isinstance(f, StoredFile) else _utf8_size(f.content)
        if size is None:
            diags.append(error("<renderer>", 0, f"refused output {f.path!r}: not valid Unicode text "
                                                "(a lone surrogate cannot be written as UTF-8)"))
            continue
        if size > max_bytes:
            diags.append(error("<renderer>", 0, f"refused output {f.path!r}: {size} bytes, "
                                                f"over the {max_bytes} limit"))
            continue
        key = f.path.casefold()
        if key in seen:
            diags.append(error("<renderer>", 0, f"refused output {f.path!r}: written twice"))
            continue
        seen[key] = len(keep)
        keep.append(f)
    # A file and a folder of the same name cannot both exist.
    folders = {p.rsplit("/", i)[0].casefold() for f in keep for p in (f.path,) for i in range(1, p.count("/") + 1)}
    clash = [f for f in keep if f.path.casefold() in folders]
    for f in clash:
        diags.append(error("<renderer>", 0, f"refused output {f.path!r}: also used as a folder"))
    if clash:
        keep = [f for f in keep if f not in clash]
    return keep, diags


def merge_static(files: list[OutputFile], static: list[tuple[str, Path]]) -> tuple[list[tuple[str, Path]], list[Diagnostic]]:
    """Static files to copy; a static file replaces a generated one of the same path."""
    generated = {f.path for f in files}
    diags = []
    keep = []
    for rel, src in static:
        problem = check_path(rel)
        if problem:
            diags.append(error(f"static/{rel}", 0, f"not copied: {problem}"))
            continue
        if rel in generated:
            diags.append(warning(f"static/{rel}", 0, "replaces the page the theme generates at this path"))
        keep.append((rel, src))
    return keep, diags


def check_copies(copies: list[FileCopy], resources: dict[str, Path], taken: set[str]
                 ) -> tuple[list[tuple[str, Path]], list[Diagnostic]]:
    """The bundle files the plan asks to copy, as (output path, file): only files the host
    itself listed, to safe paths no page or other file takes."""
    keep: list[tuple[str, Path]] = []
    diags: list[Diagnostic] = []
    seen = {p.casefold() for p in taken}
    for copy in copies:
        src = resources.get(copy.source)
        if src is None:
            diags.append(error("<renderer>", 0, f"refused copy of {copy.source[:200]!r}: not a file of the site"))
            continue
        problem = check_path(copy.path)
        if problem:
            diags.append(error(copy.source, 0, f"not copied to {copy.path[:200]!r}: {problem}"))
            continue
        if copy.path.casefold() in seen:
            diags.append(error(copy.source, 0, f"not copied: {copy.path!r} is already a page or a static file"))
            continue
        seen.add(copy.path.casefold())
        keep.append((copy.path, src))
    return keep, diags


def check_place(out: Path | str, site: Path | str, sources: tuple[str, ...] = (),
                instead: str = "write the site elsewhere (the default is SITE/public)") -> None:
    """Refuse an output folder that is the site folder, holds it, or is inside one of its
    source folders (:data:`SOURCE_FOLDERS` and ``sources``, e.g. the site's taxonomy folders,
    whose ``_index.md`` files are read): writing there would replace the site's own files.
    ``instead`` ends the message: what to do."""
    out_real, site_real = Path(os.path.realpath(out)), Path(os.path.realpath(site))
    shown = out_real if Path(out).name in ("", ".", "..") else Path(out)
    if out_real == site_real:
        raise OutputError(shown, f"is the site folder itself; {instead}")
    if site_real.is_relative_to(out_real):
        raise OutputError(shown, f"holds the site folder {site_real}; {instead}")
    for name in (*SOURCE_FOLDERS, *sources):
        if name and out_real.is_relative_to(site_real / name):
            raise OutputError(shown, f"is inside the site's {name}/ folder, which holds its sources; {instead}")


WORKSPACE_GITIGNORE = ("# Made by wasmblog: the lock and the spare copy of the output folder beside it "
                       "(`wasmblog cache info` lists it, `wasmblog cache clear` removes it).\n*\n")


def is_workspace(folder: Path) -> bool:
    """Whether ``folder`` is one wasmblog made (its .gitignore says so): only such a folder is ever cleared."""
    try:
        return (folder / ".gitignore").read_text("utf-8").startswith(WORKSPACE_GITIGNORE.split("\n")[0])
    except (OSError, UnicodeDecodeError):
        return False


def _workspace(out: Path) -> Path:
    folder = workspace(out)
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.is_file():
        ignore.write_text(WORKSPACE_GITIGNORE, "utf-8")
    return folder


@dataclass
class Workspace:
    """The folder beside an output holding its lock and spare copy, as ``wasmblog cache info`` lists it."""

    out: Path
    path: Path
    bytes: int  # what it takes on disk beyond the output (files hard-linked to the output's count once)


def _inodes(folder: Path) -> set[tuple[int, int]]:
    found = set()
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            found.add((st.st_dev, st.st_ino))
    return found


def workspace_of(out: Path) -> Workspace | None:
    """``out``'s workspace (:func:`workspace`), if there is one wasmblog made, with its cost on disk."""
    folder = workspace(Path(os.path.abspath(out)))
    if not folder.is_dir() or not is_workspace(folder):
        return None
    shared = _inodes(out) if out.is_dir() else set()
    seen: set[tuple[int, int]] = set()
    size = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            key = (st.st_dev, st.st_ino)
            if key not in shared and key not in seen:
                seen.add(key)
                size += st.st_blocks * 512 if st.st_blocks else st.st_size
    return Workspace(Path(os.path.abspath(out)), folder, size)


def clear_workspace(out: Path) -> int:
    """Remove ``out``'s lock and spare copy (waiting for no build: one writing it makes this refuse);
    returns the bytes freed. The output itself is not touched, nor anything in the folder that
    wasmblog did not make."""
    found = workspace_of(out)
    if found is None:
        return 0
    with locked(found.out, wait=False):
        _cleanup_stale(found.out)
        shutil.rmtree(found.path / "spare", ignore_errors=True)
        for name in ("lock", ".gitignore"):
            (found.path / name).unlink(missing_ok=True)
    try:
        found.path.rmdir()  # (only when nothing else is left in it)
    except OSError:
        pass
    return found.bytes


@contextmanager
def locked(out: Path, wait: bool = True) -> Iterator[None]:
    """Hold an exclusive lock for writing ``out`` (waits for another build, or raises if not ``wait``)."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fh = open(_workspace(out) / "lock", "a+b")
    except OSError as exc:
        raise OutputError(out, f"cannot write in {out.parent}: {exc.strerror or exc} (check the folder's "
                               "permissions and free space)") from None
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise OutputError(out, "a build is writing it right now; try again when it is done") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name, use_errno=True) if name else None


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False if unsupported."""
    libc = _libc()
    fn = getattr(libc, "renameat2", None) if libc else None
    if fn is None:
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EPERM, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def spare_path(out: Path) -> Path:
    """The folder holding the site a build before (see :func:`write_site`), in ``out``'s workspace."""
    return workspace(out) / "spare"


def _cleanup_stale(out: Path) -> None:
    """Remove what a killed build left; restore the previous site if it was mid-swap."""
    folder = workspace(out)
    if not out.exists():
        olds = sorted(folder.glob("old-*"), key=lambda p: p.stat().st_mtime)
        if olds:
            os.rename(olds[-1], out)
    for stale in [*folder.glob("old-*"), *folder.glob("tmp-*")]:
        shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(missing_ok=True)


def read_manifest(out: Path) -> set[str] | None:
    """The paths ``out``'s :data:`MANIFEST` lists, or None when it has none (or not one wasmblog wrote)."""
    try:
        with open(out / MANIFEST, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith(_MANIFEST_HEADER):
        return None
    return {line for line in text[len(_MANIFEST_HEADER):].split("\n") if line}


@dataclass
class Claim:
    """An output folder as a build finds it: which of its files an earlier build wrote."""

    exists: bool = False
    listed: set[str] = field(default_factory=set)  # what an earlier build wrote (its manifest, the cache's record)
    manifest: set[str] | None = None  # what its manifest lists (None: no manifest)
    files: set[str] = field(default_factory=set)  # every file in it (not the manifest)
    foreign: list[str] = field(default_factory=list)  # files no build wrote, and empty folders ("a/"): the user's

    def clashes(self, wanted: set[str]) -> list[str]:
        """The user's files (or empty folders) where the site needs to put a file or a folder."""
        folders = {p[:i] for p in wanted for i, ch in enumerate(p) if ch == "/"}
        out = []
        for item in self.foreign:
            name = item.rstrip("/")
            parents = {name[:i] for i, ch in enumerate(name) if ch == "/"}
            if name in wanted or (not item.endswith("/") and name in folders) or parents & wanted:
                out.append(name)
        return out


def claim(out: Path, previous: Outputs | None = None, force: bool = False) -> Claim:
    """What of ``out`` an earlier build wrote; refuses a non-empty folder no build wrote unless ``force``.

    A file is an earlier build's if the folder's :data:`MANIFEST` lists it, or if the render
    cache's record of the last build (``previous``) has it and it is still that very file.
    """
    out = Path(out)
    if not out.exists() and not out.is_symlink():
        return Claim()
    if not out.is_dir():
        raise OutputError(out, "exists and is not a folder; choose another output folder")
    tree = _tree(out)
    if tree is None:
        raise OutputError(out, "cannot be read (check its permissions)")
    manifest = read_manifest(out)
    recorded = {rel for rel, record in (previous or Outputs()).files.items() if _same(out / rel, record)}
    if tree and manifest is None and not recorded and not force:
        raise OutputError(out, f"is not empty, and wasmblog did not write it (it has no {MANIFEST}): choose a new "
                               "or empty folder, or add --force to write into it (files already there are kept)")
    listed = (manifest or set()) | recorded
    files = {p for p in tree if not p.endswith("/")} - {MANIFEST}
    foreign = sorted(files - listed)
    holders = {p[:i + 1] for p in tree for i, ch in enumerate(p[:-1]) if ch == "/"}
    foreign += sorted(p for p in tree if p.endswith("/") and p not in holders)  # empty folders
    return Claim(True, listed, manifest, files, foreign)


def _same(path: Path, record: tuple[bytes, int, int, int, str]) -> bool:
    """Whether ``path`` is still the file a build wrote: a regular file with the size, mtime and inode recorded."""
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and (st.st_size, st.st_mtime_ns, st.st_ino) == record[1:4]


def _source_signature(src: Path) -> str:
    st = os.stat(src)
    return f"static:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


class _Writer:
    """Brings a folder to the site's files: keeps what it already holds, hard-links from the live
    output what is unchanged there, writes the rest; each file replaced through a new one renamed
    into place, so a file another folder links to is never written."""

    def __init__(self, target: Path, have: Outputs, out: Path, live: Outputs) -> None:
        self.target, self.have, self.out, self.live = target, have, out, live
        self.made: set[Path] = {target}
        self.outputs = Outputs()
        self.kept: set[str] = set()  # the user's files and folders, carried over from the live output
        self.present = _tree(target) or set()

    def _dest(self, rel: str) -> Path:
        dest = self.target / rel
        parent = dest.parent
        if parent not in self.made:
            for folder in reversed([parent, *parent.parents]):
                if folder in self.made or not folder.is_relative_to(self.target) or folder == self.target:
                    continue
                if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
                    folder.unlink()  # a file where a folder must go: the last build had a file there
                folder.mkdir(exist_ok=True)
                self.made.add(folder)
            self.made.add(parent)
        if dest.is_dir() and not dest.is_symlink():
            shutil.rmtree(dest)  # a folder where a file must go
        return dest

    def _install(self, rel: str, make: Callable[[Path], None]) -> os.stat_result:
        dest = self._dest(rel)
        tmp = dest.with_name(dest.name + ".wasmblog-new")
        tmp.unlink(missing_ok=True)
        make(tmp)
        os.replace(tmp, dest)
        return os.stat(dest, follow_symlinks=False)

    def _keep(self, rel: str, sha: bytes | None, source: str = "") -> bool:
        """Whether the target already holds ``rel`` as wanted (and untouched since it was written)."""
        record = self.have.files.get(rel)
        if record is None or (sha is not None and record[0] != sha) or record[4] != source:
            return False
        if not _same(self.target / rel, record):
            return False
        self.outputs.files[rel] = record
        return True

    def _link_live(self, rel: str, sha: bytes | None, source: str = "") -> bool:
        """Hard-link ``rel`` from the live output, if it holds it as wanted."""
        record = self.live.files.get(rel)
        if self.target == self.out or record is None or (sha is not None and record[0] != sha) \
                or record[4] != source or not _same(self.out / rel, record):
            return False
        try:
            self._install(rel, lambda tmp: os.link(self.out / rel, tmp, follow_symlinks=False))
        except OSError:
            return False
        self.outputs.files[rel] = record
        return True

    def write(self, rel: str, data: bytes, sha: bytes | None = None) -> None:
        sha = sha or hashlib.sha256(data).digest()
        if self._keep(rel, sha) or self._link_live(rel, sha):
            return

        def make(tmp: Path) -> None:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)

        st = self._install(rel, make)
        self.outputs.files[rel] = (sha, st.st_size, st.st_mtime_ns, st.st_ino, "")

    def stored(self, f: StoredFile, blob: Callable[[bytes], bytes | None]) -> None:
        if self._keep(f.path, f.sha) or self._link_live(f.path, f.sha):
            return
        data = blob(f.sha)
        if data is None:  # not in the cache: copy what the last build wrote
            data = (self.out / f.path).read_bytes()
            if hashlib.sha256(data).digest() != f.sha:
                raise OSError(errno.ESTALE, f"{f.path} changed while the site was being written; build again")
        self.write(f.path, data, f.sha)

    def static(self, rel: str, src: Path) -> None:
        signature = _source_signature(src)
        if self._keep(rel, None, signature) or self._link_live(rel, None, signature):
            return
        def copy(tmp: Path) -> None:
            shutil.copyfile(src, tmp)

        st = self._install(rel, copy)
        self.outputs.files[rel] = (b"", st.st_size, st.st_mtime_ns, st.st_ino, signature)

    def keep(self, rel: str) -> None:
        """Carry the user's file (or empty folder, ``a/``) ``rel`` over from the live output as it is:
        hard-linked (the same file, whatever happens to the old folder), else copied."""
        if rel.endswith("/"):
            self._dest(rel + "-")  # (makes the folders down to rel; nothing is written at rel + "-")
            self.kept.add(rel)
            return
        src = self.out / rel
        dest = self._dest(rel)
        try:
            if os.lstat(dest).st_ino == os.lstat(src).st_ino:
                self.kept.add(rel)
                return  # already that very file
        except OSError:
            pass
        try:
            self._install(rel, lambda tmp: os.link(src, tmp, follow_symlinks=False))
        except OSError:
            self._install(rel, lambda tmp: _copy(src, tmp))
        self.kept.add(rel)

    def manifest(self) -> None:
        """The record of what this build wrote (not the user's files), for the next build."""
        text = _MANIFEST_HEADER + "".join(rel + "\n" for rel in sorted(self.outputs.files))
        data = text.encode("utf-8")
        dest = self.target / MANIFEST
        try:
            if dest.read_bytes() == data:
                return
        except OSError:
            pass
        def make(tmp: Path) -> None:
            tmp.write_bytes(data)

        self._install(MANIFEST, make)

    def prune(self) -> None:
        """Remove what the target holds beyond the site's files, the user's and the manifest, and folders
        left empty."""
        wanted = set(self.outputs.files) | {rel.rstrip("/") for rel in self.kept} | {MANIFEST}
        folders = {p[:i + 1] for p in wanted for i, ch in enumerate(p) if ch == "/"}
        folders |= {rel for rel in self.kept if rel.endswith("/")}
        for rel in sorted(self.present - wanted - folders, key=lambda p: -p.count("/")):
            path = self.target / rel.rstrip("/")
            if rel.endswith("/"):
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _copy(src: Path, dest: Path) -> None:
    """A copy of the file (or symlink) ``src`` at ``dest``, with its times and mode."""
    if src.is_symlink():
        os.symlink(os.readlink(src), dest)
    else:
        shutil.copy2(src, dest, follow_symlinks=False)


@dataclass
class Written:
    """What a build left: the output folder's files, and those of the spare folder beside it."""

    out: Outputs
    spare: Outputs | None


def _tree(folder: Path) -> set[str] | None:
    """Every path under ``folder`` (files as ``a/b.html``, folders as ``a/``), or None if unreadable."""
    found: set[str] = set()
    stack = [("", str(folder))]
    try:
        while stack:
            rel, path = stack.pop()
            with os.scandir(path) as entries:
                for entry in entries:
                    name = rel + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        found.add(name + "/")
                        stack.append((name + "/", entry.path))
                    else:
                        found.add(name)
    except OSError:
        return None
    return found


def unchanged(out: Path, files: list[Any], static: list[tuple[str, Path]], previous: Outputs,
              found: Claim | None = None) -> bool:
    """Whether ``out`` already is, byte for byte, the site these files make: every page one the last
    build wrote and still untouched, every static file's source unchanged, its manifest listing
    exactly these, and nothing else there but the user's own files."""
    wanted = {f.path for f in files} | {rel for rel, _ in static}
    if not previous.files or wanted != set(previous.files):
        return False
    if found is not None:
        return found.manifest == wanted and found.files - set(found.foreign) == wanted and \
            not found.clashes(wanted) and _unchanged_files(out, files, static, previous, wanted)
    return _unchanged_files(out, files, static, previous, wanted) and \
        _tree(out) == wanted | {p[:i + 1] for p in wanted for i, ch in enumerate(p) if ch == "/"}


def _unchanged_files(out: Path, files: list[Any], static: list[tuple[str, Path]], previous: Outputs,
                     wanted: set[str]) -> bool:
    """Whether every file the site makes is in ``out`` as the last build wrote it."""
    if not all(isinstance(f, StoredFile) and previous.files[f.path][0] == f.sha for f in files):
        return False
    try:
        if not all(previous.files[rel][4] == _source_signature(src) for rel, src in static):
            return False
    except OSError:
        return False
    return all(_same(out / rel, previous.files[rel]) for rel in wanted)


def claim_files(out: Path, names: set[str], force: bool = False, what: str = "it") -> Claim:
    """A folder a command writes file by file (``wasmblog deploy``, the JS export), claimed as
    :func:`claim` does; refused when one of ``names`` (relative paths) is a file of the user's."""
    found = claim(out, force=force)
    clashes = found.clashes(names)
    if clashes:
        raise OutputError(out / clashes[0], f"is not a file wasmblog wrote, and {what} needs its place: move it "
                                            "away, or choose another folder")
    return found


def record_files(out: Path, written: set[str], found: Claim) -> None:
    """After :func:`claim_files`: remove what an earlier run wrote to ``out`` that this one did not,
    and record in ``out``'s :data:`MANIFEST` what this one wrote."""
    for rel in sorted(found.listed - written):
        path = out / rel
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
    tmp = out / f"{MANIFEST}.tmp{os.getpid()}"
    tmp.write_text(_MANIFEST_HEADER + "".join(rel + "\n" for rel in sorted(written)), "utf-8")
    os.replace(tmp, out / MANIFEST)


def write_site(out: Path, files: list[Any], static: list[tuple[str, Path]], previous: Outputs | None = None,
               blob: Callable[[bytes], bytes | None] | None = None,
               spare: Outputs | None = None, force: bool = False) -> Written:
    """Write ``files`` and copy ``static`` into ``out``, replacing it whole; returns what was written.

    ``out`` must be new, empty, or written by an earlier build (:func:`claim`;
    ``force``: any folder). Only what an earlier build wrote is replaced or
    removed: the user's own files in ``out`` are carried into the new output
    (hard-linked), and a build that needs the place of one refuses.

    Without ``spare`` (no render cache), the site is written into a fresh
    folder that is swapped with ``out``, and the old site is deleted. With
    the render cache, ``previous`` is what the last build wrote to ``out`` and
    ``spare`` what the spare folder (``.OUT.wasmblog/spare``) holds: the
    site one build before. That folder is brought up to date (files it
    already holds unchanged are kept, files the live site holds unchanged
    are hard-linked from it, the rest written, each through a new file
    renamed into place) and swapped with ``out``, which becomes the spare.
    A rebuild thus touches only what changed, not every folder of the site
    twice. A file counts as unchanged only if it is still the one recorded
    (same size, mtime and inode). Either way ``out`` is replaced in one
    step, and left as it is when it already holds exactly this site.
    """
    out = Path(os.path.abspath(out))
    if out.parent == out:
        raise OutputError(out, "is the root of the file system; choose another output folder")
    previous = previous or Outputs()
    with locked(out):
        _cleanup_stale(out)
        found = claim(out, previous, force)
        wanted = {f.path for f in files} | {rel for rel, _ in static}
        clashes = found.clashes(wanted)
        if clashes:
            more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
            raise OutputError(out / clashes[0], f"is not a file wasmblog wrote, and the site needs its place{more}: "
                                                "move it away, or choose another output folder")
        if unchanged(out, files, static, previous, found):
            return Written(previous, spare)  # the folder already holds exactly this site
        keep_spare = spare is not None
        target = spare_path(out) if keep_spare else workspace(out) / f"tmp-{os.getpid()}"
        retire: Path | None = target  # what is deleted at the end (nothing in spare mode once swapped)
        try:
            if not keep_spare or not target.is_dir():
                shutil.rmtree(target, ignore_errors=True)
                target.mkdir()
                spare = Outputs()
            writer = _Writer(target, spare or Outputs(), out, previous)
            for f in files:
                if isinstance(f, StoredFile):
                    writer.stored(f, blob or (lambda sha: None))
                else:
                    writer.write(f.path, f.content.encode("utf-8"))
            for rel, src in static:
                writer.static(rel, src)
            for rel in found.foreign:
                writer.keep(rel)
            writer.manifest()
            writer.prune()
            os.chmod(target, 0o755)
            if found.exists:
                if not _exchange(target, out):
                    old = workspace(out) / f"old-{os.getpid()}"
                    os.rename(out, old)
                    os.rename(target, out)
                    if keep_spare:
                        os.rename(old, target)
                    else:
                        retire = old
                retire = retire if not keep_spare else None
            else:
                os.rename(target, out)
                retire = None
        except OSError as exc:
            what = exc.strerror or str(exc)
            hint = {errno.ENOSPC: "free some disk space", errno.EROFS: "the disk is read-only",
                    errno.EACCES: "check the folder's permissions", errno.EDQUOT: "over the disk quota",
                    errno.EFBIG: "a file is over the size this process may write"}.get(exc.errno or 0, "")
            raise OutputError(out, "cannot write the site: " + what + (f" ({hint})" if hint else "")
                              + "; the previous output is as it was") from None
        finally:
            if not keep_spare and retire is not None and retire.exists():
                shutil.rmtree(retire, ignore_errors=True)
    return Written(writer.outputs, previous if keep_spare and out.exists() else None)
