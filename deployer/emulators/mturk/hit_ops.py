"""HIT creation and reading: CreateHIT, CreateHITType, CreateHITWithHITType, GetHIT, ListHITs,
ListHITsForQualificationType (reference §2.1-2.6)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from deployer.emulators.core import ids
from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.exceptions import invalid, turk
from deployer.emulators.mturk.liability import check_funds
from deployer.emulators.mturk.paging import from_list, paginate
from deployer.emulators.mturk.questions import check_question
from deployer.emulators.mturk.records import HitRec, HitTypeRec
from deployer.emulators.mturk.requirements import SYSTEM_TYPES, check_requirable, normalise
from deployer.emulators.mturk.review_ops import review_policy
from deployer.emulators.mturk.schema import HITS, QUAL_TYPES, TYPES
from deployer.emulators.mturk.validation import MAX_SECONDS, Params
from deployer.emulators.mturk.views import hit_view, hit_views

Body = dict[str, Any]
DEFAULT_AUTO_APPROVAL = 2_592_000


def _type_from(emu: Backend, p: Params) -> HitTypeRec:
    """Validates the seven HIT-type properties and returns the matching (maybe new) type."""
    props: dict[str, Any] = {
        "title": p.text("Title", 128, 1),
        "description": p.text("Description", 2000, 1),
        "keywords": p.opt_text("Keywords", 1000),
        "reward": p.money("Reward"),
        "assignment_duration": p.integer("AssignmentDurationInSeconds", 30, MAX_SECONDS),
        "auto_approval_delay": p.opt_integer(
            "AutoApprovalDelayInSeconds", 0, DEFAULT_AUTO_APPROVAL, DEFAULT_AUTO_APPROVAL),
        "requirements": normalise(emu, p.items("QualificationRequirements", 10**6)),
    }
    # Exact match on the seven properties (reference §10.1): "0.5" and "0.50" are two types.
    canonical = json.dumps(props, sort_keys=True)
    type_id = ids.entity_id(f"{emu.config.seed}:type:{canonical}")
    existing = TYPES.get(emu.db, type_id)
    if existing is not None:
        return existing
    kind = HitTypeRec(id=type_id, group_id=ids.entity_id(f"group:{type_id}"),
                      creation=emu.now(), **props)
    TYPES.put(emu.db, kind)
    return kind


def _question(p: Params) -> str:
    if p.has("HITLayoutId"):
        layout = p.entity("HITLayoutId")
        if p.has("Question"):
            raise invalid("HITLayoutId", layout, "Give either Question or HITLayoutId, not both.")
        raise invalid("HITLayoutId", layout, "This HIT layout does not exist.")
    question = p.text("Question", None, 1) if p.has("Question") else None
    if question is None:
        raise invalid("Question", None, "Either Question or HITLayoutId is required.")
    check_question(question)
    return question


def _create(emu: Backend, p: Params, kind_of: Callable[[], HitTypeRec]) -> Body:
    token = p.token()
    lifetime = p.integer("LifetimeInSeconds", 30, MAX_SECONDS)
    max_assignments = p.opt_integer("MaxAssignments", 1, 1_000_000_000, 1)
    annotation = p.opt_text("RequesterAnnotation", 255)
    question = _question(p)
    assignment_policy = review_policy(p, "AssignmentReviewPolicy")
    hit_policy = review_policy(p, "HITReviewPolicy")
    original = emu.recall("hit", token)
    if original is not None:
        raise turk("HitAlreadyExists",
                   f'UniqueRequestToken "{token}" has already been used to create HIT {original}')
    kind = kind_of()  # only now: a refused request leaves no new HIT type behind
    check_funds(emu, kind, max_assignments, max_assignments)
    now = emu.now()
    hit = HitRec(id=emu.new_id("hit"), type_id=kind.id, creation=now, expiration=now + lifetime,
                 max_assignments=max_assignments, created_with=max_assignments,
                 question=question, annotation=annotation, assignment_policy=assignment_policy,
                 hit_policy=hit_policy)
    HITS.put(emu.db, hit)
    emu.remember("hit", token, hit.id)
    return {"HIT": hit_view(emu, hit)}


def create_hit(emu: Backend, p: Params) -> Body:
    return _create(emu, p, lambda: _type_from(emu, p))


def create_hit_type(emu: Backend, p: Params) -> Body:
    return {"HITTypeId": _type_from(emu, p).id}


def live_hit_type(emu: Backend, type_id: str) -> HitTypeRec:
    """A HIT type new HITs may use: deleting a qualification type deletes the HIT types that
    require it (HITs that already use them keep them), and an Inactive one holds them back."""
    kind = TYPES.get(emu.db, type_id)
    if kind is None or any(_deleted(emu, r["QualificationTypeId"]) for r in kind.requirements):
        raise turk("HITTypeDoesNotExist", f"HITType {type_id} does not exist.")
    for requirement in kind.requirements:
        check_requirable(emu, requirement["QualificationTypeId"])
    return kind


def _deleted(emu: Backend, qual_id: str) -> bool:
    found = QUAL_TYPES.get(emu.db, qual_id)
    return found is not None and found.deleted is not None


def create_hit_with_hit_type(emu: Backend, p: Params) -> Body:
    kind = live_hit_type(emu, p.entity("HITTypeId"))
    return _create(emu, p, lambda: kind)


def get_hit(emu: Backend, p: Params) -> Body:
    return {"HIT": hit_view(emu, emu.hit(p.entity("HITId")))}


def _hit_key(hit: HitRec) -> list[Any]:
    return [hit.creation, hit.id]


def list_hits(emu: Backend, p: Params) -> Body:
    # Newly created HITs take a moment to be indexed on the real service (reference §2.5).
    visible_before = emu.now() - emu.config.indexing_delay

    def fetch(after: list[Any] | None, limit: int) -> list[HitRec]:
        # Straight from the creation index, page by page, however many HITs there are.
        condition, params = "creation <= ?", [visible_before]
        if after is not None:
            condition, params = condition + " AND (creation, id) > (?, ?)", [*params, *after]
        return HITS.where(emu.db, condition, params, order="creation, id", limit=limit)

    page, meta = paginate(emu, p, "ListHITs", fetch, _hit_key)
    return {**meta, "HITs": hit_views(emu, page)}


def list_hits_for_qualification_type(emu: Backend, p: Params) -> Body:
    qual_id = p.entity("QualificationTypeId")
    known = ((QUAL_TYPES.get(emu.db, qual_id) is not None and not _deleted(emu, qual_id))
             or qual_id in SYSTEM_TYPES)
    if not known and qual_id != emu.masters_id:  # system types as in GetQualificationType
        raise turk("QualificationTypeDoesNotExist", f"QualificationType {qual_id} does not exist.")
    # HIT types are few; the HITs of the types that require it come through the type index.
    kinds = [t.id for t in TYPES.where(emu.db, "requirements LIKE ?", (f"%{qual_id}%",))
             if any(r["QualificationTypeId"] == qual_id for r in t.requirements)]
    hits = HITS.where(emu.db, f"type_id IN ({', '.join('?' for _ in kinds)})", kinds)
    page, meta = paginate(emu, p, f"ListHITsForQualificationType:{qual_id}",
                          from_list(hits, _hit_key), _hit_key)
    return {**meta, "HITs": hit_views(emu, page)}
