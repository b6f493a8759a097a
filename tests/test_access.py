"""Access, honestly (issue 16.2): robots.txt status per host recorded by `oshigiin check-access`, and a
permission record that lets the crawler fetch a forbidden host for one council only. Every server
here runs on 127.0.0.1, started by the test."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from oshigiin.access import check_access, council_access
from oshigiin.cli import main
from oshigiin.crawler.settings import USER_AGENT
from oshigiin.demo.generator import DemoCouncil
from oshigiin.registry import find_council, load_registry, permission_for
from tests.conftest import free_port
from tests.faulty_server import FaultyServer, crawl
from tests.robust_checks import failures

PERMISSION = """
[[council.permission]]
granted_by = "許可区議会事務局"
date = 2026-12-01
citation = "議会事務局からのメール 2026-12-01「会議録の収集について」(constructed for this test)"
hosts = ["127.0.0.1"]
"""


def council_toml(code: str, name: str, url: str, permission: str = "", **fields) -> str:
    lines = ["[[council]]", f'code = "{code}"', f'name = "{name}"', 'platform = "discussnet"', f'base_url = "{url}"',
             'tenant = "demo"', "download_delay = 0.0", *(f'{k} = "{v}"' for k, v in fields.items())]
    return "\n".join(lines) + "\n" + permission + "\n"


class RobotsServer:
    """Answers /robots.txt with a fixed status and body; records each request's path and User-Agent."""

    def __init__(self, status: int, body: str = ""):
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 — http.server's name
                hits.append((self.path, self.headers.get("User-Agent")))
                data = body.encode() if self.path == "/robots.txt" else b"<html></html>"
                self.send_response(status if self.path == "/robots.txt" else 200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.netloc = f"127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_permission_needs_who_when_and_a_citation(tmp_path):
    path = tmp_path / "councils.toml"
    for missing in ("granted_by", "date", "citation"):
        text = council_toml("p", "許可市", "https://example.org/", PERMISSION)
        text = "\n".join(line for line in text.splitlines() if not line.startswith(missing))
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=f"{missing} is required"):
            load_registry(path)
    path.write_text(council_toml("p", "許可市", "https://example.org/", PERMISSION.replace('["127.0.0.1"]', '["/"]')),
                    encoding="utf-8")
    with pytest.raises(ValueError, match="hosts must list"):
        load_registry(path)
    path.write_text(council_toml("p", "許可市", "https://example.org/", PERMISSION.replace("2026-12-01\n", '"soon"\n')),
                    encoding="utf-8")
    with pytest.raises(ValueError, match="not YYYY-MM-DD"):
        load_registry(path)
    path.write_text(council_toml("p", "許可市", "https://example.org/", PERMISSION)
                    + council_toml("q", "未許可市", "https://example.org/"), encoding="utf-8")
    granted, other = load_registry(path)
    permission = permission_for(granted, "127.0.0.1:8000")
    assert permission and permission.date == "2026-12-01" and permission.granted_by == "許可区議会事務局"
    assert permission_for(granted, "127.0.0.2:8000") is None  # only the hosts it names
    assert permission_for(other, "127.0.0.1:8000") is None    # only the council it belongs to


