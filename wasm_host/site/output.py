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
from pathlib import Path
from typing import Any, Callable, Iterator

from renderer import Diagnostic, OutputFile
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
    if any(unicodedata.category(ch).startswith("C") for ch in path):
        return "control character in path"
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


def _libc():  # noqa: ANN202
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


def _cleanup_stale(out: Path) -> None:
    """Remove what a killed build left; restore the previous site if it was mid-swap."""
    if not out.exists():
        olds = sorted(out.parent.glob(f".{out.name}.wasmblog-old-*"), key=lambda p: p.stat().st_mtime)
        if olds:
            os.rename(olds[-1], out)
    for stale in out.parent.glob(f".{out.name}.wasmblog-*"):
        if stale.name.endswith("-lock"):
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
    """Files into a fresh folder: written, or hard-linked from the previous output when unchanged."""

    def __init__(self, tmp: Path, out: Path, previous: Outputs) -> None:
        self.tmp, self.out, self.previous = tmp, out, previous
        self.made: set[Path] = {tmp}
        self.outputs = Outputs()

    def _dest(self, rel: str) -> Path:
        dest = self.tmp / rel
        parent = dest.parent
        if parent not in self.made:
            parent.mkdir(parents=True, exist_ok=True)
            self.made.add(parent)
        return dest

    def _record(self, rel: str, sha: bytes, st: os.stat_result, source: str) -> None:
        self.outputs.files[rel] = (sha, st.st_size, st.st_mtime_ns, st.st_ino, source)

    def write(self, rel: str, data: bytes, sha: bytes | None = None) -> None:
        dest = self._dest(rel)
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            st = os.fstat(fd)
        finally:
            os.close(fd)
        self._record(rel, sha or hashlib.sha256(data).digest(), st, "")

    def link(self, rel: str) -> bool:
        """Hard-link ``rel`` from the previous output (False if this file system cannot)."""
        try:
            os.link(self.out / rel, self._dest(rel), follow_symlinks=False)
        except OSError:
            return False
        self.outputs.files[rel] = self.previous.files[rel]
        return True

    def stored(self, f: StoredFile, blob: Callable[[bytes], bytes | None]) -> None:
        if self.link(f.path):
            return
        data = blob(f.sha)
        if data is None:  # not linkable and not in the cache: copy what the last build wrote
            data = (self.out / f.path).read_bytes()
            if hashlib.sha256(data).digest() != f.sha:
                raise OSError(errno.ESTALE, f"{f.path} changed while the site was being written; build again")
        self.write(f.path, data, f.sha)

    def static(self, rel: str, src: Path) -> None:
        signature = _source_signature(src)
        record = self.previous.files.get(rel)
        if record is not None and record[4] == signature and _same(self.out / rel, record) and self.link(rel):
            return
        dest = self._dest(rel)
        shutil.copyfile(src, dest)
        self._record(rel, b"", os.stat(dest), signature)


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
               blob: Callable[[bytes], bytes | None] | None = None) -> Outputs:
    """Write ``files`` and copy ``static`` into ``out``, replacing it whole; returns what was written.

    ``previous`` is what the last build wrote to ``out`` (from the render
    cache): pages given as :class:`StoredFile` and static files whose source
    is unchanged are hard-linked from there when the file is still the one
    that build wrote (same size, mtime and inode), so an incremental build
    writes only what changed. The new folder still replaces the old one in
    one step; when it would hold exactly what ``out`` holds, ``out`` is left as it is.
    """
    out = Path(os.path.abspath(out))
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder; choose another output path")
    previous = previous or Outputs()
    with locked(out):
        _cleanup_stale(out)
        if unchanged(out, files, static, previous):
            return previous  # the folder already holds exactly this site: replacing it would change nothing
        tmp = out.parent / f".{out.name}.wasmblog-tmp-{os.getpid()}"
        try:
            tmp.mkdir()
            writer = _Writer(tmp, out, previous)
            for f in files:
                if isinstance(f, StoredFile):
                    writer.stored(f, blob or (lambda sha: None))
                else:
                    writer.write(f.path, f.content.encode("utf-8"))
            for rel, src in static:
                writer.static(rel, src)
            os.chmod(tmp, 0o755)
            if out.exists():
                if not _exchange(tmp, out):
                    old = out.parent / f".{out.name}.wasmblog-old-{os.getpid()}"
                    os.rename(out, old)
                    os.rename(tmp, out)
                    tmp = old
            else:
                os.rename(tmp, out)
        except OSError as exc:
            what = exc.strerror or str(exc)
            hint = {errno.ENOSPC: "free some disk space", errno.EROFS: "the disk is read-only",
                    errno.EACCES: "check the folder's permissions"}.get(exc.errno or 0, "")
            raise OutputError(f"{out}: cannot write the site: {what}" + (f" ({hint})" if hint else "")) from None
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return writer.outputs
