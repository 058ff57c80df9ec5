"""Simulated workers: the side of MTurk the Requester API cannot drive.

Reached from Python as `emulator.workers` and over HTTP under `/_emulator/...` (see routes.py),
never through the MTurk X-Amz-Target namespace, so code under test cannot come to rely on it.
"""

from __future__ import annotations

import re
from typing import Any

from deployer.emulators.core import ids
from deployer.emulators.mturk import money
from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.eligibility import check_can_accept
from deployer.emulators.mturk.exceptions import SimulationError
from deployer.emulators.mturk.forms import Answers, answer_xml, fields_of
from deployer.emulators.mturk.qual_requests import ask
from deployer.emulators.mturk.records import AssignmentRec, QualRec, UploadRec, WorkerRec
from deployer.emulators.mturk.schema import (
    ASSIGNMENTS,
    EVENTS,
    HITS,
    LEDGER,
    MESSAGES,
    QUAL_TYPES,
    QUALS,
    UPLOADS,
    WORKERS,
)
from deployer.emulators.mturk.time_rules import refresh
from deployer.emulators.mturk.validation import WORKER

COUNTRY = re.compile(r"[A-Za-z]{2}")  # ISO 3166-1 alpha-2
SUBDIVISION = re.compile(r"[A-Za-z0-9]{2}")  # the part of ISO 3166-2 after the dash


class Workers:
    def __init__(self, emu: Backend) -> None:
        self.emu = emu

    def register(
        self,
        worker_id: str | None = None,
        *,
        country: str = "US",
        subdivision: str | None = None,
        adult: bool = False,
        masters: bool = False,
        approved_count: int = 0,
        percent_approved: int = 100,
        qualifications: dict[str, int] | None = None,
    ) -> str:
        """Adds (or replaces) a worker; `qualifications` grants custom types with values."""
        _check_profile(country, subdivision, adult, masters, approved_count, percent_approved)
        grants = _check_grants(qualifications or {})
        with self.emu.transaction() as db:
            if worker_id is None:
                worker_id = ids.worker_id(f"{self.emu.config.seed}:{self.emu.next_count()}")
            if (not isinstance(worker_id, str) or not WORKER.fullmatch(worker_id)
                    or len(worker_id) > 64):
                raise SimulationError(f"{worker_id!r} is not a worker id (A + uppercase/digits)")
            kinds = {t: QUAL_TYPES.get(db, t) for t in grants}
            unknown = [t for t, kind in kinds.items() if kind is None or kind.deleted is not None]
            if unknown:
                raise SimulationError(f"qualification type {unknown[0]} does not exist")
            WORKERS.put(db, WorkerRec(
                id=worker_id, country=country.upper(),
                subdivision=subdivision.upper() if subdivision else None, adult=adult,
                masters=masters, approved_count=approved_count,
                percent_approved=percent_approved))
            for type_id, value in grants.items():
                QUALS.put(db, QualRec(type_id=type_id, worker_id=worker_id,
                                      grant_time=self.emu.now(), value=value))
            return worker_id

    def listed(self) -> list[dict[str, Any]]:
        """Every registered worker, in the order first registered, in the keys of register's
        body (with their granted qualifications)."""
        with self.emu.transaction() as db:
            granted: dict[str, dict[str, int]] = {}
            for qual in QUALS.where(db, "status = 'Granted'", order="grant_time, type_id"):
                granted.setdefault(qual.worker_id, {})[qual.type_id] = qual.value
            return [worker_view(w, granted.get(w.id, {})) for w in WORKERS.where(db)]

    def accept(self, worker_id: str, hit_id: str) -> str:
        with self.emu.transaction() as db:
            emu = self.emu
            refresh(emu)
            worker = WORKERS.get(db, worker_id)
            hit = HITS.get(db, hit_id)
            if worker is None:
                raise SimulationError(f"worker {worker_id} does not exist")
            if hit is None:
                raise SimulationError(f"HIT {hit_id} does not exist")
            check_can_accept(emu, worker, hit)
            now = emu.now()
            duration = emu.hit_type(hit).assignment_duration
            assignment = AssignmentRec(id=emu.new_id("assignment"), hit_id=hit_id,
                                       worker_id=worker_id, accept_time=now,
                                       deadline=now + duration)
            ASSIGNMENTS.put(db, assignment)
            hit.ever_accepted = True
            HITS.put(db, hit)
            return assignment.id

    def held_by(self, worker_id: str, hit_id: str) -> str:
        """The assignment of `hit_id` the worker is working on now."""
        with self.emu.transaction() as db:
            refresh(self.emu)
            found = ASSIGNMENTS.where(db, "hit_id = ? AND worker_id = ? AND status = 'Accepted'",
                                      (hit_id, worker_id))
            if not found:
                raise SimulationError(f"worker {worker_id} is not working on HIT {hit_id} "
                                      "(never accepted, returned, abandoned or submitted)")
            return found[0].id

    def assignment(self, assignment_id: str) -> AssignmentRec:
        """An assignment in any state (a returned or abandoned one leaves no record)."""
        with self.emu.transaction() as db:
            refresh(self.emu)
            found = ASSIGNMENTS.get(db, assignment_id)
            if found is None:
                raise SimulationError(f"assignment {assignment_id} does not exist")
            return found

    def _held(self, assignment_id: str) -> AssignmentRec:
        refresh(self.emu)
        found = ASSIGNMENTS.get(self.emu.db, assignment_id)
        if found is None or found.status != "Accepted":
            raise SimulationError(f"assignment {assignment_id} is not in progress "
                                  "(never accepted, returned, abandoned or already submitted)")
        return found

    def submit(self, assignment_id: str, answers: Answers | None = None) -> str:
        """Submits answers as the question's form would post them (None: answers made up from
        the question's fields); returns the Answer XML."""
        with self.emu.transaction() as db:
            assignment = self._held(assignment_id)
            now = self.emu.now()
            hit = self.emu.hit(assignment.hit_id)

            def upload(question: str, content: str) -> str:
                key = self.emu.new_id("upload")
                UPLOADS.put(db, UploadRec(key, assignment.id, question, content,
                                          len(content.encode("utf-8"))))
                return key

            assignment.answer = answer_xml(fields_of(hit.question), answers, assignment.id,
                                           upload)
            assignment.status = "Submitted"
            assignment.submit_time = now
            assignment.auto_approval_time = now + self.emu.hit_type(hit).auto_approval_delay
            ASSIGNMENTS.put(db, assignment)
            refresh(self.emu)  # a zero auto-approval delay approves on submission
            return assignment.answer

    def return_assignment(self, assignment_id: str) -> None:
        with self.emu.transaction() as db:
            ASSIGNMENTS.delete(db, self._held(assignment_id).id)

    def abandon(self, assignment_id: str) -> None:
        """Like letting the deadline pass: the slot goes back, no record stays."""
        self.return_assignment(assignment_id)

    def ask_qualification(self, worker_id: str, type_id: str,
                          answers: Answers | None = None) -> dict[str, Any]:
        """The worker asks for a qualification type, taking its test if it has one."""
        with self.emu.transaction():
            refresh(self.emu)
            return ask(self.emu, worker_id, type_id, answers)

    def ledger(self) -> dict[str, Any]:
        with self.emu.transaction() as db:
            refresh(self.emu)  # auto-approvals that are due have been paid
            return {
                "Personality": self.emu.config.personality,
                "AvailableBalance": money.balance(self.emu),
                "Entries": [{"Time": e.time, "Kind": e.kind, "AssignmentId": e.assignment_id,
                             "WorkerId": e.worker_id, "Amount": e.amount, "Fee": e.fee,
                             "Balance": e.balance} for e in LEDGER.where(db)],
            }

    def messages(self) -> list[dict[str, Any]]:
        """Every NotifyWorkers e-mail delivered, one per worker, in the order sent."""
        with self.emu.transaction() as db:
            return [{"WorkerId": m.worker_id, "Subject": m.subject, "MessageText": m.text,
                     "SentAt": m.time} for m in MESSAGES.where(db)]

    def events(self) -> list[dict[str, Any]]:
        """Every notification delivered (SendTestEventNotification), in the order sent."""
        with self.emu.transaction() as db:
            return [{"Time": e.time, "Destination": e.destination, "Transport": e.transport,
                     "Version": e.version, "EventType": e.event_type, "Message": e.message}
                    for e in EVENTS.where(db)]


