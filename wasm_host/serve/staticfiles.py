"""Static files for the server, opened safely: the one part of answering a request that needs the disk.

The HTTP rules themselves (request paths decoded once, strictly, or
refused; redirects; validators) are :mod:`renderer.routing`, shared with
the deployed component; the transport is :mod:`.http`. A static file is
served only if it is in the set loaded from ``SITE/static``, its real path
is still inside that folder at the moment it is opened, and it is opened
without following symlinks.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from renderer import routing

__all__ = ["OpenedFile", "file_etag", "open_static"]


def file_etag(st: os.stat_result) -> str:
    return routing.file_etag(st.st_mtime_ns, st.st_size)


@dataclass
class OpenedFile:
    fd: int
    size: int
    mtime: float
    etag: str

    def close(self) -> None:
        os.close(self.fd)


def open_static(static_root: Path, rel: str) -> OpenedFile | None:
    """Open ``static_root/rel`` for reading, or None if it is not a regular file
    whose real path lies inside ``static_root``.

    The real path is checked, then opened one segment at a time from the
    folder's descriptor with ``O_NOFOLLOW``, so a symlink swapped in after the
    check cannot redirect the open. (Symlinks that stay inside static/ are
    served, as ``wasmblog build`` copies them.)
    """
    try:
        root = os.path.realpath(static_root)
        real = os.path.realpath(os.path.join(root, rel))
    except (OSError, ValueError):
        return None
    if os.path.commonpath([root, real]) != root or real == root:
        return None
    parts = os.path.relpath(real, root).split(os.sep)
    flags = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    dir_flags = flags | os.O_DIRECTORY
    fds: list[int] = []
    try:
        fds.append(os.open(root, dir_flags))
        for part in parts[:-1]:
            fds.append(os.open(part, dir_flags, dir_fd=fds[-1]))
        fd = os.open(parts[-1], flags | os.O_NONBLOCK, dir_fd=fds[-1])
    except (OSError, ValueError):
        return None
    finally:
        for d in fds:
            os.close(d)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            return None
        os.set_blocking(fd, True)
    except OSError:
        os.close(fd)
        return None
    return OpenedFile(fd, st.st_size, st.st_mtime, file_etag(st))
