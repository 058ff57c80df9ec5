"""HTTP for any emulated service: stdlib ThreadingHTTPServer on 127.0.0.1, run on a thread.

The server knows nothing of the service's API. It reads each request, hands it to the
service's `handle`, and sends back the Reply. Problems it finds before or around the service (a
bad Content-Length, a body over MAX_BODY, a request after stop() began, a bug in the service)
are answered by the service's `refuse`, so every reply has that service's error shape.
"""

from __future__ import annotations

import socket
import sys
import threading
import traceback
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import urlsplit

LOOPBACK = "127.0.0.1"
DRAIN_SECONDS = 30.0  # how long stop() waits for requests already being answered
# Far above any real request (MTurk's largest member, the question, is 64 KB); a larger declared
# length is refused unread, so a bogus header can never make the server try to allocate it.
MAX_BODY = 16 * 1024 * 1024


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str
    headers: Mapping[str, str]  # names in lower case
    body: bytes
    request_id: str  # fresh for every request, for the service to echo in its own header


@dataclass(frozen=True)
class Reply:
    status: int
    payload: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()


class Service(Protocol):
    """An emulated API as the HTTP server sees it."""

    name: str  # names the server's thread
    methods: frozenset[str]  # the HTTP methods it answers; others get the server's 501

    def handle(self, request: Request) -> Reply:
        """Answers one request; never raises on purpose (a raise is a bug, answered 500)."""
        ...

    def refuse(self, request: Request, status: int, text: str) -> Reply:
        """The service's own error reply for a problem the server found (400, 500, 503)."""
        ...


class HttpServer:
    """Serves one Service on a loopback port until stop()."""

    def __init__(self, service: Service, port: int = 0) -> None:
        self.service = service
        self.port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._gate = threading.Condition()
        self._stopping = False
        self._active = 0  # requests being answered right now

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the emulator server is not running")
        return f"http://{LOOPBACK}:{self._httpd.server_address[1]}"

    def start(self) -> str:
        with self._gate:
            self._stopping = False
        httpd = ThreadingHTTPServer((LOOPBACK, self.port), _handler_for(self))
        httpd.daemon_threads = True
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, name=self.service.name,
                                        kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        """Waits for requests in flight, then closes; later requests on kept-alive
        connections are answered 503 and their connections closed."""
        if self._httpd is None:
            return
        with self._gate:
            self._stopping = True
            self._gate.wait_for(lambda: self._active == 0, timeout=DRAIN_SECONDS)
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        self._httpd = None

    @contextmanager
    def admitted(self) -> Iterator[bool]:
        """Counts a request in flight; yields False once the server is stopping."""
        with self._gate:
            admitted = not self._stopping
            if admitted:
                self._active += 1
        try:
            yield admitted
        finally:
            if admitted:
                with self._gate:
                    self._active -= 1
                    self._gate.notify_all()

    def answer(self, request: Request) -> Reply:
        try:
            return self.service.handle(request)
        except Exception as error:  # last resort: answer rather than drop the connection
            traceback.print_exc(file=sys.stderr)
            text = f"internal error: {type(error).__name__}: {error}"
            return self.service.refuse(request, 500, text)

    def __enter__(self) -> HttpServer:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()


def _handler_for(server: HttpServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: boto3 reuses its connections

        def setup(self) -> None:
            super().setup()
            # Headers and body go out as separate writes; without this, Nagle's algorithm and
            # the client's delayed ACK add ~40 ms to every keep-alive request.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the program that runs the emulator owns the terminal

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def do_PATCH(self) -> None:
            self._serve("PATCH")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def _serve(self, method: str) -> None:
            if method not in server.service.methods:
                self.send_error(501, f"Unsupported method ({method!r})")
                return
            parts = urlsplit(self.path)
            headers: dict[str, str] = {}
            for name, value in self.headers.items():
                headers.setdefault(name.lower(), value)  # a repeated header: the first counts
            request = Request(method, parts.path, parts.query, headers, b"", str(uuid.uuid4()))
            declared = self.headers.get("Content-Length")
            problem = _length_problem(declared)
            if problem is not None:
                # The body is left unread, so its end is unknown: this connection cannot
                # carry another request.
                self.close_connection = True
                self._send(server.service.refuse(request, 400, problem))
                return
            # Read before admission, so a slow client never delays stop().
            body = self.rfile.read(int(declared or 0))
            request = Request(method, parts.path, parts.query, headers, body, request.request_id)
            with server.admitted() as admitted:
                if not admitted:
                    self.close_connection = True
                    reply = server.service.refuse(request, 503, "The emulator is shutting down.")
                else:
                    reply = server.answer(request)
                self._send(reply)

        def _send(self, reply: Reply) -> None:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.payload)))
            for name, value in reply.headers:
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(reply.payload)

    return Handler


def _length_problem(header: str | None) -> str | None:
    """Why Content-Length cannot be used, or None (a missing header means no body)."""
    if header is None:
        return None
    text = header.strip()
    if not (text.isascii() and text.isdigit()):
        return f"Content-Length {header!r} is not a number of bytes."
    if int(text) > MAX_BODY:
        return (f"Content-Length {text} is more than the {MAX_BODY} bytes (16 MiB) "
                "this emulator accepts in one request.")
    return None
