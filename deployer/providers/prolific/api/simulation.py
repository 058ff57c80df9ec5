"""Simulated participants on the Prolific emulator (`deploy emulator workers ... --platform
prolific`): its side channel under /_emulator/, in the words of core's Simulation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import urllib3

from deployer.core.errors import DeployError
from deployer.core.provider import Target
from deployer.core.records import EnvLock
from deployer.core.simulation import Answers, NewParticipant, Participant, Work
from deployer.providers.prolific.api.client import Prolific
from deployer.providers.prolific.api.connection import open_api
from deployer.providers.prolific.api.wire import when
from deployer.providers.prolific.records import RecordedStudy, address_of

STATUS = {"RESERVED": "in progress", "ACTIVE": "in progress", "AWAITING REVIEW": "submitted",
          "APPROVED": "approved", "REJECTED": "rejected", "RETURNED": "returned",
          "TIMED-OUT": "abandoned"}


class ProlificSimulation:
    def __init__(self, api: Prolific, env: EnvLock) -> None:
        self.api = api
        self.env = env
        self.side = api.base.removesuffix("/api/v1/") + "/_emulator/"
        self.http = urllib3.PoolManager(retries=False)

    def call(self, route: str, body: dict[str, Any] | None = None) -> Any:
        method = "GET" if body is None else "POST"
        data = None if body is None else json.dumps(body).encode("utf-8")
        answer = self.http.request(method, self.side + route, body=data,
                                   headers={"Content-Type": "application/json"})
        value = json.loads(answer.data or b"null")
        if answer.status >= 400:
            detail = (value.get("error") or {}).get("detail") if isinstance(value, dict) else ""
            raise DeployError(f"the Prolific emulator refused: {detail or value}")
        return value

    def add(self, new: NewParticipant) -> Participant:
        body = {"country": new.country, "approval_rate": new.approval_rate}
        if new.participant_id:
            body["participant_id"] = new.participant_id
        return _participant(self.call("participants", body))

    def participants(self) -> list[Participant]:
        return [_participant(p) for p in self.call("participants")["results"]]

    def accept(self, participant: str, target: str) -> Work:
        study_id = self._study(target)
        reserved = self.call(f"studies/{study_id}/reserve", {"participant_id": participant})
        work = _work(self.call(f"submissions/{reserved['id']}/start", {}), target)
        limit = self.api.get(f"studies/{study_id}", "read the study").get(
            "maximum_allowed_time")
        return replace(work, due=self.now() + timedelta(minutes=int(limit))) if limit else work

    def submit(self, participant: str, target: str, answers: Answers | None) -> Work:
        study_id, sid = self._submission(participant, target)
        codes = (answers or {}).get("code") or [self._completed_code(study_id)]
        return _work(self.call(f"submissions/{sid}/complete", {"code": codes[0]}), target)

    def give_back(self, participant: str, target: str, abandon: bool) -> Work:
        if abandon:
            raise DeployError("a Prolific participant who runs out of time is timed out by the "
                              "clock: advance it past the study's maximum time instead")
        _, sid = self._submission(participant, target)
        return _work(self.call(f"submissions/{sid}/return", {}), target)

    def now(self) -> datetime:
        moment = when(self.call("clock")["now"])
        assert moment is not None
        return moment

    def advance(self, seconds: int) -> datetime:
        moment = when(self.call("clock/advance", {"seconds": seconds})["now"])
        assert moment is not None
        return moment

    def _study(self, target: str) -> str:
        """The newest Prolific study of a study name (or address), or a study ID itself."""
        return self._generations(target)[0]

    def _completed_code(self, study_id: str) -> str:
        codes = self.api.get(f"studies/{study_id}", "read the study").get("completion_codes")
        for code in codes or ():
            if code.get("code_type") == "COMPLETED":
                return str(code.get("code"))
        return str((codes or [{}])[0].get("code", ""))

    def _submission(self, participant: str, target: str) -> tuple[str, str]:
        """The participant's work in progress on any generation of `target`: (study, submission)."""
        for study_id in self._generations(target):
            for item in self.api.pages(f"studies/{study_id}/submissions", "list submissions"):
                if item.get("participant_id") == participant and item.get("status") in (
                        "RESERVED", "ACTIVE"):
                    return study_id, str(item["id"])
        raise DeployError(f"participant {participant} is not working on {target}")

    def _generations(self, target: str) -> list[str]:
        """The Prolific studies of a study name or address (newest first), or a study ID."""
        address = target if target.endswith("/study") else address_of(target)
        records = sorted((r for r in self.env.of(RecordedStudy)
                          if r.address == address and r.study_id),
                         key=lambda r: -r.generation)
        ids = [r.study_id for r in records if r.study_id]
        if ids:
            return ids
        if len(target) == 24 and all(c in "0123456789abcdef" for c in target):
            return [target]
        raise DeployError(f"{target} is not a Prolific study recorded in "
                          f"{self.env.environment.upper()}; apply it first, or give its ID")


def _participant(data: dict[str, Any]) -> Participant:
    return Participant(str(data.get("participant_id") or data.get("id")),
                       (("country", str(data.get("country", ""))),
                        ("approval", f"{data.get('approval_rate', '')}%")))


def _work(data: dict[str, Any], target: str) -> Work:
    return Work(participant=str(data.get("participant") or ""), target=target,
                object_id=str(data.get("study_id") or ""), submission_id=str(data["id"]),
                status=STATUS.get(str(data.get("status")), str(data.get("status")).lower()),
                answers=(("code", str(data.get("entered_code") or "")),)
                if data.get("entered_code") else (),
                words=("Participant", "study", "submission"))


@contextmanager
def open_simulation(target: Target, env: EnvLock) -> Iterator[ProlificSimulation]:
    if target.endpoint_url is None and target.environment != "local":
        raise DeployError("PRODUCTION is the real Prolific: simulated participants exist only "
                          "in the emulator; use --env local, or --endpoint-url of `deploy "
                          "emulator serve --platform prolific`")
    with open_api(target) as api:
        yield ProlificSimulation(api, env)
