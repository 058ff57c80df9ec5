"""Qualifications, blocks and notifications (reference §2.19-2.27)."""

from __future__ import annotations

from typing import Any

from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.exceptions import RequestError, invalid, turk
from deployer.emulators.mturk.paging import from_list, paginate
from deployer.emulators.mturk.questions import check_test
from deployer.emulators.mturk.records import BlockRec, QualRec, QualTypeRec
from deployer.emulators.mturk.requirements import SYSTEM_TYPES
from deployer.emulators.mturk.schema import BLOCKS, QUAL_TYPES, QUALS, TYPES, WORKERS
from deployer.emulators.mturk.validation import WORKER, Params
from deployer.emulators.mturk.views import qual_type_view, qual_view

Body = dict[str, Any]
EVENTS = ("AssignmentAccepted", "AssignmentAbandoned", "AssignmentReturned",
          "AssignmentSubmitted", "AssignmentRejected", "AssignmentApproved", "HITCreated",
          "HITExpired", "HITReviewable", "HITExtended", "HITDisposed")
# The model's documentation names only 2006-05-05, but MTurk also took 2014-08-15 (the README's
# table of choices gives the evidence); what was sent is stored and echoed in deliveries.
NOTIFICATION_VERSIONS = ("2006-05-05", "2014-08-15")
MAX_XML = 65_535


def _created(kind: QualTypeRec) -> list[Any]:
    return [kind.creation, kind.id]


def _system_type(emu: Backend, type_id: str) -> QualTypeRec | None:
    name = SYSTEM_TYPES.get(type_id) or ("Masters" if type_id == emu.masters_id else None)
    if name is None:
        return None
    return QualTypeRec(id=type_id, name=name, description=f"The system qualification {name}.",
                       keywords=None, status="Active", creation=0.0)


def _qual_type(emu: Backend, type_id: str) -> QualTypeRec:
    found = QUAL_TYPES.get(emu.db, type_id) or _system_type(emu, type_id)
    if found is None:
        raise turk("QualificationTypeDoesNotExist",
                   f"QualificationType {type_id} does not exist.")
    return found


def _xml(p: Params, name: str) -> str | None:
    value = p.opt_text(name)
    if value is not None and len(value.encode("utf-8")) > MAX_XML:
        raise invalid(name, "<too long>", f"{name} must be at most 65535 bytes.")
    return value


def create_qualification_type(emu: Backend, p: Params) -> Body:
    name = p.text("Name", None, 1)
    rec = QualTypeRec(
        id="", name=name, description=p.text("Description", 2000, 1),
        keywords=p.opt_text("Keywords", 1000),
        status=p.enum("QualificationTypeStatus", ("Active", "Inactive")), creation=emu.now(),
        retry_delay=p.opt_integer("RetryDelayInSeconds", 0, 2**62, 0) if p.has(
            "RetryDelayInSeconds") else None,
        test=_xml(p, "Test"), answer_key=_xml(p, "AnswerKey"),
        test_duration=p.integer("TestDurationInSeconds", 1, 2**62) if p.has(
            "TestDurationInSeconds") else None,
        auto_granted=p.boolean("AutoGranted", False),
    )
    if rec.test is not None:
        check_test(rec.test)
    if rec.test is not None and rec.test_duration is None:
        raise invalid("TestDurationInSeconds", None, "A Test needs TestDurationInSeconds.")
    if rec.test is not None and rec.auto_granted:
        raise invalid("AutoGranted", True, "AutoGranted cannot be combined with a Test.")
    if rec.auto_granted:
        rec.auto_granted_value = p.opt_integer("AutoGrantedValue", -(2**31), 2**31 - 1, 1)
    if QUAL_TYPES.where(emu.db, "name = ?", (name,)):
        raise turk("QualificationTypeAlreadyExists",
                   "You have already created a QualificationType with this name. A "
                   "QualificationType's name must be unique among all of the QualificationTypes "
                   "created by the same user.")
    rec.id = emu.new_id("qualtype")
    QUAL_TYPES.put(emu.db, rec)
    return {"QualificationType": qual_type_view(rec)}


def get_qualification_type(emu: Backend, p: Params) -> Body:
    return {"QualificationType": qual_type_view(_qual_type(emu, p.entity("QualificationTypeId")))}


def list_qualification_types(emu: Backend, p: Params) -> Body:
    if not isinstance(p.raw.get("MustBeRequestable"), bool):
        raise invalid("MustBeRequestable", p.raw.get("MustBeRequestable"))
    requestable = p.boolean("MustBeRequestable", False)
    owned = p.boolean("MustBeOwnedByCaller", False)
    query = (p.opt_text("Query") or "").lower()
    found = QUAL_TYPES.where(emu.db)
    if not owned:
        found += [t for t in (_system_type(emu, i) for i in [*SYSTEM_TYPES, emu.masters_id]) if t]
    found = [t for t in found
             if (not requestable or bool(t.test) or t.auto_granted)
             and query in f"{t.name} {t.description} {t.keywords or ''}".lower()]
    key = f"ListQualificationTypes:{query}:{requestable}:{owned}"
    page, meta = paginate(emu, p, key, from_list(found, _created), _created)
    return {**meta, "QualificationTypes": [qual_type_view(t) for t in page]}


def _custom_type(emu: Backend, type_id: str) -> QualTypeRec:
    found = QUAL_TYPES.get(emu.db, type_id)
    if found is None:
        raise turk("QualificationTypeDoesNotExist",
                   f"QualificationType {type_id} does not exist or is not owned by you.")
    return found


def _known_worker(emu: Backend, worker_id: str) -> None:
    if WORKERS.get(emu.db, worker_id) is None:
        raise invalid("WorkerId", worker_id)


