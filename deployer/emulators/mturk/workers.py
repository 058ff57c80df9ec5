"""Simulated workers: the side of MTurk the Requester API cannot drive.

Reached from Python as `emulator.workers` and over HTTP under `/_emulator/...` (see routes.py),
never through the MTurk X-Amz-Target namespace, so code under test cannot come to rely on it.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from deployer.emulators.core import ids
from deployer.emulators.mturk import money
from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.questions import answer_xml
from deployer.emulators.mturk.records import AssignmentRec, HitRec, QualRec, WorkerRec
from deployer.emulators.mturk.requirements import satisfies
from deployer.emulators.mturk.schema import (
    ASSIGNMENTS,
    BLOCKS,
    HITS,
    LEDGER,
    QUAL_TYPES,
    QUALS,
    WORKERS,
)
from deployer.emulators.mturk.time_rules import refresh
from deployer.emulators.mturk.validation import WORKER

COUNTRY = re.compile(r"[A-Za-z]{2}")  # ISO 3166-1 alpha-2
SUBDIVISION = re.compile(r"[A-Za-z0-9]{2}")  # the part of ISO 3166-2 after the dash


class SimulationError(Exception):
    """A simulated worker tried something MTurk would not let a worker do."""


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
            unknown = [t for t in grants if QUAL_TYPES.get(db, t) is None]
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

    def accept(self, worker_id: str, hit_id: str) -> str:
        with self.emu.transaction() as db:
            emu = self.emu
            refresh(emu)
            worker = WORKERS.get(db, worker_id)
            hit = HITS.get(db, hit_id)
            if worker is None or hit is None:
                raise SimulationError(f"unknown {'worker' if worker is None else 'HIT'}")
            _check_can_accept(emu, worker, hit)
            now = emu.now()
            duration = emu.hit_type(hit).assignment_duration
            assignment = AssignmentRec(id=emu.new_id("assignment"), hit_id=hit_id,
                                       worker_id=worker_id, accept_time=now,
                                       deadline=now + duration)
            ASSIGNMENTS.put(db, assignment)
            hit.ever_accepted = True
            HITS.put(db, hit)
            return assignment.id

    def _held(self, assignment_id: str) -> AssignmentRec:
        refresh(self.emu)
        found = ASSIGNMENTS.get(self.emu.db, assignment_id)
        if found is None or found.status != "Accepted":
            raise SimulationError(f"assignment {assignment_id} is not in progress "
                                  "(never accepted, returned, abandoned or already submitted)")
        return found

    def submit(self, assignment_id: str, answers: dict[str, str] | None = None) -> str:
        """Submits form fields as the ExternalQuestion/HTMLQuestion form would; returns the XML."""
        with self.emu.transaction() as db:
            assignment = self._held(assignment_id)
            now = self.emu.now()
            hit = self.emu.hit(assignment.hit_id)
            assignment.status = "Submitted"
            assignment.submit_time = now
            assignment.auto_approval_time = now + self.emu.hit_type(hit).auto_approval_delay
            assignment.answer = answer_xml({str(k): str(v) for k, v in (answers or {}).items()})
            ASSIGNMENTS.put(db, assignment)
            refresh(self.emu)  # a zero auto-approval delay approves on submission
            return assignment.answer

    def return_assignment(self, assignment_id: str) -> None:
        with self.emu.transaction() as db:
            ASSIGNMENTS.delete(db, self._held(assignment_id).id)

    def abandon(self, assignment_id: str) -> None:
        """Like letting the deadline pass: the slot goes back, no record stays."""
        self.return_assignment(assignment_id)

    def ledger(self) -> dict[str, Any]:
        with self.emu.transaction() as db:
            refresh(self.emu)  # auto-approvals that are due have been paid
            return {
                "Personality": self.emu.config.personality,
                "AvailableBalance": money.balance(self.emu),
                "Entries": [asdict(entry) for entry in LEDGER.where(db)],
            }

    def listed(self) -> list[dict[str, Any]]:
        """Every registered worker, in the order they were first registered."""
        with self.emu.transaction() as db:
            return [asdict(worker) for worker in WORKERS.where(db)]


def _check_can_accept(emu: Backend, worker: WorkerRec, hit: HitRec) -> None:
    if BLOCKS.get(emu.db, worker.id) is not None:
        raise SimulationError(f"worker {worker.id} is blocked")
    if emu.status(hit) != "Assignable":
        raise SimulationError(f"HIT {hit.id} is {emu.status(hit)}, not Assignable")
    if emu.db.execute("SELECT 1 FROM assignments WHERE hit_id = ? AND worker_id = ?",
                      (hit.id, worker.id)).fetchone():
        raise SimulationError("a worker can hold only one assignment per HIT")
    failed = [r["QualificationTypeId"] for r in emu.hit_type(hit).requirements
              if not satisfies(emu, worker, r)]
    if failed:
        raise SimulationError(f"worker does not meet the requirements: {failed}")


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
