"""A local replay of the constructed video-site pages in tests/video_pages/ (see its README).

    with VideoReplay() as site:
        site.url            # http://127.0.0.1:<port>/   JFIT at /?tpl=…, DiscussVision under /dvsapi/
        site.request_log    # [(path?query, status)]

Anything not among the pages answers 404, as a real site answers an unknown id.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PAGES = Path(__file__).with_name("video_pages")
DV = PAGES / "discussvision"


def _jfit_file(q: dict[str, str]) -> str | None:
    tpl = q.get("tpl")
    if tpl == "gikai_list":
        return "gikai_list.html"
    if tpl == "gikai_days_list":
        return f"days_{q.get('gikai_id')}.html"
    if tpl == "gikai_result":
        return f"result_{q.get('gikai_id')}_{q.get('gikai_day_id')}.html"
    if tpl == "play_vod":
        return f"play_{q.get('inquiry_id')}.html"
    if tpl == "speaker_result":
        return f"speaker_{q.get('speaker_id')}.html"
    return None


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):  # noqa: N802 - stdlib name
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        site = self.server.site
        body, ctype = None, "text/html; charset=utf-8"
        if url.path == "/robots.txt":
            body, ctype = site.robots.encode(), "text/plain"
        elif url.path == "/" and (name := _jfit_file(q)) and (PAGES / "jfit" / name).is_file():
            body = (PAGES / "jfit" / name).read_bytes()
        elif url.path == "/dvsapi/yearlist":
            body, ctype = (PAGES / "discussvision" / "yearlist.json").read_bytes(), "application/json"
        elif url.path == "/dvsapi/councilrd/all" and (year := DV / f"councilrd_{q.get('year')}.json").is_file():
            body, ctype = year.read_bytes(), "application/json"
        elif url.path.startswith("/dvsapi/vtt/") and (PAGES / "discussvision" / url.path.rsplit("/", 1)[-1]).is_file():
            body, ctype = (PAGES / "discussvision" / url.path.rsplit("/", 1)[-1]).read_bytes(), "text/vtt"
        status = 200 if body is not None else 404
        body = body if body is not None else b"not found"
        with site.lock:
            site.request_log.append((self.path, status))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class VideoReplay:
    def __init__(self, robots: str = "User-agent: *\nAllow: /\n"):
        self.robots = robots
        self.request_log: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.site = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __enter__(self) -> VideoReplay:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
