"""A local HTTP server that replays recorded pages of a council's minutes site.

Each Route names a request (method, path and the query/form parameters that must match) and
the recorded file that answers it. Pages recorded from Shift_JIS servers are stored as UTF-8
in ../shared; a faithful replay re-encodes them (encoding="cp932") and sends the charset the
real server sends. Anything not routed answers 404, as a real server answers an unknown id,
which keeps test crawls bounded to what was recorded.

    site = RecordedSite([Route("GET", "/voices/cgi/voiweb.exe", {"ACT": "100"}, path, encoding="cp932")])
    with site:
        crawl(site.url)
        site.request_log  # [("GET", "/voices/cgi/voiweb.exe?ACT=100…", 200), …]
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

CHARSETS = {"cp932": "Shift_JIS", "utf-8": "utf-8", "euc_jp": "EUC-JP"}


@dataclass
class Route:
    method: str
    path: str
    params: dict[str, str | None] = field(default_factory=dict)  # None: present with any value
    file: Path | None = None
    content_type: str = "text/html"
    encoding: str = "utf-8"        # what the live server sends; the file itself is UTF-8
    status: int = 200
    body: bytes | None = None      # instead of a file: generated variants (paging, failures)
    headers: dict[str, str] = field(default_factory=dict)

    def matches(self, method: str, path: str, params: dict[str, list[str]]) -> bool:
        if method != self.method or path != self.path:
            return False
        for key, value in self.params.items():
            if key not in params or (value is not None and value not in params[key]):
                return False
        return True

    def payload(self) -> bytes:
        if self.body is not None:
            return self.body
        return self.file.read_text(encoding="utf-8").encode(self.encoding)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # header and body go out as separate writes

    def log_message(self, *args) -> None:  # quiet: tests read request_log instead
        pass

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        params = parse_qs(parts.query, keep_blank_values=True, encoding="cp932", errors="replace")
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("latin-1")
            for k, v in parse_qs(body, keep_blank_values=True, encoding="cp932", errors="replace").items():
                params.setdefault(k, []).extend(v)
        site: RecordedSite = self.server.site
        if parts.path == "/robots.txt" and site.robots is not None:
            route = Route("GET", "/robots.txt", body=site.robots.encode(), content_type="text/plain")
        else:
            # The most specific route wins: more required parameters first.
            candidates = sorted(site.routes, key=lambda r: -len(r.params))
            route = next((r for r in candidates if r.matches(method, parts.path, params)), None)
        if route is None:
            payload, status, ctype = b"<html><body>404 Not Found</body></html>", 404, "text/html"
            extra = {}
        else:
            payload, status, extra = route.payload(), route.status, route.headers
            ctype = f"{route.content_type}; charset={CHARSETS.get(route.encoding, route.encoding)}"
        site.record(method, self.path, status)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")


class RecordedSite:
    def __init__(self, routes: list[Route], robots: str | None = "User-agent: *\nAllow: /\n"):
        self.routes = routes
        self.robots = robots
        self.request_log: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.site = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self.request_log.append((method, path, status))

    def __enter__(self) -> RecordedSite:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._thread.join()
        self._httpd.server_close()
