"""Helpers for the server tests: HTTP requests as they go on the wire, and small sites to serve."""

from __future__ import annotations

import http.client
import re
import shutil
import socket
from pathlib import Path

from sitekit import BUILD_TIME, SAMPLE_SITE
from wasm_host.bench.corpus import write_site

EPOCH = str(BUILD_TIME // 1_000_000)
SECRET = "TOP-SECRET-d41d8cd98f00b204"
# Request paths that try to leave the site, in every encoding: each must get 400 or 404.
TRAVERSALS = [
    "/../site.toml", "/static/../site.toml", "/images/../../site.toml", "/%2e%2e/site.toml", "/%2E%2E/site.toml",
    "/.%2e/site.toml", "/%2e./site.toml", "/..%2fsite.toml", "/%2e%2e%2fsite.toml", "/images%2f..%2f..%2fsite.toml",
    "/images/..%5c..%5csite.toml", "/images\\..\\..\\site.toml", "/%5c..%5csite.toml", "/%252e%252e/site.toml",
    "/%c0%ae%c0%ae/site.toml", "/%e0%80%ae%e0%80%ae/site.toml", "/..;/site.toml", "/images/%00../site.toml",
    "/images/dot.png%00.html", "/%00", "/./site.toml", "//site.toml", "/outside.txt", "/secret-link.txt",
    "/linked-dir/passwd", "/linked-dir/", "/images/../secret-link.txt", "/%2fetc/passwd", "/..", "/.",
    "/static/notes.txt", "/../../../../../../etc/passwd",
]


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def __repr__(self) -> str:
        return f"<Response {self.status} {len(self.body)} bytes>"


def request(port: int, path: str, method: str = "GET", headers: dict[str, str] | None = None,
            timeout: float = 30) -> Response:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body)
    finally:
        conn.close()


def raw_request(port: int, data: bytes, timeout: float = 10) -> bytes:
    """Send bytes as they are; return what comes back until the server closes or goes quiet."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        out = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                out += chunk
                if b"\r\n\r\n" in out and _complete(out):
                    break
        except TimeoutError:
            pass
    return out


def _complete(data: bytes) -> bool:
    head, _, body = data.partition(b"\r\n\r\n")
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return m is not None and len(body) >= int(m.group(1))


def status_of(raw: bytes) -> int:
    m = re.match(rb"HTTP/1\.[01] (\d{3})", raw)
    assert m, raw[:200]
    return int(m.group(1))


def url_of(path: str) -> str:
    """The URL a static host serves an output file at (index.html as its folder)."""
    if path == "index.html":
        return "/"
    if path.endswith("/index.html"):
        return "/" + path[: -len("index.html")]
    return "/" + path


def sample_copy(tmp_path: Path) -> Path:
    """A private copy of the sample site (content/), or a generated one while it is incomplete."""
    dest = tmp_path / "site"
    posts = list((SAMPLE_SITE / "posts").rglob("*.md")) if (SAMPLE_SITE / "posts").is_dir() else []
    if (SAMPLE_SITE / "site.toml").is_file() and len(posts) >= 5:
        shutil.copytree(SAMPLE_SITE, dest)
    else:
        write_site(dest, 30)
    return dest


def write_post(site: Path, name: str, title: str, body: str, date: str = "2024-01-02T10:00:00Z",
               extra: str = "") -> Path:
    path = site / "posts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: \"{title}\"\ndate: {date}\n{extra}---\n\n{body}\n", encoding="utf-8")
    return path


def small_site(tmp_path: Path, config: str = "", templates: dict[str, str] | None = None,
               posts: int = 3) -> Path:
    site = tmp_path / "small"
    (site / "static" / "images").mkdir(parents=True)
    (site / "site.toml").write_text('title = "Small"\nbase_url = "https://example.org/"\n' + config)
    for i in range(posts):
        write_post(site, f"p{i}.md", f"Post number {i}", f"Body of post {i}.", date=f"2024-01-0{i + 1}T10:00:00Z",
                   extra="tags: [alpha]\n")
    (site / "static" / "images" / "dot.png").write_bytes(
        bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                      "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"))
    (site / "static" / "notes.txt").write_text("plain notes\n")
    for name, text in (templates or {}).items():
        (site / "templates").mkdir(exist_ok=True)
        (site / "templates" / name).write_text(text)
    return site
