"""The in-browser editor of ``wasmblog serve``: write a post, see its page as you type, save it.

``/__wasmblog/edit/`` lists the posts; ``/__wasmblog/edit/<file under posts/>``
is the editor. The preview is rendered in the browser, in a Web Worker,
by the render component itself (its JS export, ``engines.js``, compiled
asynchronously: Chromium refuses synchronous compilation of modules over
8 MB): parse-posts, plan-site and render-pages on the edited text and the
site's other posts, so the preview is the page ``wasmblog build`` would
write, with no server round trip per keystroke. Diagnostics show with
their line numbers.

Saving is the one write the server makes, so it is guarded: the editor is
on only when the server listens on loopback; every editor request must
come from a loopback address and name a loopback ``Host`` (against DNS
rebinding); a save must carry the random token of this server run (in the
page, sent as ``X-Wasmblog-Token``; another site's page cannot read it),
a same-origin ``Origin`` when the browser sends one, and a path to an
existing ``.md``/``.markdown`` file under ``posts/`` whose real path stays
there. The file is replaced atomically (temporary file, fsync, rename).
"""

from __future__ import annotations

import asyncio
import hmac
import html
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from renderer import routing

from ..engines.js import ToolMissing, ensure_js, js_value
from ..site.mime import content_type
from .options import ServeOptions, is_loopback
from .sitehost import SiteHost
from .snapshot import PlannedSnapshot, Snapshot

PREFIX = "/__wasmblog/"
EDIT = PREFIX + "edit/"
ASSETS_DIR = Path(__file__).resolve().parent / "editor_static"
ASSETS = ("editor.js", "worker.js", "editor.css")
POST_SUFFIXES = (".md", ".markdown")
TOKEN_HEADER = "x-wasmblog-token"

Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]


