"""Stay on the council's host (issue 14.2): a page's links never take the crawler off the hosts the
registry names, to another scheme, or to a non-public address.

Before: a kensakusystem page linking `file:///…/ResultFrame.exe` made the crawler read that local
file, record it as `ok` and archive it; a link to another host was fetched like any other.
The pages here are constructed (labelled so) in the platform's shape: a top page linking the
See.exe tree, a tree whose links point at a local file, at another server and at another
server's form action.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from oshigiin.crawler.offsite import non_public, origin
from oshigiin.demo.generator import DemoCouncil
from tests.faulty_server import FaultyServer, crawl
from tests.recorded_site import RecordedSite, Route
from tests.registry import write_registry
from tests.robust_checks import staged_fetches

CODE = "abc"


def hostile_tree(secret: Path, elsewhere: str) -> bytes:
    """Constructed See.exe page: the viewtree form posts to another server; one document is a local
    file, one is on another server. (Real pages: ../shared/fixtures/minutes-systems/kensakusystem.)"""
    return f"""<html><body>
<form name="viewtree" method="post" action="{elsewhere}cgi-bin3/See.exe">
<input type="hidden" name="Code" value="{CODE}"><input type="hidden" name="treedepth" value="">
</form>
<a href="javascript:document.viewtree.submit()" onClick="document.viewtree.treedepth.value='令和 7年'">令和 7年</a><br>
<a href="file://{secret.parent}/ResultFrame.exe?Code={CODE}&fileName=R070217A&startPos=0">（第1号 2月17日）</a><br>
<a href="{elsewhere}cgi-bin3/ResultFrame.exe?Code={CODE}&fileName=R070218A&startPos=0">（第2号 2月18日）</a><br>
</body></html>""".encode("cp932")


def test_links_off_the_council_host_are_refused_and_recorded(data_dir, tmp_path):
    secret = tmp_path / "secret" / "ResultFrame.exe"
    secret.parent.mkdir()
    secret.write_text("SECRET-0123 not minutes", encoding="utf-8")
    with RecordedSite([]) as other:
        top = f'<html><body><a href="cgi-bin3/See.exe?Code={CODE}">会議録の閲覧</a></body></html>'.encode()
        routes = [Route("GET", "/hostile/", body=top),
                  Route("GET", "/hostile/cgi-bin3/See.exe", {"Code": CODE},
                        body=hostile_tree(secret, f"{other.url}hostile/"), encoding="cp932"),
                  Route("GET", "/hostile/meibo.html", body=DemoCouncil(60).roster_html().encode())]
        with RecordedSite(routes) as site:
            registry = write_registry(tmp_path, platform="kensakusystem", base_url=f"{site.url}hostile/",
                                      roster_url=f"{site.url}hostile/meibo.html", download_delay=0.0)
            env = {**os.environ, "OSHIGIIN_COUNCILS": registry}
            result = subprocess.run([sys.executable, "-m", "oshigiin", "crawl", "recorded"], env=env,
                                    capture_output=True, text=True, timeout=180)
            shown = subprocess.run([sys.executable, "-m", "oshigiin", "status", "recorded"], env=env,
                                   capture_output=True, text=True, timeout=60)
        other_log = list(other.request_log)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "kensakusystem: 2 sittings listed" in result.stdout and "published" in result.stdout
    assert other_log == []  # not one request reached the other server, not even for robots.txt
    log = staged_fetches(data_dir, "recorded")
    refused = {f["url"]: f for f in log if f["outcome"] == "refused"}
    local = f"file://{secret.parent}/ResultFrame.exe?Code={CODE}&fileName=R070217A&startPos=0"
    offsite_doc = f"{other.url}hostile/cgi-bin3/ResultFrame.exe?Code={CODE}&fileName=R070218A&startPos=0"
    offsite_form = f"{other.url}hostile/cgi-bin3/See.exe"
    assert set(refused) == {local, offsite_doc, offsite_form}, refused
    assert "only http and https" in refused[local]["reason"]
    port = origin(other.url)[1]
    for url in (offsite_doc, offsite_form):
        assert f"host 127.0.0.1:{port} is not one the registry names" in refused[url]["reason"]
    # Nothing of the local file was read: no "ok" for it, nothing archived, nothing staged.
    assert not [f for f in log if f["url"].startswith("file:") and f["outcome"] == "ok"]
    archived = [Path(f["archive_path"]).read_bytes() for f in log if f.get("archive_path")]
    assert not any(b"SECRET-0123" in body for body in archived)
    staged = b"".join(p.read_bytes() for p in (data_dir / "staging").rglob("*.ndjson"))
    assert b"SECRET-0123" not in staged

    # `oshigiin status` lists the refusals with their reasons, after the crawl's load.
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert "failing pages    3" in shown.stdout, shown.stdout
    assert shown.stdout.count("refused") == 3 and local in shown.stdout and offsite_doc in shown.stdout
    print(f"\noffsite: a hostile tree page linked a local file and another server 2 ways; "
          f"{len(refused)} refused and recorded, 0 requests to the other server, 0 bytes of the file read")


def test_non_public_addresses_only_for_servers_the_project_starts(data_dir, tmp_path):
    council = DemoCouncil(60)
    with FaultyServer(council) as server:
        # A real council's entry naming a loopback host (what a crafted registry line could do):
        # refused before anything is sent, robots.txt included, unless listed as a local server.
        registry = write_registry(tmp_path, code="polite", name="礼儀市", platform="discussnet",
                                  base_url=server.url, tenant="demo", roster_url="http://169.254.169.254/latest/")
        env = {"OSHIGIIN_COUNCILS": registry, "OSHIGIIN_LOCAL_SERVERS": ""}
        refused = crawl(server.url, council="polite", env=env, settings={"RETRY_TIMES": 0})
        hits_refused = len(server.hits)
        # The demo is the registry's fictional council, served by the project itself: crawled as ever.
        demo = crawl(server.url, env={"OSHIGIIN_LOCAL_SERVERS": ""})
    assert refused.returncode == 0, refused.stderr[-3000:]
    assert hits_refused == 0
    failed = {f["url"]: f for f in staged_fetches(data_dir, "polite")}
    assert set(failed) == {f"{server.url}tenant/demo/js/tenant.js", "http://169.254.169.254/latest/"}
    assert all(f["outcome"] == "refused" for f in failed.values())
    assert "127.0.0.1 (loopback)" in failed[f"{server.url}tenant/demo/js/tenant.js"]["reason"]
    assert "169.254.169.254 (link-local)" in failed["http://169.254.169.254/latest/"]["reason"]
    assert {r["refused"] for r in refused.runs} == {1}
    assert demo.returncode == 0 and sum(r["meetings"] for r in demo.runs) == len(council.meeting_ids())


def test_what_counts_as_the_same_host_and_a_public_address():
    assert origin("http://Example.JP/a") == origin("https://example.jp./b") == ("example.jp", None)
    assert origin("http://example.jp:8080/") == ("example.jp", 8080) != origin("http://example.jp/")
    assert origin("http://example.jp:443/") == ("example.jp", 443)  # not https's default on http
    for address, kind in (("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"),
                          ("192.168.0.1", "private"), ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
                          ("0.0.0.0", "unspecified"), ("::ffff:127.0.0.1", "loopback")):
        assert non_public(address) == kind, address
    assert non_public("133.1.2.3") is None and non_public("www.city.example.lg.jp") is None
    assert json.dumps(origin("http://[::1]:80/")) == '["::1", null]'
