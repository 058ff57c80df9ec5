"""Review policies and uploaded files: ListReviewPolicyResultsForHIT, GetFileUploadURL, and the
review policies CreateHIT and CreateHITWithHITType accept.

The emulator records a HIT's review policies but never runs them, so their reports hold no
results or actions (the README's table of choices says so).
"""

from __future__ import annotations

from typing import Any

from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.exceptions import invalid, turk
from deployer.emulators.mturk.schema import ASSIGNMENTS, UPLOADS
from deployer.emulators.mturk.validation import Params

Body = dict[str, Any]
# The policy each level takes (the API reference's "Review Policies").
POLICIES = {"AssignmentReviewPolicy": "ScoreMyKnownAnswers/2011-09-01",
            "HITReviewPolicy": "SimplePlurality/2011-09-01"}
LEVELS = {"Assignment": "AssignmentReviewPolicy", "HIT": "HITReviewPolicy"}
UPLOAD_URL_SECONDS = 60  # how long a GetFileUploadURL answer stays valid
UPLOADS_ROUTE = "/_emulator/uploads/"


def review_policy(p: Params, member: str) -> dict[str, Any] | None:
    """A review policy member of CreateHIT, checked; None when not given."""
    raw = p.raw.get(member)
    if raw is None:
        return None
    if not isinstance(raw, dict) or raw.get("PolicyName") != POLICIES[member]:
        shown = raw.get("PolicyName") if isinstance(raw, dict) else raw
        raise invalid(member, shown, f"{member} takes the policy {POLICIES[member]}.")
    parameters = Params(raw).items("Parameters", 10**6)
    for parameter in parameters:
        if not isinstance(parameter, dict) or not isinstance(parameter.get("Key"), str):
            raise invalid("Parameters", parameter, "Each parameter needs a Key.")
    return {"PolicyName": raw["PolicyName"], "Parameters": parameters}


def list_review_policy_results(emu: Backend, p: Params) -> Body:
    hit = emu.hit(p.entity("HITId"))
    levels = p.items("PolicyLevels", 2) or list(LEVELS)
    for level in levels:
        if level not in LEVELS:
            raise invalid("PolicyLevels", level)
    p.boolean("RetrieveActions", False)
    p.boolean("RetrieveResults", False)
    p.max_results(emu.config.default_page_size)
    p.next_token()
    out: Body = {"HITId": hit.id}
    policies = {"AssignmentReviewPolicy": hit.assignment_policy,
                "HITReviewPolicy": hit.hit_policy}
    for level in dict.fromkeys(levels):
        member = LEVELS[level]
        policy = policies[member]
        if policy is not None:
            out[member] = {"PolicyName": policy["PolicyName"]}  # only the name, as documented
            report = "AssignmentReviewReport" if level == "Assignment" else "HITReviewReport"
            out[report] = {"ReviewResults": [], "ReviewActions": []}
    return out


def get_file_upload_url(emu: Backend, p: Params) -> Body:
    assignment_id = p.entity("AssignmentId")
    question = p.text("QuestionIdentifier", None, 1)
    assignment = ASSIGNMENTS.get(emu.db, assignment_id)
    if assignment is None:
        raise turk("AssignmentDoesNotExist", f"Assignment {assignment_id} does not exist.")
    if assignment.status == "Accepted":
        raise turk("InvalidAssignmentState",
                   "This operation can be called with a status of: Reviewable,Approved,Rejected")
    found = UPLOADS.where(emu.db, "assignment_id = ? AND question_id = ?",
                          (assignment_id, question))
    if not found:
        raise invalid("QuestionIdentifier", question,
                      "The assignment holds no file for this question: only a FileUploadAnswer "
                      "question has one.")
    expires = int(emu.now()) + UPLOAD_URL_SECONDS
    url = f"{emu.base_url}{UPLOADS_ROUTE}{found[0].key}?Expires={expires}"
    return {"FileUploadURL": url}
