"""Faults: killed builds, full and read-only disks, corrupted caches, concurrent builds.

What must hold:

- a build killed with SIGKILL at any point leaves the output folder exactly as
  it was (byte for byte) or, if the kill came after the swap, exactly the new
  build; never a mix; the next build is correct and cleans up after the
  killed one;
- a full disk and a read-only output folder give one line, ``error: ...``,
  and exit status 1, with no traceback, and the previous output intact;
- a compiled component in the cache that does not match its SHA-256 sidecar
  is never loaded: it is compiled again and the build is correct;
- two builds into one output folder at once leave one of the two builds,
  complete, never a mix.

Builds run as ``python -m wasm_host build`` in subprocesses, with
SOURCE_DATE_EPOCH fixed so that two builds of one input are byte-identical.
The disk faults use a 1 MiB tmpfs and a read-only bind mount when the test
runs as root (as CI does); otherwise RLIMIT_FSIZE and file permissions.
"""

from __future__ import annotations

import contextlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from collections.abc import Iterator

import pytest

from sitekit import ENGINES, BUILD_TIME, DIAGNOSTIC_LINE, ROOT
from sitekit import leftovers, tree_bytes
from wasm_host.bench import corpus
from wasm_host.engines.component import cache_root, verified
from wasm_host.engines.wasm import runtime

