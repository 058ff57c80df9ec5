"""The emulator over HTTP: stdlib ThreadingHTTPServer on 127.0.0.1, run on a thread.

`POST /` speaks the MTurk JSON 1.1 wire; `/_emulator/...` is the side channel (routes.py).
The Authorization header is not checked beyond being present-or-absent: any SigV4 signature
and any Host are accepted, as the reference recommends for a local stand-in.
"""

from __future__ import annotations

import fcntl
import json
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO
from urllib.parse import parse_qs, urlsplit

from deployer.emulator import persistence, routes
from deployer.emulator.models import Emulator
from deployer.emulator.responses import handle
from deployer.errors import DeployError

JSON_TYPE = "application/x-amz-json-1.1"


class EmulatorServer:
    def __init__(self, emulator: Emulator, port: int = 0, state_file: Path | None = None) -> None:
        self.emulator = emulator
        self.port = port
        self.state_file = state_file
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._save_lock = threading.Lock()
        self._owner: TextIO | None = None  # holds the state file against other emulators

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the emulator server is not running")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> str:
        if self.state_file is not None:
            self._owner = _own(self.state_file)
            if self.state_file.exists():
                persistence.load(self.emulator, self.state_file)
        httpd = ThreadingHTTPServer(("127.0.0.1", self.port), _handler_for(self))
        httpd.daemon_threads = True
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, name="mturk-emulator",
                                        kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        self._httpd = None
        self.save()
        if self._owner is not None:
            self._owner.close()  # releases the lock
            self._owner = None

    def save(self) -> None:
        if self.state_file is not None:
            with self._save_lock, self.emulator.lock:
                persistence.save(self.emulator, self.state_file)

    def __enter__(self) -> EmulatorServer:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()


def _own(state_file: Path) -> TextIO:
    """Hold the state file for this emulator's lifetime: two emulators saving one file would
    each overwrite the other's HITs."""
    state_file.parent.mkdir(parents=True, exist_ok=True)
    lock = state_file.with_name(state_file.name + ".lock")
    handle = open(lock, "a+", encoding="utf-8")  # noqa: SIM115 - held until stop()
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise DeployError(
            f"{state_file} is in use by another deploy command or `deploy emulator serve`; "
            "wait for it to finish, or send this command to that emulator with --endpoint-url"
        ) from None
    return handle


def _handler_for(server: EmulatorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out as separate writes; without this, Nagle's algorithm and
            # the client's delayed ACK add ~40 ms to every keep-alive request.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the CLI owns the terminal

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _send(self, status: int, payload: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            self.end_headers()
            self.wfile.write(payload)

        def _json(self, status: int, body: Any, content_type: str = JSON_TYPE) -> None:
            self._send(status, json.dumps(body).encode("utf-8"), content_type)

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            body = self._body()
            if path.startswith("/_emulator/"):
                self._side(routes.POST_ROUTES.get(path), body)
                return
            request_id = str(uuid.uuid4())
            target = self.headers.get("X-Amz-Target")
            status, reply, changed = handle(server.emulator, target, body, request_id,
                                            self.headers.get("Authorization"))
            if changed:
                server.save()
            self.send_response(status)
            payload = json.dumps(reply).encode("utf-8")
            self.send_header("Content-Type", JSON_TYPE)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("x-amzn-RequestId", request_id)
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/_emulator/preview":
                group = parse_qs(parts.query).get("groupId", [""])[0]
                status, page = routes.preview_page(server.emulator, group)
                self._send(status, page.encode("utf-8"), "text/html; charset=utf-8")
                return
            route = routes.GET_ROUTES.get(parts.path)
            if route is None:
                self._json(404, {"error": f"no route {parts.path}"}, "application/json")
                return
            status, reply = routes.call(route, server.emulator, {})
            self._json(status, reply, "application/json")

        def _side(self, route: routes.Route | None, raw: bytes) -> None:
            if route is None:
                self._json(404, {"error": "no such route"}, "application/json")
                return
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                self._json(400, {"error": "body is not JSON"}, "application/json")
                return
            status, reply = routes.call(route, server.emulator, body)
            server.save()
            self._json(status, reply, "application/json")

    return Handler