def test_check_access_records_each_host_once_with_its_rule(data_dir, tmp_path, monkeypatch):
    closed_port = free_port()  # nothing listens here: unreachable
    with (RobotsServer(200, "User-agent: *\nDisallow: /dnp/\nAllow: /\n") as shut,
          RobotsServer(404) as absent, RobotsServer(503) as broken):
        registry = tmp_path / "councils.toml"
        registry.write_text(council_toml("a", "甲市", shut.url) + council_toml("b", "乙市", shut.url, PERMISSION)
                            + council_toml("c", "丙市", absent.url, roster_url=f"{broken.url}meibo.html")
                            + council_toml("d", "丁市", f"http://127.0.0.1:{closed_port}/")
                            + council_toml("e", "戊市", "https://never.checked.example/"), encoding="utf-8")
        monkeypatch.setenv("OSHIGIIN_COUNCILS", str(registry))
        result = CliRunner().invoke(main, ["check-access", "甲市", "--timeout", "3"])
        assert result.exit_code == 0, result.output
        checked = check_access([find_council(k) for k in "abcd"], timeout=3)
        hits = {s.netloc: list(s.hits) for s in (shut, absent, broken)}
    # One robots.txt request per host and check, nothing else, with our User-Agent.
    assert hits[shut.netloc] == [("/robots.txt", USER_AGENT)] * 2  # the command, then a check of a and b together
    assert hits[absent.netloc] == hits[broken.netloc] == [("/robots.txt", USER_AGENT)]
    assert "forbidden" in result.output and "Disallow: /dnp/" in result.output
    assert checked[shut.netloc]["status"] == "forbidden"
    assert checked[absent.netloc]["status"] == "allowed" and checked[broken.netloc]["status"] == "unreachable"

    stored = json.loads((data_dir / "access.json").read_text(encoding="utf-8"))["hosts"]
    assert set(stored) == set(checked) and all(r["checked_at"] for r in stored.values())
    assert stored[shut.netloc]["paths"]["/dnp/search/minutes/get_minute"] == "User-agent: * / Disallow: /dnp/"
    assert stored[shut.netloc]["paths"]["/tenant/demo/"] is None  # allowed
    assert stored[f"127.0.0.1:{closed_port}"]["status"] == "unreachable"

    by_code = {c: council_access(find_council(c)) for c in "abcde"}
    assert [r[1] for r in by_code["a"]] == ["forbidden"] and by_code["a"][0][3] == ""
    assert [r[1] for r in by_code["b"]] == ["forbidden"] and "許可区議会事務局" in by_code["b"][0][3]
    assert [r[1] for r in by_code["c"]] == ["allowed", "unreachable"]
    assert [r[1] for r in by_code["d"]] == ["unreachable"] and [r[1] for r in by_code["e"]] == ["unknown"]

    listing = CliRunner().invoke(main, ["councils"])
    assert listing.exit_code == 0, listing.output
    rows = {line.split()[0]: line for line in listing.output.splitlines()}
    assert f"access: {shut.netloc} forbidden" in rows["a"] and "permission from" not in rows["a"]
    assert f"{shut.netloc} forbidden [permission]" in rows["b"] and "permission from 許可区議会事務局" in rows["b"]
    assert f"{broken.netloc} unreachable" in rows["c"] and "never.checked.example unknown" in rows["e"]


def test_permission_opens_a_forbidden_host_for_its_council_only(data_dir, tmp_path):
    council = DemoCouncil(60)
    first = council.meeting_ids()[0][0]
    sittings = sum(1 for c, _ in council.meeting_ids() if c == first)
    with FaultyServer(council, robots="User-agent: *\nDisallow: /\n") as server:
        registry = tmp_path / "councils.toml"
        registry.write_text(council_toml("closed", "閉鎖市", server.url) + council_toml("granted", "許可市", server.url,
                                                                                     PERMISSION), encoding="utf-8")
        env = {"OSHIGIIN_COUNCILS": str(registry)}
        runs = {}
        seen = []
        for code in ("closed", "granted", "closed"):
            result = crawl(server.url, council=code, env=env, council_ids=str(first))
            assert result.returncode == 0, result.stderr[-3000:]
            runs.setdefault(code, []).append(result.runs[0])
            hits = server.hits
            seen.append([h.path for h in hits[sum(len(s) for s in seen):]])
    # Without a permission: robots.txt only, every page refused and recorded.
    for run, paths in ((runs["closed"][0], seen[0]), (runs["closed"][1], seen[2])):
        assert paths == ["/robots.txt"] and run["meetings"] == 0 and run["robots_forbidden"] >= 1
    refused = [f for f in failures(data_dir, "closed") if f["outcome"] == "robots_forbidden"]
    assert refused and all(f["url"].startswith(server.url) for f in refused)
    assert [f for f in failures(data_dir, "granted") if f["outcome"] == "robots_forbidden"] == []
    # With one, the same host is crawled: every sitting of the chosen 会議.
    assert runs["granted"][0]["meetings"] == sittings and runs["granted"][0]["robots_forbidden"] == 0
    assert seen[1].count("/dnp/search/minutes/get_minute") == sittings
    print(f"\naccess: closed council {len(seen[0])} + {len(seen[2])} requests (robots.txt), "
          f"permitted council {len(seen[1])} requests, {sittings} sittings")
