"""A local HTTP server that answers like DiscussNet SSP (ssp.kaigiroku.net).

It serves any backend with the DemoCouncil interface, so tests can also plug in a backend that
replays recorded responses. Endpoints:

    GET  /robots.txt
    GET  /tenant/<slug>/js/tenant.js                   dnp.params.tenant_id = <id>
    POST /dnp/search/councils/index                    tenant_id
    POST /dnp/search/minutes/get_schedule              tenant_id, council_id
    POST /dnp/search/minutes/get_minute                tenant_id, council_id, schedule_id
    GET  /tenant/<slug>/MinuteView.html?council_id=&schedule_id=[&minute_id=]
    GET  /gikai/meibo.html                             the ward's 議員名簿 page

POST parameters may be form-encoded (as the real site's JavaScript sends them) or JSON.
Unknown ids answer 404 and missing or malformed parameters 400, both with a JSON error body.

    python -m oshigiin.demo.server --port 8765 --speeches 5000
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from oshigiin.demo.video import video_answer

JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
ROBOTS = "User-agent: *\nAllow: /\n"

# POST endpoint -> (required parameters, backend method)
API: dict[str, tuple[tuple[str, ...], str]] = {
    "/dnp/search/councils/index": (("tenant_id",), "councils_index"),
    "/dnp/search/minutes/get_schedule": (("tenant_id", "council_id"), "schedules"),
    "/dnp/search/minutes/get_minute": (("tenant_id", "council_id", "schedule_id"), "minute"),
}


class Backend(Protocol):
    tenant_slug: str
    tenant_id: int

    def tenant_js(self) -> str: ...
    def councils_index(self) -> dict: ...
    def schedules(self, council_id: int) -> dict: ...
    def minute(self, council_id: int, schedule_id: int) -> dict: ...
    # Optional: roster_html() -> str, minute_view_html(council_id, schedule_id) -> str


class _BadRequest(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a crawler expects from a real site
    # Headers and body go out in separate writes; with Nagle's algorithm on, a keep-alive client
    # waits for the delayed ACK (~40 ms) on every response. Scrapy crawls 5x faster without it.
    disable_nagle_algorithm = True
    server: _HTTPServer

    # -- plumbing --------------------------------------------------------------------------
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if self.server.verbose:
            super().log_message(format, *args)

    def _send(self, status: int, body: str | bytes, content_type: str) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            self.send_header("Allow", "POST")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.server.record(self.command, urlsplit(self.path).path, status)

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False, separators=(",", ":")), JSON_TYPE)

    def _error(self, status: int, message: str, **detail: Any) -> None:
        self._json(status, {"error": message, "status": status, **detail})

    def _call(self, method: str, *args: Any) -> Any:
        """Call the backend; unknown ids (KeyError) become 404, bugs become 500 and are printed."""
        return getattr(self.server.backend, method)(*args)

    def _dispatch(self, handler) -> None:
        try:
            handler()
        except _BadRequest as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc))
        except KeyError as exc:
            self._error(HTTPStatus.NOT_FOUND, "not found", detail=str(exc))
        except Exception:  # noqa: BLE001 - report any backend failure as a 500, never hang the crawler
            traceback.print_exc(file=sys.stderr)
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error")

    # -- GET -------------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._dispatch(self._get)

    def do_HEAD(self) -> None:
        self._dispatch(self._get)

    def _get(self) -> None:
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        backend = self.server.backend
        tenant = f"/tenant/{backend.tenant_slug}/"
        if path == "/robots.txt":
            self._send(HTTPStatus.OK, ROBOTS, "text/plain; charset=utf-8")
        elif path == f"{tenant}js/tenant.js":
            self._send(HTTPStatus.OK, self._call("tenant_js"), "text/javascript; charset=utf-8")
        elif path == f"{tenant}MinuteView.html" and hasattr(backend, "minute_view_html"):
            ids = [_int_param(query, key) for key in ("council_id", "schedule_id")]
            self._send(HTTPStatus.OK, self._call("minute_view_html", *ids), HTML_TYPE)
        elif path == "/gikai/meibo.html" and hasattr(backend, "roster_html"):
            self._send(HTTPStatus.OK, self._call("roster_html"), HTML_TYPE)
        elif path.startswith("/gikai/taido/") and hasattr(backend, "stance_page_html"):  # docs/votes.md
            self._send(HTTPStatus.OK, self._call("stance_page_html", path.rsplit("/", 1)[-1]), HTML_TYPE)
        elif (video := video_answer(backend, path, url.query)) is not None:  # council video: demo/video.py
            self._send(HTTPStatus.OK, *video)
        elif path in API:
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, "use POST")
        else:
            self._error(HTTPStatus.NOT_FOUND, "not found", path=path)

    # -- POST ------------------------------------------------------------------------------
    def do_POST(self) -> None:
        self._dispatch(self._post)

    def _post(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""  # always drain the body: keep-alive
        if url.path not in API:
            self._error(HTTPStatus.NOT_FOUND, "not found", path=url.path)
            return
        params = _parse_body(raw, self.headers.get("Content-Type", ""))
        required, method = API[url.path]
        values = [_int_param(params, key) for key in required]
        if values[0] != self.server.backend.tenant_id:
            raise KeyError(f"tenant_id {values[0]}")
        self._json(HTTPStatus.OK, self._call(method, *values[1:]))


def _parse_body(raw: bytes, content_type: str) -> dict[str, list[str]]:
    text = raw.decode("utf-8", errors="replace")
    if content_type.split(";")[0].strip().lower() == "application/json":
        try:
            data = json.loads(text or "{}")
        except json.JSONDecodeError as exc:
            raise _BadRequest(f"malformed JSON body: {exc}") from exc
        if not isinstance(data, dict):
            raise _BadRequest("JSON body must be an object")
        return {k: [str(v)] for k, v in data.items() if v is not None}
    return parse_qs(text)


def _int_param(params: dict[str, list[str]], key: str) -> int:
    values = params.get(key)
    if not values or not values[0].strip():
        raise _BadRequest(f"missing parameter: {key}")
    try:
        return int(values[0])
    except ValueError as exc:
        raise _BadRequest(f"parameter {key} must be an integer, got {values[0]!r}") from exc


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], backend: Backend, verbose: bool) -> None:
        super().__init__(address, _Handler)
        self.backend = backend
        self.verbose = verbose
        self.request_log: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()

    def record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self.request_log.append((method, path, int(status)))


class DiscussNetServer:
    """Serve ``backend`` over HTTP on ``host:port`` (port 0 picks a free one).

        with DiscussNetServer(DemoCouncil()) as server:
            urllib.request.urlopen(server.url + "robots.txt")
            server.request_log  # [("GET", "/robots.txt", 200)]
    """

    def __init__(self, backend: Backend, host: str = "127.0.0.1", port: int = 0, *,
                 verbose: bool = False) -> None:
        self.backend = backend
        self._httpd = _HTTPServer((host, port), backend, verbose)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def request_log(self) -> list[tuple[str, str, int]]:
        """(method, path, status) of every request served so far, in order."""
        return self._httpd.request_log

    def request_count(self, path: str | None = None) -> int:
        return sum(1 for _, p, _ in self.request_log if path is None or p == path)

    def start(self) -> DiscussNetServer:
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, name="discussnet-demo",
                                            daemon=True)
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> DiscussNetServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m oshigiin.demo.server",
        description="Serve the fictional 架空区 council as a DiscussNet SSP site.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--speeches", type=int, default=5000, help="total speech blocks (default 5000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    from oshigiin.demo.generator import DemoCouncil

    council = DemoCouncil(speeches=args.speeches, seed=args.seed)
    server = DiscussNetServer(council, args.host, args.port, verbose=args.verbose)
    print(f"{council.name} demo council ({council.total_speeches():,} speeches, tenant "
          f"{council.tenant_slug}/{council.tenant_id}) at {server.url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
