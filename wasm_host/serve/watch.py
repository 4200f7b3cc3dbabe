"""Noticing that a site folder changed: inotify on Linux (``inotify_simple``), polling elsewhere.

The server asks ``pending()`` on every request (a zero-timeout ``poll`` of
the inotify descriptor: a microsecond or two), so an edit saved before a
request is always seen by that request. ``drain()`` consumes the events and
says whether any of them matters. Hidden files and editor backups (``.x``,
``x~``) are ignored, as ``load_site`` ignores them.

Why not ``watchfiles``: it reports changes from a background thread after
a debounce, so a request made right after a save could be answered from
the old site. An inotify descriptor polled on the request's own thread
cannot miss an edit that finished before the request arrived.

Only what ``load_site`` reads is watched (:func:`watched`): ``site.toml``, the ``_index.md`` intros at
the top, ``posts/``, ``pages/``, ``templates/``, ``static/``, ``i18n/`` and each language's own content folder; for a
Hugo site, its config files and folder, its content folders (every language's), static mounts, layouts
and themes (recursively, without following symlinked folders).
"""

from __future__ import annotations

import errno
import os
import select
import sys
import threading
import time
from pathlib import Path
from typing import Protocol

from inotify_simple import INotify, Event, flags

from renderer import load_config
from renderer.hugo import ROOT_FILES
from renderer.languages import languages
from renderer.urls import INTRO_NAMES

from ..site.hugo import is_hugo_site, read_hugo_config

WATCHED_FOLDERS = ("posts", "pages", "templates", "static", "i18n")
WATCHED_FILES = ("site.toml", *INTRO_NAMES)


