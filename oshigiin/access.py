"""Access, honestly (issue 16.2): per host, whether robots.txt lets oshigiin fetch what a council's
spiders need, recorded with the time in data/access.json (generated, git-ignored).

`oshigiin check-access [COUNCIL]` fetches ONLY robots.txt, once per host, with the project's
User-Agent and a bounded timeout, and evaluates with Protego (the parser Scrapy uses) the paths the
council's spiders ask for first. RFC 9309 as in crawler/politeness.py: 2xx is obeyed, 4xx allows
everything, 5xx / 429 / a network error is "unreachable". A host never checked is "unknown".
Permissions ([[council.permission]] in the registry) are shown next to the status, never mixed
into it: a forbidden host stays forbidden, the council's permission is what lets the crawler in.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from protego import Protego

from oshigiin.crawler.settings import USER_AGENT
from oshigiin.paths import data_dir
from oshigiin.registry import Council, permission_for, video_sources

ROBOTS_LIMIT = 500 * 1024  # RFC 9309 §2.5: at least 500 KiB is parsed; we read no more

# The first paths each platform's spider requests, relative to the registry's base_url: what
# robots.txt must allow for the crawl to work (crawler/spiders/*.py).
PLATFORM_PATHS = {
    "discussnet": ("tenant/{tenant}/", "/dnp/search/councils/index", "/dnp/search/minutes/get_minute"),
    "voices": ("", "cgi/voiweb.exe"),
    "dbsearch": ("",),
    "kensakusystem": ("",),
    "kokkai": ("api/speech",),
}


def access_path() -> Path:
    return data_dir() / "access.json"


def load_access(path: Path | None = None) -> dict:
    """{netloc: record}; an absent or unreadable file is no knowledge ("unknown"), not an error."""
    path = path or access_path()
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("hosts", {})
    except (OSError, ValueError):
        return {}


def _save(hosts: dict, path: Path | None = None) -> None:
    path = path or access_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"hosts": hosts}, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)  # atomic: a reader sees the old file or the new one


def needed_urls(council: Council) -> dict[str, list[str]]:
    """{scheme://netloc: [paths]}: the URLs the council's entry names (minutes, roster, video) and
    the paths its spiders need there."""
    urls: list[str] = []
    if council.base_url:
        base = council.base_url if council.base_url.endswith("/") else council.base_url + "/"
        for rel in PLATFORM_PATHS.get(council.platform or "", ("",)):
            urls.append(urljoin(base, rel.format(tenant=council.tenant or "")))
    if council.roster_url:
        urls.append(council.roster_url)
    urls += [v.url for v in video_sources(council) if v.url]
    out: dict[str, list[str]] = {}
    for url in urls:
        parts = urlsplit(url)
        paths = out.setdefault(f"{parts.scheme}://{parts.netloc}", [])
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if path not in paths:
            paths.append(path)
    return out


def _forbidding_rule(parser: Protego, url: str) -> str:
    """The robots.txt line that forbids url for us, e.g. "Disallow: /dnp/" (Protego keeps its rules
    private; if that changes the answer is still honest, just without the line)."""
    try:
        rules = parser._get_matching_rule_set(USER_AGENT)
        group = rules.user_agent or "*"
        path = urlsplit(url)._replace(scheme="", netloc="").geturl() or "/"
        from protego._utils import _quote_path  # noqa: PLC0415 — the same quoting Protego matches with

        quoted = _quote_path(path)
        for rule in rules._rules:
            if rule.value.match(quoted):
                return f"User-agent: {group} / Disallow: {rule.value._pattern}"
    except Exception:  # noqa: BLE001 — private API; only the explanation is lost
        pass
    return "disallowed (rule not identified)"


def check_host(origin: str, paths: list[str], timeout: float = 10.0) -> dict:
    """One GET of origin/robots.txt; the record for data/access.json."""
    robots_url = origin + "/robots.txt"
    record = {"robots_url": robots_url, "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
              "http_status": None, "paths": {}}
    request = urllib.request.Request(robots_url, headers={"User-Agent": USER_AGENT})
    body = b""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 — http(s) from the registry
            record["http_status"] = response.status
            body = response.read(ROBOTS_LIMIT)
    except urllib.error.HTTPError as e:
        record["http_status"] = e.code
    except (OSError, ValueError) as e:
        return {**record, "status": "unreachable", "reason": f"{type(e).__name__}: {e}"}
    code = record["http_status"]
    if code is not None and (code >= 500 or code == 429):
        return {**record, "status": "unreachable", "reason": f"HTTP {code}: nothing is crawled (RFC 9309 §2.3.1.4)"}
    if code is not None and code >= 400:
        return {**record, "status": "allowed", "reason": f"HTTP {code}: no robots.txt, everything allowed",
                "paths": dict.fromkeys(paths)}
    parser = Protego.parse(body.decode("utf-8", errors="replace"))
    forbidden = {}
    for path in paths:
        url = origin + path
        forbidden[path] = None if parser.can_fetch(url, USER_AGENT) else _forbidding_rule(parser, url)
    record["paths"] = forbidden
    rules = sorted({r for r in forbidden.values() if r})
    if rules:
        return {**record, "status": "forbidden", "reason": "; ".join(rules)}
    return {**record, "status": "allowed", "reason": "robots.txt allows the paths checked"}


def check_access(councils: list[Council], timeout: float = 10.0, path: Path | None = None) -> dict[str, dict]:
    """Check every host the councils name, one robots.txt request per host, and record the results
    (merged into what was known about other hosts). Returns {netloc: record} for the hosts checked."""
    wanted: dict[str, list[str]] = {}
    for council in councils:
        for origin, paths in needed_urls(council).items():
            wanted.setdefault(origin, [])
            wanted[origin] += [p for p in paths if p not in wanted[origin]]
    checked = {urlsplit(origin).netloc: check_host(origin, paths, timeout) for origin, paths in wanted.items()}
    hosts = load_access(path)
    hosts.update(checked)
    _save(hosts, path)
    return checked


def council_access(council: Council, hosts: dict | None = None) -> list[tuple[str, str, str, str]]:
    """[(netloc, status, reason, permission)] for each host the council names: the recorded status
    for the council's own paths (unknown when a path was never checked) and its permission, if any."""
    hosts = load_access() if hosts is None else hosts
    out = []
    for origin, paths in needed_urls(council).items():
        netloc = urlsplit(origin).netloc
        record = hosts.get(netloc)
        permission = permission_for(council, netloc)
        shown = permission.shown() if permission else ""
        if record is None:
            out.append((netloc, "unknown", "robots.txt never checked (oshigiin check-access)", shown))
            continue
        when = record.get("checked_at", "")
        if record["status"] == "unreachable":
            out.append((netloc, "unreachable", f"{record.get('reason', '')} at {when}", shown))
            continue
        rules = record.get("paths", {})
        if any(p not in rules for p in paths):
            out.append((netloc, "unknown", "this council's paths were not checked (oshigiin check-access)", shown))
            continue
        forbidding = sorted({rules[p] for p in paths if rules[p]})
        status = "forbidden" if forbidding else "allowed"
        out.append((netloc, status, f"{'; '.join(forbidding) or record.get('reason', '')} at {when}", shown))
    return out


def summary(council: Council, hosts: dict | None = None) -> str:
    """One cell for `oshigiin councils`: "allowed", or each host that is not, with its permission."""
    rows = council_access(council, hosts)
    if not rows:
        return "— (no URL)"
    if all(r[1] == "allowed" for r in rows):
        return "allowed"
    parts = []
    for netloc, status, _reason, permission in rows:
        if status != "allowed":
            parts.append(f"{netloc} {status}" + (" [permission]" if permission else ""))
    return "; ".join(parts)
