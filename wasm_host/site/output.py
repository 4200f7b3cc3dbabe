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
import os
import shutil
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from renderer import Diagnostic, OutputFile
from renderer.model import FileCopy
from renderer.diagnostics import error, warning

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


def validate(files: list[OutputFile], max_bytes: int) -> tuple[list[OutputFile], list[Diagnostic]]:
    """Keep the files that are safe to write; report the others."""
    keep: list[OutputFile] = []
    diags: list[Diagnostic] = []
    seen: dict[str, int] = {}
    for f in files:
        problem = check_path(f.path)
        if problem:
            diags.append(error("<renderer>", 0, f"refused output {f.path[:200]!r}: {problem}"))
            continue
        size = _utf8_size(f.content)
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


def write_site(out: Path, files: list[OutputFile], static: list[tuple[str, Path]]) -> None:
    """Write ``files`` and copy ``static`` into ``out``, replacing it whole."""
    out = Path(os.path.abspath(out))
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder; choose another output path")
    with locked(out):
        _cleanup_stale(out)
        tmp = out.parent / f".{out.name}.wasmblog-tmp-{os.getpid()}"
        try:
            tmp.mkdir()
            for f in files:
                dest = tmp / f.path
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(f.content.encode("utf-8"))
            for rel, src in static:
                dest = tmp / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
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
