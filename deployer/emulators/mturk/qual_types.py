"""Qualification types: CreateQualificationType, GetQualificationType, ListQualificationTypes,
UpdateQualificationType, DeleteQualificationType (reference §2.19-2.21).

A deleted type leaves Get and List at once and can no longer be required by new HITs or HIT
types, but HITs that already require it keep working with the grants workers hold; its name
is free for a new type only after `Config.qualification_name_hold` (MTurk: up to 48 hours).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.exceptions import invalid, turk
from deployer.emulators.mturk.paging import from_list, paginate
from deployer.emulators.mturk.questions import check_test
from deployer.emulators.mturk.records import QualTypeRec
from deployer.emulators.mturk.requirements import SYSTEM_TYPES
from deployer.emulators.mturk.schema import QUAL_REQUESTS, QUAL_TYPES
from deployer.emulators.mturk.validation import Params
from deployer.emulators.mturk.views import qual_type_view

Body = dict[str, Any]
MAX_XML = 65_535
STATUSES = ("Active", "Inactive")
NAME_TAKEN = ("You have already created a QualificationType with this name. A QualificationType's "
              "name must be unique among all of the QualificationTypes created by the same user.")


def _created(kind: QualTypeRec) -> list[Any]:
    return [kind.creation, kind.id]


def system_type(emu: Backend, type_id: str) -> QualTypeRec | None:
    name = SYSTEM_TYPES.get(type_id) or ("Masters" if type_id == emu.masters_id else None)
    if name is None:
        return None
    return QualTypeRec(id=type_id, name=name, description=f"The system qualification {name}.",
                       keywords=None, status="Active", creation=0.0)


def custom_type(emu: Backend, type_id: str) -> QualTypeRec:
    """One of the requester's own types that has not been deleted."""
    found = QUAL_TYPES.get(emu.db, type_id)
    if found is None or found.deleted is not None:
        raise turk("QualificationTypeDoesNotExist",
                   f"QualificationType {type_id} does not exist or is not owned by you.")
    return found


def _any_type(emu: Backend, type_id: str) -> QualTypeRec:
    found = QUAL_TYPES.get(emu.db, type_id) or system_type(emu, type_id)
    if found is None or found.deleted is not None:
        raise turk("QualificationTypeDoesNotExist",
                   f"QualificationType {type_id} does not exist.")
    return found


def _xml(p: Params, name: str) -> str | None:
    value = p.opt_text(name)
    if value is not None and len(value.encode("utf-8")) > MAX_XML:
        raise invalid(name, "<too long>", f"{name} must be at most 65535 bytes.")
    return value


def _check_answer_key(answer_key: str | None) -> None:
    if answer_key is None:
        return
    try:
        root = ET.fromstring(answer_key.strip().encode("utf-8"))
    except ET.ParseError as error:
        raise invalid("AnswerKey", answer_key, f"The XML is not well-formed: {error}.") from None
    if root.tag.rsplit("}", 1)[-1] != "AnswerKey":
        raise invalid("AnswerKey", answer_key, "The root element must be AnswerKey.")


def _test_parts(p: Params) -> tuple[str | None, str | None, int | None]:
    """(Test, AnswerKey, TestDurationInSeconds) as given, checked together."""
    test, answer_key = _xml(p, "Test"), _xml(p, "AnswerKey")
    duration = p.integer("TestDurationInSeconds", 1, 2**62) if p.has(
        "TestDurationInSeconds") else None
    if test is not None:
        check_test(test)
        if duration is None:
            raise invalid("TestDurationInSeconds", None, "A Test needs TestDurationInSeconds.")
    elif answer_key is not None or duration is not None:
        name = "AnswerKey" if answer_key is not None else "TestDurationInSeconds"
        raise invalid(name, p.raw.get(name), "Give it with the Test it belongs to.")
    _check_answer_key(answer_key)
    return test, answer_key, duration


def _retry_delay(p: Params) -> int | None:
    return p.integer("RetryDelayInSeconds", 0, 2**62) if p.has("RetryDelayInSeconds") else None


