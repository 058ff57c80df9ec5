"""Fixtures: a real ProlificServer on a free port, and a plain urllib3 client talking to it
over HTTP, as the Prolific provider will."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import pytest
import urllib3

from deployer.emulators.prolific import Config, Emulator, FaultConfig, ProlificServer

TOKEN = "local-token"
URL = ("https://task.example.org/?PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}"
       "&SESSION_ID={{%SESSION_ID%}}")
REASON = ("Your answers show that the instructions were not followed: every item was given the "
          "same rating in under a minute.")  # at least 100 characters, as REJECT requires


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any
    headers: dict[str, str]

    @property
    def detail(self) -> Any:
        return self.body["error"]["detail"]


def study_body(**overrides: Any) -> dict[str, Any]:
    """A study that can be published (reward £1.50 for 10 minutes: £9.00/hour)."""
    body: dict[str, Any] = {
        "name": "Tone judgements", "internal_name": "prov:stack/tone#3f9c2e",
        "description": "<p>Rate 20 short texts.</p>", "external_study_url": URL,
        "prolific_id_option": "url_parameters",
        "completion_codes": [{"code": "C7K2Q9", "code_type": "COMPLETED",
                              "actions": [{"action": "MANUALLY_REVIEW"}]}],
        "total_available_places": 2, "estimated_completion_time": 10,
        "maximum_allowed_time": 40, "reward": 150, "device_compatibility": ["desktop"],
        "peripheral_requirements": [], "filters": [],
        "metadata": '{"key": "stack/tone"}',
    }
    body.update(overrides)
    return body


class Api:
    """Requests to /api/v1/ (and the side channel) through urllib3, no retries."""

    def __init__(self, url: str, token: str | None = TOKEN) -> None:
        self.url = url
        self.token = token
        self.http = urllib3.PoolManager(retries=False)

    def request(self, method: str, path: str, body: Any = None, *, token: Any = "",
                raw: bytes | None = None, headers: dict[str, str] | None = None) -> Reply:
        sent = {"Content-Type": "application/json", **(headers or {})}
        chosen = self.token if token == "" else token
        if chosen is not None:
            sent["Authorization"] = f"Token {chosen}"
        data = raw if raw is not None else (None if body is None else json.dumps(body))
        address = path if path.startswith("http") else self.url + path
        answer = self.http.request(method, address, body=data, headers=sent, redirect=False)
        kind = answer.headers.get("Content-Type", "")
        parsed: Any = answer.data.decode()
        if answer.data and kind.startswith("application/json"):
            parsed = json.loads(answer.data)
        elif not answer.data:
            parsed = None
        return Reply(answer.status, parsed, dict(answer.headers))

    def get(self, path: str, **kw: Any) -> Reply:
        return self.request("GET", "/api/v1/" + path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.request("POST", "/api/v1/" + path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.request("PATCH", "/api/v1/" + path, body, **kw)

    def delete(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.request("DELETE", "/api/v1/" + path, body, **kw)

    def side(self, method: str, path: str, body: Any = None) -> Reply:
        return self.request(method, "/_emulator/" + path, body, token=None)


class Env:
    """One running emulator, its client, and shortcuts many tests use."""

    def __init__(self, emu: Emulator, server: ProlificServer) -> None:
        self.emu = emu
        self.server = server
        self.api = Api(server.url)

    @property
    def workspace(self) -> str:
        found: str = self.api.get("users/me/").body["current_workspace_id"]
        return found

    def balance(self) -> dict[str, Any]:
        reply = self.api.get(f"workspaces/{self.workspace}/balance/")
        assert reply.status == 200, reply
        found: dict[str, Any] = reply.body
        return found

    def draft(self, **overrides: Any) -> dict[str, Any]:
        reply = self.api.post("studies/", study_body(**overrides))
        assert reply.status == 201, reply
        found: dict[str, Any] = reply.body
        return found

    def transition(self, study_id: str, action: str, **extra: Any) -> Reply:
        return self.api.post(f"studies/{study_id}/transition/", {"action": action, **extra})

    def published(self, **overrides: Any) -> dict[str, Any]:
        study = self.draft(**overrides)
        reply = self.transition(study["id"], "PUBLISH")
        assert reply.status == 200, reply
        found: dict[str, Any] = reply.body
        return found

    def study(self, study_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.api.get(f"studies/{study_id}/").body
        return found

    def submit(self, study_id: str, code: str | None = "C7K2Q9", **profile: Any) -> str:
        """A new participant takes part and comes back with `code`; the submission ID."""
        return self.emu.participants.take_part(study_id, code, **profile)

    def submission(self, submission_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.api.get(f"submissions/{submission_id}/").body
        return found


def start(config: Config | None = None, faults: FaultConfig | None = None) -> Env:
    emulator = Emulator(config or Config(seed="tests"), faults=faults)
    server = ProlificServer(emulator)
    server.start()
    return Env(emulator, server)


@pytest.fixture
def env() -> Iterator[Env]:
    environment = start()
    yield environment
    environment.server.stop()


class MakeEnv(Protocol):
    def __call__(self, config: Config | None = None,
                 faults: FaultConfig | None = None) -> Env: ...


@pytest.fixture
def make_env() -> Iterator[MakeEnv]:
    """Starts emulators with other settings; stops them after the test."""
    started: list[Env] = []

    def make(config: Config | None = None, faults: FaultConfig | None = None) -> Env:
        started.append(start(config, faults))
        return started[-1]

    yield make
    for environment in started:
        environment.server.stop()
