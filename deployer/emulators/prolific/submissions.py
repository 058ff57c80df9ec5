"""Reading submissions (reference §6.2): per study, across studies with filters, one by one,
and counted by status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from deployer.emulators.prolific import submission_views
from deployer.emulators.prolific.errors import invalid
from deployer.emulators.prolific.records import StudyRec, SubmissionRec
from deployer.emulators.prolific.router import Answer, Call
from deployer.emulators.prolific.submission_views import COMPLETE, STATUSES
from deployer.emulators.prolific.wire import flag

Key = Callable[[SubmissionRec], Any]
STUDY_ORDERINGS: dict[str, Key] = {
    "started_at": lambda s: s.started_at or 0.0,
    "completed_at": lambda s: s.completed_at or 0.0,
    "status": lambda s: s.status, "participant_id": lambda s: s.participant_id,
    "study_code": lambda s: s.study_code or "",
    "time_taken": lambda s: submission_views.time_taken(s) or 0,
}
ALL_ORDERINGS: dict[str, Key] = {
    "started_at": STUDY_ORDERINGS["started_at"],
    "submission_reward": lambda s: 0,  # one study: one reward
    "study_name": lambda s: 0,  # one study: one name
}
BOOLEAN_FILTERS: dict[str, Callable[[SubmissionRec], bool]] = {
    "completed": lambda s: s.status in COMPLETE,
    "returned": lambda s: s.status == "RETURNED",
    "awaiting_review": lambda s: s.status == "AWAITING REVIEW",
    "approved": lambda s: s.status == "APPROVED",
    "active": lambda s: s.status == "ACTIVE",
    "timeout": lambda s: s.status == "TIMED-OUT",
    "rejected": lambda s: s.status == "REJECTED",
    "screened_out": lambda s: s.status == "SCREENED OUT",
    "completeoractive": lambda s: s.status in (*COMPLETE, "ACTIVE"),
}


def _ordered(call: Call, items: list[SubmissionRec],
             orderings: dict[str, Key]) -> list[SubmissionRec]:
    ordering = call.param("ordering")
    if ordering is None:
        return items
    name = ordering.lstrip("-")
    if name not in orderings:
        raise invalid("ordering", f"Choose from {sorted(orderings)}, optionally with '-'.")
    return sorted(items, key=orderings[name], reverse=ordering.startswith("-"))


def _page(call: Call, study: StudyRec, items: list[SubmissionRec],
          with_reward: bool) -> Answer:
    per_participant: dict[str, int] = {}
    for item in call.emu.submissions_of(study.id):
        per_participant[item.participant_id] = per_participant.get(item.participant_id, 0) + 1
    page = call.page(items)
    page["results"] = [submission_views.short(s, study, per_participant[s.participant_id] > 1,
                                              with_reward) for s in page["results"]]
    return 200, page


def of_study(call: Call) -> Answer:
    """GET /studies/{id}/submissions/"""
    study = call.emu.study(call.who, call.args["study_id"])
    items = _ordered(call, call.emu.submissions_of(study.id), STUDY_ORDERINGS)
    return _page(call, study, items, True)


def listing(call: Call) -> Answer:
    """GET /submissions/?study=<id> (the study is required in the 2026 spec)."""
    study_id = call.param("study")
    if not study_id:
        raise invalid("study", "This field is required.")
    study = call.emu.study(call.who, study_id)
    items = [s for s in call.emu.submissions_of(study.id) if _kept(call, s)]
    return _page(call, study, _ordered(call, items, ALL_ORDERINGS), False)


def _kept(call: Call, submission: SubmissionRec) -> bool:
    status = call.param("status")
    if status is not None:
        wanted = status.strip().upper().replace("_", " ")
        wanted = "TIMED-OUT" if wanted in ("TIMED-OUT", "TIMED OUT") else wanted
        if wanted not in (*STATUSES, "UNKNOWN"):
            raise invalid("status", f'"{status}" is not a valid choice.')
        if submission.status != wanted:
            return False
    for name, test in BOOLEAN_FILTERS.items():
        text = call.param(name)
        if text is not None and flag(text, name) != test(submission):
            return False
    return True


def get(call: Call) -> Answer:
    submission, _ = call.emu.submission(call.who, call.args["submission_id"])
    return 200, submission_views.detail(submission)


def counts(call: Call) -> Answer:
    study = call.emu.study(call.who, call.args["study_id"])
    found = call.emu.status_counts([study.id])[study.id]
    answer = {status: found.get(status, 0) for status in STATUSES}
    answer["TOTAL"] = sum(found.values())
    return 200, answer
