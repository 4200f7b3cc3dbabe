"""The pieces of reading a site folder: content files and bundles, templates, static files.

Shared by the two layouts' readers (:mod:`.reader`, wasmblog's; :mod:`.hugo`,
a Hugo site's): every read of the user's files goes through here.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from collections.abc import Callable

from renderer import Diagnostic, SiteConfig, Source, load_config
from renderer.config import LIMIT_RANGES
from renderer.diagnostics import error, megabytes, warning
from renderer.i18n import I18N_PREFIX
from renderer.i18n import SUFFIXES as I18N_SUFFIXES
from renderer.site import SIZE_MARK
from renderer.urls import INDEX_NAMES, INTRO_NAMES

from .images import image_size


POST_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")  # Hugo's HTML content files: pages whose body is HTML, not Markdown
HTML_INDEX_NAMES = ("index.html", "index.htm")
TEMPLATE_SUFFIXES = (".html", ".xml", ".css", ".txt", ".json", ".js")


@dataclass
class SiteInput:
    """Everything the core needs from a site folder, read into memory."""

    root: Path
    config_text: str
    sources: list[Source]
    templates: dict[str, str]
    static: list[tuple[str, Path]]  # (output path, file on disk)
    tzif: bytes
    diagnostics: list[Diagnostic] = field(default_factory=list)
    limits: dict[str, float] = field(default_factory=dict)  # overrides of [limits], e.g. from the CLI
    resources: dict[str, Path] = field(default_factory=dict)  # bundle files: site-relative path -> file
    shortcodes: dict[str, str] = field(default_factory=dict)  # the site's shortcodes: NAME -> template

    @property
    def config(self) -> SiteConfig:
        """``site.toml`` parsed, with the ``limits`` overrides applied: what every stage gets."""
        return with_limits(load_config(self.config_text)[0], self.limits)

    @property
    def config_diagnostics(self) -> list[Diagnostic]:
        return list(load_config(self.config_text)[1])


def with_limits(config: SiteConfig, overrides: dict[str, float]) -> SiteConfig:
    """``config`` with some of its ``[limits]`` replaced (unknown names are an error)."""
    if not overrides:
        return config
    unknown = set(overrides) - set(LIMIT_RANGES)
    if unknown:
        raise ValueError(f"unknown limits: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = dict(overrides)  # each checked against its range by Limits
    return replace(config, limits=replace(config.limits, **values))


_NEVER_COPIED = frozenset((".git", ".hg", ".svn", ".DS_Store", "Thumbs.db"))


def _walk(folder: Path, hidden: bool = False) -> list[Path]:
    """Regular files under ``folder``, sorted; no symlinked folders, no editor backups.

    Hidden names are skipped unless ``hidden`` (static/ keeps ``.well-known``
    and the like; version-control folders are never copied).
    """
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames
                             if d not in _NEVER_COPIED and (hidden or not d.startswith(".")))
        for name in sorted(filenames):
            if name in _NEVER_COPIED or name.endswith("~") or (name.startswith(".") and not hidden):
                continue
            found.append(Path(dirpath) / name)
    return found


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def read_text(path: Path, rel: str, diags: list[Diagnostic], what: str) -> str | None:
    """A UTF-8 file's text, or None with a diagnostic."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        diags.append(error(rel, 0, f"not valid UTF-8; {what}"))
    except OSError as exc:
        diags.append(error(rel, 0, f"cannot read: {exc.strerror}"))
    return None


def read_site_text(root: Path, path: Path, rel: str, diags: list[Diagnostic], max_bytes: int,
                   severity: Callable[[str, int, str], Diagnostic] = error) -> str | None:
    """A text file of the site (a translation table, a Go template), or None with a diagnostic of
    ``severity`` when it is a symlink leading out of the site, over ``max_bytes`` or unreadable."""
    if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
        diags.append(severity(rel, 0, "symlink to a file outside the site; ignored"))
        return None
    if path.stat().st_size > max_bytes:
        diags.append(severity(rel, 0, f"larger than {max_bytes:,} bytes; ignored"))
        return None
    return read_text(path, rel, diags, "ignored")


class FileMemo:
    """The bytes of the files a process read last, kept while their status says they are unchanged.

    ``wasmblog serve`` reads its site again after every edit; with this, only
    the files whose size, modification or change time or inode changed are
    read again (an editor's save changes the change time, whatever it does
    to the modification time). 1,000 posts: about 40 ms of a reload saved.

    File times tick coarsely (a few milliseconds), so two saves within one
    tick can leave the same status: as git does with "racily clean" files, a
    file whose status changed less than ``racy_ns`` before it was read is
    read again next time, until its status is older than that.
    """

    def __init__(self, racy_ns: int = 2_000_000_000) -> None:
        self.racy_ns = racy_ns
        self.reads = 0  # files actually read (the others came from memory)
        self._seen: dict[str, tuple[tuple[int, int, int, int], bytes]] = {}
        self._touched: set[str] = set()

    def read(self, path: Path, st: os.stat_result) -> bytes:
        """``path``'s bytes, given its status ``st`` just taken."""
        key = str(path)
        self._touched.add(key)
        stamp = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        seen = self._seen.get(key)
        if seen is not None and seen[0] == stamp:
            return seen[1]
        now = time.time_ns()
        data = path.read_bytes()
        self.reads += 1
        if now - max(st.st_mtime_ns, st.st_ctime_ns) >= self.racy_ns:
            self._seen[key] = (stamp, data)
        else:
            self._seen.pop(key, None)  # changed just now: a save in the same tick would look the same
        return data

    def loaded(self) -> None:
        """A load ended: keep only the files it read (a deleted file's bytes are not held)."""
        self._seen = {k: v for k, v in self._seen.items() if k in self._touched}
        self._touched = set()