def associate(emu: Backend, p: Params) -> Body:
    type_id, worker_id = p.entity("QualificationTypeId"), p.worker()
    value = p.opt_integer("IntegerValue", -(2**31), 2**31 - 1, 1)
    p.boolean("SendNotification", True)
    _custom_type(emu, type_id)
    _known_worker(emu, worker_id)
    QUALS.put(emu.db, QualRec(type_id=type_id, worker_id=worker_id, grant_time=emu.now(),
                              value=value))
    return {}


def disassociate(emu: Backend, p: Params) -> Body:
    worker_id, type_id = p.worker(), p.entity("QualificationTypeId")
    p.opt_text("Reason")
    _custom_type(emu, type_id)
    qual = QUALS.get(emu.db, type_id, worker_id)
    if qual is None or qual.status != "Granted":
        raise turk("QualificationDoesNotExist",
                   "You requested a Qualification that does not exist.")
    qual.status = "Revoked"
    QUALS.put(emu.db, qual)
    return {}


def get_qualification_score(emu: Backend, p: Params) -> Body:
    type_id, worker_id = p.entity("QualificationTypeId"), p.worker()
    _custom_type(emu, type_id)
    qual = QUALS.get(emu.db, type_id, worker_id)
    if qual is None:
        raise turk("QualificationDoesNotExist",
                   "You requested a Qualification that does not exist.")
    if qual.status != "Granted":
        raise turk("InvalidQualificationState",
                   "This operation can be called with a status of: Granted")
    return {"Qualification": qual_view(qual)}


def list_workers_with_qualification_type(emu: Backend, p: Params) -> Body:
    type_id = p.entity("QualificationTypeId")
    status = p.opt_enum("Status", ("Granted", "Revoked"), "") or None
    _custom_type(emu, type_id)
    found = [q for q in QUALS.where(emu.db, "type_id = ?", (type_id,))
             if status is None or q.status == status]
    key = f"ListWorkersWithQualificationType:{type_id}:{status}"

    def granted(qual: QualRec) -> list[Any]:
        return [qual.grant_time, qual.worker_id]

    page, meta = paginate(emu, p, key, from_list(found, granted), granted)
    return {**meta, "Qualifications": [qual_view(q) for q in page]}


def create_worker_block(emu: Backend, p: Params) -> Body:
    worker_id, reason = p.worker(), p.text("Reason", None, 1)
    _known_worker(emu, worker_id)
    BLOCKS.put(emu.db, BlockRec(worker_id, reason))
    return {}


def delete_worker_block(emu: Backend, p: Params) -> Body:
    worker_id = p.worker()
    p.opt_text("Reason")
    BLOCKS.delete(emu.db, worker_id)  # unblocking a non-blocked worker succeeds
    return {}


def list_worker_blocks(emu: Backend, p: Params) -> Body:
    def by_worker(block: BlockRec) -> list[Any]:
        return [block.worker_id]

    page, meta = paginate(emu, p, "ListWorkerBlocks", from_list(BLOCKS.where(emu.db), by_worker),
                          by_worker)
    return {**meta, "WorkerBlocks": [{"WorkerId": b.worker_id, "Reason": b.reason}
                                     for b in page]}


def notify_workers(emu: Backend, p: Params) -> Body:
    p.text("Subject", 200, 1)
    p.text("MessageText", 4096, 1)
    worker_ids = p.items("WorkerIds", 100, 1)
    failures = []
    for worker_id in worker_ids:
        if (not isinstance(worker_id, str) or not WORKER.fullmatch(worker_id)
                or len(worker_id) > 64):
            raise invalid("WorkerIds", worker_id)
        reviewed = emu.db.execute(
            "SELECT 1 FROM assignments WHERE worker_id = ? AND status IN ('Approved', 'Rejected')"
            " LIMIT 1", (worker_id,)).fetchone() is not None
        if WORKERS.get(emu.db, worker_id) is None:
            failures.append(_failure(worker_id, "HardFailure", "Worker not found."))
        elif not reviewed:
            failures.append(_failure(worker_id, "SoftFailure",
                                     "You may only notify workers whose work you reviewed."))
    return {"NotifyWorkersFailureStatuses": failures}


def _failure(worker_id: str, code: str, message: str) -> dict[str, str]:
    return {"NotifyWorkersFailureCode": code, "NotifyWorkersFailureMessage": message,
            "WorkerId": worker_id}


def update_notification_settings(emu: Backend, p: Params) -> Body:
    kind = TYPES.get(emu.db, p.entity("HITTypeId"))
    if kind is None:
        raise turk("HITTypeDoesNotExist", f"HITType {p.raw['HITTypeId']} does not exist.")
    spec = p.raw.get("Notification")
    if spec is None and not p.has("Active"):
        raise invalid("Notification", None, "Give Notification, Active or both.")
    if spec is not None:
        kind.notification = _notification(Params(spec) if isinstance(spec, dict) else Params({}))
    if p.has("Active"):
        if kind.notification is None:
            raise RequestError("There is no notification specification for this HIT type.")
        kind.notification_active = p.boolean("Active", False)
    TYPES.put(emu.db, kind)
    return {}


def _notification(p: Params) -> dict[str, Any]:
    events = p.items("EventTypes", len(EVENTS), 1)
    for event in events:
        if event not in EVENTS:
            raise invalid("EventTypes", event)
    return {"Destination": p.text("Destination", None, 1),
            "Transport": p.enum("Transport", ("Email", "SQS", "SNS")),
            "Version": p.enum("Version", NOTIFICATION_VERSIONS), "EventTypes": list(events)}
