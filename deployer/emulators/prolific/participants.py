"""Simulated participants: the side of Prolific the researcher API cannot drive.

Reached from Python as `emulator.participants` and over HTTP under `/_emulator/...`
(side.py), never under `/api/v1/`, so code under test cannot come to rely on it. Each call is
one transaction, after the time rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from deployer.emulators.prolific import filters, lifecycle, outcomes, time_rules
from deployer.emulators.prolific.backend import Backend
from deployer.emulators.prolific.records import ParticipantRec, StudyRec, SubmissionRec
from deployer.emulators.prolific.schema import PARTICIPANTS, STUDIES, SUBMISSIONS
from deployer.emulators.prolific.study_fields import DEVICES

COUNTRY = re.compile(r"[A-Z]{2}")


class SimulationError(Exception):
    """A simulated participant tried something Prolific would not let them do. `reason` is
    one of: unknown, invalid, not_active, full, already_took_part, not_eligible, wrong_status."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(text)
        self.reason = reason


def view(person: ParticipantRec) -> dict[str, Any]:
    return {"id": person.id, "country": person.country, "age": person.age,
            "approval_rate": person.approval_rate, "devices": person.devices,
            "attributes": person.attributes}


class Participants:
    def __init__(self, emu: Backend) -> None:
        self.emu = emu

    def create(self, participant_id: str | None = None, *, country: str = "GB", age: int = 30,
               approval_rate: float = 100, devices: Sequence[str] = ("desktop",),
               attributes: dict[str, Any] | None = None) -> str:
        """Adds (or replaces) a participant; returns their ID (made up when not given)."""
        _check_profile(participant_id, country, age, approval_rate, devices, attributes)
        with self.emu.transaction() as db:
            person = ParticipantRec(
                id=participant_id or self.emu.new_id("participant"), country=country, age=age,
                approval_rate=approval_rate, devices=list(devices),
                attributes=dict(attributes or {}), created=self.emu.now())
            PARTICIPANTS.put(db, person)
            return person.id

    def get(self, participant_id: str) -> dict[str, Any]:
        with self.emu.transaction():
            person = self.emu.participant(participant_id)
            if person is None:
                raise SimulationError("unknown", f"no participant {participant_id}")
            return view(person)

    def listed(self) -> list[dict[str, Any]]:
        with self.emu.transaction() as db:
            return [view(person) for person in PARTICIPANTS.where(db)]

    def reserve(self, participant_id: str, study_id: str) -> str:
        """Takes a place in the study; returns the submission ID (the `{{%SESSION_ID%}}`)."""
        with self.emu.transaction() as db:
            time_rules.refresh(self.emu)
            person = self.emu.participant(participant_id)
            study = STUDIES.get(db, study_id)
            if person is None:
                raise SimulationError("unknown", f"no participant {participant_id}")
            if study is None:
                raise SimulationError("unknown", f"no study {study_id}")
            _check_can_reserve(self.emu, study, person)
            now = self.emu.now()
            submission = SubmissionRec(
                id=self.emu.new_id("submission"), study_id=study.id, participant_id=person.id,
                status="RESERVED", reserved_at=now, status_changed=now,
                deadline=now + self.emu.config.reservation_minutes * 60)
            SUBMISSIONS.put(db, submission)
            lifecycle.settle(self.emu, study)
            return submission.id

    def _held(self, submission_id: str, statuses: tuple[str, ...],
              doing: str) -> tuple[SubmissionRec, StudyRec]:
        time_rules.refresh(self.emu)
        submission = SUBMISSIONS.get(self.emu.db, submission_id)
        if submission is None:
            raise SimulationError("unknown", f"no submission {submission_id}")
        if submission.status not in statuses:
            raise SimulationError("wrong_status", f"cannot {doing} submission {submission_id}: "
                                  f"it is {submission.status}, not {' or '.join(statuses)}")
        return submission, self.emu.study_record(submission.study_id)

    def start(self, submission_id: str) -> None:
        """Opens the study; from now `maximum_allowed_time` counts."""
        with self.emu.transaction() as db:
            submission, study = self._held(submission_id, ("RESERVED",), "start")
            now = self.emu.now()
            submission.status, submission.started_at = "ACTIVE", now
            submission.status_changed = now
            submission.deadline = now + study.fields["maximum_allowed_time"] * 60
            SUBMISSIONS.put(db, submission)

    def complete(self, submission_id: str, code: str | None) -> None:
        """Comes back with `code` (None: without one); the code's actions run."""
        with self.emu.transaction():
            submission, study = self._held(submission_id, ("ACTIVE",), "complete")
            entry = outcomes.find_code(study, code, "participant")
            outcomes.complete(self.emu, submission, study, code, entry)

    def give_back(self, submission_id: str) -> None:
        """Returns the submission: the place is free again."""
        with self.emu.transaction():
            submission, study = self._held(
                submission_id, ("RESERVED", "ACTIVE", "AWAITING REVIEW"), "return")
            outcomes.give_back(self.emu, submission, study)

    def take_part(self, study_id: str, code: str | None, participant_id: str | None = None,
                  **profile: Any) -> str:
        """A participant (new unless named) reserves, starts and completes with `code`."""
        with self.emu.transaction():
            person = participant_id or self.create(**profile)
            submission_id = self.reserve(person, study_id)
            self.start(submission_id)
            self.complete(submission_id, code)
            return submission_id


