"""The sandbox: what the WebAssembly component is, and what the host around it guarantees.

- the component has zero capabilities and exports exactly the render core's API;
- it is built once and cached, compiled once and cached, and a cached file
  that does not match its SHA-256 sidecar is never used;
- every call runs under a deadline, a memory cap and a bounded stack, and a
  call that hits one becomes a diagnostic naming the input while the rest
  of the site is built and the process carries on;
- the host trusts nothing the guest returns (``wasm_host.site.output.validate``);
- sandboxes come from a pooling allocator and run on several threads at once.

Runaway, nesting and memory inputs run through both engines where both have
the limit (the native engine has a deadline but no memory cap).
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import wasmtime
from wasmtime.component import FuncType

from sitekit import BUILD_TIME, ENGINES, ROOT, get_renderer, wasm_renderer
from renderer import BuildOptions, Diagnostic, OutputFile, ParseResult, Post, Source
from renderer.markdown import MarkdownOptions
from wasm_host.site import build
from wasm_host.engines.component import ensure_component, file_digest, verified, write_verified
from wasm_host.engines import NativeRenderer, SandboxFault, make_renderer
from wasm_host.site.output import validate
from wasm_host.engines.convert import lower
from wasm_host.engines.wasm import POOL_INSTANCES, Sandbox, WasmRenderer, runtime
from wasm_host.engines.wasmtime_internals import enable_pooling

EXPORTS = {"parse-posts", "plan-site", "plan-site-encoded", "render-pages", "render-site", "render-markdown"}
RUNAWAY = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
DOUBLING = "{% set s = namespace(x='a') %}{% for i in range(N) %}{% set s.x = s.x ~ s.x %}{% endfor %}{{ s.x|length }}"
GOOD_POST = "---\ntitle: Post {n}\ndate: 2023-01-0{n}T10:00:00Z\n---\nBody of post {n}.\n"


def make_site(folder: Path, *, limits: str = "", templates: dict[str, str] | None = None,
              posts: dict[str, str] | None = None) -> Path:
    """A small site: two good posts (no tags, so list.html renders only index.html)."""
    (folder / "posts").mkdir(parents=True)
    (folder / "site.toml").write_text('title = "Limits"\nbase_url = "https://example.org/"\n'
                                      + (f"[limits]\n{limits}\n" if limits else ""), encoding="utf-8")
    for name, text in (posts or {"one.md": GOOD_POST.format(n=1), "two.md": GOOD_POST.format(n=2)}).items():
        (folder / "posts" / name).write_text(text, encoding="utf-8")
    if templates:
        (folder / "templates").mkdir()
        for name, text in templates.items():
            (folder / "templates" / name).write_text(text, encoding="utf-8")
    return folder


def cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(BUILD_TIME // 1_000_000))
    return subprocess.run([sys.executable, "-m", "wasm_host", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=600)


def built(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def assert_good_build(engine, folder: Path) -> None:
    """A good site builds completely with ``engine`` (the host carried on after a fault)."""
    out = folder.parent / (folder.name + "-out")
    report = build(make_site(folder), out, engine, build_time=BUILD_TIME)
    assert [d.format() for d in report.diagnostics if d.is_error] == []
    assert {"index.html", "posts/one/index.html", "posts/two/index.html"} <= built(out)


# --- the component -----------------------------------------------------------------------


@pytest.mark.wasm
def test_the_component_imports_nothing():
    assert runtime().imports() == []


@pytest.mark.wasm
def test_the_component_exports_the_five_render_functions():
    rt = runtime()
    functions = {name for name, item in rt.component.type.exports(rt.engine).items() if isinstance(item.ty, FuncType)}
    assert functions == EXPORTS


def parameters(method) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(method).parameters.values()]


def test_the_wasm_engine_takes_the_same_arguments_as_the_native_engine():
    for name in ("parse_posts", "plan_site", "render_pages", "render_site", "render_markdown"):
        assert parameters(getattr(WasmRenderer, name)) == parameters(getattr(NativeRenderer, name)), name


@pytest.mark.wasm
def test_the_wasm_engine_returns_the_core_s_own_types():
    source = Source("posts/a.md", GOOD_POST.format(n=1).encode())
    result = get_renderer("wasm").parse_posts([source, Source("posts/b.md", b"")], "")
    assert type(result) is ParseResult
    assert [type(p) for p in result.posts] == [Post]
    assert [type(d) for d in result.diagnostics] == [Diagnostic]
    assert type(result.posts[0].tags) is list


# --- the cache ---------------------------------------------------------------------------------


@pytest.mark.wasm
def test_a_second_process_loads_the_cached_component_without_building_or_compiling():
    runtime()  # this process has built or loaded it, so the cache is populated
    code = ("import dataclasses, json\nfrom wasm_host.engines.wasm import Runtime\n"
            "print(json.dumps(dataclasses.asdict(Runtime().times)))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    times = json.loads(proc.stdout)
    assert times["componentize"] == 0 and times["compile"] == 0 and times["load"] > 0


def flip_bytes(path: Path) -> bytes:
    """Corrupt ``path`` in place (a few bytes in the middle); returns the corrupted bytes."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    for i in range(middle, middle + 16):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    return bytes(data)


