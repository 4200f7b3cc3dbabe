"""wasmblog installs like any Python tool (issue 17, item 5).

The sdist and the wheel are built as a user would build them (``python -m build``: the wheel from
the sdist), the wheel is installed with its pinned dependencies into a fresh virtual environment
away from the source tree, and there the installed command builds the sample site on both engines
(the wasm one from a component built from the installed package), the core imports, and
``--version`` answers. CI runs it (every test runs there).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sitekit import ROOT, SAMPLE_SITE, site_files

pytestmark = [pytest.mark.slow, pytest.mark.wasm]


def run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None,
        timeout: float = 900) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, f"{args}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def package_files() -> set[str]:
    """Every file of the installed packages as the source tree has them (no caches)."""
    found = set()
    for top in ("renderer", "wasm_host"):
        for path in (ROOT / top).rglob("*"):
            rel = path.relative_to(ROOT)
            if path.is_file() and "__pycache__" not in rel.parts and not path.name.endswith((".pyc", "~")):
                found.add(rel.as_posix())
    return found


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", out, ROOT], cwd=ROOT)
    return out


def test_the_sdist_and_the_wheel_carry_every_file_of_the_packages(dist):
    (wheel,) = dist.glob("wasmblog-*.whl")
    (sdist,) = dist.glob("wasmblog-*.tar.gz")
    with zipfile.ZipFile(wheel) as zf:
        names = {n for n in zf.namelist() if not n.startswith("wasmblog-")}
    assert names == package_files()
    import tarfile

    with tarfile.open(sdist) as tf:
        inside = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    assert package_files() <= inside and "pyproject.toml" in inside and "README.md" in inside


def test_the_wheel_installed_in_a_fresh_environment_builds_the_sample_site_on_both_engines(dist, tmp_path):
    (wheel,) = dist.glob("wasmblog-*.whl")
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=tmp_path)  # (no --system-site-packages: its own world)
    bin_dir = venv / "bin"
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "WASMBLOG_CACHE_DIR", "WASMBLOG_RENDER_CACHE")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", XDG_CACHE_HOME=str(tmp_path / "cache"),
               SOURCE_DATE_EPOCH="1800000000")
    run([bin_dir / "python", "-m", "pip", "install", "--quiet", wheel], cwd=tmp_path, env=env)
    work = tmp_path / "work"  # away from the source tree: nothing can be imported from it
    shutil.copytree(SAMPLE_SITE, work / "content")

    version = run([bin_dir / "wasmblog", "--version"], cwd=work, env=env).stdout
    assert version.strip() == "wasmblog, version 0.1.0"
    located = run([bin_dir / "python", "-c", "import renderer, wasm_host; from renderer import render_markdown; "
                   "print(renderer.__file__); print(render_markdown('*hi*'))"], cwd=work, env=env).stdout
    assert located.splitlines()[0].startswith(str(venv)) and "<em>hi</em>" in located
    for engine in ("native", "wasm"):
        proc = run([bin_dir / "wasmblog", "build", "content", "--engine", engine, "-o", f"out-{engine}"],
                   cwd=work, env=env)
        assert f"-> out-{engine}" in proc.stderr.splitlines()[-1], proc.stderr
    assert site_files(work / "out-native") == site_files(work / "out-wasm")
    assert (tmp_path / "cache" / "wasmblog").is_dir()  # the component was built, from the installed package