def _is_index(name: str) -> bool:
    return name in INDEX_NAMES


def _unlanguaged(name: str, languages: tuple[str, ...]) -> str:
    """A file name without its language (``index.fr.md`` -> ``index.md``) when ``languages`` has it."""
    parts = name.split(".")
    if languages and len(parts) >= 3 and parts[-2].lower() in languages:
        return ".".join(parts[:-2] + parts[-1:])
    return name


def read_content(root: Path, folder: Path, max_bytes: int, diags: list[Diagnostic],
                 skip: Callable[[Path], bool] = lambda path: False,
                 branch_bundles: bool = False, memo: FileMemo | None = None,
                 languages: tuple[str, ...] = ()) -> tuple[list[Source], dict[str, Path]]:
    """The Markdown files under ``folder`` as sources, and their bundles' other files.

    A folder holding an ``index.md`` is a bundle: its other files (not its
    Markdown, which Hugo keeps as page resources) are the page's resources,
    copied beside it. With ``branch_bundles`` (Hugo sites), a folder holding an
    ``_index.md`` is one too (a branch bundle): the files beside it, not in its
    sub-folders and not Markdown (those are its pages), are its section page's.
    Any other non-Markdown file is left where it is (only bundles and static/
    are published). With ``memo``, a file unchanged since the memo read it is not read again.
    ``languages`` (a multilingual site's) make ``index.fr.md`` and ``_index.fr.md`` such pages too.
    """
    files = _walk(folder) if folder.is_dir() else []

    def is_index(name: str) -> bool:  # Hugo sites: an index.html is a bundle's page too
        name = _unlanguaged(name, languages)
        return _is_index(name) or (branch_bundles and name in HTML_INDEX_NAMES)

    def is_intro(name: str) -> bool:
        return _unlanguaged(name, languages) in INTRO_NAMES

    bundles = sorted({p.parent for p in files if is_index(p.name)}, key=lambda p: len(p.parts))
    branches = {p.parent for p in files if is_intro(p.name)} if branch_bundles else set()
    by_bundle: dict[Path, list[str]] = {}
    resources: dict[str, Path] = {}
    sources: list[Source] = []
    pending: list[tuple[Path, str]] = []
    for path in files:
        rel = _rel(path, root)
        owner = next((b for b in bundles if path.parent == b or b in path.parents), None)
        if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
            diags.append(error(rel, 0, "symlink to a file outside the site; left out"))
            continue
        html_page = branch_bundles and path.name.endswith(HTML_SUFFIXES) and (owner is None or is_index(path.name))
        if path.name.endswith(POST_SUFFIXES) or html_page:  # Hugo: an HTML file in content is a page too
            if owner is not None and not is_index(path.name):
                continue  # a bundle's Markdown resource: Hugo does not publish it either
            if not skip(path):
                pending.append((path, rel))
            continue
        if owner is None and path.parent in branches:
            owner = path.parent  # beside an _index.md: the section page's
        if owner is None:
            continue  # not a bundle's: left where it is (notes, sources of images...), as before bundles
        dims = image_size(path) if branch_bundles else None  # Hugo sites: .Width, .Height, .Resize
        by_bundle.setdefault(owner, []).append(rel if dims is None else f"{rel}{SIZE_MARK}{dims[0]}x{dims[1]}")
        resources[rel] = path
    for path, rel in pending:
        try:
            st = path.stat()
            size = st.st_size
            if size > max_bytes:
                diags.append(error(rel, 0, f"file is {megabytes(size)} MB, over the {max_bytes / 1e6:g} MB "
                                           "limit (raise limits.max_file_mb in site.toml if this is intended)"))
                continue
            owned = tuple(by_bundle.get(path.parent, ())) if is_index(path.name) or is_intro(path.name) else ()
            sources.append(Source(rel, memo.read(path, st) if memo is not None else path.read_bytes(), owned))
        except OSError as exc:
            diags.append(error(rel, 0, f"cannot read: {exc.strerror}"))
    if branch_bundles:
        sources = _with_cascades(sources, _rel(folder, root) if folder != root else "")
    return sources, resources


