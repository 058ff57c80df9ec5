"""Reviewing submissions (reference §6.3, §6.4): the transition endpoint, return requests and
bulk approval. Decisions are final and a repeated decision is ignored (idempotent)."""

from __future__ import annotations

from typing import Any

from deployer.emulators.prolific import outcomes
from deployer.emulators.prolific.backend import Backend
from deployer.emulators.prolific.errors import Problems, bad, invalid
from deployer.emulators.prolific.records import (
    ApprovalJobRec,
    MessageRec,
    StudyRec,
    SubmissionRec,
)
from deployer.emulators.prolific.router import Answer, Call
from deployer.emulators.prolific.schema import APPROVAL_JOBS, MESSAGES, SUBMISSIONS
from deployer.emulators.prolific.submission_views import detail

CATEGORIES = ("TOO_QUICKLY", "TOO_SLOWLY", "FAILED_INSTRUCTIONS", "INCOMP_LONGITUDINAL",
              "FAILED_CHECK", "LOW_EFFORT", "MALINGERING", "NO_CODE", "BAD_CODE", "NO_DATA",
              "UNSUPP_DEVICE", "OTHER")
ACTIONS = ("APPROVE", "COMPLETE", "REJECT", "RETURN", "START", "SCREEN_OUT", "UNREJECT",
           "UNRETURN")
MODELLED = ("APPROVE", "REJECT", "COMPLETE")
MINIMUM_MESSAGE = 100
BULK_LIMIT = 1000
BULK_ANSWER = "The request to bulk approve has been made successfully."


def transition(call: Call) -> Answer:
    submission, study = call.emu.submission(call.who, call.args["submission_id"])
    body = call.body()
    action = body.get("action")
    if action not in ACTIONS:
        raise invalid("action", f'"{action}" is not a valid choice; choose from '
                                f"{list(ACTIONS)}.")
    if action not in MODELLED:
        raise bad(f"{action} is not available in this emulator; it models "
                  f"{', '.join(MODELLED)}.")
    if action == "APPROVE":
        _approve(call.emu, submission, study)
    elif action == "REJECT":
        _reject(call, submission, study, body)
    else:
        _complete(call.emu, submission, study, body.get("completion_code"))
    return 200, detail(submission)


def _state_error(action: str, submission: SubmissionRec) -> Exception:
    return bad(f"Cannot {action} a submission whose status is {submission.status}.")


def _approve(emu: Backend, submission: SubmissionRec, study: StudyRec) -> None:
    if submission.status == "APPROVED":
        return
    if submission.status != "AWAITING REVIEW":
        raise _state_error("APPROVE", submission)
    outcomes.approve(emu, submission, study)


def _reject(call: Call, submission: SubmissionRec, study: StudyRec,
            body: dict[str, Any]) -> None:
    problems = Problems()
    category, message = body.get("rejection_category"), body.get("message")
    if category not in CATEGORIES:
        problems.add("rejection_category", f"Choose from {list(CATEGORIES)}.")
    if not isinstance(message, str) or len(message.strip()) < MINIMUM_MESSAGE:
        problems.add("message", f"A message of at least {MINIMUM_MESSAGE} characters is "
                                "required; it is sent to the participant.")
    problems.check()
    if submission.status == "REJECTED":
        return
    if submission.status != "AWAITING REVIEW":
        raise _state_error("REJECT", submission)
    outcomes.reject(call.emu, submission, study, str(category))
    MESSAGES.put(call.emu.db, MessageRec(
        id=call.emu.new_id("message"), workspace_id=study.workspace_id,
        sender_id=call.who.user.id, recipient_id=submission.participant_id, study_id=study.id,
        body=str(message), channel="rejection", group_id=None, sent_at=call.emu.now()))


def _complete(emu: Backend, submission: SubmissionRec, study: StudyRec, code: Any) -> None:
    entry = outcomes.find_code(study, code, "researcher") if isinstance(code, str) else None
    if entry is None:
        raise invalid("completion_code", "Give one of the study's researcher completion codes.")
    if submission.status == "AWAITING REVIEW" and submission.study_code == code:
        return
    if submission.status not in ("ACTIVE", "AWAITING REVIEW"):
        raise _state_error("COMPLETE", submission)
    outcomes.complete(emu, submission, study, code, entry)


def request_return(call: Call) -> Answer:
    submission, _ = call.emu.submission(call.who, call.args["submission_id"])
    reasons = call.body().get("request_return_reasons")
    if not isinstance(reasons, list) or not reasons or not all(
            isinstance(r, str) and r.strip() for r in reasons):
        raise invalid("request_return_reasons", "A non-empty list of reasons is required.")
    if submission.status not in ("ACTIVE", "AWAITING REVIEW"):
        raise _state_error("request a return of", submission)
    submission.return_requested = call.emu.now()
    submission.return_reasons = list(reasons)
    SUBMISSIONS.put(call.emu.db, submission)
    shown = detail(submission)
    return 200, {k: shown[k] for k in ("id", "status", "participant", "return_requested")}


def bulk_approve(call: Call) -> Answer:
    """Queued like Prolific's (asynchronous); applied after `bulk_approve_seconds`, at once
    when that is 0. Submissions not awaiting review when it applies are left as they are."""
    body = call.body()
    ids = _bulk_targets(call, body)
    job = ApprovalJobRec(id=call.emu.new_id("bulk-approve"),
                         workspace_ids=sorted(call.who.workspaces), submission_ids=ids,
                         requested=call.emu.now(),
                         due=call.emu.now() + call.emu.config.bulk_approve_seconds)
    APPROVAL_JOBS.put(call.emu.db, job)
    if call.emu.config.bulk_approve_seconds <= 0:
        run_bulk_approval(call.emu, job)
    return 200, BULK_ANSWER


def _bulk_targets(call: Call, body: dict[str, Any]) -> list[str]:
    given = "submission_ids" in body, "participant_ids" in body or "study_id" in body
    if given[0] == given[1]:
        raise bad("Send either submission_ids, or study_id with participant_ids.")
    name = "submission_ids" if given[0] else "participant_ids"
    values = body.get(name)
    if not isinstance(values, list) or not values or not all(isinstance(v, str)
                                                            for v in values):
        raise invalid(name, "A non-empty list of IDs is required.")
    if len(values) > BULK_LIMIT:
        raise invalid(name, f"At most {BULK_LIMIT} IDs per request.")
    if given[0]:
        return list(values)
    if not isinstance(body.get("study_id"), str):
        raise invalid("study_id", "This field is required with participant_ids.")
    study = call.emu.study(call.who, body["study_id"])
    wanted = set(values)
    return [s.id for s in call.emu.submissions_of(study.id) if s.participant_id in wanted]


def run_bulk_approval(emu: Backend, job: ApprovalJobRec) -> None:
    for submission_id in job.submission_ids:
        submission = SUBMISSIONS.get(emu.db, submission_id)
        if submission is None or submission.status != "AWAITING REVIEW":
            continue
        study = emu.study_record(submission.study_id)
        if study.workspace_id in job.workspace_ids:
            outcomes.approve(emu, submission, study)
    job.done = True
    APPROVAL_JOBS.put(emu.db, job)
