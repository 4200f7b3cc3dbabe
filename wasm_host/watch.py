"""Noticing that a site folder changed: inotify on Linux, polling elsewhere.

The server asks ``pending()`` on every request (a zero-timeout ``poll`` of
the inotify descriptor: a microsecond or two), so an edit saved before a
request is always seen by that request. ``drain()`` consumes the events and
says whether any of them matters. Hidden files and editor backups (``.x``,
``x~``) are ignored, as ``load_site`` ignores them.

Only what ``load_site`` reads is watched: ``site.toml``, ``posts/``,
``templates/`` and ``static/`` (recursively, without following symlinked
folders).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import select
import struct
import sys
import threading
from pathlib import Path
from typing import Protocol

WATCHED_FOLDERS = ("posts", "templates", "static")
WATCHED_FILES = ("site.toml",)

# <sys/inotify.h>
IN_MODIFY = 0x00000002
IN_ATTRIB = 0x00000004
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_FROM = 0x00000040
IN_MOVED_TO = 0x00000080
IN_CREATE = 0x00000100
IN_DELETE = 0x00000200
IN_DELETE_SELF = 0x00000400
IN_MOVE_SELF = 0x00000800
IN_Q_OVERFLOW = 0x00004000
IN_IGNORED = 0x00008000
IN_ONLYDIR = 0x01000000
IN_DONT_FOLLOW = 0x02000000
IN_ISDIR = 0x40000000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = 0o2000000

_MASK = (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
         | IN_DELETE_SELF | IN_MOVE_SELF)
_EVENT = struct.Struct("iIII")


def _ignored(name: str) -> bool:
    return name.startswith(".") or name.endswith("~")


class Watcher(Protocol):
    def pending(self) -> bool:
        """Cheap: are there unread change notifications? (may be always False)"""

    def drain(self) -> bool:
        """Consume notifications; True if anything that matters changed."""

    def close(self) -> None: ...


class InotifyWatcher:
    """Kernel change notifications for a site folder (Linux)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        libc_name = ctypes.util.find_library("c")
        if sys.platform != "linux" or not libc_name:
            raise OSError(errno.ENOSYS, "inotify needs Linux")
        self._libc = ctypes.CDLL(libc_name, use_errno=True)
        fd = self._libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if fd < 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
        self.fd = fd
        self._poll = select.poll()
        self._poll.register(fd, select.POLLIN)
        self._poll_lock = threading.Lock()
        self._dirs: dict[int, Path] = {}  # watch descriptor -> folder
        self._lock = threading.Lock()
        self._closed = False
        try:
            self._add_tree(self.root, recursive=False)
            for name in WATCHED_FOLDERS:
                self._add_tree(self.root / name)
        except OSError:
            self.close()
            raise

    def _add(self, folder: Path) -> None:
        wd = self._libc.inotify_add_watch(self.fd, os.fsencode(folder), _MASK | IN_ONLYDIR | IN_DONT_FOLLOW)
        if wd < 0:
            err = ctypes.get_errno()
            if err in (errno.ENOENT, errno.ENOTDIR, errno.EACCES):
                return  # gone already, or not a folder: nothing to watch
            raise OSError(err, f"cannot watch {folder}: {os.strerror(err)} "
                               "(raise fs.inotify.max_user_watches, or use --poll)")
        self._dirs[wd] = folder

    def _add_tree(self, folder: Path, recursive: bool = True) -> None:
        if not folder.is_dir() or folder.is_symlink():
            return
        self._add(folder)
        if not recursive:
            return
        for dirpath, dirnames, _ in os.walk(folder, followlinks=False):
            dirnames[:] = [d for d in dirnames if not _ignored(d)]
            for d in dirnames:
                self._add(Path(dirpath) / d)

    def pending(self) -> bool:
        with self._poll_lock:  # a poll object may not be polled from two threads at once
            return not self._closed and bool(self._poll.poll(0))

    def drain(self) -> bool:
        changed = False
        with self._lock:
            while not self._closed:
                try:
                    data = os.read(self.fd, 65536)
                except BlockingIOError:
                    break
                if not data:
                    break
                changed |= self._handle(data)
        return changed

    def _handle(self, data: bytes) -> bool:
        changed = False
        offset = 0
        while offset + _EVENT.size <= len(data):
            wd, mask, _cookie, length = _EVENT.unpack_from(data, offset)
            raw = data[offset + _EVENT.size: offset + _EVENT.size + length]
            offset += _EVENT.size + length
            name = os.fsdecode(raw.rstrip(b"\0"))
            if mask & IN_Q_OVERFLOW:  # events were lost: assume everything changed
                for folder in WATCHED_FOLDERS:
                    self._add_tree(self.root / folder)
                changed = True
                continue
            if mask & IN_IGNORED:
                self._dirs.pop(wd, None)
                continue
            folder = self._dirs.get(wd)
            if folder is None:
                continue
            if mask & (IN_DELETE_SELF | IN_MOVE_SELF):
                changed = True
                continue
            if not name or _ignored(name):
                continue
            if folder == self.root:
                if name in WATCHED_FILES:
                    changed = True
                elif name in WATCHED_FOLDERS:
                    changed = True
                    if mask & (IN_CREATE | IN_MOVED_TO):
                        self._add_tree(self.root / name)
                continue
            changed = True
            if mask & IN_ISDIR and mask & (IN_CREATE | IN_MOVED_TO):
                self._add_tree(folder / name)
        return changed

    def close(self) -> None:
        with self._lock, self._poll_lock:
            if not self._closed:
                self._closed = True
                os.close(self.fd)


def signature(root: Path) -> list[tuple[str, int, int]]:
    """(path, mtime_ns, size) of everything ``load_site`` would read."""
    out: list[tuple[str, int, int]] = []
    for name in WATCHED_FILES:
        try:
            st = os.stat(root / name)
            out.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            pass
    for folder in WATCHED_FOLDERS:
        base = root / folder
        for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not _ignored(d))
            for name in sorted(filenames):
                if _ignored(name):
                    continue
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                out.append((os.path.relpath(path, root), st.st_mtime_ns, st.st_size))
    return out


class PollingWatcher:
    """Compares a scan of the folder with the last one (any OS; ``pending`` is always False)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._last = signature(self.root)
        self._lock = threading.Lock()

    def pending(self) -> bool:
        return False

    def drain(self) -> bool:
        with self._lock:
            now = signature(self.root)
            changed = now != self._last
            self._last = now
            return changed

    def close(self) -> None:
        pass


def make_watcher(root: Path | str, poll: bool = False) -> Watcher:
    """inotify where it works, else polling."""
    if not poll:
        try:
            return InotifyWatcher(root)
        except OSError:
            pass
    return PollingWatcher(root)
