"""Reading a site folder: the only place the host reads the user's site files.

Layout::

    SITE/site.toml            configuration (optional)
    SITE/posts/**/*.md        posts
    SITE/templates/NAME       overrides of the default theme's templates
    SITE/static/**            copied to the output as they are
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from renderer import Diagnostic, SiteConfig, Source, load_config
from renderer.config import LIMIT_RANGES
from renderer.diagnostics import error, megabytes, warning

from ..engines.zones import zone_data

POST_SUFFIXES = (".md", ".markdown")
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
    return replace(config, limits=replace(config.limits, **overrides))


def build_time_micros() -> int:
    """The build time: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return int(epoch) * 1_000_000
        except ValueError:
            pass
    return time.time_ns() // 1000


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


def display_prefix(site: Path | str) -> str:
    """How diagnostics name a site's files to the user: relative to where the command ran
    (``content/posts/x.md`` for ``wasmblog build content``)."""
    text = str(site)
    return "" if text in (".", "./") else text.rstrip("/") + "/"


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def load_site(root: Path | str, limits: dict[str, float] | None = None) -> SiteInput:
    """Read a site folder. Problems become diagnostics; only a missing folder raises.

    ``limits`` override the site's ``[limits]`` (the command line's ``--render-timeout``...).
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such site folder (expected site.toml, posts/, static/)")
    diags: list[Diagnostic] = []

    config_text = ""
    config_path = root / "site.toml"
    if config_path.is_file():
        try:
            config_text = config_path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            diags.append(error("site.toml", 0, "not valid UTF-8; using the default configuration"))
        except OSError as exc:
            diags.append(error("site.toml", 0, f"cannot read: {exc.strerror}"))
    config = with_limits(load_config(config_text)[0], limits or {})
    max_bytes = int(config.limits.max_file_mb * 1_000_000)

    sources: list[Source] = []
    posts_dir = root / "posts"
    if not posts_dir.is_dir():
        diags.append(warning("posts", 0, "no posts/ folder: the site has no posts"))
    for path in _walk(posts_dir) if posts_dir.is_dir() else []:
        rel = _rel(path, root)
        if not path.name.endswith(POST_SUFFIXES):
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
            diags.append(error(rel, 0, "symlink to a file outside the site; left out"))
            continue
        try:
            size = path.stat().st_size
            if size > max_bytes:
                diags.append(error(rel, 0, f"file is {megabytes(size)} MB, over the {max_bytes / 1e6:g} MB "
                                           "limit (raise limits.max_file_mb in site.toml if this is intended)"))
                continue
            sources.append(Source(rel, path.read_bytes()))
        except OSError as exc:
            diags.append(error(rel, 0, f"cannot read: {exc.strerror}"))

    templates: dict[str, str] = {}
    tdir = root / "templates"
    for path in _walk(tdir) if tdir.is_dir() else []:
        rel = _rel(path, root)
        if path.parent != tdir or not path.name.endswith(TEMPLATE_SUFFIXES):
            diags.append(warning(rel, 0, "not a template (templates/NAME.html, .xml, .css, .txt, .json or .js); ignored"))
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
            diags.append(error(rel, 0, "symlink to a file outside the site; using the default theme's template"))
            continue
        try:
            templates[path.name] = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            diags.append(error(rel, 0, "not valid UTF-8; using the default theme's template"))
        except OSError as exc:
            diags.append(error(rel, 0, f"cannot read: {exc.strerror}"))

    static: list[tuple[str, Path]] = []
    sdir = root / "static"
    real_sdir = sdir.resolve()
    for path in _walk(sdir, hidden=True) if sdir.is_dir() else []:
        rel = _rel(path, sdir)
        if path.is_symlink() and not path.resolve().is_relative_to(real_sdir):
            diags.append(error(f"static/{rel}", 0, "symlink to a file outside static/; not copied"))
            continue
        static.append((rel, path))

    return SiteInput(root, config_text, sources, templates, static, zone_data(config.timezone), diags,
                     dict(limits or {}))