def copy_with_sidecar(path: Path, dest: Path) -> Path:
    for p in (path, path.with_name(path.name + ".sha256")):
        shutil.copyfile(p, dest / p.name)
    return dest / path.name


@pytest.mark.wasm
@pytest.mark.slow
def test_a_corrupted_compiled_component_is_detected_by_its_checksum_and_recompiled(tmp_path):
    shared = runtime()
    copy_with_sidecar(shared.component_path, tmp_path)
    compiled = copy_with_sidecar(shared.compiled_path, tmp_path)
    corrupted = flip_bytes(compiled)
    assert not verified(compiled)

    rt = runtime(cache_dir=tmp_path)

    assert rt.compiled_path == compiled
    assert rt.times.componentize == 0  # the component itself was intact
    assert rt.times.compile > 0  # the compiled form was not trusted: compiled again
    assert verified(compiled) and compiled.read_bytes() != corrupted
    sandbox = Sandbox(rt, 512)
    assert sandbox.call("render-markdown", "*ok*", lower(MarkdownOptions()), timeout=10) == "<p><em>ok</em></p>\n"


@pytest.mark.wasm
@pytest.mark.slow
def test_a_corrupted_cached_component_is_detected_by_its_checksum_and_rebuilt(tmp_path):
    component = copy_with_sidecar(runtime().component_path, tmp_path)
    corrupted = flip_bytes(component)

    info = ensure_component(tmp_path)

    assert info.path == component and info.built and info.seconds > 0
    assert verified(component) and component.read_bytes() != corrupted


def test_a_cached_file_is_trusted_only_when_it_matches_its_sidecar(tmp_path):
    path = tmp_path / "x.cwasm"
    assert not verified(path)  # missing
    data = tmp_path / "data.tmp"
    data.write_bytes(b"compiled bytes")
    write_verified(path, data)
    assert verified(path) and not data.exists()
    assert (tmp_path / "x.cwasm.sha256").read_text().strip() == file_digest(path)
    path.write_bytes(b"compiled bytez")
    assert not verified(path)  # changed
    path.write_bytes(b"compiled bytes")
    (tmp_path / "x.cwasm.sha256").unlink()
    assert not verified(path)  # no sidecar



def test_the_cache_keeps_the_builds_used_last_besides_the_new_one(tmp_path):
    """Two checkouts (or versions) of wasmblog on one machine do not delete each other's component."""
    import os

    from wasm_host.engines.component import KEPT_BUILDS, remove_stale

    builds = [tmp_path / f"wasmblog-{n:020d}.wasm" for n in range(KEPT_BUILDS + 3)]
    for age, path in enumerate(builds):
        path.write_bytes(b"x")
        path.with_name(path.name + ".sha256").write_text("-")
        os.utime(path, (1_000_000 - age, 1_000_000 - age))  # builds[0] used last
    new = tmp_path / "wasmblog-new.wasm"
    new.write_bytes(b"x")
    remove_stale(tmp_path, "wasmblog-*.wasm", keep=new)
    left = sorted(p.name for p in tmp_path.glob("*.wasm"))
    assert left == sorted([new.name, *(p.name for p in builds[:KEPT_BUILDS])])
    assert not any(p.with_name(p.name + ".sha256").exists() for p in builds[KEPT_BUILDS:])

