"""The guest of the deployed site: ``wasi:http/incoming-handler`` over :mod:`respond`.

componentize-py runs this module once, when ``wasmblog deploy`` builds the
component, and snapshots the result: the site (``site_data``, written by
the build) is parsed and planned here, a page of every kind is rendered
and every kind of answer made once, so all of it is in the snapshot. An
engine then calls ``handle`` per request, in whatever instance it gives
(a fresh one per request on wasmtime serve, Spin and ``jco serve
--isolate-requests instance``).

The handler never traps: a trap would take the engine's instance down (and
``jco serve`` with it), so every failure becomes an answer.
"""

from __future__ import annotations

import lean  # first: it compiles the biggest module before anything else is loaded (see lean)

# Modules the core reaches lazily (codecs by name, jinja2's error path): import them into the snapshot.
import encodings.latin_1
import encodings.unicode_escape
import encodings.utf_16
import encodings.utf_16_be
import encodings.utf_16_le
import encodings.utf_8_sig  # noqa: F401  looked up by name on first use: imported for the snapshot
import gc
import sys

import jinja2.debug  # noqa: F401  imported lazily by jinja2 on errors: the guest cannot
from componentize_py_types import Ok
from renderer import routing, sanitize
from wit_world import exports
from wit_world.imports import types as http

import site_data  # written by the deploy build: the site's sources, config, templates, static files
from respond import Answer, DeployedSite, answer, internal_error

_METHODS = {
    http.Method_Get: "GET", http.Method_Head: "HEAD", http.Method_Post: "POST", http.Method_Put: "PUT",
    http.Method_Delete: "DELETE", http.Method_Connect: "CONNECT", http.Method_Options: "OPTIONS",
    http.Method_Trace: "TRACE", http.Method_Patch: "PATCH",
}
CHUNK = 4096  # blocking-write-and-flush takes at most 4096 bytes a call


def _method(method: http.Method) -> str:
    if isinstance(method, http.Method_Other):
        return method.value.upper()
    return _METHODS.get(type(method), "OTHER")


def _respond(request: http.IncomingRequest) -> Answer:
    try:
        method = _method(request.method())
        target = request.path_with_query() or "/"
        with request.headers() as fields:
            pairs = [(name.encode("latin-1", "replace"), value) for name, value in fields.entries()]
        return answer(SITE, method, target, routing.join_headers(pairs))
    except Exception as exc:
        return internal_error(exc)


def _drop(request: http.IncomingRequest) -> None:
    """Drop the request and its body unread (GET and HEAD bodies are refused, never read):
    an engine may hold the answer back until the request's body is let go (jco does)."""
    try:
        body = request.consume()
        with body.stream():
            pass
        with http.IncomingBody.finish(body):
            pass
    except Exception:  # no body, or already consumed
        pass
    try:
        request.__exit__(None, None, None)
    except Exception:
        pass


# Connection management is the engine's: wasi:http refuses these in a response (serve's 413 says
# "connection: close"; here the engine decides).
HOP_BY_HOP = frozenset((b"connection", b"keep-alive", b"proxy-connection", b"transfer-encoding", b"upgrade"))


def _send(reply: Answer, response_out: http.ResponseOutparam) -> None:
    response = http.OutgoingResponse(http.Fields.from_list(
        [(name.decode("latin-1"), value) for name, value in reply.headers if name not in HOP_BY_HOP]))
    response.set_status_code(reply.status)
    body = response.body()
    http.ResponseOutparam.set(response_out, Ok(response))
    with body.write() as stream:
        data = reply.body
        for start in range(0, len(data), CHUNK):
            stream.blocking_write_and_flush(data[start:start + CHUNK])
    http.OutgoingBody.finish(body, None)


class IncomingHandler(exports.IncomingHandler):
    def handle(self, request: http.IncomingRequest, response_out: http.ResponseOutparam) -> None:
        reply = _respond(request)
        _drop(request)
        try:
            _send(reply, response_out)
        except Exception:  # the client went away, or the engine refused the answer: nothing left to do
            pass


def _warm(site: DeployedSite) -> None:
    """Answer one request of every kind, so every module and cache is in the snapshot."""
    lean.preload_highlighting()
    sanitize.preload()
    kinds: dict[str, str] = {}
    for path, job in site.pages.items():
        kinds.setdefault(job.kind, path)
    base = site.base_path
    urls = [base + (p[:-len("index.html")] if p.endswith("index.html") else p) for p in kinds.values()]
    urls += [base + p for p in list(site.static)[:2]]
    urls += ["/", base.rstrip("/") or "/", "/no/such/page/", "/%2e%2e/x", "/a%2fb", "/" + "a" * 5000, "/\u00e9"]
    for url in urls:
        first = answer(site, "GET", url + "?warm=1", {})
        etag = next((v.decode() for k, v in first.headers if k == b"etag"), "*")
        answer(site, "HEAD", url, {"if-none-match": etag, "if-modified-since": "Tue, 01 Dec 2026 00:00:00 GMT"})
    answer(site, "POST", "/", {"content-length": "2"})
    answer(site, "GET", "/", {"content-length": "10000"})
    internal_error(ValueError("warm-up"))


SITE = DeployedSite.from_data(site_data)
_warm(SITE)
sys.meta_path.insert(0, lean.lazy_modules())  # the bundled modules not loaded (rare languages' lexers)
# Everything alive now lives as long as the instance: out of the cyclic GC's sight (see the render guest).
gc.collect()
lean.zero_free_memory()
gc.freeze()
