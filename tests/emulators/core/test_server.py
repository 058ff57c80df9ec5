"""The shared HTTP core serves any service: here a small REST/JSON one shaped like Prolific's
API (`/api/v1/...`, `Authorization: Token ...`), which is nothing like MTurk's wire."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from deployer.emulators.core.server import HttpServer, Reply, Request


class Studies:
    """A stand-in service: GET lists studies, POST adds one, PATCH renames, /crash is a bug."""

    name = "studies-test"
    methods = frozenset({"GET", "POST", "PATCH"})

    def __init__(self) -> None:
        self.studies: list[dict[str, Any]] = []
        self.seen: list[Request] = []
        self.release = threading.Event()
        self.release.set()

    def handle(self, request: Request) -> Reply:
        self.seen.append(request)
        if request.path == "/api/v1/slow/":
            self.release.wait(10)
        if request.path == "/api/v1/crash/":
            raise KeyError("a bug")
        if not request.headers.get("authorization", "").startswith("Token "):
            return _json(401, {"error": {"detail": "Invalid token."}})
        if request.method == "POST":
            self.studies.append(json.loads(request.body))
            return _json(201, self.studies[-1])
        if request.method == "PATCH":
            self.studies[0].update(json.loads(request.body))
        return _json(200, {"results": self.studies, "query": request.query})

    def refuse(self, request: Request, status: int, text: str) -> Reply:
        return _json(status, {"error": {"detail": text, "status": status}})


def _json(status: int, body: Any) -> Reply:
    return Reply(status, json.dumps(body).encode(), "application/json", (("X-Service", "t"),))


@pytest.fixture
def served() -> Iterator[tuple[Studies, HttpServer]]:
    service = Studies()
    with HttpServer(service) as server:
        yield service, server


def _connect(server: HttpServer) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", int(server.url.rsplit(":", 1)[1]), timeout=10)


def _call(connection: http.client.HTTPConnection, method: str, path: str,
          body: Any = None, token: bool = True) -> tuple[int, Any, http.client.HTTPResponse]:
    headers = {"Authorization": "Token abc"} if token else {}
    data = None if body is None else json.dumps(body)
    connection.request(method, path, body=data, headers=headers)
    reply = connection.getresponse()
    return reply.status, json.loads(reply.read()), reply


def test_serves_a_rest_service_on_loopback_with_keep_alive(
    served: tuple[Studies, HttpServer]
) -> None:
    service, server = served
    assert server.url.startswith("http://127.0.0.1:")
    connection = _connect(server)
    assert _call(connection, "POST", "/api/v1/studies/", {"name": "pilot"})[0] == 201
    first = connection.sock
    status, body, reply = _call(connection, "GET", "/api/v1/studies/?state=ACTIVE")
    assert (status, body) == (200, {"results": [{"name": "pilot"}], "query": "state=ACTIVE"})
    assert reply.getheader("X-Service") == "t"
    assert _call(connection, "PATCH", "/api/v1/studies/", {"name": "main"})[1]["results"] == [
        {"name": "main"}]
    assert connection.sock is first  # one connection carried all three requests
    assert _call(connection, "GET", "/api/v1/studies/", token=False)[0] == 401
    assert service.seen[0].headers["authorization"] == "Token abc"  # names in lower case
    assert len({r.request_id for r in service.seen}) == len(service.seen)
    connection.close()


def test_methods_the_service_does_not_declare_are_501(
    served: tuple[Studies, HttpServer]
) -> None:
    service, server = served
    connection = _connect(server)
    connection.request("DELETE", "/api/v1/studies/")
    assert connection.getresponse().status == 501
    assert service.seen == []


def test_a_bug_in_the_service_is_its_own_500_and_the_server_lives_on(
    served: tuple[Studies, HttpServer], capfd: pytest.CaptureFixture[str]
) -> None:
    _, server = served
    connection = _connect(server)
    status, body, _ = _call(connection, "GET", "/api/v1/crash/")
    assert status == 500
    assert body["error"]["detail"] == "internal error: KeyError: 'a bug'"
    assert "Traceback" in capfd.readouterr().err
    assert _call(connection, "GET", "/api/v1/studies/")[0] == 200  # same connection


@pytest.mark.parametrize("length", [b"abc", b"-1", b"1e3"])
def test_an_unusable_content_length_is_refused_and_the_connection_closed(
    served: tuple[Studies, HttpServer], length: bytes
) -> None:
    service, server = served
    head, body = _raw(server, b"POST /api/v1/studies/ HTTP/1.1\r\nHost: x\r\n"
                              b"Content-Length: " + length + b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert b"Connection: close" in head
    assert "is not a number of bytes" in json.loads(body)["error"]["detail"]
    assert service.seen == []


def _raw(server: HttpServer, request: bytes) -> tuple[bytes, bytes]:
    """Sends bytes as they are; reads until the server closes the connection."""
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.settimeout(10)  # only a hang would reach it
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return head, body


def test_stop_drains_requests_in_flight_then_answers_503() -> None:
    service = Studies()
    server = HttpServer(service)
    server.start()
    kept = _connect(server)
    assert _call(kept, "GET", "/api/v1/studies/")[0] == 200
    service.release.clear()
    slow: list[int] = []
    caller = threading.Thread(target=lambda: slow.append(
        _call(_connect(server), "GET", "/api/v1/slow/")[0]))
    caller.start()
    while len(service.seen) < 2:
        time.sleep(0.01)
    stopper = threading.Thread(target=server.stop)
    stopper.start()
    time.sleep(0.2)
    assert stopper.is_alive()  # waiting for the slow request
    service.release.set()
    stopper.join(10)
    caller.join(10)
    assert slow == [200]
    status, body, reply = _call(kept, "GET", "/api/v1/studies/")  # kept alive across stop()
    assert (status, body["error"]["status"]) == (503, 503)
    assert reply.getheader("Connection") == "close"
    assert len(service.seen) == 2  # the service never saw it


@pytest.mark.parametrize("length", [16 * 1024 * 1024 + 1, 10**11, 10**30])
def test_a_body_over_the_limit_is_refused_unread(
    served: tuple[Studies, HttpServer], capfd: pytest.CaptureFixture[str], length: int
) -> None:
    service, server = served
    # Only the headers are sent: a server that tried to read the body would wait for it.
    head, body = _raw(server, b"POST /api/v1/studies/ HTTP/1.1\r\nHost: x\r\n"
                              b"Content-Length: %d\r\n\r\n" % length)
    assert head.startswith(b"HTTP/1.1 400")
    assert b"Connection: close" in head
    detail = json.loads(body)["error"]["detail"]
    assert detail == (f"Content-Length {length} is more than the 16777216 bytes (16 MiB) "
                      "this emulator accepts in one request.")
    assert service.seen == []
    assert capfd.readouterr().err == ""


def test_a_body_at_the_limit_is_read(served: tuple[Studies, HttpServer]) -> None:
    _, server = served
    name = "x" * (16 * 1024 * 1024 - len('{"name": ""}'))
    status, body, _ = _call(_connect(server), "POST", "/api/v1/studies/", {"name": name})
    assert status == 201 and len(body["name"]) == len(name)