def _with_cascades(sources: list[Source], top: str) -> list[Source]:
    """Each source with the ``_index.md`` files above it that may set a ``cascade`` (nearest first, up to
    the content folder's own): Hugo applies them down the tree; the core reads them."""
    setting = {s.path.rsplit("/", 1)[0]: s.data for s in sources
               if s.path.rsplit("/", 1)[-1] in INTRO_NAMES and b"cascade" in s.data}
    if not setting:
        return sources
    out = []
    for source in sources:
        folder = source.path.rsplit("/", 1)[0]
        if source.path.rsplit("/", 1)[-1] in INTRO_NAMES:
            folder = folder.rsplit("/", 1)[0] if "/" in folder and folder != top else ""
        above = []
        while folder and (folder == top or folder.startswith(top + "/") or not top):
            if folder in setting:
                above.append(setting[folder])
            if folder == top:
                break
            folder = folder.rsplit("/", 1)[0] if "/" in folder else ""
        out.append(replace(source, cascade=tuple(above)) if above else source)
    return out


def read_templates(root: Path, diags: list[Diagnostic]) -> dict[str, str]:
    """``templates/NAME`` (theme overrides) and ``templates/shortcodes/NAME.html``, by name."""
    templates: dict[str, str] = {}
    tdir = root / "templates"
    for path in _walk(tdir) if tdir.is_dir() else []:
        rel = _rel(path, root)
        name = _rel(path, tdir)
        shortcode = path.parent == tdir / "shortcodes" and path.name.endswith(".html")
        if not shortcode and (path.parent != tdir or not path.name.endswith(TEMPLATE_SUFFIXES)):
            diags.append(warning(rel, 0, "not a template (templates/NAME.html, .xml, .css, .txt, .json or .js, or "
                                         "templates/shortcodes/NAME.html); ignored"))
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
            diags.append(error(rel, 0, "symlink to a file outside the site; using the default theme's template"))
            continue
        text = read_text(path, rel, diags, "using the default theme's template")
        if text is not None:
            templates[name] = text
    return templates


def read_i18n(root: Path, diags: list[Diagnostic], folder: str = "i18n", prefix: str = I18N_PREFIX,
              max_bytes: int = 2_000_000) -> dict[str, str]:
    """The translation tables in ``root/folder`` (``fr.toml``, ``pt-br.yaml``, ``ja.json``), keyed as the
    core takes them with the templates: ``i18n/fr.toml`` (``prefix`` + the file's name)."""
    tables: dict[str, str] = {}
    base = root / folder
    if not base.is_dir():
        return tables
    for path in sorted(base.iterdir()):
        rel = _rel(path, root)
        if path.name.startswith(".") or not path.is_file():
            continue
        if not path.name.endswith(I18N_SUFFIXES):
            diags.append(warning(rel, 0, "not a translation table (LANG.toml, .yaml, .yml or .json); ignored"))
            continue
        text = read_site_text(root, path, rel, diags, max_bytes)
        if text is not None:
            tables[prefix + path.name] = text
    return tables


def read_static(root: Path, diags: list[Diagnostic], folder: str = "static") -> list[tuple[str, Path]]:
    static: list[tuple[str, Path]] = []
    sdir = root / folder
    real_sdir = sdir.resolve()
    for path in _walk(sdir, hidden=True) if sdir.is_dir() else []:
        rel = _rel(path, sdir)
        if path.is_symlink() and not path.resolve().is_relative_to(real_sdir):
            diags.append(error(f"{folder}/{rel}", 0, f"symlink to a file outside {folder}/; not copied"))
            continue
        static.append((rel, path))
    return static


# What a touched file may be read as, if it were there: a vanished file with another name (an editor's
# "4913", "#post.md#", "post.md.tmp") was never part of the site.
_READ_SUFFIXES = (*POST_SUFFIXES, *HTML_SUFFIXES, *TEMPLATE_SUFFIXES, *I18N_SUFFIXES, ".toml", ".yaml", ".yml")


def reread_sources(site: SiteInput, touched: set[str], memo: FileMemo | None = None) -> SiteInput | None:
    """``site`` with the posts in ``touched`` (site-relative paths) read again, or None when a whole
    read of the site is needed: a touched file that is not one of its posts (a new file, a template,
    static or config file, an intro, which may cascade), a post gone, unreadable, over the size limit
    or named in the last read's diagnostics.

    ``wasmblog serve`` after an edit: reading one file instead of the site (1,000 posts: 60-130 ms
    for a whole read), with the same result as a whole read when it answers at all.
    """
    by_path = {s.path: i for i, s in enumerate(site.sources)}
    named = {d.path for d in site.diagnostics}
    known = {str(p) for _, p in site.static} | {str(p) for p in site.resources.values()}
    max_bytes = int(site.config.limits.max_file_mb * 1_000_000)
    sources = list(site.sources)
    for rel in sorted(touched):
        path = site.root / rel
        index = by_path.get(rel)
        if index is None:
            if os.path.lexists(path) or str(path) in known or rel.endswith(_READ_SUFFIXES):
                return None
            continue  # an editor's scratch file, come and gone
        if rel in named or path.name.startswith("_index."):  # (an intro in any language: _index.fr.md)
            return None
        try:
            st = os.stat(path, follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
                return None
            data = memo.read(path, st) if memo is not None else path.read_bytes()
        except OSError:
            return None
        if data != sources[index].data:
            sources[index] = replace(sources[index], data=data)
    return replace(site, sources=sources)