def worker_view(worker: WorkerRec, qualifications: dict[str, int]) -> dict[str, Any]:
    return {"WorkerId": worker.id, "Country": worker.country, "Subdivision": worker.subdivision,
            "Adult": worker.adult, "Masters": worker.masters,
            "NumberHITsApproved": worker.approved_count,
            "PercentAssignmentsApproved": worker.percent_approved,
            "Qualifications": qualifications}


def _check_profile(country: Any, subdivision: Any, adult: Any, masters: Any,
                   approved_count: Any, percent_approved: Any) -> None:
    if not isinstance(country, str) or not COUNTRY.fullmatch(country):
        raise SimulationError(f"Country must be two letters (ISO 3166-1), not {country!r}")
    if subdivision is not None and (not isinstance(subdivision, str)
                                    or not SUBDIVISION.fullmatch(subdivision)):
        raise SimulationError(f"Subdivision must be two letters or digits, not {subdivision!r}")
    for name, flag in (("Adult", adult), ("Masters", masters)):
        if not isinstance(flag, bool):
            raise SimulationError(f"{name} must be true or false, not {flag!r}")
    if not _integer(approved_count) or approved_count < 0:
        raise SimulationError(f"NumberHITsApproved must be a whole number >= 0, "
                              f"not {approved_count!r}")
    if not _integer(percent_approved) or not 0 <= percent_approved <= 100:
        raise SimulationError(f"PercentAssignmentsApproved must be a whole number 0-100, "
                              f"not {percent_approved!r}")


def _check_grants(qualifications: Any) -> dict[str, int]:
    if not isinstance(qualifications, dict):
        raise SimulationError("Qualifications must map qualification type ids to integers")
    for type_id, value in qualifications.items():
        if not isinstance(type_id, str) or not _integer(value):
            raise SimulationError(f"Qualifications: {type_id!r} must map to an integer, "
                                  f"not {value!r}")
    return dict(qualifications)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
