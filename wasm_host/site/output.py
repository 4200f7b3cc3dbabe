"""Writing a build: validate every path, write into a fresh folder, swap it in.

The host trusts nothing the renderer returns: a path that is absolute, has
``..`` or odd characters, or appears twice, and a file over the size
limit, are refused with a diagnostic. Files are written to a temporary
folder beside the output and swapped in at the end (atomically where the
OS allows), under a lock, so an interrupted, failed or concurrent build
never leaves a half-written site.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Callable, Iterator

from renderer import Diagnostic, OutputFile
from renderer.model import FileCopy
from renderer.diagnostics import error, warning

from .cache import Outputs
from .incremental import StoredFile

MAX_PATH_BYTES = 1024
MAX_SEGMENT_BYTES = 255


class OutputError(Exception):
    """The output folder cannot be written; the message says what to do."""


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


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock for writing ``out`` (waits for another build)."""
    lock_path = out.parent / f".{out.name}.wasmblog-lock"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fh = open(lock_path, "a+b")
    except OSError as exc:
        raise OutputError(f"{out}: cannot write here: {exc.strerror} (check the folder's permissions)") from None
    with fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
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
    """The folder beside ``out`` holding the site a build before (see :func:`write_site`)."""
    return out.parent / f".{out.name}.wasmblog-spare"


def _cleanup_stale(out: Path) -> None:
    """Remove what a killed build left; restore the previous site if it was mid-swap."""
    if not out.exists():
        olds = sorted(out.parent.glob(f".{out.name}.wasmblog-old-*"), key=lambda p: p.stat().st_mtime)
        if olds:
            os.rename(olds[-1], out)
    for stale in out.parent.glob(f".{out.name}.wasmblog-*"):
        if stale.name.endswith(("-lock", "-spare")):
            continue
        shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(missing_ok=True)


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

    def prune(self) -> None:
        """Remove what the target holds beyond the site's files, and folders left empty."""
        wanted = set(self.outputs.files)
        folders = {p[:i + 1] for p in wanted for i, ch in enumerate(p) if ch == "/"}
        for rel in sorted(self.present - wanted - folders, key=lambda p: -p.count("/")):
            path = self.target / rel.rstrip("/")
            if rel.endswith("/"):
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


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


def unchanged(out: Path, files: list[Any], static: list[tuple[str, Path]], previous: Outputs) -> bool:
    """Whether ``out`` already is, byte for byte, the site these files make: every page one the last
    build wrote and still untouched, every static file's source unchanged, and nothing else there."""
    wanted = {f.path for f in files} | {rel for rel, _ in static}
    if not previous.files or wanted != set(previous.files):
        return False
    if not all(isinstance(f, StoredFile) and previous.files[f.path][0] == f.sha for f in files):
        return False
    try:
        if not all(previous.files[rel][4] == _source_signature(src) for rel, src in static):
            return False
    except OSError:
        return False
    folders = {p[:i + 1] for p in wanted for i, ch in enumerate(p) if ch == "/"}
    if _tree(out) != wanted | folders:
        return False
    return all(_same(out / rel, previous.files[rel]) for rel in wanted)


def write_site(out: Path, files: list[Any], static: list[tuple[str, Path]], previous: Outputs | None = None,
               blob: Callable[[bytes], bytes | None] | None = None,
               spare: Outputs | None = None) -> Written:
    """Write ``files`` and copy ``static`` into ``out``, replacing it whole; returns what was written.

    Without ``spare`` (no render cache), the site is written into a fresh
    folder that is swapped with ``out``, and the old site is deleted. With
    the render cache, ``previous`` is what the last build wrote to ``out`` and
    ``spare`` what the folder beside it (``.OUT.wasmblog-spare``) holds: the
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
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder; choose another output path")
    previous = previous or Outputs()
    with locked(out):
        _cleanup_stale(out)
        if unchanged(out, files, static, previous):
            return Written(previous, spare)  # the folder already holds exactly this site
        keep_spare = spare is not None
        target = spare_path(out) if keep_spare else out.parent / f".{out.name}.wasmblog-tmp-{os.getpid()}"
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
            writer.prune()
            os.chmod(target, 0o755)
            if out.exists():
                if not _exchange(target, out):
                    old = out.parent / f".{out.name}.wasmblog-old-{os.getpid()}"
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
                    errno.EACCES: "check the folder's permissions"}.get(exc.errno or 0, "")
            raise OutputError(f"{out}: cannot write the site: {what}" + (f" ({hint})" if hint else "")) from None
        finally:
            if not keep_spare and retire is not None and retire.exists():
                shutil.rmtree(retire, ignore_errors=True)
    return Written(writer.outputs, previous if keep_spare and out.exists() else None)
