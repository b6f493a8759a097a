"""Dependencies (issue 14.10 and "Dependencies"): the lock covers pyproject.toml with hashes, every
declared runtime dependency is used, the vulnerability audit fails only on a found vulnerability,
and openpyxl reads workbooks through defusedxml.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import tomllib
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import free_port

REPO = Path(__file__).resolve().parents[1]
LOCK = REPO / "requirements.lock"
PACKAGES = ("oshigiin", "minutes", "crawler", "pipeline", "dashboard", "demo")  # the folders, not the links
# Declared for what another package does with them, not imported by our code.
INDIRECT = {
    "pytz": "duckdb hands TIMESTAMPTZ values to Python through it",
    "pyarrow": "duckdb's Arrow UDFs (pipeline/publishing/db.py type='arrow') and pandas' Parquet need it",
    "defusedxml": "openpyxl parses workbook XML through it when it is installed",
}
IMPORT_NAMES = {"pykakasi": "pykakasi", "scrapy": "scrapy", "tomlkit": "tomlkit", "openpyxl": "openpyxl"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(requirements: list[str]) -> dict[str, str]:
    out = {}
    for line in requirements:
        name, _, version = line.split(";")[0].strip().partition("==")
        assert version, f"{line!r} in pyproject.toml is not pinned exactly"
        out[canonical(name.split("[")[0])] = version.strip()
    return out


def declared() -> tuple[dict[str, str], dict[str, str]]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return pinned(project["dependencies"]), pinned(project["optional-dependencies"]["test"])


def locked() -> dict[str, tuple[str, int]]:
    """name → (version, number of hashes), from requirements.lock."""
    out: dict[str, tuple[str, int]] = {}
    name = None
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line):
            name = canonical(m.group(1))
            out[name] = (m.group(2), 0)
        elif name and line.strip().startswith("--hash=sha256:"):
            out[name] = (out[name][0], out[name][1] + 1)
    return out


def test_the_lock_pins_every_declared_dependency_with_hashes():
    runtime, test = declared()
    lock = locked()
    missing = {n: v for n, v in {**runtime, **test}.items() if lock.get(n, (None,))[0] != v}
    assert not missing, f"requirements.lock lacks or pins otherwise {missing}: run `make lock`"
    unhashed = [n for n, (_, hashes) in lock.items() if hashes == 0]
    assert not unhashed and len(lock) > len(runtime) + len(test), unhashed   # the whole tree, each hashed
    assert "duckdb-extension-fts" not in lock and "duckdb-extension-fts" not in runtime


def _imported_modules() -> set[str]:
    names: set[str] = set()
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module.split(".")[0])
    return names


def test_every_runtime_dependency_is_used():
    """duckdb-extension-fts was declared (and a loader for it kept) while no code loaded it."""
    runtime, _ = declared()
    imported = _imported_modules()
    unused = [n for n in runtime if n not in INDIRECT and IMPORT_NAMES.get(n, n.replace("-", "_")) not in imported]
    assert not unused, f"declared in pyproject.toml but imported nowhere: {unused}"


def test_openpyxl_reads_workbooks_through_defusedxml(tmp_path):
    """A workbook whose sheet declares an entity (the start of a billion-laughs bomb) is refused
    as a parse error instead of being expanded."""
    from openpyxl.xml import DEFUSEDXML

    from oshigiin.minutes.parsers import elections as ep

    assert DEFUSEDXML
    plain = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    wb.save(plain)
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src, zipfile.ZipFile(bomb, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                declaration = '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                text = '<?xml version="1.0"?>' + declaration + text.split("?>", 1)[-1].replace("<t>x</t>", "<t>&b;</t>")
                data = text.encode()
            dst.writestr(item, data)
    with pytest.raises(ep.ParseError, match="not a readable .xlsx workbook"):
        ep.read_rows(bomb.getvalue(), "bomb.xlsx")


# -- the audit: a found vulnerability fails, an unreachable service does not ---------------------------

def pip_audit() -> Path:
    tools = REPO / ".venv" / "tools" / "bin" / "pip-audit"
    if not tools.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tools} is missing: `make test` installs it (the tools venv)")
        pytest.skip(f"{tools} is missing: `make audit` or `make lock` installs it")
    return tools


class _OSV(BaseHTTPRequestHandler):
    """A local stand-in for the OSV query API: one vulnerability for 'vulnerable-example'."""

    def do_POST(self):  # noqa: N802 - http.server's name
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.queries.append(query)
        answer = {}
        if query["package"]["name"] == "vulnerable-example":
            answer = {"vulns": [{"id": "OSV-TEST-1", "summary": "made up for the test", "aliases": ["CVE-0000-0001"],
                                 "affected": [{"package": {"name": "vulnerable-example", "ecosystem": "PyPI"},
                                               "ranges": [{"type": "ECOSYSTEM",
                                                           "events": [{"introduced": "0"}, {"fixed": "1.0.1"}]}]}]}]}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _audit(lock: Path, url: str) -> subprocess.CompletedProcess:
    pip_audit()
    return subprocess.run([sys.executable, str(REPO / ".ci" / "audit.py"), str(lock), "--vulnerability-service",
                           "osv", "--osv-url", url, "--cache-dir", str(lock.parent / "cache")],
                          capture_output=True, text=True, timeout=180, env={**os.environ, "AUDIT_TIMEOUT": "120"})


def _lock(tmp_path: Path, *names: str) -> Path:
    path = tmp_path / "requirements.lock"
    path.write_text("".join(f"{n}==1.0.0 \\\n    --hash=sha256:{'0' * 64}\n" for n in names), encoding="utf-8")
    return path


@pytest.fixture
def osv():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _OSV)
    server.queries = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_audit_fails_on_a_known_vulnerability(tmp_path, osv):
    url = f"http://127.0.0.1:{osv.server_address[1]}/v1/query"
    clean = _audit(_lock(tmp_path, "tomlkit"), url)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "1 packages of" in clean.stdout and "0 known vulnerabilities" in clean.stdout
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)
    found = _audit(_lock(tmp_path, "tomlkit", "vulnerable-example"), url)
    assert found.returncode == 1, found.stdout + found.stderr
    assert "VULNERABLE vulnerable-example==1.0.0:" in found.stdout and "OSV-TEST-1" in found.stdout
    assert "CVE-0000-0001" in found.stdout and "(fixed in 1.0.1)" in found.stdout
    assert {q["package"]["name"] for q in osv.queries} == {"tomlkit", "vulnerable-example"}


def test_audit_passes_but_says_so_when_the_service_is_unreachable(tmp_path):
    closed = free_port()   # nothing listens there
    result = _audit(_lock(tmp_path, "tomlkit"), f"http://127.0.0.1:{closed}/v1/query")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "could not be reached" in result.stdout and "NOT AUDITED" in result.stdout
