"""Carrying out changes to who may work: qualification types, grants, revocations, blocks.

Each is safe to repeat: a type is recorded as pending before CreateQualificationType and found
again by its title after a crash; a grant or block repeated changes nothing; a revocation or
block lifted twice is done. Workers deploy knows only by pseudonym are found among those MTurk
lists, so no raw worker ID is kept where a file could hold it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from deployer.core.errors import DeployError
from deployer.core.provider import Clock, Recorder, Report
from deployer.providers.mturk.api.client import MTurk
from deployer.providers.mturk.plan.payloads import (
    AdoptQualification,
    BlockWorker,
    CreateQualification,
    DisposeQualification,
    Grant,
    HitType,
    NewHit,
    Payload,
    Revoke,
    Unblock,
    UpdateQualification,
)
from deployer.providers.mturk.records import RecordedBlock, RecordedQualificationType
from deployer.providers.mturk.study import MANAGED


class PeopleSteps:
    def __init__(self, mturk: MTurk, recorder: Recorder, clock: Clock, report: Report) -> None:
        self.mturk = mturk
        self.recorder = recorder
        self.clock = clock
        self.report = report

    def run(self, payload: Payload) -> None:
        match payload:
            case CreateQualification(name=name, spec=spec):
                pending = RecordedQualificationType(name, spec.title, "pending")
                self.recorder.put(pending)
                type_id = self.mturk.create_qualification_type(spec)
                self.recorder.put(replace(pending, status="live", type_id=type_id,
                                          created_at=self.clock()))
                self.report(f"{payload.address}: created qualification type {type_id}")
            case UpdateQualification(type_id=type_id, spec=spec):
                self.mturk.update_qualification_type(type_id, spec)
                self.report(f"{payload.address}: qualification type {type_id} updated")
            case AdoptQualification(name=name, title=title, type_id=type_id):
                self.recorder.put(RecordedQualificationType(name, title, "live", type_id,
                                                            self.clock()))
                self.report(f"{payload.address}: adopted qualification type {type_id}")
            case DisposeQualification(name=name, type_id=type_id):
                self.mturk.delete_qualification_type(type_id)
                self.recorder.update(RecordedQualificationType, (name,), status="disposed")
                self.report(f"{payload.address}: qualification type {type_id} disposed of")
            case Grant():
                self.grant(payload)
            case Revoke(name=name, worker=who):
                type_id = type_of(name, self.recorder)
                worker = self._named(who, self.mturk.workers_with(type_id))
                if worker is not None:
                    self.mturk.revoke(type_id, worker, "No longer on the list for this study.")
                self.report(f"{payload.address}: revoked")
            case BlockWorker(worker=worker, reason=reason):
                self.mturk.block(worker, reason)
                self.recorder.put(RecordedBlock(self.recorder.pseudonym(worker)))
                self.report(f"{payload.address}: blocked")
            case Unblock(worker=who):
                worker = self._named(who, self.mturk.blocks())
                if worker is not None:
                    self.mturk.unblock(worker, "Removed from the blocked list.")
                self.recorder.put(RecordedBlock(who, "lifted"))
                self.report(f"{payload.address}: block lifted")

    def grant(self, payload: Grant) -> None:
        type_id = type_of(payload.name, self.recorder)
        worker = payload.worker
        if worker is None:
            worker = str(self.mturk.assignment(payload.assignment_id or "")["WorkerId"])
        self.mturk.grant(type_id, worker, payload.value)
        self.report(f"{payload.address}: granted (value {payload.value})")

    def _named(self, who: str, workers: Iterable[str]) -> str | None:
        return next((w for w in workers if self.recorder.pseudonym(w) == who), None)


def type_of(name: str, recorder: Recorder) -> str:
    """The ID of a type deploy manages, as this apply recorded it (created in stage 0)."""
    found = recorder.find(RecordedQualificationType,
                          lambda r: r.name == name and r.status == "live")
    if found is None or found.type_id is None:
        raise DeployError(f"qualification type {name} does not exist yet (its creation "
                          "failed above): fix that, then run `deploy apply` again")
    return found.type_id


def resolved_type(hit_type: HitType, recorder: Recorder) -> HitType:
    """The HIT type with every type deploy manages named by its ID in this environment."""
    wanted = tuple(replace(q, type_id=type_of(q.type_id, recorder))
                   if q.type_id.startswith(MANAGED) else q for q in hit_type.qualifications)
    return replace(hit_type, qualifications=wanted)


def resolved(hit: NewHit, recorder: Recorder) -> NewHit:
    return replace(hit, hit_type=resolved_type(hit.hit_type, recorder))
