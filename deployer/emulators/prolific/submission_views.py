"""Submissions as the wire shows them (reference §6.2). The list form and the detail form name
the same things differently, as Prolific's do: `participant_id`/`study_code` in lists,
`participant`/`entered_code` in the detail."""

from __future__ import annotations

from typing import Any

from deployer.emulators.prolific.records import StudyRec, SubmissionRec
from deployer.emulators.prolific.wire import amount, iso

COMPLETE = ("AWAITING REVIEW", "APPROVED", "REJECTED")
STATUSES = ("ACTIVE", "APPROVED", "AWAITING REVIEW", "REJECTED", "RESERVED", "RETURNED",
            "TIMED-OUT", "PARTIALLY APPROVED", "SCREENED OUT")


def time_taken(submission: SubmissionRec) -> int | None:
    if submission.completed_at is None or submission.started_at is None:
        return None
    return round(submission.completed_at - submission.started_at)


def short(submission: SubmissionRec, study: StudyRec, siblings: bool,
          with_reward: bool) -> dict[str, Any]:
    """A list item. `with_reward`: the per-study list carries the reward in minor units; the
    cross-study list leaves it out, as its unit on Prolific is disputed (reference §1.6)."""
    view: dict[str, Any] = {
        "id": submission.id, "participant_id": submission.participant_id,
        "status": submission.status, "started_at": iso(submission.started_at),
        "completed_at": iso(submission.completed_at), "has_siblings": siblings,
        "study_code": submission.study_code,
        "return_requested": iso(submission.return_requested),
        "is_complete": submission.status in COMPLETE, "time_taken": time_taken(submission),
        "star_awarded": False,
        "bonus_payments": [amount(paid) for paid in submission.bonus_payments],
    }
    if with_reward:
        view["reward"] = study.reward
    return view


def detail(submission: SubmissionRec) -> dict[str, Any]:
    return {
        "id": submission.id, "study_id": submission.study_id,
        "participant": submission.participant_id, "status": submission.status,
        "started_at": iso(submission.started_at), "completed_at": iso(submission.completed_at),
        "entered_code": submission.study_code, "parent_study_id": None,
        "bonus_payments": [amount(paid) for paid in submission.bonus_payments],
        "return_requested": iso(submission.return_requested),
    }