# --- limits: time --------------------------------------------------------------------------------


def list_job(engine, config: str):
    sources = [Source(f"posts/{name}", GOOD_POST.format(n=n).encode()) for n, name in ((1, "one.md"), (2, "two.md"))]
    posts = engine.parse_posts(sources, config).posts
    plan = engine.plan_site(posts, config, BuildOptions(BUILD_TIME))
    (job,) = [j for j in plan.jobs if j.kind == "list"]
    return job, posts


@pytest.mark.slow
@pytest.mark.parametrize("name", ENGINES)
def test_a_runaway_template_is_stopped_at_the_deadline_and_the_next_call_works(name):
    engine = make_renderer(name, timeout=1.0)
    job, posts = list_job(engine, "")
    started = time.perf_counter()
    with pytest.raises(SandboxFault) as fault:
        engine.render_pages([job], posts, "", {"list.html": RUNAWAY})
    elapsed = time.perf_counter() - started
    assert fault.value.kind == "timeout"
    assert fault.value.message == "rendering exceeded 1 s (limits.render_timeout)"
    assert elapsed >= 0.9  # stopped at the deadline, not before it (the loop never ends: the deadline stopped it)
    result = engine.render_pages([job], posts, "", {})
    assert [f.path for f in result.files] == ["index.html"] and result.diagnostics == []


@pytest.mark.parametrize("name", ENGINES)
def test_a_range_too_big_for_the_template_sandbox_is_refused_at_once(name, tmp_path):
    site = make_site(tmp_path / "site", templates={"list.html": "{% for i in range(10**12) %}{% endfor %}"})
    report = build(site, tmp_path / "out", get_renderer(name), build_time=BUILD_TIME)
    assert [d.format() for d in report.diagnostics] == [
        "templates/list.html:1: error: while rendering index.html: OverflowError: Range too big. "
        "The sandbox blocks ranges larger than MAX_RANGE (100000)."]
    assert {"posts/one/index.html", "posts/two/index.html", "index.xml"} <= built(tmp_path / "out")


@pytest.mark.slow
@pytest.mark.parametrize("name", ENGINES)
def test_a_runaway_template_in_a_site_is_reported_by_name_and_the_rest_is_built(name, tmp_path):
    site = make_site(tmp_path / "site", limits="render_timeout = 1.0", templates={"list.html": RUNAWAY})
    proc = cli("build", str(site), "-o", str(tmp_path / "out"), "--engine", name, "--json")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"{site}/templates/list.html: error: index.html: rendering exceeded 1 s (limits.render_timeout)"]
    files = built(tmp_path / "out")
    assert "index.html" not in files
    assert {"posts/one/index.html", "posts/two/index.html", "index.xml", "sitemap.xml", "404.html"} <= files
    # How many deadlines a runaway may cost is engines.base.render_items' rule (tests/engines/test_deadlines.py),
    # not a wall-clock bound here: a busy machine makes every build slower.
    assert json.loads(proc.stdout)["errors"] == 1
    next_build = cli("build", str(make_site(tmp_path / "good")), "-o", str(tmp_path / "good-out"),
                     "--engine", name, "--quiet")
    assert (next_build.returncode, next_build.stderr) == (0, "")


# --- limits: nesting ---------------------------------------------------------------------------

DEEP = {
    "quotes": ">" * 100_000 + " deep\n",
    "brackets": "[" * 100_000 + "\n",
    "brackets-closed": "[" * 100_000 + "]" * 100_000 + "\n",
    "quoted-brackets": ">" * 100_000 + " " + "[" * 100_000 + "\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", ENGINES)
