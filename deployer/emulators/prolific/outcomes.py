"""What becomes of a submission (reference §6): completion and its code's actions, approval
(which pays), rejection, return and time-out, each followed by the study's own reaction.

Shared by the API (researcher decisions), the side channel (participants) and the time rules.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from deployer.emulators.prolific import money
from deployer.emulators.prolific.backend import Backend
from deployer.emulators.prolific.config import DAY
from deployer.emulators.prolific.lifecycle import settle
from deployer.emulators.prolific.records import MemberRec, StudyRec, SubmissionRec
from deployer.emulators.prolific.schema import MEMBERS, SUBMISSIONS, WORKSPACES

NO_CODE = "NOCODE"


def _moved(emu: Backend, submission: SubmissionRec, status: str) -> None:
    submission.status = status
    submission.status_changed = emu.now()
    if status not in ("RESERVED", "ACTIVE"):
        submission.deadline = None
    if status != "AWAITING REVIEW":
        submission.auto_approve_at = None
    SUBMISSIONS.put(emu.db, submission)


def approve(emu: Backend, submission: SubmissionRec, study: StudyRec) -> None:
    """Pays the reward with its fee and VAT from the funds the study holds."""
    workspace = WORKSPACES.get(emu.db, study.workspace_id)
    assert workspace is not None
    cost = money.cost_of(emu.config, Decimal(study.reward))
    money.charge(emu, workspace, "reward", cost, study.id, submission.id,
                 submission.participant_id)
    _moved(emu, submission, "APPROVED")
    settle(emu, study)


def reject(emu: Backend, submission: SubmissionRec, study: StudyRec, category: str) -> None:
    submission.rejection_category = category
    _moved(emu, submission, "REJECTED")
    settle(emu, study, "reject")


def give_back(emu: Backend, submission: SubmissionRec, study: StudyRec) -> None:
    """The participant returns the submission: the place is free again."""
    _moved(emu, submission, "RETURNED")
    settle(emu, study, "return")


def time_out(emu: Backend, submission: SubmissionRec, study: StudyRec) -> None:
    _moved(emu, submission, "TIMED-OUT")
    settle(emu, study, "timeout")


def find_code(study: StudyRec, code: str | None, actor: str) -> dict[str, Any] | None:
    for entry in study.fields.get("completion_codes") or []:
        if entry.get("code") == code and entry.get("actor", "participant") == actor:
            found: dict[str, Any] = entry
            return found
    return None


def complete(emu: Backend, submission: SubmissionRec, study: StudyRec, code: str | None,
             entry: dict[str, Any] | None) -> None:
    """The submission comes back with `code` (None: no code) and awaits review; when `entry`
    is one of the study's codes, its actions run. An unknown code runs nothing, as when a
    participant returns without a code, and keeps what was typed so it can be reviewed."""
    now = emu.now()
    submission.completed_at = now
    submission.study_code = code if code is not None else NO_CODE
    _moved(emu, submission, "AWAITING REVIEW")
    submission.auto_approve_at = now + emu.config.auto_approve_days * DAY
    SUBMISSIONS.put(emu.db, submission)
    approving = False
    for action in (entry or {}).get("actions", []):
        kind = action["action"]
        group = action.get("participant_group")
        if kind == "ADD_TO_PARTICIPANT_GROUP":
            if MEMBERS.get(emu.db, group, submission.participant_id) is None:
                MEMBERS.put(emu.db, MemberRec(group, submission.participant_id, now))
        elif kind == "REMOVE_FROM_PARTICIPANT_GROUP":
            MEMBERS.delete(emu.db, group, submission.participant_id)
        elif kind == "REQUEST_RETURN":
            submission.return_requested = now
            submission.return_reasons = [str(action.get("return_reason") or "")]
            SUBMISSIONS.put(emu.db, submission)
        elif kind == "AUTOMATICALLY_APPROVE":
            approving = True
    if approving:
        approve(emu, submission, study)
    else:
        settle(emu, study)
