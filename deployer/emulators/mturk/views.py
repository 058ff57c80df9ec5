"""Records -> wire dictionaries, with timestamps as epoch numbers (reference §1.3)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from deployer.emulators.mturk.backend import Backend, Counts
from deployer.emulators.mturk.config import MASTERS_IDS
from deployer.emulators.mturk.records import (
    AssignmentRec,
    BonusRec,
    HitRec,
    HitTypeRec,
    QualRec,
    QualRequestRec,
    QualTypeRec,
)
from deployer.emulators.mturk.requirements import SYSTEM_TYPES

SYSTEM_IDS = frozenset([*SYSTEM_TYPES, *MASTERS_IDS.values()])


def ts(epoch: float) -> float:
    return round(epoch, 3)


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    # The real service omits absent optional members instead of sending null.
    if value is not None:
        out[key] = value


def hit_views(emu: Backend, hits: Sequence[HitRec]) -> list[dict[str, Any]]:
    """A page of HITs, reading each HIT type once and all the counts in one query."""
    counts = emu.counts_of(hits)
    kinds: dict[str, HitTypeRec] = {}
    for hit in hits:
        if hit.type_id not in kinds:
            kinds[hit.type_id] = emu.hit_type(hit)
    return [hit_view(emu, hit, kinds[hit.type_id], counts[hit.id]) for hit in hits]


def hit_view(emu: Backend, hit: HitRec, kind: HitTypeRec | None = None,
             counts: Counts | None = None) -> dict[str, Any]:
    kind = kind or emu.hit_type(hit)
    counts = counts or emu.counts(hit)
    pending, _, available, completed = counts
    out: dict[str, Any] = {
        "HITId": hit.id,
        "HITTypeId": kind.id,
        "HITGroupId": kind.group_id,
        "CreationTime": ts(hit.creation),
        "Title": kind.title,
        "Description": kind.description,
        "Question": hit.question,
        "HITStatus": emu.status(hit, counts),
        "MaxAssignments": hit.max_assignments,
        "Reward": kind.reward,
        "AutoApprovalDelayInSeconds": kind.auto_approval_delay,
        "Expiration": ts(hit.expiration),
        "AssignmentDurationInSeconds": kind.assignment_duration,
        "QualificationRequirements": [dict(r) for r in kind.requirements],
        "HITReviewStatus": "NotReviewed",
        "NumberOfAssignmentsPending": pending,
        "NumberOfAssignmentsAvailable": available,
        "NumberOfAssignmentsCompleted": completed,
    }
    _put(out, "Keywords", kind.keywords)
    _put(out, "RequesterAnnotation", hit.annotation)
    return out


def assignment_view(a: AssignmentRec) -> dict[str, Any]:
    out: dict[str, Any] = {
        "AssignmentId": a.id,
        "WorkerId": a.worker_id,
        "HITId": a.hit_id,
        "AssignmentStatus": a.status,
        "AcceptTime": ts(a.accept_time),
        "Deadline": ts(a.deadline),
        "Answer": a.answer or "",
    }
    for key, value in (("AutoApprovalTime", a.auto_approval_time), ("SubmitTime", a.submit_time),
                       ("ApprovalTime", a.approval_time), ("RejectionTime", a.rejection_time)):
        _put(out, key, None if value is None else ts(value))
    _put(out, "RequesterFeedback", a.feedback)
    return out


def qual_type_view(q: QualTypeRec) -> dict[str, Any]:
    out: dict[str, Any] = {
        "QualificationTypeId": q.id,
        "CreationTime": ts(q.creation),
        "Name": q.name,
        "Description": q.description,
        "QualificationTypeStatus": q.status,
        # Workers can ask for any Active type of a requester's, with or without a test (the
        # model: "False for Qualifications assigned automatically by the system").
        "IsRequestable": q.status == "Active" and q.id not in SYSTEM_IDS,
        "AutoGranted": q.auto_granted,
    }
    for key, value in (("Keywords", q.keywords), ("Test", q.test), ("AnswerKey", q.answer_key),
                       ("TestDurationInSeconds", q.test_duration),
                       ("RetryDelayInSeconds", q.retry_delay),
                       ("AutoGrantedValue", q.auto_granted_value)):
        _put(out, key, value)
    return out


def qual_view(q: QualRec) -> dict[str, Any]:
    return {
        "QualificationTypeId": q.type_id,
        "WorkerId": q.worker_id,
        "GrantTime": ts(q.grant_time),
        "IntegerValue": q.value,
        "Status": q.status,
    }


def bonus_view(b: BonusRec) -> dict[str, Any]:
    return {
        "WorkerId": b.worker_id,
        "BonusAmount": b.amount,
        "AssignmentId": b.assignment_id,
        "Reason": b.reason,
        "GrantTime": ts(b.grant_time),
    }


def qual_request_view(r: QualRequestRec) -> dict[str, Any]:
    out: dict[str, Any] = {
        "QualificationRequestId": r.id,
        "QualificationTypeId": r.type_id,
        "WorkerId": r.worker_id,
        "SubmitTime": ts(r.submit_time),
    }
    _put(out, "Test", r.test)
    _put(out, "Answer", r.answer)
    return out