@pytest.mark.parametrize("doc", sorted(DEEP))
def test_a_deeply_nested_document_is_rendered_or_stopped_within_the_limit(name, doc, tmp_path):
    timeout = 5.0
    post = f"---\ntitle: Deep\ndate: 2023-01-03\n---\n{DEEP[doc]}"
    site = make_site(tmp_path / "site", posts={"one.md": GOOD_POST.format(n=1), "deep.md": post})
    report = build(site, tmp_path / "out", make_renderer(name, timeout=timeout), build_time=BUILD_TIME)
    messages = [d.format() for d in report.diagnostics]
    assert messages == [] or (len(messages) == 1 and messages[0].startswith("posts/deep.md: error: ")
                              and ("exceeded" in messages[0] or "nested too deeply" in messages[0])), messages
    assert "posts/one/index.html" in built(tmp_path / "out")  # the other post is built whatever the deep one cost


# --- limits: memory ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ENGINES)
def test_a_template_multiplying_a_string_past_a_million_is_refused(name, tmp_path):
    site = make_site(tmp_path / "site", templates={"list.html": "{{ 'x' * 10**9 }}"})
    report = build(site, tmp_path / "out", get_renderer(name), build_time=BUILD_TIME)
    assert [d.format() for d in report.diagnostics] == [
        "templates/list.html:1: error: while rendering index.html: "
        "SecurityError: a template may not build a value longer than 1,000,000"]
    assert {"posts/one/index.html", "posts/two/index.html"} <= built(tmp_path / "out")


@pytest.mark.wasm
def test_a_template_outgrowing_the_memory_cap_is_stopped_and_the_host_carries_on(tmp_path):
    engine = wasm_renderer(memory_mb=64)
    site = make_site(tmp_path / "site", templates={"list.html": DOUBLING.replace("N", "30")})  # a 1 GiB string
    report = build(site, tmp_path / "out", engine, build_time=BUILD_TIME)
    assert [d.format() for d in report.diagnostics] == [
        "templates/list.html:1: error: while rendering index.html: "
        "ran out of memory (the sandbox's cap is limits.memory_mb)"]
    assert {"posts/one/index.html", "posts/two/index.html"} <= built(tmp_path / "out")
    assert_good_build(engine, tmp_path / "good")


@pytest.mark.wasm
@pytest.mark.slow
def test_the_memory_cap_is_the_one_in_site_toml(tmp_path):
    template = {"list.html": DOUBLING.replace("N", "25")}  # a 32 MiB string: fits in 512 MB, not in 64
    capped = make_site(tmp_path / "capped", limits="memory_mb = 64", templates=template)
    roomy = make_site(tmp_path / "roomy", templates=template)
    low = cli("build", str(capped), "-o", str(tmp_path / "low"), "--engine", "wasm", "--quiet")
    high = cli("build", str(roomy), "-o", str(tmp_path / "high"), "--engine", "wasm", "--quiet")
    assert (low.returncode, low.stderr) == (1, f"{capped}/templates/list.html:1: error: while rendering index.html: "
                                               "ran out of memory (the sandbox's cap is limits.memory_mb)\n")
    assert (high.returncode, high.stderr) == (0, "")
    assert "33554432" in (tmp_path / "high" / "index.html").read_text()


# --- the host validates what the guest returns -------------------------------------------------


def refused(paths_or_files, max_bytes: int = 1000) -> list[str]:
    files = [f if isinstance(f, OutputFile) else OutputFile(f, "x") for f in paths_or_files]
    kept, diags = validate(files, max_bytes)
    assert all(d.path == "<renderer>" and d.is_error for d in diags)
    assert len(kept) + len(diags) == len(files)
    return [d.message for d in diags]


def test_safe_output_paths_are_kept_in_order():
    files = [OutputFile("index.html", "a"), OutputFile("posts/x/index.html", "b"), OutputFile("css/style.css", "c"),
             OutputFile("tags/c++/index.html", "d"), OutputFile("posts/naïve-😀/index.html", "e")]
    assert validate(files, 1000) == (files, [])


@pytest.mark.parametrize("path", ["/etc/passwd", "/index.html", "C:/x.html", "c:evil.html"])
def test_absolute_output_paths_are_refused(path):
    assert refused([path]) == [f"refused output {path!r}: absolute path"]


@pytest.mark.parametrize("path", ["../x.html", "posts/../../x.html", "a/..", ".."])
def test_output_paths_with_dot_dot_are_refused(path):
    assert refused([path]) == [f"refused output {path!r}: path escapes the output folder"]


