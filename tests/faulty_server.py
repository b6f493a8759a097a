"""A DiscussNet server (demo/server.py) that misbehaves on cue, for crawls under fault.

Rules say which requests misbehave and how often; everything else is answered normally by the
backend (the demo council, or a replay of recorded pages). Every request is recorded with its
arrival time, parameters and User-Agent, so a test can measure retries, backoff and rate.

    faults = [Rule("/dnp/search/minutes/get_minute", Status(500), times=2, schedule_id="3")]
    with FaultyServer(DemoCouncil(200), faults) as server:
        crawl(server.url)
        server.hits_for("/dnp/search/minutes/get_minute", schedule_id="3")  # three requests

Faults: Status (any code, e.g. 429 with Retry-After), Reset (TCP RST, no answer), Stall (no answer
until the client gives up), Redirect (a loop when two rules point at each other), Body (a 200 with
the test's bytes), Huge (a body of any size, streamed and never held whole).
"""

from __future__ import annotations

import io
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from oshigiin.demo.server import DiscussNetServer, _Handler


@dataclass(frozen=True)
class Status:
    code: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b'{"error":"injected"}'


@dataclass(frozen=True)
class Reset:
    """Close the connection with a TCP RST before answering."""


@dataclass(frozen=True)
class Stall:
    """Answer nothing for `seconds` (past the crawler's time-out), then hang up."""

    seconds: float = 30.0


@dataclass(frozen=True)
class Redirect:
    location: str
    code: int = 302


@dataclass(frozen=True)
class Body:
    """A 200 answer with these bytes instead of the backend's, or a function of the backend's."""

    data: bytes | Callable[[bytes], bytes]
    content_type: str = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Huge:
    """A 200 answer of `size` bytes, written in chunks; without Content-Length when `chunked`."""

    size: int
    chunked: bool = False


class Rule:
    """Misbehave on requests to `path` whose query or form parameters match `params`, the next
    `times` times (None: every time)."""

    def __init__(self, path: str, fault: Status | Reset | Stall | Redirect | Body | Huge, times: int | None = None,
                 **params: object):
        self.path, self.fault, self.times = path, fault, times
        self.params = {k: str(v) for k, v in params.items()}

    def matches(self, path: str, params: dict[str, str]) -> bool:
        return path == self.path and all(params.get(k) == v for k, v in self.params.items())


@dataclass(frozen=True)
class Hit:
    at: float              # time.monotonic() on arrival
    method: str
    path: str
    params: dict[str, str]
    user_agent: str
    fault: str             # the fault's class name, or "" when answered normally
    sent: bytes | None = None  # the body a Body fault sent


class _FaultyHandler(_Handler):
    def do_GET(self) -> None:
        self._faulty("GET", super().do_GET)

    def do_HEAD(self) -> None:
        self._faulty("HEAD", super().do_HEAD)

    def do_POST(self) -> None:
        self._faulty("POST", super().do_POST)

    def _faulty(self, method: str, normal: Callable[[], None]) -> None:
        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        raw = b""
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            params.update({k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()})
        server, agent = self.server, self.headers.get("User-Agent", "")
        if url.path == "/robots.txt" and server.robots is not None:
            server.log_hit(method, url.path, params, agent, "Robots")
            self._send(200, server.robots, "text/plain; charset=utf-8")
            return
        fault = server.take(url.path, params)
        if isinstance(fault, Body):
            data = fault.data(self._backend_body(method, raw)) if callable(fault.data) else fault.data
            server.log_hit(method, url.path, params, agent, "Body", data)
            self._send(200, data, fault.content_type)
            return
        server.log_hit(method, url.path, params, agent, type(fault).__name__ if fault else "")
        if fault is None:
            if method == "POST":  # the backend's handler reads the body again
                keep, self.rfile = self.rfile, io.BytesIO(raw)
                try:
                    normal()
                finally:
                    self.rfile = keep
            else:
                normal()
            return
        self._inject(fault)

    def _inject(self, fault) -> None:
        if isinstance(fault, Status):
            self.send_response(fault.code)
            for k, v in fault.headers.items():
                self.send_header(k, v)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(fault.body)))
            self.end_headers()
            self.wfile.write(fault.body)
        elif isinstance(fault, Reset):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
        elif isinstance(fault, Stall):
            self.server.stopping.wait(fault.seconds)
            self.close_connection = True
        elif isinstance(fault, Redirect):
            self.send_response(fault.code)
            self.send_header("Location", fault.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif isinstance(fault, Huge):
            self._huge(fault)

    def _backend_body(self, method: str, raw: bytes) -> bytes:
        """What the backend would have answered, captured instead of sent."""
        out, keep_w, keep_r = io.BytesIO(), self.wfile, self.rfile
        self.wfile, self.rfile = out, io.BytesIO(raw)
        try:
            (self.do_POST_normal if method == "POST" else self.do_GET_normal)()
        finally:
            self.wfile, self.rfile = keep_w, keep_r
        return out.getvalue().split(b"\r\n\r\n", 1)[1]

    def do_POST_normal(self) -> None:
        _Handler.do_POST(self)

    def do_GET_normal(self) -> None:
        _Handler.do_GET(self)

    def _huge(self, fault: Huge) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        if fault.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(fault.size))
        self.end_headers()
        chunk = (b'{"tenant_minutes":[' + b" " * 65536)[:65536]
        sent = 0
        try:
            while sent < fault.size:
                piece = chunk[: min(len(chunk), fault.size - sent)]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if fault.chunked else piece)
                sent += len(piece)
            if fault.chunked:
                self.wfile.write(b"0\r\n\r\n")
        except OSError:
            self.close_connection = True  # the crawler hung up: what a size cap does