ENV = dict(os.environ, SOURCE_DATE_EPOCH=str(BUILD_TIME // 1_000_000))
WASMBLOG = [sys.executable, "-m", "wasm_host"]


def cli(*args: str, preexec=None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*WASMBLOG, *args], capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=timeout,
                          preexec_fn=preexec)


def make_corpus(folder: Path, posts: int, seed: int) -> Path:
    return corpus.write_site(folder, posts, seed)


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> dict[str, object]:
    """Two versions of a 200-post site and the trees a clean build makes of each."""
    root = tmp_path_factory.mktemp("versions")
    v1, v2 = make_corpus(root / "v1", 200, 1), make_corpus(root / "v2", 200, 2)
    trees = {}
    seconds = 0.0
    for name, site in (("v1", v1), ("v2", v2)):
        started = time.perf_counter()
        proc = cli("build", str(site), "-o", str(root / f"{name}-out"), "--engine", "native", "--quiet")
        seconds = max(seconds, time.perf_counter() - started)
        assert proc.returncode == 0, proc.stderr
        trees[name] = tree_bytes(root / f"{name}-out")
    assert trees["v1"] != trees["v2"]
    return {"v1": v1, "v2": v2, "trees": trees, "seconds": seconds}


# --- SIGKILL at random points --------------------------------------------------------------------

# Runs the CLI with the fallback swap (two renames) that file systems without
# renameat2(RENAME_EXCHANGE) get.
NO_EXCHANGE = ("import sys, wasm_host.site.output as o; o._exchange = lambda a, b: False; "
               "from wasm_host.cli import main; sys.argv[0] = 'wasmblog'; main()")


def build_killed_after(delay: float, out: Path, site: Path, engine: str, launcher: list[str]) -> None:
    """Start a build of ``site`` into ``out`` and SIGKILL it after ``delay`` seconds."""
    proc = subprocess.Popen([*launcher, "build", str(site), "-o", str(out), "--engine", engine, "--quiet"],
                            env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found.update(int(c) for c in (task / "children").read_text().split())
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_the_workers_of_a_killed_build_end_with_it(tmp_path, versions, engine):
    proc = subprocess.Popen([*WASMBLOG, "build", str(versions["v1"]), "-o", str(tmp_path / "out"), "--engine", engine,
                             "--jobs", "2", "--no-cache", "--quiet"], env=ENV, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
        workers = {pid for pid in children(proc.pid) if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()
                   or engine == "native"}
        time.sleep(0.05)
    assert len(workers) >= 2, "the build started no workers"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)]


def random_delays(rounds: int, seed: int, build_seconds: float) -> list[float]:
    """Seeded kill times over a whole build, every other one in its last third (where
    the files are written and the folders swapped)."""
    rng = random.Random(seed)
    latest = 1.1 * build_seconds
    return [rng.uniform(0.0, latest) if i % 2 == 0 else rng.uniform(0.65 * latest, latest) for i in range(rounds)]


@pytest.mark.slow
@pytest.mark.parametrize("swap", ["renameat2", "two-renames"])
def test_a_build_killed_at_random_points_leaves_the_old_or_the_new_site_never_a_mix(tmp_path, versions, swap):
    """Each round builds the other version than the one in the folder and kills the build
    after a random delay (seeded): the folder then holds the version it held, or the new
    one, byte for byte."""
    trees = versions["trees"]
    out = tmp_path / "public"
    assert cli("build", str(versions["v1"]), "-o", str(out), "--engine", "native", "--quiet").returncode == 0
    current = "v1"
    launcher = WASMBLOG if swap == "renameat2" else [sys.executable, "-c", NO_EXCHANGE]
    outcomes = []
    for delay in random_delays(6, seed=6, build_seconds=versions["seconds"]):
        target = "v2" if current == "v1" else "v1"
        build_killed_after(delay, out, versions[target], "native", launcher)
        if swap == "two-renames" and not out.exists():
            # Killed between the two renames: the site is whole in its backup, which the
            # next build puts back first thing.
            assert len(list(tmp_path.glob(".public.wasmblog/old-*"))) == 1, delay
            outcomes.append("between the renames")
            break
        tree = tree_bytes(out)
        assert tree in (trees[current], trees[target]), f"a mix after a kill at {delay:.2f} s"
        outcomes.append("old" if tree == trees[current] else "new")
        current = "v1" if tree == trees["v1"] else "v2"
    proc = cli("build", str(versions["v2"]), "-o", str(out), "--engine", "native", "--quiet")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert tree_bytes(out) == trees["v2"]
    assert leftovers(out) == []
    print(swap, outcomes)
    assert "old" in outcomes, outcomes  # some kills landed mid-build


@pytest.mark.wasm
@pytest.mark.slow
def test_a_wasm_build_killed_mid_render_leaves_the_previous_site(tmp_path, versions):
    out = tmp_path / "public"
    assert cli("build", str(versions["v1"]), "-o", str(out), "--engine", "native", "--quiet").returncode == 0
    for delay in (0.4, 0.8):  # loading the component, parsing: long before anything is written
        build_killed_after(delay, out, versions["v2"], "wasm", WASMBLOG)
        assert tree_bytes(out) == versions["trees"]["v1"], delay
    proc = cli("build", str(versions["v2"]), "-o", str(out), "--engine", "wasm", "--quiet")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert tree_bytes(out) == versions["trees"]["v2"] and leftovers(out) == []


# --- full and read-only disks ------------------------------------------------------------------


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@contextlib.contextmanager
def mounted(args: list[str], target: Path) -> Iterator[bool]:
    """Mount (root only); yields whether it worked, and unmounts after."""
    target.mkdir(parents=True, exist_ok=True)
    ok = _can_mount() and subprocess.run(["mount", *args, str(target)], capture_output=True).returncode == 0
    try:
        yield ok
    finally:
        if ok:
            subprocess.run(["umount", "-l", str(target)], capture_output=True)


def _file_size_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead of killing us
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def _as_nobody() -> None:
    os.setgid(65534)
    os.setuid(65534)


def assert_one_error_line(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and DIAGNOSTIC_LINE.match(proc.stderr.strip()), proc.stderr
    assert ": error: " in proc.stderr, proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr


@pytest.mark.slow
def test_a_full_disk_gives_one_error_line_and_keeps_the_previous_site(tmp_path):
    small = make_corpus(tmp_path / "small", 3, 1)
    big = make_corpus(tmp_path / "big", 120, 2)  # about 3 MB of pages
    disk = tmp_path / "disk"
    with mounted(["-t", "tmpfs", "-o", "size=1m", "tmpfs"], disk) as tmpfs:
        out = disk / "public"
        preexec = None if tmpfs else _file_size_limit(200_000)  # not root: one file may not grow past 200 kB
        first = cli("build", str(small), "-o", str(out), "--engine", "native", "--quiet")
        assert first.returncode == 0, first.stderr
        before = tree_bytes(out)
        proc = cli("build", str(big), "-o", str(out), "--engine", "native", "--quiet", preexec=preexec)
        if tmpfs:
            assert_one_error_line(proc, str(out), "cannot write the site: No space left on device (free some disk "
                                                  "space)")
        else:
            assert_one_error_line(proc, str(out), "cannot write the site: File too large")
        assert tree_bytes(out) == before
        assert leftovers(out) == []


@pytest.mark.slow
def test_a_read_only_output_folder_gives_one_error_line(tmp_path):
    site = make_corpus(tmp_path / "site", 3, 1)
    area = tmp_path / "area"
    area.mkdir()
    first = cli("build", str(site), "-o", str(area / "public"), "--engine", "native", "--quiet")
    assert first.returncode == 0
    before = tree_bytes(area / "public")
    with mounted(["--bind", "-o", "ro", str(area)], tmp_path / "ro") as bound:
        if bound:
            subprocess.run(["mount", "-o", "remount,ro,bind", str(tmp_path / "ro")], check=True)
            out, preexec, words = tmp_path / "ro" / "public", None, "Read-only file system"
        else:  # not root: a folder the build may not write to
            area.chmod(0o555)
            out, preexec, words = area / "public", _as_nobody if os.geteuid() == 0 else None, "Permission denied"
        try:
            proc = cli("build", str(site), "-o", str(out), "--engine", "native", "--quiet", preexec=preexec)
            assert_one_error_line(proc, str(out), words)
            new = cli("build", str(site), "-o", str(out / "sub"), "--engine", "native", "--quiet", preexec=preexec)
            assert_one_error_line(new, words)  # a new folder inside it: the same
        finally:
            area.chmod(0o755)
    assert tree_bytes(area / "public") == before


# --- a corrupted compiled component ----------------------------------------------------------


@pytest.mark.wasm
@pytest.mark.slow
def test_a_corrupted_compiled_component_is_compiled_again_and_the_build_is_correct(tmp_path, versions):
    """The command line with a damaged cache: the .cwasm no longer matches its SHA-256
    sidecar, so it is not deserialized (running it would run arbitrary machine code); it
    is compiled again from the verified component, and the build is byte-identical."""
    shared = runtime()
    cache = tmp_path / "cache"
    cache.mkdir()
    for path in (shared.component_path, shared.compiled_path):
        for p in (path, path.with_name(path.name + ".sha256")):
            shutil.copyfile(p, cache / p.name)
    compiled = cache / shared.compiled_path.name
    data = bytearray(compiled.read_bytes())
    data[len(data) // 2: len(data) // 2 + 64] = os.urandom(64)
    compiled.write_bytes(bytes(data))
    assert not verified(compiled)

    proc = cli("build", str(versions["v1"]), "-o", str(tmp_path / "out"), "--engine", "wasm", "--quiet",
               "--cache-dir", str(cache))
    assert (proc.returncode, proc.stderr) == (0, "")
    assert tree_bytes(tmp_path / "out") == versions["trees"]["v1"]
    assert verified(compiled) and compiled.read_bytes() != bytes(data)
    assert cache_root(cache) == cache


# --- concurrent builds -------------------------------------------------------------------------


@pytest.mark.slow
def test_builds_running_at_once_into_one_folder_leave_one_complete_site(tmp_path, versions):
    out = tmp_path / "public"
    trees = versions["trees"]
    for round_ in range(2):
        procs = [subprocess.Popen([*WASMBLOG, "build", str(versions[v]), "-o", str(out), "--engine", "native",
                                   "--quiet"], env=ENV, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for v in (("v1", "v2", "v1", "v2") if round_ % 2 == 0 else ("v2", "v1", "v2", "v1"))]
        for proc in procs:
            _, err = proc.communicate(timeout=300)
            assert (proc.returncode, err) == (0, b"")
        assert tree_bytes(out) in (trees["v1"], trees["v2"]), f"round {round_}: a mix of two builds"
        assert leftovers(out) == []


@pytest.mark.slow
def test_the_output_lock_is_released_when_its_holder_is_killed(tmp_path, versions):
    """A build killed while it holds the lock (writing) does not block the next one."""
    out = tmp_path / "public"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time, pathlib; from wasm_host.site.output import locked; "
        f"cm = locked(pathlib.Path({str(out)!r})); cm.__enter__(); print('locked', flush=True); time.sleep(60)")],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    proc = cli("build", str(versions["v1"]), "-o", str(out), "--engine", "native", "--quiet", timeout=120)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert tree_bytes(out) == versions["trees"]["v1"]