@pytest.mark.parametrize("path", ["posts\\x.html", "..\\..\\x.html"])
def test_output_paths_with_backslashes_are_refused(path):
    assert refused([path]) == [f"refused output {path!r}: absolute path"]


@pytest.mark.parametrize("path", ["a\nb.html", "a\x00b.html", "a\x1bb.html", "a\x7f.html", "a\u202eb.html", "\u200bx"])
def test_output_paths_with_control_or_format_characters_are_refused(path):
    assert refused([path]) == [f"refused output {path!r}: control character in path"]


@pytest.mark.parametrize("path", ["", "a//b.html", "./x.html", "a/./b.html", "posts/"])
def test_empty_or_dot_segments_are_refused(path):
    assert len(refused([path])) == 1


def test_an_overlong_path_is_refused():
    assert refused(["a/" * 600 + "x"]) == [f"refused output {'a/' * 100!r}: path too long"]
    assert refused(["x" * 300]) == [f"refused output {'x' * 200!r}: path segment too long"]


def test_a_path_written_twice_is_refused_even_in_another_case():
    files = [OutputFile("index.html", "first"), OutputFile("INDEX.html", "second"), OutputFile("index.html", "third")]
    kept, diags = validate(files, 1000)
    assert kept == [files[0]]
    assert [d.message for d in diags] == ["refused output 'INDEX.html': written twice",
                                          "refused output 'index.html': written twice"]


def test_a_file_over_the_size_limit_is_refused():
    assert refused([OutputFile("big.html", "x" * 1001), OutputFile("ok.html", "x" * 1000)]) == [
        "refused output 'big.html': 1001 bytes, over the 1000 limit"]


def test_the_size_limit_counts_utf8_bytes_not_characters():
    assert refused([OutputFile("euro.html", "€" * 400)]) == [  # 400 characters, 1,200 bytes
        "refused output 'euro.html': 1200 bytes, over the 1000 limit"]


def test_text_that_cannot_be_written_as_utf8_is_refused():
    assert refused([OutputFile("half.html", "a\ud800b")]) == [
        "refused output 'half.html': not valid Unicode text (a lone surrogate cannot be written as UTF-8)"]


def test_a_file_that_is_also_a_folder_is_refused():
    files = [OutputFile("posts", "file"), OutputFile("posts/x/index.html", "page"), OutputFile("Tags", "file"),
             OutputFile("tags/index.html", "page")]
    kept, diags = validate(files, 1000)
    assert kept == [files[1], files[3]]
    assert [d.message for d in diags] == ["refused output 'posts': also used as a folder",
                                          "refused output 'Tags': also used as a folder"]


# --- pooling and threads -----------------------------------------------------------------------


def test_enable_pooling_switches_a_config_to_the_pooling_allocator():
    config = wasmtime.Config()
    assert enable_pooling(config, instances=POOL_INSTANCES) is True
    wasmtime.Engine(config)  # the C API accepted the limits


@pytest.mark.wasm
def test_a_pooling_engine_instantiates_the_component_more_times_than_it_has_slots():
    rt = runtime(pooling=True)
    assert rt.pooling
    for _ in range(POOL_INSTANCES + 16):  # each dropped sandbox gives its slot back
        Sandbox(rt, 64)
    assert Sandbox(rt, 64).call("render-markdown", "# Hi", lower(MarkdownOptions()), timeout=10) == \
        get_renderer("native").render_markdown("# Hi")


@pytest.mark.wasm
def test_sandboxes_are_instantiated_and_called_on_two_threads_at_once():
    rt = runtime()
    docs = [f"# Thread {i}\n\n*emphasis* and `code` {'x ' * 500}\n\n```python\nprint({i})\n```\n" for i in range(2)]
    expected = [get_renderer("native").render_markdown(doc) for doc in docs]
    start = threading.Barrier(2)
    results: list[list[str]] = [[], []]
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            start.wait(timeout=30)
            for _ in range(5):
                sandbox = Sandbox(rt, 512)
                results[i].append(sandbox.call("render-markdown", docs[i], lower(MarkdownOptions()), timeout=10))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert results == [[expected[0]] * 5, [expected[1]] * 5]