def _install(httpd, rules: list[Rule], robots: str | None) -> None:
    """Give the demo's server object the rules, the robots.txt and the request record."""
    httpd.RequestHandlerClass = _FaultyHandler
    httpd.rules = list(rules)
    httpd.robots = robots
    httpd.hits = []
    httpd.stopping = threading.Event()
    httpd.fault_lock = threading.Lock()

    def take(path: str, params: dict[str, str]):
        with httpd.fault_lock:
            for rule in httpd.rules:
                if rule.matches(path, params) and (rule.times is None or rule.times > 0):
                    if rule.times is not None:
                        rule.times -= 1
                    return rule.fault
        return None

    def log_hit(method, path, params, user_agent, fault, sent=None) -> None:
        with httpd.fault_lock:
            httpd.hits.append(Hit(time.monotonic(), method, path, params, user_agent, fault, sent))

    def handle_error(request, client_address) -> None:
        # A crawler that times out, caps a body or hangs up mid-answer is what these tests cause.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            type(httpd).handle_error(httpd, request, client_address)

    httpd.take, httpd.log_hit, httpd.handle_error = take, log_hit, handle_error


class FaultyServer(DiscussNetServer):
    def __init__(self, backend, rules: list[Rule] = (), *, robots: str | None = None, **kwargs) -> None:
        super().__init__(backend, **kwargs)
        _install(self._httpd, list(rules), robots)

    @property
    def hits(self) -> list[Hit]:
        return list(self._httpd.hits)

    def hits_for(self, path: str, **params: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path and all(h.params.get(k) == str(v) for k, v in params.items())]

    def set_rules(self, rules: list[Rule]) -> None:
        """Change the faults between two crawls (the site recovers, or breaks differently)."""
        with self._httpd.fault_lock:
            self._httpd.rules = list(rules)

    def stop(self) -> None:
        self._httpd.stopping.set()
        super().stop()


# Peak memory from VmHWM: ru_maxrss of a child also counts its parent's memory at fork time.
_CRAWL = """
import json, re, sys
from oshigiin.crawler.run import crawl
a = json.loads(sys.argv[1])
runs = crawl(a["council"], base_url=a["base_url"], cache=False, settings=a["settings"], **a["args"])
peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
print(json.dumps({"runs": runs, "max_rss_kb": peak}))
"""


@dataclass
class CrawlResult:
    returncode: int
    runs: list[dict]
    max_rss_kb: int
    stderr: str


def crawl(base_url: str, council: str = "demo", settings: dict | None = None, env: dict | None = None,
          timeout: float = 120, **spider_args: str) -> CrawlResult:
    """Crawl a council in a child process (Scrapy's reactor starts once per process) with these
    Scrapy settings; the run manifests and the child's peak memory come back."""
    arg = json.dumps({"council": council, "base_url": base_url, "settings": settings or {}, "args": spider_args})
    proc = subprocess.run([sys.executable, "-c", _CRAWL, arg], env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=timeout, check=False)
    out = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 and proc.stdout.strip() else {}
    return CrawlResult(proc.returncode, out.get("runs", []), out.get("max_rss_kb", 0), proc.stderr)