def _check_can_reserve(emu: Backend, study: StudyRec, person: ParticipantRec) -> None:
    if study.status != "ACTIVE":
        raise SimulationError("not_active", f"study {study.id} is {study.status}, not ACTIVE")
    counts = emu.status_counts([study.id])[study.id]
    if sum(counts.get(s, 0) for s in lifecycle.FILLING) >= study.places:
        raise SimulationError("full", f"study {study.id} has no free place "
                              f"({study.places} taken)")
    limits = study.fields["submissions_config"]
    mine = SUBMISSIONS.count(emu.db, "study_id = ? AND participant_id = ?", (study.id, person.id))
    most = limits["max_submissions_per_participant"]
    if most != -1 and mine >= most:
        raise SimulationError("already_took_part", f"participant {person.id} already took part "
                              f"in study {study.id} ({mine} of {most} allowed)")
    concurrent = limits["max_concurrent_submissions"]
    if concurrent != -1 and sum(counts.get(s, 0) for s in lifecycle.IN_PROGRESS) >= concurrent:
        raise SimulationError("full", f"study {study.id} allows {concurrent} participants at a "
                              "time and has that many in progress")
    reason = filters.exclusion(emu, study, person)
    if reason is not None:
        raise SimulationError("not_eligible", f"participant {person.id} is not eligible for "
                              f"study {study.id}: {reason}")


def _check_profile(participant_id: Any, country: Any, age: Any, approval_rate: Any,
                   devices: Any, attributes: Any) -> None:
    def fail(text: str) -> SimulationError:
        return SimulationError("invalid", text)

    if participant_id is not None and (not isinstance(participant_id, str)
                                       or not filters.OBJECT_ID.fullmatch(participant_id)):
        raise fail(f"participant_id must be 24 hexadecimal characters, not {participant_id!r}")
    if not isinstance(country, str) or not COUNTRY.fullmatch(country):
        raise fail(f"country must be two capital letters (ISO 3166-1), not {country!r}")
    if isinstance(age, bool) or not isinstance(age, int) or not 18 <= age <= 120:
        raise fail(f"age must be a whole number from 18 to 120, not {age!r}")
    if (isinstance(approval_rate, bool) or not isinstance(approval_rate, (int, float))
            or not 0 <= approval_rate <= 100):
        raise fail(f"approval_rate must be a number from 0 to 100, not {approval_rate!r}")
    if not isinstance(devices, (list, tuple)) or not all(d in DEVICES for d in devices):
        raise fail(f"devices must be a list drawn from {list(DEVICES)}, not {devices!r}")
    if attributes is not None and not isinstance(attributes, dict):
        raise fail("attributes must map filter IDs to answers")