def watched(root: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The folders (site-relative, top-level) and files at the top of ``root`` that its site is read from."""
    folders = list(WATCHED_FOLDERS)
    files = list(WATCHED_FILES)
    if is_hugo_site(root):
        hugo = read_hugo_config(root, [])
        files += ROOT_FILES
        folders += ["config", "layouts", "themes", *hugo.layouts, hugo.content_dir, *hugo.content_dirs,
                    *(source for source, _ in hugo.static)]
    else:
        try:
            text = (root / "site.toml").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        langs = languages(load_config(text)[0])
        folders += [lang.content_dir for lang in langs.languages if lang.content_dir] if langs else []
    tops = dict.fromkeys(f.strip("/").split("/", 1)[0] for f in folders if f.strip("/"))
    return tuple(t for t in tops if not _ignored(t)), tuple(files)

# What changes a site: content, metadata (a chmod can hide a file), renames and deletions.
_MASK = (flags.MODIFY | flags.ATTRIB | flags.CLOSE_WRITE | flags.MOVED_FROM | flags.MOVED_TO | flags.CREATE
         | flags.DELETE | flags.DELETE_SELF | flags.MOVE_SELF)


def _ignored(name: str) -> bool:
    return name.startswith(".") or name.endswith("~")


class Watcher(Protocol):
    def pending(self) -> bool:
        """Cheap: are there unread change notifications? (may be always False)"""

    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds for a notification; True if one is there (polling: never)."""

    def drain(self) -> bool:
        """Consume notifications; True if anything that matters changed."""

    def take_changes(self) -> set[str] | None:
        """The site-relative files touched since the last call (written, replaced, created, removed;
        what ``drain`` saw), or None when a folder changed or events were lost: then only reading
        the whole site again is safe. Clears what it returns."""

    def close(self) -> None: ...


class InotifyWatcher:
    """Kernel change notifications for a site folder (Linux), through ``inotify_simple``."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        if sys.platform != "linux":
            raise OSError(errno.ENOSYS, "inotify needs Linux")
        self._inotify = INotify(nonblocking=True)
        self.fd = self._inotify.fileno()
        self._poll = select.poll()
        self._poll.register(self.fd, select.POLLIN)
        self._poll_lock = threading.Lock()
        self._dirs: dict[int, Path] = {}  # watch descriptor -> folder
        self._changed: set[str] | None = set()  # files whose content changed (None: something else did)
        self._lock = threading.Lock()
        self._closed = False
        self.folders, self.files = watched(self.root)
        try:
            self._add_tree(self.root, recursive=False)
            for name in self.folders:
                self._add_tree(self.root / name)
        except OSError:
            self.close()
            raise

    def _add(self, folder: Path) -> None:
        try:
            wd = self._inotify.add_watch(folder, _MASK | flags.ONLYDIR | flags.DONT_FOLLOW)
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EACCES):
                return  # gone already, or not a folder: nothing to watch
            raise OSError(exc.errno, f"cannot watch {folder}: {exc.strerror} "
                                     "(raise fs.inotify.max_user_watches, or use --poll)") from None
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

    def wait(self, timeout: float) -> bool:
        # A poll object of its own: pending() may poll the shared one from a request's thread meanwhile.
        if self._closed:
            time.sleep(timeout)
            return False
        waiter = select.poll()
        waiter.register(self.fd, select.POLLIN)
        try:
            return bool(waiter.poll(timeout * 1000))
        except (OSError, ValueError):  # closed meanwhile
            return False

    def drain(self) -> bool:
        changed = False
        with self._lock:
            while not self._closed:
                events = self._inotify.read(timeout=0)
                if not events:
                    break
                for event in events:
                    changed |= self._handle(event)
        return changed

    def _handle(self, event: Event) -> bool:
        mask, name = event.mask, event.name
        if mask & flags.Q_OVERFLOW:  # events were lost: assume everything changed
            self._changed = None
            for name in self.folders:
                self._add_tree(self.root / name)
            return True
        if mask & flags.IGNORED:
            self._dirs.pop(event.wd, None)
            return False
        folder = self._dirs.get(event.wd)
        if folder is None:
            return False
        if mask & (flags.DELETE_SELF | flags.MOVE_SELF):
            self._changed = None
            return True
        if not name or _ignored(name):
            return False
        if folder == self.root:
            if name in self.folders and mask & (flags.CREATE | flags.MOVED_TO):
                self._add_tree(self.root / name)
            matters = name in self.files or name in self.folders
            if matters:
                self._note(mask, name)
            return matters
        if mask & flags.ISDIR and mask & (flags.CREATE | flags.MOVED_TO):
            self._add_tree(folder / name)
        self._note(mask, (folder / name).relative_to(self.root).as_posix())
        return True

    def _note(self, mask: int, rel: str) -> None:
        """Record a file that was touched (written, replaced, created, removed, chmodded); a folder
        event means the site's shape may have changed: only a whole reload is safe then."""
        if self._changed is None:
            return
        if mask & flags.ISDIR:
            self._changed = None
        else:
            self._changed.add(rel)

    def take_changes(self) -> set[str] | None:
        with self._lock:
            changed, self._changed = self._changed, set()
        return changed

    def close(self) -> None:
        with self._lock, self._poll_lock:
            if not self._closed:
                self._closed = True
                self._inotify.close()


def signature(root: Path) -> list[tuple[str, int, int]]:
    """(path, mtime_ns, size) of everything ``load_site`` would read."""
    out: list[tuple[str, int, int]] = []
    folders, files = watched(root)
    for name in files:
        try:
            st = os.stat(root / name)
            out.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            pass
    for folder in folders:
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
        self._changed: set[str] | None = set()

    def pending(self) -> bool:
        return False

    def wait(self, timeout: float) -> bool:
        return False

    def drain(self) -> bool:
        with self._lock:
            now = signature(self.root)
            changed = now != self._last
            if changed and self._changed is not None:
                before = {path: stamp for path, *stamp in self._last}
                after = {path: stamp for path, *stamp in now}
                self._changed |= {path for path in before.keys() | after.keys()
                                  if before.get(path) != after.get(path)}
            self._last = now
            return changed

    def take_changes(self) -> set[str] | None:
        with self._lock:
            changed, self._changed = self._changed, set()
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
