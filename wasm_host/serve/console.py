"""What the server says on the terminal: one line per event, on stderr."""

from __future__ import annotations

import sys
from typing import Any
from collections.abc import Callable
from urllib.parse import quote

from renderer.routing import SAFE_URL_CHARS

from .options import is_loopback


def stderr(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def announce(site: str, host: str, port: int, info: dict[str, Any], workers: int, seconds: float,
              log: Callable[[str], None]) -> None:
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}{quote(info['base_path'], safe=SAFE_URL_CHARS)}"
    errors = info["errors"]
    log(f"wasmblog: {info['posts']} posts, {info['pages']} pages, {info['static']} static files "
        f"loaded in {seconds:.2f} s" + (f"; {errors} error{'s' * (errors != 1)}" if errors else ""))
    log(f"wasmblog: serving {site} at {url} ({info['mode']}, {info['engine']} engine, "
        f"{workers} worker process{'es' * (workers != 1)}; {info['inflight']} renders in flight, "
        f"{info['queue']} queued; live reload {'on' if info['live_reload'] else 'off'}; "
        f"watching by {info['watching']}). Ctrl-C stops.")
    if info.get("editor"):
        log(f"wasmblog: editor at http://{shown_host}:{port}/__wasmblog/edit/ (loopback only; saves go to posts/)")
    if not is_loopback(host):
        log(f"wasmblog: warning: listening on {host}, not loopback: other machines can reach this server")
