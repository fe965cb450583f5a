"""A real HTTP server on 127.0.0.1 for fetch tests, with a request log.

Routes map a path to a ``Reply`` or to a function of the request returning one. The log
records when each request arrived (server-side monotonic clock) and how many requests
were being handled at that moment, so politeness can be measured where it matters: at
the server.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0  # seconds to wait before sending the status line
    chunk_delay: float = 0.0  # seconds between 1 KiB body chunks (slow drip)
    send_length: bool = True


@dataclass
class Record:
    path: str
    query: str
    headers: dict[str, str]
    start: float
    active_at_start: int


Route = Reply | Callable[["Record"], Reply]


class LocalHTTPServer:
    """``with LocalHTTPServer() as srv: srv.route("/x", Reply(body=b"hi")); srv.url("/x")``."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[Record] = []
        self.max_active = 0
        self._active = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, reply: Route) -> None:
        self.routes[path] = reply

    def requests_to(self, path: str) -> list[Record]:
        with self._lock:
            return [r for r in self.log if r.path == path]

    def __enter__(self) -> LocalHTTPServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: object) -> None:
                return None

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                with owner._lock:
                    owner._active += 1
                    owner.max_active = max(owner.max_active, owner._active)
                    record = Record(
                        path=parts.path,
                        query=parts.query,
                        headers={k.lower(): v for k, v in self.headers.items()},
                        start=time.monotonic(),
                        active_at_start=owner._active,
                    )
                    owner.log.append(record)
                route = owner.routes.get(parts.path, Reply(404, body=b"not found"))
                reply = route(record) if callable(route) else route
                try:
                    if reply.delay:
                        time.sleep(reply.delay)
                finally:
                    # "Busy" ends before the reply is written, so a client that holds its
                    # politeness slot until the body arrives is never over-counted.
                    with owner._lock:
                        owner._active -= 1
                try:
                    self.send_response(reply.status)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    if reply.send_length:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if reply.chunk_delay:
                        for i in range(0, len(reply.body), 1024):
                            self.wfile.write(reply.body[i : i + 1024])
                            self.wfile.flush()
                            time.sleep(reply.chunk_delay)
                    else:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client gave up (timeout / size cap): expected in tests

        return Handler
