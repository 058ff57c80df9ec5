"""The plan as versioned JSON for machines (format 1.0): money as strings, keys sorted."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from deployer.core.text import stamp
from deployer.providers.mturk.plan.actions import (
    Action,
    Adopt,
    Change,
    Create,
    Expire,
    Extend,
    Forget,
    NewHit,
    Note,
    Plan,
    Replace,
    StudyCost,
    UpdateType,
    address_of,
)
from deployer.providers.mturk.plan.costs import action_cost
from deployer.providers.mturk.plan.typediff import describe
from deployer.render.text import summarise

FORMAT_VERSION = "1.0"
NUMBERS = frozenset({"max_assignments", "assignment_duration", "auto_approval_delay"})

JsonDict = dict[str, Any]


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def _new_hit(hit: NewHit) -> JsonDict:
    t = hit.hit_type
    return {
        "generation": hit.generation,
        "max_assignments": hit.max_assignments,
        "expires_at": stamp(hit.expires_at),
        "title": t.title,
        "description": t.description,
        "keywords": t.keywords,
        "reward": t.reward,
        "assignment_duration": t.assignment_duration,
        "auto_approval_delay": t.auto_approval_delay,
        "qualifications": sorted(describe(q) for q in t.qualifications),
        "fingerprint": hit.fingerprint,
        "config_hash": hit.config_hash,
        "token": hit.token,
        "annotation": hit.annotation,
    }


def _sides(hit_id: str, changes: tuple[Change, ...]) -> tuple[JsonDict, JsonDict]:
    before: JsonDict = {"hit_id": hit_id}
    after: JsonDict = {"hit_id": hit_id}
    for change in changes:
        number = change.field in NUMBERS
        before[change.field] = int(change.old) if number else change.old
        after[change.field] = int(change.new) if number else change.new
    return before, after


def _shape(action: Action) -> tuple[str, list[str], JsonDict | None, JsonDict | None]:
    """kind, Terraform-style actions list, before, after."""
    match action:
        case Create(hit=hit):
            return "create", ["create"], None, _new_hit(hit)
        case Replace(old_hit_id=old, changes=changes, hit=hit):
            before, _ = _sides(old, changes)
            return "replace", ["expire", "create"], before, _new_hit(hit)
        case Extend(hit_id=hit_id, changes=changes):
            return "extend", ["update"], *_sides(hit_id, changes)
        case UpdateType(hit_id=hit_id, changes=changes):
            return "update_type", ["update"], *_sides(hit_id, changes)
        case Expire(hit_id=hit_id, generation=generation):
            return "expire", ["expire"], {"hit_id": hit_id, "generation": generation}, None
        case Adopt(observed=hit, generation=generation):
            return "adopt", ["adopt"], None, {
                "hit_id": hit.hit_id, "generation": generation,
                "max_assignments": hit.max_assignments, "expires_at": stamp(hit.expires_at)}
        case Forget(hit_id=hit_id, generation=generation):
            return "forget", ["forget"], {"hit_id": hit_id, "generation": generation}, None


def _action(action: Action) -> JsonDict:
    name, verbs, before, after = _shape(action)
    changes = action.changes if isinstance(action, Extend | UpdateType | Replace) else ()
    return {
        "address": address_of(action),
        "kind": name,
        "actions": verbs,
        "before": before,
        "after": after,
        "changes": [{"field": c.field, "old": c.old, "new": c.new,
                     "forces_replacement": c.forces_replacement} for c in changes],
        "replace_paths": [c.field for c in changes if c.forces_replacement],
        "reason": action.reason,
        "cost": _money(action_cost(action)),
    }


def _note(note: Note) -> JsonDict:
    return {"address": note.address, "message": note.message, "hint": note.hint}


def _cost(c: StudyCost) -> JsonDict:
    return {"study": c.study, "added": _money(c.added), "committed": _money(c.committed),
            "budget": _money(c.budget), "batching_saving": _money(c.batching_saving)}


def plan_document(plan: Plan) -> JsonDict:
    s = summarise(plan.actions)
    return {
        "format_version": FORMAT_VERSION,
        "environment": plan.environment,
        "created_at": stamp(plan.created_at),
        "applyable": not plan.errors,
        "has_changes": plan.has_changes,
        "summary": {"adopt": s.adopt, "create": s.create, "change": s.change,
                    "expire": s.expire, "forget": s.forget},
        "actions": [_action(a) for a in plan.actions],
        "drift": [_note(n) for n in plan.drift],
        "warnings": [_note(n) for n in plan.warnings],
        "errors": [_note(n) for n in plan.errors],
        "costs": [_cost(c) for c in plan.costs],
        "added_cost": _money(plan.added_cost),
        "balance": _money(plan.balance),
    }


def render_json(plan: Plan) -> str:
    return json.dumps(plan_document(plan), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
