"""Workers asking for qualifications: ListQualificationRequests, AcceptQualificationRequest,
RejectQualificationRequest, and the worker's side of it for the simulated workers.

A worker may ask for any Active type of the requester's. An AutoGranted type is granted at
once; a test with an AnswerKey is scored and granted at once; otherwise the request waits,
with the test answers if the type has a test, for the requester to accept or reject it.
"""

from __future__ import annotations

from typing import Any

from deployer.emulators.mturk.answer_key import score
from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.exceptions import RequestError, SimulationError, turk
from deployer.emulators.mturk.forms import Answers, answer_xml, fields_of
from deployer.emulators.mturk.paging import from_list, paginate
from deployer.emulators.mturk.qual_types import custom_type
from deployer.emulators.mturk.records import QualRec, QualRequestRec, QualTypeRec
from deployer.emulators.mturk.schema import QUAL_REQUESTS, QUALS, WORKERS
from deployer.emulators.mturk.validation import Params
from deployer.emulators.mturk.views import qual_request_view

Body = dict[str, Any]


def _request(emu: Backend, request_id: str) -> QualRequestRec:
    found = QUAL_REQUESTS.get(emu.db, request_id)
    if found is None:
        raise turk("QualificationRequestDoesNotExist",
                   f"QualificationRequest {request_id} does not exist.")
    if found.status != "Pending":
        raise turk("InvalidQualificationRequestState",
                   "This operation can be called with a status of: Pending")
    return found


def _submitted(request: QualRequestRec) -> list[Any]:
    return [request.submit_time, request.id]


def list_qualification_requests(emu: Backend, p: Params) -> Body:
    type_id = p.opt_entity("QualificationTypeId")
    if type_id is not None:
        custom_type(emu, type_id)
        found = QUAL_REQUESTS.where(emu.db, "type_id = ? AND status = 'Pending'", (type_id,))
    else:
        found = QUAL_REQUESTS.where(emu.db, "status = 'Pending'")
    page, meta = paginate(emu, p, f"ListQualificationRequests:{type_id}",
                          from_list(found, _submitted), _submitted)
    return {**meta, "QualificationRequests": [qual_request_view(r) for r in page]}


def accept_qualification_request(emu: Backend, p: Params) -> Body:
    request = _request(emu, p.entity("QualificationRequestId"))
    value = p.opt_integer("IntegerValue", -(2**31), 2**31 - 1, 1)
    grant(emu, request.type_id, request.worker_id, value)
    request.status = "Granted"
    QUAL_REQUESTS.put(emu.db, request)
    return {}


def reject_qualification_request(emu: Backend, p: Params) -> Body:
    request = _request(emu, p.entity("QualificationRequestId"))
    request.status, request.reason = "Rejected", p.opt_text("Reason")
    QUAL_REQUESTS.put(emu.db, request)
    return {}


def grant(emu: Backend, type_id: str, worker_id: str, value: int) -> None:
    QUALS.put(emu.db, QualRec(type_id=type_id, worker_id=worker_id, grant_time=emu.now(),
                              value=value))


# --- the worker's side --------------------------------------------------------------------
def ask(emu: Backend, worker_id: str, type_id: str, answers: Answers | None) -> Body:
    """A simulated worker asks for the type (taking its test with `answers`, or answers made
    up from the test's questions): what happened, as the side channel shows it."""
    try:
        kind = custom_type(emu, type_id)
    except RequestError:
        raise SimulationError(f"qualification type {type_id} does not exist") from None
    if kind.status != "Active":
        raise SimulationError(f"qualification type {type_id} is Inactive: workers cannot ask "
                             "for it")
    if WORKERS.get(emu.db, worker_id) is None:
        raise SimulationError(f"unknown worker {worker_id}")
    _check_retry(emu, kind, worker_id)
    if kind.auto_granted:
        value = kind.auto_granted_value if kind.auto_granted_value is not None else 1
        return _granted(emu, kind, worker_id, value, None)
    answer = None
    if kind.test is not None:
        answer = answer_xml(fields_of(kind.test), answers, seed=f"{worker_id}:{type_id}")
        if kind.answer_key is not None:
            return _granted(emu, kind, worker_id, score(kind.answer_key, answer), answer)
    request = QualRequestRec(id=emu.new_id("qualrequest"), type_id=kind.id, worker_id=worker_id,
                             submit_time=emu.now(), test=kind.test, answer=answer)
    QUAL_REQUESTS.put(emu.db, request)
    return {"QualificationRequestId": request.id, "Status": "Pending"}


def _granted(emu: Backend, kind: QualTypeRec, worker_id: str, value: int,
             answer: str | None) -> Body:
    """Granted at once; the request is kept (not listed: it is not pending) for retry rules."""
    request = QualRequestRec(id=emu.new_id("qualrequest"), type_id=kind.id, worker_id=worker_id,
                             submit_time=emu.now(), test=kind.test, answer=answer,
                             status="Granted")
    QUAL_REQUESTS.put(emu.db, request)
    grant(emu, kind.id, worker_id, value)
    return {"QualificationRequestId": request.id, "Status": "Granted", "IntegerValue": value}


def _check_retry(emu: Backend, kind: QualTypeRec, worker_id: str) -> None:
    """Without RetryDelayInSeconds a worker asks once; with it, again after the delay."""
    earlier = QUAL_REQUESTS.where(emu.db, "worker_id = ? AND type_id = ?", (worker_id, kind.id),
                                  order="submit_time DESC, rowid DESC", limit=1)
    if not earlier:
        return
    if earlier[0].status == "Pending":
        raise SimulationError(f"worker {worker_id} already asked for {kind.name!r}; the request "
                             "is waiting for the requester")
    if kind.retry_delay is None:
        raise SimulationError(f"worker {worker_id} already asked for {kind.name!r}, and the type "
                             "allows no retries (it has no RetryDelayInSeconds)")
    again = earlier[0].submit_time + kind.retry_delay
    if emu.now() < again:
        raise SimulationError(f"worker {worker_id} may ask for {kind.name!r} again "
                             f"{round(again - emu.now())} seconds from now")
