"""Simulated MTurk workers: core's Simulation on the emulator's side channel (`/_emulator/`).

Batches are found by address through the environment's record, or, for a HIT the record
lost, by the annotation deploy gave it (ListHITs); a HIT ID is taken as it is. The emulator's
refusals name the HIT by its ID; they are shown with the address in its place.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import datetime, timezone
from typing import Any

from deployer.core.address import study_of
from deployer.core.errors import DeployError
from deployer.core.records import EnvLock
from deployer.core.simulation import Answers, NewParticipant, Participant, Work
from deployer.providers.mturk.api.answers import cell, parse_answers
from deployer.providers.mturk.api.client import MTurk
from deployer.providers.mturk.plan.identity import lineage_mark, parse_annotation
from deployer.providers.mturk.records import RecordedHit, newest

HIT_ID = re.compile(r"^[0-9A-Z]{20,64}$")
STATUSES = {"Accepted": "in progress", "Submitted": "submitted", "Approved": "approved",
            "Rejected": "rejected"}
TIMEOUT = 30  # seconds; the emulator answers on this machine


class SideChannel:
    """JSON over HTTP to one emulator's `/_emulator/` routes."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def call(self, route: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(f"{self.url}/_emulator/{route}", data=data,
                                         method="GET" if body is None else "POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as reply:
                return json.loads(reply.read())
        except urllib.error.HTTPError as error:
            raise DeployError(self._refusal(error)) from None
        except (urllib.error.URLError, OSError) as error:
            raise DeployError(f"cannot reach the emulator at {self.url} ({error}); start it "
                              "with `deploy emulator serve`, or drop --endpoint-url to use "
                              "the local environment's own") from None

    def _refusal(self, error: urllib.error.HTTPError) -> str:
        try:
            return str(json.loads(error.read())["error"])
        except (ValueError, KeyError, TypeError):
            return (f"{self.url} answered HTTP {error.code} to /_emulator/: it is not an MTurk "
                    "emulator of deploy (simulated workers exist only there)")


class MTurkSimulation:
    def __init__(self, side: SideChannel, mturk: MTurk, env: EnvLock) -> None:
        self.side = side
        self.mturk = mturk
        self.env = env

    def add(self, new: NewParticipant) -> Participant:
        body: dict[str, Any] = {
            "Country": new.country, "Subdivision": new.region, "Adult": new.adult,
            "Masters": new.top_rated, "NumberHITsApproved": new.approved,
            "PercentAssignmentsApproved": new.approval_rate}
        if new.participant_id is not None:
            body["WorkerId"] = new.participant_id
        added = self.side.call("workers", body)["WorkerId"]
        return next(p for p in self.participants() if p.participant_id == added)

    def participants(self) -> list[Participant]:
        return [_participant(w) for w in self.side.call("workers")["Workers"]]

    def accept(self, participant: str, target: str) -> Work:
        hit_id, label = self._hit(target)
        reply = self._ask("accept", {"WorkerId": participant, "HITId": hit_id}, hit_id, label)
        return _work(reply, label)

    def submit(self, participant: str, target: str, answers: Answers | None) -> Work:
        hit_id, label = self._hit(target)
        body: dict[str, Any] = {"WorkerId": participant, "HITId": hit_id}
        if answers is not None:
            body["Answers"] = {k: list(v) for k, v in answers.items()}
        return _work(self._ask("submit", body, hit_id, label), label)

    def give_back(self, participant: str, target: str, abandon: bool) -> Work:
        hit_id, label = self._hit(target)
        body = {"WorkerId": participant, "HITId": hit_id}
        reply = self._ask("abandon" if abandon else "return", body, hit_id, label)
        return Work(participant, label, hit_id, reply["AssignmentId"],
                    "abandoned" if abandon else "returned")

    def now(self) -> datetime:
        return _moment(self.side.call("clock")["Now"])

    def advance(self, seconds: int) -> datetime:
        return _moment(self.side.call("clock/advance", {"Seconds": seconds})["Now"])

    def _ask(self, route: str, body: dict[str, Any], hit_id: str, target: str) -> Any:
        try:
            return self.side.call(route, body)
        except DeployError as error:
            if target == hit_id:
                raise
            raise DeployError(str(error).replace(f"HIT {hit_id}", target)) from None

    def _hit(self, target: str) -> tuple[str, str]:
        """(HIT ID, what to call it) of an address (or of a study with one batch), or of the
        HIT ID given."""
        if HIT_ID.match(target):
            return target, target
        recorded = {a: h for a, h in newest(self.env.of(RecordedHit)).items() if h.hit_id}
        address = _address(target, sorted(recorded), self.env.environment)
        if address in recorded:
            return str(recorded[address].hit_id), address
        found = self._annotated(address)
        if found is None:
            raise DeployError(f"{address} is not a batch deploy created in "
                              f"{self.env.environment.upper()}; run `deploy apply` first, or "
                              "give the HIT ID")
        return found, address

    def _annotated(self, address: str) -> str | None:
        """The newest HIT whose annotation names the address (this lockfile's, if any is)."""
        mark = lineage_mark(self.env.lineage) if self.env.lineage else ""
        found: list[tuple[bool, int, str]] = []
        for raw in self.mturk.list_hits():
            tag = parse_annotation(raw.get("RequesterAnnotation", ""))
            if tag is not None and tag.address == address:
                found.append((tag.mark == mark, tag.generation, str(raw["HITId"])))
        return max(found)[2] if found else None


def _address(target: str, recorded: list[str], environment: str) -> str:
    if "/" in target:
        return target
    batches = [a for a in recorded if study_of(a) == target]
    if len(batches) == 1:
        return batches[0]
    if not batches:
        raise DeployError(f"{target!r} is neither a batch (like {target}/b1) nor a HIT ID, and "
                          f"no study {target!r} is recorded in {environment.upper()}")
    raise DeployError(f"study {target!r} has {len(batches)} batches; name one: "
                      f"{', '.join(batches)}")


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)


def _work(reply: dict[str, Any], target: str) -> Work:
    answers = parse_answers(reply.get("Answer") or "", reply["AssignmentId"])
    decided = reply.get("AutoApprovalTime")
    return Work(reply["WorkerId"], target, reply["HITId"], reply["AssignmentId"],
                STATUSES.get(reply["AssignmentStatus"], reply["AssignmentStatus"]),
                due=_moment(reply["Deadline"]) if reply["AssignmentStatus"] == "Accepted"
                else None,
                decided=_moment(decided) if decided and reply["AssignmentStatus"] == "Submitted"
                else None,
                answers=tuple((name, cell(value)) for name, value in answers.items()))


def _participant(worker: dict[str, Any]) -> Participant:
    place = worker["Country"] + (f"-{worker['Subdivision']}" if worker["Subdivision"] else "")
    yes = {True: "yes", False: "no"}
    return Participant(worker["WorkerId"], (
        ("locale", place), ("approved", str(worker["NumberHITsApproved"])),
        ("approval rate", f"{worker['PercentAssignmentsApproved']}%"),
        ("Masters", yes[worker["Masters"]]), ("adult", yes[worker["Adult"]]),
        ("qualifications", str(len(worker["Qualifications"])))))
