"""`wasmblog deploy`: the site as one wasi:http component, served by an engine we did not write.

The sample site is deployed once per module with the real CLI (same
SOURCE_DATE_EPOCH as the reference build) and served by ``jco serve
--isolate-requests instance`` under the pinned Node 24: a fresh component
instance per request. Every URL must answer with the bytes ``wasmblog
build`` writes, and every answer must be the one ``wasmblog serve`` gives
for the same request. The guest's answering code also runs natively here,
on the same generated site data, for quick feedback.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from jskit import JcoServer
from servekit import EPOCH, TRAVERSALS, request, sample_copy, status_of, url_of
from sitekit import BUILD_TIME, ROOT, site_files
from wasm_host.deploy import exports, imports, outside_proxy, proxy_imports
from wasm_host.deploy.build import GUEST_DIR, plan_site_files, write_site_data
from wasm_host.engines import make_renderer
from wasm_host.serve import ServeOptions, ServerThread
from wasm_host.site import build, load_site
from wasm_host.site.mime import content_type
from renderer import BuildOptions

# What the deployed component imports: wasi:http/proxy's interfaces, nothing else (no folder, no network).
EXPECTED_IMPORTS = [
    "wasi:io/poll@0.2.9", "wasi:clocks/monotonic-clock@0.2.9", "wasi:clocks/wall-clock@0.2.9",
    "wasi:random/random@0.2.9", "wasi:io/error@0.2.9", "wasi:io/streams@0.2.9", "wasi:cli/stdout@0.2.9",
    "wasi:cli/stderr@0.2.9", "wasi:cli/stdin@0.2.9", "wasi:http/types@0.2.9", "wasi:http/outgoing-handler@0.2.9",
]
COMPARED_HEADERS = ("content-type", "content-length", "etag", "last-modified", "location", "cache-control",
                    "x-content-type-options", "allow")


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return sample_copy(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def built(sample, tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("built") / "public"
    report = build(sample, out, make_renderer("native"), build_time=BUILD_TIME)
    assert report.written and not report.errors
    return site_files(out)


@pytest.fixture(scope="module")
def deployed(sample, tmp_path_factory) -> tuple[Path, dict]:
    """``wasmblog deploy SAMPLE -o DIR --json`` run as a user would: (DIR, its JSON report)."""
    out = tmp_path_factory.mktemp("deploy") / "site-deploy"
    proc = subprocess.run([sys.executable, "-m", "wasm_host", "deploy", str(sample), "-o", str(out), "--json"],
                          capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, json.loads(proc.stdout)


@pytest.fixture(scope="module")
def jco(deployed, tmp_path_factory):
    out, _ = deployed
    with JcoServer(out / "site.wasm", tmp_path_factory.mktemp("jco") / "jco.log") as server:
        yield server


# --- on an engine we did not write: jco serve, a fresh instance per request ----------------------------


@pytest.mark.node
@pytest.mark.wasm
@pytest.mark.slow
def test_every_url_is_the_build_byte_for_byte_under_jco_serve(built, jco):
    for path, expected in built.items():
        for url in {url_of(path), "/" + path}:
            got = jco.request(url)
            assert got.status == 200, (url, got.status, got.text[:300])
            assert got.body == expected, url
            assert got.headers["content-length"] == str(len(expected))
            assert got.headers["content-type"] == content_type(path), url
            assert got.headers["etag"]
    assert jco.alive, jco.state


@pytest.mark.node
@pytest.mark.wasm
@pytest.mark.slow
def test_every_answer_is_the_one_wasmblog_serve_gives(sample, built, jco):
    post = next(p for p in built if p.startswith("posts/") and p.endswith("/index.html"))
    image = next(p for p in built if (sample / "static" / p).is_file())
    with ServerThread(sample, ServeOptions(engine="native", live_reload=False)) as serve:
        def both(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> tuple:
            answers = []
            for got in (request(serve.port, url, method, headers), jco.request(url, method, headers)):
                answers.append((got.status, {h: got.headers.get(h) for h in COMPARED_HEADERS}, got.body))
            assert answers[0] == answers[1], (method, url, headers)
            return answers[0]

        for url in ("/", "/index.html", url_of(post), "/" + url_of(post).strip("/"), "/posts", "/posts/",
                    "/no/such/page/", "/nope.html", "/%252e%252e/site.toml", "/" + image, "/sitemap.xml",
                    "/index.xml", "/robots.txt", "/css/style.css", "/a%20b/", "/caf%C3%A9/"):
            both(url)
            both(url + "?utm=1")
            both(url, "HEAD")
        status, headers, _ = both(url_of(post))
        assert status == 200
        assert both(url_of(post), headers={"If-None-Match": headers["etag"]})[0] == 304
        assert both(url_of(post), "HEAD", headers={"If-None-Match": f'"x", {headers["etag"]}'})[0] == 304
        status, headers, _ = both("/" + image)
        assert both("/" + image, headers={"If-None-Match": headers["etag"]})[0] == 304
        assert both("/" + image, headers={"If-Modified-Since": headers["last-modified"]})[0] == 304
        assert both("/" + image, headers={"If-Modified-Since": "Mon, 01 Jan 1990 00:00:00 GMT"})[0] == 200
        assert both("/", "POST")[0] == 405
        assert both("/", "DELETE")[0] == 405
        for bad in ("/a/../b", "/%2e%2e/site.toml", "/a%2fb", "/a%5cb", "/%ff", "/%00", "/" + "a" * 5000):
            assert both(bad)[0] == 400, bad
    assert jco.alive, jco.state


@pytest.mark.node
@pytest.mark.wasm
@pytest.mark.slow
def test_bad_paths_get_4xx_and_the_server_carries_on(jco):
    for target in [*TRAVERSALS, "/" + "a" * 5000, "/" + "%2e" * 3000, "/x?" + "q" * 6000]:
        raw = jco.raw_request(b"GET " + target.encode("latin-1") + b" HTTP/1.1\r\nHost: x\r\n"
                              b"Connection: close\r\n\r\n")
        assert 400 <= status_of(raw) < 500, (target, raw[:300])
        assert jco.alive, jco.state
    body = jco.raw_request(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\nConnection: close\r\n\r\n"
                           + b"x" * 2000)
    assert status_of(body) == 413
    assert jco.request("/").status == 200


# --- what the component is -----------------------------------------------------------------------------


@pytest.mark.node
@pytest.mark.wasm
@pytest.mark.slow
def test_the_node_that_jco_serve_starts_runs_without_wasm_code_gc(jco):
    # Node 24's V8 dies now and then freeing an import wrapper its wasm code GC marked dead (JCO_NODE_FLAGS).
    session = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and os.getsid(int(proc.name)) == jco.proc.pid:
                session.append((proc / "cmdline").read_bytes().split(b"\0"))
        except OSError:  # ended meanwhile
            pass
    servers = [argv for argv in session if not any(arg.endswith(b"jco.js") for arg in argv)]
    assert servers, session
    assert all(b"--no-wasm-code-gc" in argv for argv in servers), servers


@pytest.mark.wasm
@pytest.mark.slow
def test_its_imports_are_inside_wasi_http_proxy(deployed, tmp_path):
    out, report = deployed
    component = out / "site.wasm"
    assert imports(component) == EXPECTED_IMPORTS == report["imports"]
    assert outside_proxy(imports(component), proxy_imports(tmp_path)) == []
    assert "wasi:http/incoming-handler@0.2.6" in exports(component)
    # What componentize-py's runtime asked for beyond the proxy world was filled with stubs:
    assert {"wasi:filesystem/preopens@0.2.9", "wasi:sockets/tcp@0.2.9"} <= set(report["stubbed"])


@pytest.mark.wasm
@pytest.mark.slow
def test_spin_manifest_routes_every_path_to_the_component(deployed):
    out, _ = deployed
    manifest = tomllib.loads((out / "spin.toml").read_text())
    assert manifest["spin_manifest_version"] == 2
    (trigger,) = manifest["trigger"]["http"]
    assert trigger["route"] == "/..."
    component = manifest["component"][trigger["component"]]
    assert (out / component["source"]).resolve() == (out / "site.wasm").resolve()
    assert "files" not in component and "allowed_outbound_hosts" not in component  # no folder, no network


@pytest.mark.wasm
@pytest.mark.slow
def test_every_static_file_of_the_sample_site_is_embedded(sample, deployed):
    out, report = deployed
    assert report["not_embedded"] == [] and not (out / "static-not-embedded.txt").exists()
    bundled = len(load_site(sample).resources)  # a page bundle's files are embedded like static/'s
    assert bundled == 1
    assert report["static_embedded"] == sum(1 for p in (sample / "static").rglob("*") if p.is_file()) + bundled
    assert report["diagnostics"] == []


# --- the guest's answers, natively, on the data the component is built from ------------------------------


def _guest_site(sample: Path, tmp_path: Path):
    """The guest's DeployedSite made natively from the site data a deploy would embed."""
    sys.path.insert(0, str(GUEST_DIR))
    try:
        import respond
    finally:
        sys.path.remove(str(GUEST_DIR))
    plan = plan_site_files(sample, BuildOptions(build_time=BUILD_TIME), 8_000_000)
    data_file = tmp_path / "site_data.py"
    write_site_data(plan, data_file)
    spec = importlib.util.spec_from_file_location("site_data_under_test", data_file)
    data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(data)
    return respond, respond.DeployedSite.from_data(data)


