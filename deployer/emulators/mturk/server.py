"""The emulator over HTTP: stdlib ThreadingHTTPServer on 127.0.0.1, run on a thread.

`POST /` speaks the MTurk JSON 1.1 wire; `/_emulator/...` is the side channel (routes.py).
The Authorization header is not checked beyond being present-or-absent: any SigV4 signature
and any Host are accepted, as the reference recommends for a local stand-in.
"""

from __future__ import annotations

import fcntl
import json
import socket
import sys
import threading
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO
from urllib.parse import urlsplit

from deployer.emulators.core.errors import StateInUse
from deployer.emulators.mturk import persistence, routes
from deployer.emulators.mturk.exceptions import ServiceFault
from deployer.emulators.mturk.models import Emulator
from deployer.emulators.mturk.responses import handle
from deployer.emulators.mturk.routes import Reply

JSON_TYPE = "application/x-amz-json-1.1"
DRAIN_SECONDS = 30.0  # how long stop() waits for requests already being answered


class EmulatorServer:
    def __init__(self, emulator: Emulator, port: int = 0, state_file: Path | None = None) -> None:
        self.emulator = emulator
        self.port = port
        self.state_file = state_file
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._save_lock = threading.Lock()
        self._owner: TextIO | None = None  # holds the state file against other emulators
        self._released = False  # the file has been handed back: never write it again
        self._gate = threading.Condition()
        self._stopping = False
        self._active = 0  # requests being answered right now

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the emulator server is not running")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> str:
        if self.state_file is not None:
            self._owner = _own(self.state_file)
            self._released = False
            try:
                if self.state_file.exists():
                    persistence.load(self.emulator, self.state_file)
            except BaseException:
                self._release()
                raise
        with self._gate:
            self._stopping = False
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
        with self._gate:
            # Connections kept alive by clients stay open on their own threads; from now on
            # they are answered 503 and closed, so nothing changes after the final save.
            self._stopping = True
            self._gate.wait_for(lambda: self._active == 0, timeout=DRAIN_SECONDS)
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        self._httpd = None
        self.save()
        self._release()

    def _release(self) -> None:
        with self._save_lock:
            self._released = True
            if self._owner is not None:
                self._owner.close()  # releases the lock
                self._owner = None

    @contextmanager
    def admitted(self) -> Iterator[bool]:
        """Counts a request in flight; yields False once the server is stopping."""
        with self._gate:
            if self._stopping:
                admitted = False
            else:
                admitted = True
                self._active += 1
        try:
            yield admitted
        finally:
            if admitted:
                with self._gate:
                    self._active -= 1
                    self._gate.notify_all()

    def save(self) -> None:
        if self.state_file is None:
            return
        with self._save_lock:
            if self._released:
                return  # another emulator may own the file by now
            with self.emulator.lock:
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
        raise StateInUse(
            f"{state_file} is in use by another deploy command or `deploy emulator serve`; "
            "wait for it to finish, or send this command to that emulator with --endpoint-url"
        ) from None
    return handle


def _json_reply(status: int, body: Any, content_type: str = JSON_TYPE) -> Reply:
    return Reply(status, json.dumps(body).encode("utf-8"), content_type, False)


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

        def do_POST(self) -> None:
            self._serve("POST")

        def do_GET(self) -> None:
            self._serve("GET")

        def _serve(self, method: str) -> None:
            request_id = str(uuid.uuid4())
            side = urlsplit(self.path).path.startswith("/_emulator/")
            length = _length(self.headers.get("Content-Length"))
            if length is None:
                # The body's end is unknown, so this connection cannot carry another request.
                self.close_connection = True
                reply = _json_reply(400, _bad_length(side, self.headers["Content-Length"]))
                self._send(reply, request_id)
                return
            body = self.rfile.read(length)  # before admission: a slow client never delays stop()
            with server.admitted() as admitted:
                if not admitted:
                    self.close_connection = True
                    reply = _json_reply(503, {"__type": "ServiceUnavailableException",
                                              "message": "The emulator is shutting down."})
                else:
                    reply = self._answer(method, request_id, body)
                    if reply.changed:
                        reply = self._saved(reply, side)
                self._send(reply, request_id)

        def _saved(self, reply: Reply, side: bool) -> Reply:
            """The reply once the state file holds the change, or a 500 if it cannot be written."""
            try:
                server.save()
                return reply
            except Exception as error:
                traceback.print_exc(file=sys.stderr)
                if side:
                    return _json_reply(500, {"error": f"the state file cannot be written: {error}"},
                                       "application/json")
                return _json_reply(500, ServiceFault().body(server.emulator.clock.ms()))

        def _answer(self, method: str, request_id: str, body: bytes) -> Reply:
            try:
                parts = urlsplit(self.path)
                if parts.path.startswith("/_emulator/"):
                    return routes.dispatch(server.emulator, method, parts.path, parts.query, body)
                if method != "POST":
                    return _json_reply(404, {"error": f"no route {parts.path}"},
                                       "application/json")
                status, answer, changed = handle(server.emulator, self.headers.get("X-Amz-Target"),
                                                 body, request_id,
                                                 self.headers.get("Authorization"))
                return Reply(status, json.dumps(answer).encode("utf-8"), JSON_TYPE, changed)
            except Exception:  # last resort: answer MTurk's own 500 rather than drop the line
                traceback.print_exc(file=sys.stderr)
                return Reply(500, json.dumps(ServiceFault().body(server.emulator.clock.ms()))
                             .encode("utf-8"), JSON_TYPE, True)

        def _send(self, reply: Reply, request_id: str) -> None:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.payload)))
            self.send_header("x-amzn-RequestId", request_id)
            if reply.allow:
                self.send_header("Allow", reply.allow)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(reply.payload)

    return Handler


def _length(header: str | None) -> int | None:
    """The body length, or None when Content-Length is not a non-negative decimal number."""
    if header is None:
        return 0
    text = header.strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _bad_length(side: bool, header: str) -> dict[str, str]:
    text = f"Content-Length {header!r} is not a number of bytes."
    return {"error": text} if side else {"__type": "SerializationException", "message": text}
