"""One local HTTP server on 127.0.0.1 for the provider tests (no mock of the HTTP client).

``LocalServer.routes`` maps (method, path) to (status, body); a body is bytes, a JSON-able value
or a callable(request body) -> body, and status "hang" waits 5 s before answering 200. A request
with no route gets ``default`` (status, body, extra headers): 404 unless a test sets it, e.g. to
make the server answer every request with the same hostile bytes. Every request is recorded in
``requests`` as (method, path, headers with lower-case names, body)."""

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, routes=None):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = dict(routes or {})
        self.default = (404, {"error": "not found"}, {"Content-Type": "application/json"})
        self.requests = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def answer_everything(self, status, body, headers=None):
        """Every request without a route gets this answer: these bytes (or JSON-able value) and
        only these headers (no Content-Type unless given)."""
        self.default = (status, body, dict(headers or {}))


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _serve(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        srv = self.server
        srv.requests.append(
            (method, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        )
        route = srv.routes.get((method, self.path))
        if route:
            (status, payload), extra = route, {"Content-Type": "application/json"}
        else:
            status, payload, extra = srv.default
        if callable(payload):
            payload = payload(body)
        if status == "hang":
            threading.Event().wait(5)
            status = 200
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        for k, v in extra.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")


@contextlib.contextmanager
def serving(routes=None):
    """A LocalServer running in a daemon thread for the duration of the block."""
    srv = LocalServer(routes)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