def test_the_guest_answers_every_url_with_the_build_bytes(sample, built, tmp_path):
    respond, site = _guest_site(sample, tmp_path)
    for path, expected in built.items():
        got = respond.answer(site, "GET", url_of(path) + "?x=1", {})
        assert (got.status, got.body) == (200, expected), path
        assert dict(got.headers)[b"content-type"] == content_type(path).encode()
    missing = respond.answer(site, "GET", "/no/such/", {})
    assert (missing.status, missing.body) == (404, built["404.html"])


def test_a_page_that_cannot_be_rendered_is_a_500_page_not_a_trap(sample, tmp_path):
    respond, site = _guest_site(sample, tmp_path)
    site.templates["post.html"] = "{{ 1 / 0 }}"
    post = next(p for p, job in site.pages.items() if job.kind == "post")
    got = respond.answer(site, "GET", "/" + post, {})
    assert got.status == 500 and b"could not be rendered" in got.body
    assert dict(got.headers)[b"cache-control"] == b"no-store"
    assert respond.answer(site, "GET", "/robots.txt", {}).status == 200  # the rest carries on


def test_static_files_over_the_embedding_limit_are_listed_not_embedded(sample):
    plan = plan_site_files(sample, BuildOptions(build_time=BUILD_TIME), 1_000)
    sizes = {p.relative_to(sample / "static").as_posix(): p.stat().st_size
             for p in (sample / "static").rglob("*") if p.is_file()}
    bundled = sample / "posts/2023/ling-remembered/ling-boot.png"  # a page bundle's image, served like static/
    sizes["posts/ling-remembered/ling-boot.png"] = bundled.stat().st_size
    assert sorted(plan.not_embedded) == sorted(p for p, size in sizes.items() if size > 1_000)
    assert set(plan.static) == {p for p, size in sizes.items() if size <= 1_000}
    assert {d.path for d in plan.diagnostics} >= {f"static/{p}" for p in plan.not_embedded
                                                  if not p.startswith("posts/")}
    assert "posts/2023/ling-remembered/ling-boot.png" in {d.path for d in plan.diagnostics}


def test_the_guest_answers_every_language_of_a_multilingual_site_with_the_build_bytes(tmp_path):
    site_dir = ROOT / "tests" / "hugo" / "sites" / "justindesio"
    out = tmp_path / "out"
    build(site_dir, out, make_renderer("native"), build_time=BUILD_TIME)
    built = site_files(out)
    respond, site = _guest_site(site_dir, tmp_path)
    assert {"fr/posts/arch/index.html", "fr/index.xml", "en/sitemap.xml", "sitemap.xml"} <= set(built)
    for path, expected in built.items():
        got = respond.answer(site, "GET", url_of(path), {})
        assert (got.status, got.body) == (200, expected), path
