"""Qualifications granted to workers, and worker blocks (reference §2.22-2.25)."""

from __future__ import annotations

from typing import Any

from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.exceptions import invalid, turk
from deployer.emulators.mturk.paging import from_list, paginate
from deployer.emulators.mturk.qual_types import custom_type
from deployer.emulators.mturk.records import BlockRec, QualRec
from deployer.emulators.mturk.schema import BLOCKS, QUALS, WORKERS
from deployer.emulators.mturk.validation import Params
from deployer.emulators.mturk.views import qual_view

Body = dict[str, Any]


def _known_worker(emu: Backend, worker_id: str) -> None:
    if WORKERS.get(emu.db, worker_id) is None:
        raise invalid("WorkerId", worker_id)


def associate(emu: Backend, p: Params) -> Body:
    type_id, worker_id = p.entity("QualificationTypeId"), p.worker()
    value = p.opt_integer("IntegerValue", -(2**31), 2**31 - 1, 1)
    p.boolean("SendNotification", True)
    custom_type(emu, type_id)
    _known_worker(emu, worker_id)
    QUALS.put(emu.db, QualRec(type_id=type_id, worker_id=worker_id, grant_time=emu.now(),
                              value=value))
    return {}


def disassociate(emu: Backend, p: Params) -> Body:
    worker_id, type_id = p.worker(), p.entity("QualificationTypeId")
    p.opt_text("Reason")
    custom_type(emu, type_id)
    qual = QUALS.get(emu.db, type_id, worker_id)
    if qual is None or qual.status != "Granted":
        raise turk("QualificationDoesNotExist",
                   "You requested a Qualification that does not exist.")
    qual.status = "Revoked"
    QUALS.put(emu.db, qual)
    return {}


def get_qualification_score(emu: Backend, p: Params) -> Body:
    type_id, worker_id = p.entity("QualificationTypeId"), p.worker()
    custom_type(emu, type_id)
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
    custom_type(emu, type_id)
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
