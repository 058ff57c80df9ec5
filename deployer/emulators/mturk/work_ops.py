"""Results and money: ListAssignmentsForHIT, GetAssignment, ApproveAssignment, RejectAssignment,
SendBonus, ListBonusPayments, GetAccountBalance (reference §2.12-2.18, §6)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from deployer.emulators.mturk import money
from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.config import DAY
from deployer.emulators.mturk.exceptions import RequestError, invalid, turk
from deployer.emulators.mturk.fees import bonus_commission
from deployer.emulators.mturk.paging import from_list, paginate
from deployer.emulators.mturk.records import AssignmentRec, BonusRec
from deployer.emulators.mturk.schema import ASSIGNMENTS, BONUSES, WORKERS
from deployer.emulators.mturk.validation import Params
from deployer.emulators.mturk.views import assignment_view, bonus_view, hit_view

Body = dict[str, Any]
STATUSES = ("Submitted", "Approved", "Rejected")
OVERRIDE_WINDOW = 30 * DAY
BONUS_WINDOW = 183 * DAY


def _assignment(emu: Backend, assignment_id: str) -> AssignmentRec:
    found = ASSIGNMENTS.get(emu.db, assignment_id)
    if found is None:
        raise turk("AssignmentDoesNotExist", f"Assignment {assignment_id} does not exist.")
    return found


def _submitted_key(assignment: AssignmentRec) -> list[Any]:
    return [assignment.submit_time or 0.0, assignment.id]


def _state_error(allowed: str) -> RequestError:
    text = f"This operation can be called with a status of: {allowed}"
    return turk("InvalidAssignmentState", text)


def list_assignments(emu: Backend, p: Params) -> Body:
    hit = emu.hit(p.entity("HITId"))
    raw = p.items("AssignmentStatuses", 10**6)  # the model sets no limit; repeats are harmless
    for status in raw:
        if status not in STATUSES:
            raise invalid("AssignmentStatuses", status)
    wanted = set(raw or STATUSES)
    # Only submitted work is visible to the requester (reference §2.12).
    found = [a for a in emu.assignments_of(hit.id) if a.status in wanted]
    query = f"ListAssignmentsForHIT:{hit.id}:{sorted(wanted)}"
    key = _submitted_key
    page, meta = paginate(emu, p, query, from_list(found, key), key)
    return {**meta, "Assignments": [assignment_view(a) for a in page]}


def get_assignment(emu: Backend, p: Params) -> Body:
    assignment = _assignment(emu, p.entity("AssignmentId"))
    if assignment.status == "Accepted":
        raise _state_error("Reviewable,Approved,Rejected")
    hit = emu.hit(assignment.hit_id)
    return {"Assignment": assignment_view(assignment), "HIT": hit_view(emu, hit)}


def approve_assignment(emu: Backend, p: Params) -> Body:
    assignment = _assignment(emu, p.entity("AssignmentId"))
    feedback = p.feedback() if p.has("RequesterFeedback") else None
    override = p.boolean("OverrideRejection", False)
    now = emu.now()
    recent = (assignment.submit_time or 0.0) + OVERRIDE_WINDOW > now
    if not (assignment.status == "Submitted"
            or (override and assignment.status == "Rejected" and recent)):
        raise _state_error("Submitted")
    money.approve(emu, assignment, now, feedback)
    return {}


def reject_assignment(emu: Backend, p: Params) -> Body:
    assignment = _assignment(emu, p.entity("AssignmentId"))
    feedback = p.feedback()
    if assignment.status != "Submitted":
        raise _state_error("Submitted")
    assignment.status = "Rejected"
    assignment.rejection_time = emu.now()
    assignment.feedback = feedback
    ASSIGNMENTS.put(emu.db, assignment)
    return {}


def send_bonus(emu: Backend, p: Params) -> Body:
    worker_id = p.worker()
    amount = Decimal(p.money("BonusAmount"))
    assignment_id = p.entity("AssignmentId")
    reason = p.text("Reason", None, 1)
    token = p.token()
    if WORKERS.get(emu.db, worker_id) is None:
        raise invalid("WorkerId", worker_id)
    if amount <= 0:
        raise invalid("BonusAmount", p.raw["BonusAmount"])
    original = emu.recall("bonus", token)
    if original is not None:
        raise turk("DuplicateRequest",
                   f'The request with UniqueRequestToken "{token}" was already processed '
                   f"as request {original}.")
    assignment = _assignment(emu, assignment_id)
    if assignment.worker_id != worker_id or assignment.status == "Accepted":
        raise RequestError(f"Worker {worker_id} has not submitted assignment {assignment_id}.")
    if (assignment.submit_time or 0.0) + BONUS_WINDOW < emu.now():
        raise RequestError("A bonus can only be paid for work submitted in the last six months.")
    money.charge(emu, "bonus", assignment, amount, bonus_commission(amount))
    BONUSES.put(emu.db, BonusRec(
        worker_id=worker_id, amount=f"{amount:.2f}", assignment_id=assignment_id,
        hit_id=assignment.hit_id, reason=reason, grant_time=emu.now()))
    emu.remember("bonus", token, emu.request_id)
    return {}


def list_bonus_payments(emu: Backend, p: Params) -> Body:
    hit_id, assignment_id = p.opt_entity("HITId"), p.opt_entity("AssignmentId")
    if (hit_id is None) == (assignment_id is None):
        raise invalid("HITId", hit_id, "Give exactly one of HITId or AssignmentId.")
    if hit_id is not None:
        emu.hit(hit_id)
        found = BONUSES.where(emu.db, "hit_id = ?", (hit_id,))
    else:
        _assignment(emu, str(assignment_id))
        found = BONUSES.where(emu.db, "assignment_id = ?", (assignment_id,))
    indexed = list(enumerate(found))  # in the order they were paid, for equal grant times

    def key(pair: tuple[int, BonusRec]) -> list[Any]:
        return [pair[1].grant_time, pair[0]]

    page, meta = paginate(emu, p, f"ListBonusPayments:{hit_id}:{assignment_id}",
                          from_list(indexed, key), key)
    return {**meta, "BonusPayments": [bonus_view(b) for _, b in page]}


def get_account_balance(emu: Backend, p: Params) -> Body:
    return {"AvailableBalance": money.balance(emu)}
