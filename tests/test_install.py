"""The wheel installs and runs outside the repository (issue 15): one import namespace, package
data read from the package, generated files in the user's data folder, never in site-packages."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.conftest import free_port

REPO = Path(__file__).resolve().parents[1]


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)
    shown = " ".join(map(str, cmd))
    assert out.returncode == 0, f"{shown} failed ({out.returncode}):\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}"
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # --no-build-isolation: the pinned setuptools of the test extras builds it, offline.
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out),
          str(REPO)], cwd=out)
    (found,) = out.glob("oshigiin-*.whl")
    return found


def test_wheel_holds_one_namespace_and_its_package_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.startswith("oshigiin-")}
    assert tops == {"oshigiin"}, f"top-level packages besides oshigiin: {tops - {'oshigiin'}}"
    for needed in ("oshigiin/pipeline/publishing/schema.sql", "oshigiin/reference/councils.toml",
                   "oshigiin/reference/topics.toml", "oshigiin/reference/people.toml",
                   "oshigiin/reference/elections.csv", "oshigiin/crawler/spiders/discussnet.py",
                   "oshigiin/minutes/parsers/discussnet.py", "oshigiin/dashboard/app.py"):
        assert needed in names, f"{needed} missing from {wheel.name}"
    assert not [n for n in names if n.endswith(".duckdb")], "generated data shipped in the wheel"


def test_installed_wheel_runs_outside_the_repository(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)])
    # The dependencies come from the test venv's site-packages (added by path, so its editable
    # finder for this checkout is NOT loaded: `oshigiin` can only be the installed wheel).
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    deps = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    (site / "deps.pth").write_text("\n".join(deps) + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OSHIGIIN_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "xdg"))
    where = _run([str(python), "-c", "import oshigiin.paths as p, oshigiin.crawler as c; print(p.__file__); "
                  "print(c.__file__); print(p.data_dir())"], cwd=work, env=env).stdout.split()
    assert all(str(site) in w for w in where[:2]), f"not the installed copy: {where}"
    assert where[2] == str(tmp_path / "xdg" / "oshigiin")

    councils = _run([str(venv / "bin" / "oshigiin"), "councils"], cwd=work, env=env).stdout
    assert "世田谷区" in councils and "demo" in councils

    built = _run([str(venv / "bin" / "oshigiin"), "demo", "build", "--speeches", "500"], cwd=work, env=env).stdout
    assert "insert" in built
    db = tmp_path / "xdg" / "oshigiin" / "oshigiin.duckdb"
    assert db.is_file(), built
    assert not list(site.rglob("*.duckdb")), "wrote a database into site-packages"
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        speeches = con.execute("SELECT count(*) FROM speeches").fetchone()[0]
    finally:
        con.close()
    assert speeches >= 400

    # The dashboard starts from the installed package and serves the feeds beside its entry script.
    port = free_port()
    log = (tmp_path / "dashboard.log").open("w")
    proc = subprocess.Popen([str(venv / "bin" / "oshigiin"), "dashboard", "--port", str(port)], cwd=work, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        health = _get(f"http://127.0.0.1:{port}/_stcore/health", proc, tmp_path / "dashboard.log")
        assert health == b"ok"
        feed = _get(f"http://127.0.0.1:{port}/app/static/councils/demo.xml", proc, tmp_path / "dashboard.log")
        assert b"<feed" in feed
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _get(url: str, proc: subprocess.Popen, log: Path, wait_s: float = 60) -> bytes:
    deadline = time.monotonic() + wait_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.read()
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{url} did not answer:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)
