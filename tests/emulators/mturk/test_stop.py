"""A stopped emulator neither answers old keep-alive connections nor writes its state file."""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from typing import Any

import boto3

from deployer.emulators.mturk import Emulator, EmulatorServer

from .conftest import EXTERNAL, SIGV4, Env, make_client

HIT = {"Title": "t", "Description": "d", "Reward": "0.50", "LifetimeInSeconds": 3600,
       "AssignmentDurationInSeconds": 600, "Question": EXTERNAL}


def _create(connection: http.client.HTTPConnection, title: str) -> tuple[int, dict[str, Any]]:
    connection.request("POST", "/", body=json.dumps({**HIT, "Title": title}), headers={
        "X-Amz-Target": "MTurkRequesterServiceV20170117.CreateHIT",
        "Content-Type": "application/x-amz-json-1.1", "Authorization": SIGV4})
    reply = connection.getresponse()
    body: dict[str, Any] = json.loads(reply.read())
    return reply.status, body


def _titles(state: Path) -> list[str]:
    saved = json.loads(state.read_text())["state"]
    return sorted(saved["types"][h["type_id"]]["title"] for h in saved["hits"].values())


def test_kept_alive_connection_gets_503_after_stop(
    tmp_path: Path, boto_session: boto3.session.Session
) -> None:
    state = tmp_path / "emulator.json"
    old = EmulatorServer(Emulator(), state_file=state)
    port = int(old.start().rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    assert _create(connection, "before stop")[0] == 200
    old.stop()

    with EmulatorServer(Emulator(), state_file=state) as new:  # the file has a new owner
        Env(new.emulator, new, make_client(boto_session, new.url)).hit(Title="new owner")
        status, body = _create(connection, "after stop")  # same socket as before the stop
        assert status == 503
        assert body["__type"] == "ServiceUnavailableException"
        assert connection.sock is None  # the server asked to close it
        old.save()  # what a straggling request would do
        assert _titles(state) == ["before stop", "new owner"]
    connection.close()
    assert _titles(state) == ["before stop", "new owner"]
    assert [t.title for t in old.emulator.state.types.values()] == ["before stop"]