class Editor:
    """Answers every request under ``/__wasmblog/`` except live reload's."""

    def __init__(self, host: SiteHost, options: ServeOptions, current: Callable[[], Awaitable[Snapshot]],
                 log: Callable[[str], None]) -> None:
        self.host = host
        self.token = options.editor_token
        self.cache_dir = options.cache_dir
        self.current = current
        self.log = log
        self._js: Path | None = None
        self._js_lock = threading.Lock()

    @staticmethod
    def handles(path: str) -> bool:
        return path.startswith(PREFIX) and not path.startswith(PREFIX + "events")

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send, path: str,
                       headers: dict[str, str]) -> int:
        """Answer the request; returns the status sent."""
        client = scope.get("client")
        if not client or not is_loopback(client[0]) or not _loopback_host(headers.get("host", "")):
            return await _send(send, 403, "the editor answers only on loopback", scope)
        method = scope["method"]
        if path == PREFIX + "save":
            if method != "POST":
                return await _send(send, 405, "save with POST", scope, [(b"allow", b"POST")])
            return await self._save(scope, receive, send, headers)
        if method not in ("GET", "HEAD"):
            return await _send(send, 405, "only GET and HEAD are served", scope, [(b"allow", b"GET, HEAD")])
        snap = await self.current()
        if path == EDIT:
            return await _send(send, 200, self._index(snap), scope, ctype=routing.HTML)
        if path.startswith(EDIT):
            source = "posts/" + path[len(EDIT):]
            if source not in {s.path for s in snap.site.sources}:
                return await _send(send, 404, f"no post {source} in this site", scope)
            return await _send(send, 200, self._page(snap, source), scope, ctype=routing.HTML)
        if path == PREFIX + "site.json":
            if not self._token_ok(headers):
                return await _send(send, 403, "missing or wrong editor token", scope)
            post = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("post", [""])[0]
            data = await asyncio.get_running_loop().run_in_executor(None, self._site_data, snap, post)
            return await _send(send, 200, json.dumps(data), scope, ctype="application/json; charset=utf-8")
        name = path[len(PREFIX):]
        if name.startswith("static/") and name[len("static/"):] in ASSETS:
            asset = ASSETS_DIR / name[len("static/"):]
            return await _send(send, 200, asset.read_bytes(), scope, ctype=content_type(asset.name))
        if name.startswith("js/"):
            return await self._js_file(scope, send, name[len("js/"):])
        return await _send(send, 404, "not found", scope)

    # -- pages ---------------------------------------------------------------------------------

    def _index(self, snap: Snapshot) -> str:
        items = "".join(f'<li><a href="{html.escape(EDIT + s.path[len("posts/"):])}">{html.escape(s.path)}</a></li>\n'
                        for s in snap.site.sources if s.path.startswith("posts/"))
        return _shell("Edit a post", f"<h1>Edit a post</h1>\n<ul>\n{items}</ul>\n")

    def _page(self, snap: Snapshot, source: str) -> str:
        text = next(s.data for s in snap.site.sources if s.path == source).decode("utf-8", "replace")
        # </script> cannot end the JSON early: "<" is escaped inside it.
        data = json.dumps({"post": source, "token": self.token, "text": text}).replace("<", "\\u003c")
        return _shell(f"Editing {source}", f"""<header><strong>{html.escape(source)}</strong>
<span id="status" role="status">loading the renderer...</span>
<button id="save" type="button" disabled>Save</button></header>
<main>
<section class="pane"><div class="code"><pre id="gutter" aria-hidden="true"></pre>
<textarea id="source" spellcheck="false" aria-label="Markdown and front matter">{html.escape(text)}</textarea></div>
<ul id="diagnostics" aria-live="polite"></ul></section>
<section class="pane"><iframe id="preview" title="Preview" sandbox="allow-same-origin"></iframe></section>
</main>
<script id="wasmblog-editor" type="application/json">{data}</script>
<script type="module" src="{PREFIX}static/editor.js"></script>
""")

    def _site_data(self, snap: Snapshot, post: str) -> dict[str, Any]:
        """What the worker needs to render ``post``'s page: the other posts parsed, the config as the
        component takes it, the templates, the zone, the build options."""
        if isinstance(snap, PlannedSnapshot):
            posts = list(snap.posts.values())
        else:
            posts = snap.engine.parse_posts(snap.site.sources, snap.config, snap.site.tzif,
                                                 snap.site.shortcodes).posts
        source = next((s for s in snap.site.sources if s.path == post), None)
        return {"post": post, "posts": js_value(posts), "config": js_value(snap.config),
                "templates": [{"name": n, "source": s} for n, s in sorted(snap.site.templates.items())],
                "shortcodes": [{"name": n, "source": s} for n, s in sorted(snap.site.shortcodes.items())],
                "resources": list(source.resources) if source is not None else [],
                "cascade": [js_value(c) for c in source.cascade] if source is not None else [],
                "tzif": js_value(snap.site.tzif), "options": js_value(snap.options)}

    async def _js_file(self, scope: dict[str, Any], send: Send, name: str) -> int:
        try:
            folder = await asyncio.get_running_loop().run_in_executor(None, self._js_folder)
        except (ToolMissing, RuntimeError) as exc:
            return await _send(send, 503, f"the in-browser preview needs the JS export: {exc}", scope)
        if name not in {p.name for p in folder.iterdir() if p.is_file()}:
            return await _send(send, 404, "not found", scope)
        path = folder / name
        return await _send(send, 200, path.read_bytes(), scope, ctype=content_type(name),
                           cache=(b"cache-control", b"max-age=3600"))

    def _js_folder(self) -> Path:
        with self._js_lock:  # one transpile per process (about 10 s, once per component version)
            if self._js is None:
                self._js = ensure_js(self.cache_dir, log=lambda msg: self.log(f"wasmblog: editor: {msg}")).path
            return self._js

    # -- saving --------------------------------------------------------------------------------

    def _token_ok(self, headers: dict[str, str]) -> bool:
        return bool(self.token) and hmac.compare_digest(headers.get(TOKEN_HEADER, ""), self.token)

    async def _save(self, scope: dict[str, Any], receive: Receive, send: Send, headers: dict[str, str]) -> int:
        if not self._token_ok(headers):
            return await _send(send, 403, "missing or wrong editor token", scope)
        origin = headers.get("origin")
        if origin is not None and origin != f"http://{headers.get('host', '')}":
            return await _send(send, 403, "cross-origin save refused", scope)
        snap = await self.current()
        limit = int(snap.config.limits.max_file_mb * 1_000_000) + 65536
        body = await _read_body(receive, limit)
        if body is None:
            return await _send(send, 413, "post too large", scope)
        try:
            request = json.loads(body)
            rel, text = request["path"], request["text"]
            if not isinstance(rel, str) or not isinstance(text, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return await _send(send, 400, 'expected JSON {"path": "posts/...", "text": "..."}', scope)
        target = post_file(self.host.root, rel)
        if target is None:
            return await _send(send, 403, f"refused: {rel[:200]!r} is not a post file under posts/", scope)
        try:
            await asyncio.get_running_loop().run_in_executor(None, write_atomically, target, text.encode("utf-8"))
        except OSError as exc:
            return await _send(send, 500, f"cannot save: {exc.strerror}", scope)
        self.log(f"wasmblog: editor saved {rel}")
        return await _send(send, 200, json.dumps({"saved": rel}), scope, ctype="application/json; charset=utf-8")


def post_file(root: Path, rel: str) -> Path | None:
    """``root/rel`` if it is an existing post file (``.md``/``.markdown``) whose real path is under
    ``root/posts``; else None. Nothing outside posts/ is ever written."""
    if not rel.startswith("posts/") or "\\" in rel or "\x00" in rel or not rel.endswith(POST_SUFFIXES):
        return None
    if any(part in ("", ".", "..") for part in rel.split("/")):
        return None
    posts = os.path.realpath(root / "posts")
    real = os.path.realpath(root / rel)
    if os.path.commonpath([posts, real]) != posts or not os.path.isfile(real):
        return None
    return Path(real)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: a temporary file beside it, flushed to disk, renamed over it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _loopback_host(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 or host.startswith("[") else host
    return is_loopback(name.strip("[]")) if name else False


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _shell(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n"
            f'<link rel="stylesheet" href="{PREFIX}static/editor.css">\n</head>\n<body>\n{body}</body>\n</html>\n')


async def _send(send: Send, status: int, body: str | bytes, scope: dict[str, Any],
                extra: list[tuple[bytes, bytes]] | None = None, ctype: str = routing.PLAIN,
                cache: tuple[bytes, bytes] = routing.NO_STORE) -> int:
    data = body.encode("utf-8") if isinstance(body, str) else body
    if ctype == routing.PLAIN and not data.endswith(b"\n"):
        data += b"\n"
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", ctype.encode()), (b"content-length", str(len(data)).encode()), cache,
        *(extra or []), *routing.COMMON]})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else data})
    return status

