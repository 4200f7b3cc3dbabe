"""Time-zone data for the core, from the pinned ``tzdata`` package.

The core has no filesystem (and the sandbox no ``zoneinfo``): the host
reads the TZif bytes of the site's zone and passes them in. Both the site
reader and the component build's warm-up need them.
"""

from __future__ import annotations

import importlib.resources

from renderer.values import TIMEZONE_NAME  # the core checks site.toml's timezone with it too


def zone_data(name: str) -> bytes:
    """TZif bytes for an IANA zone from the pinned ``tzdata`` package ("" if unknown)."""
    if name in ("UTC", "Etc/UTC", "Z") or not TIMEZONE_NAME.match(name) or ".." in name:
        return b""
    try:
        resource = importlib.resources.files("tzdata").joinpath("zoneinfo", *name.split("/"))
        return resource.read_bytes()
    except (OSError, ValueError):
        return b""
