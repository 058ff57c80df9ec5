"""A stopped emulator neither answers old keep-alive connections nor writes its state file;
it goes on from a copy of its state in memory."""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from typing import Any

import boto3

from deployer.emulators.mturk import Emulator, EmulatorServer

from .conftest import EXTERNAL, SIGV4, Env, make_client
from .helpers import saved

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
    held = saved(state)
    titles = {t["id"]: t["title"] for t in held["hit_types"]}
    return sorted(titles[h["type_id"]] for h in held["hits"])


def test_kept_alive_connection_gets_503_after_stop(
    tmp_path: Path, boto_session: boto3.session.Session
) -> None:
    state = tmp_path / "emulator.sqlite3"
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
        old.emulator.workers.register()  # a straggler changes only the old emulator's copy
        assert _titles(state) == ["before stop", "new owner"]
        assert saved(state)["workers"] == []
    connection.close()
    assert _titles(state) == ["before stop", "new owner"]
    kept = old.emulator.to_json()["state"]
    assert [t["title"] for t in kept["types"].values()] == ["before stop"]
    assert len(kept["workers"]) == 1