def create_qualification_type(emu: Backend, p: Params) -> Body:
    name = p.text("Name", None, 1)
    test, answer_key, duration = _test_parts(p)
    rec = QualTypeRec(
        id="", name=name, description=p.text("Description", 2000, 1),
        keywords=p.opt_text("Keywords", 1000), status=p.enum("QualificationTypeStatus", STATUSES),
        creation=emu.now(), retry_delay=_retry_delay(p), test=test, answer_key=answer_key,
        test_duration=duration, auto_granted=p.boolean("AutoGranted", False),
    )
    if rec.test is not None and rec.auto_granted:
        raise invalid("AutoGranted", True, "AutoGranted cannot be combined with a Test.")
    if rec.auto_granted:
        rec.auto_granted_value = p.opt_integer("AutoGrantedValue", -(2**31), 2**31 - 1, 1)
    held_since = emu.now() - emu.config.qualification_name_hold
    taken = QUAL_TYPES.where(emu.db, "name = ? AND (deleted IS NULL OR deleted > ?)",
                             (name, held_since))
    if taken:
        raise turk("QualificationTypeAlreadyExists", NAME_TAKEN)
    rec.id = emu.new_id("qualtype")
    QUAL_TYPES.put(emu.db, rec)
    return {"QualificationType": qual_type_view(rec)}


def get_qualification_type(emu: Backend, p: Params) -> Body:
    return {"QualificationType": qual_type_view(_any_type(emu, p.entity("QualificationTypeId")))}


def list_qualification_types(emu: Backend, p: Params) -> Body:
    if not isinstance(p.raw.get("MustBeRequestable"), bool):
        raise invalid("MustBeRequestable", p.raw.get("MustBeRequestable"))
    requestable = p.boolean("MustBeRequestable", False)
    owned = p.boolean("MustBeOwnedByCaller", False)
    query = (p.opt_text("Query") or "").lower()
    found = QUAL_TYPES.where(emu.db, "deleted IS NULL")
    if not owned:
        found += [t for t in (system_type(emu, i) for i in [*SYSTEM_TYPES, emu.masters_id]) if t]
    found = [t for t in found
             if (not requestable or qual_type_view(t)["IsRequestable"])
             and query in f"{t.name} {t.description} {t.keywords or ''}".lower()]
    key = f"ListQualificationTypes:{query}:{requestable}:{owned}"
    page, meta = paginate(emu, p, key, from_list(found, _created), _created)
    return {**meta, "QualificationTypes": [qual_type_view(t) for t in page]}


def update_qualification_type(emu: Backend, p: Params) -> Body:
    """Everything but Name and Keywords may change; a test can be replaced, never removed."""
    kind = custom_type(emu, p.entity("QualificationTypeId"))
    if p.has("Description"):
        kind.description = p.text("Description", 2000, 1)
    if p.has("QualificationTypeStatus"):
        kind.status = p.enum("QualificationTypeStatus", STATUSES)
    test, answer_key, duration = _test_parts(p)
    if test is not None:
        kind.test, kind.answer_key, kind.test_duration = test, answer_key, duration
    if p.has("RetryDelayInSeconds"):
        kind.retry_delay = _retry_delay(p)
    if p.has("AutoGranted"):
        auto = p.boolean("AutoGranted", False)
        if auto and kind.test is not None:
            raise invalid("AutoGranted", True, "A type with a Test cannot be AutoGranted.")
        kind.auto_granted = auto
    if p.has("AutoGrantedValue"):
        kind.auto_granted_value = p.integer("AutoGrantedValue", -(2**31), 2**31 - 1)
    if kind.auto_granted and kind.auto_granted_value is None:
        kind.auto_granted_value = 1
    QUAL_TYPES.put(emu.db, kind)
    return {"QualificationType": qual_type_view(kind)}


def delete_qualification_type(emu: Backend, p: Params) -> Body:
    """Grants stay (HITs in progress may need them); pending requests are rejected."""
    kind = custom_type(emu, p.entity("QualificationTypeId"))
    kind.deleted = emu.now()
    QUAL_TYPES.put(emu.db, kind)
    for request in QUAL_REQUESTS.where(emu.db, "type_id = ? AND status = 'Pending'", (kind.id,)):
        request.status, request.reason = "Rejected", "The qualification type was deleted."
        QUAL_REQUESTS.put(emu.db, request)
    return {}
