"""MTurk's wire shapes <-> our values: request parameters out, ObservedHit in.

Plain dict work with no client, so the adapter (mturk.py) keeps to calls and errors.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from deployer.core.results import Submission
from deployer.providers.mturk.api.answers import cell, parse_answers
from deployer.providers.mturk.observed import (
    ObservedAssignment,
    ObservedHit,
    ObservedQualificationType,
)
from deployer.providers.mturk.plan.payloads import HitType, QualificationType
from deployer.providers.mturk.records import RecordedHit
from deployer.providers.mturk.study import Locale, Notification, Requirement


def hit_type_params(hit_type: HitType) -> dict[str, Any]:
    return {
        "Title": hit_type.title,
        "Description": hit_type.description,
        "Keywords": hit_type.keywords,
        "Reward": hit_type.reward,
        "AssignmentDurationInSeconds": hit_type.assignment_duration,
        "AutoApprovalDelayInSeconds": hit_type.auto_approval_delay,
        "QualificationRequirements": [requirement_params(q) for q in hit_type.qualifications],
    }


def qualification_params(spec: QualificationType) -> dict[str, Any]:
    """UpdateQualificationType's members besides the ID and status (CreateQualificationType
    takes Name and Keywords too: Name and Keywords never change)."""
    params: dict[str, Any] = {"Description": spec.description, "AutoGranted": spec.auto_granted}
    if spec.auto_granted:
        params["AutoGrantedValue"] = spec.auto_granted_value or 1
    if spec.retry_delay is not None:
        params["RetryDelayInSeconds"] = spec.retry_delay
    return params


def observed_type(raw: dict[str, Any]) -> ObservedQualificationType:
    return ObservedQualificationType(
        type_id=raw["QualificationTypeId"], title=raw["Name"],
        description=raw.get("Description", ""), keywords=raw.get("Keywords", ""),
        status=raw.get("QualificationTypeStatus", "Active"),
        auto_granted=bool(raw.get("AutoGranted", False)),
        auto_granted_value=raw.get("AutoGrantedValue") if raw.get("AutoGranted") else None,
        retry_delay=raw.get("RetryDelayInSeconds"),
    )


def requirement_params(requirement: Requirement) -> dict[str, Any]:
    params: dict[str, Any] = {
        "QualificationTypeId": requirement.type_id,
        "Comparator": requirement.comparator,
        "ActionsGuarded": requirement.actions_guarded,
    }
    if requirement.integer_values:
        params["IntegerValues"] = list(requirement.integer_values)
    if requirement.locale_values:
        params["LocaleValues"] = [_locale_params(loc) for loc in requirement.locale_values]
    return params


def _locale_params(locale: Locale) -> dict[str, str]:
    if locale.subdivision:
        return {"Country": locale.country, "Subdivision": locale.subdivision}
    return {"Country": locale.country}


def requirement(raw: dict[str, Any]) -> Requirement:
    """A QualificationRequirement as MTurk echoes it, normalised like the study's."""
    guarded = raw.get("ActionsGuarded") or (
        "PreviewAndAccept" if raw.get("RequiredToPreview") else "Accept"
    )
    return Requirement(
        type_id=raw["QualificationTypeId"],
        comparator=raw["Comparator"],
        integer_values=tuple(raw.get("IntegerValues", ())),
        locale_values=tuple(
            Locale(loc["Country"], loc.get("Subdivision")) for loc in raw.get("LocaleValues", ())
        ),
        actions_guarded=guarded,
    )


def observed_hit(raw: dict[str, Any]) -> ObservedHit:
    return ObservedHit(
        hit_id=raw["HITId"],
        hit_type_id=raw["HITTypeId"],
        hit_group_id=raw.get("HITGroupId", ""),
        status=raw["HITStatus"],
        annotation=raw.get("RequesterAnnotation", ""),
        title=raw["Title"],
        description=raw["Description"],
        keywords=raw.get("Keywords", ""),
        reward=raw["Reward"],
        assignment_duration=int(raw["AssignmentDurationInSeconds"]),
        auto_approval_delay=int(raw["AutoApprovalDelayInSeconds"]),
        qualifications=tuple(requirement(q) for q in raw.get("QualificationRequirements", [])),
        question=raw.get("Question", ""),
        max_assignments=int(raw["MaxAssignments"]),
        available=int(raw["NumberOfAssignmentsAvailable"]),
        pending=int(raw["NumberOfAssignmentsPending"]),
        completed=int(raw["NumberOfAssignmentsCompleted"]),
        created_at=_utc(raw["CreationTime"]),
        expires_at=_utc(raw["Expiration"]),
    )


def observed_assignment(raw: dict[str, Any]) -> ObservedAssignment:
    return ObservedAssignment(
        assignment_id=raw["AssignmentId"],
        hit_id=raw["HITId"],
        worker_id=raw["WorkerId"],
        status=raw["AssignmentStatus"],
        submitted_at=_maybe_utc(raw.get("SubmitTime")),
        auto_approval_at=_maybe_utc(raw.get("AutoApprovalTime")),
        reviewed_at=_maybe_utc(raw.get("ApprovalTime") or raw.get("RejectionTime")),
    )


def submission(raw: dict[str, Any], record: RecordedHit) -> Submission:
    """An assignment as the results and the review see it."""
    answers = parse_answers(raw.get("Answer") or "", raw["AssignmentId"])
    reviewed = raw.get("ApprovalTime") or raw.get("RejectionTime")
    return Submission(
        study=record.study,
        batch=record.address.split("/", 1)[1],
        generation=record.generation,
        object_id=raw["HITId"],
        submission_id=raw["AssignmentId"],
        worker=raw["WorkerId"],
        status=raw["AssignmentStatus"],
        accepted_at=_maybe_utc(raw.get("AcceptTime")),
        submitted_at=_maybe_utc(raw.get("SubmitTime")),
        auto_approval_at=_maybe_utc(raw.get("AutoApprovalTime")),
        reviewed_at=_maybe_utc(reviewed),
        feedback=raw.get("RequesterFeedback") or "",
        answers=answers,
        cells={field: cell(value) for field, value in answers.items()},
    )


def _maybe_utc(value: datetime | None) -> datetime | None:
    return None if value is None else _utc(value)


def _utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


def notification_params(spec: Notification) -> dict[str, Any]:
    """A NotificationSpecification as UpdateNotificationSettings and the test event take it."""
    return {"Destination": spec.destination, "Transport": spec.transport,
            "Version": spec.version, "EventTypes": list(spec.events)}
