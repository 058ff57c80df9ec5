"""The plan as versioned JSON for machines (format 1.0): money as strings, keys sorted."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from deployer.core.plan import Change, Note, Plan, StudyCost, Verb
from deployer.core.text import stamp
from deployer.render.text import summarise

FORMAT_VERSION = "1.3"  # 1.1: approve, reject and pay; 1.2: pause, changes[].detail;
# 1.3: payer, platform and currency, and the stop, publish and start of Prolific studies
NUMBERS = frozenset({"max_assignments", "assignment_duration", "auto_approval_delay"})

JsonDict = dict[str, Any]


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


# verb -> Terraform-style list of what happens
STEPS: dict[Verb, list[str]] = {
    "create": ["create"], "update": ["update"], "replace": ["expire", "create"],
    "expire": ["expire"], "pause": ["expire"], "adopt": ["adopt"], "forget": ["forget"],
    "approve": ["approve"], "reject": ["reject"], "pay": ["pay"], "dispose": ["dispose"],
    "grant": ["grant"], "revoke": ["revoke"], "block": ["block"], "unblock": ["unblock"],
    "stop": ["stop"], "publish": ["publish"], "start": ["start"],
}


def _change(change: Change) -> JsonDict:
    edits = [a for a in change.attributes if a.old is not None]
    return {
        "address": change.address,
        "kind": change.kind,
        "actions": STEPS[change.verb],
        "before": None if change.before is None else dict(change.before),
        "after": None if change.after is None else dict(change.after),
        "changes": [{"field": a.field, "old": a.old, "new": a.new,
                     "forces_replacement": a.forces_replacement, "detail": list(a.detail)}
                    for a in edits],
        "replace_paths": [a.field for a in edits if a.forces_replacement],
        "reason": change.reason,
        "cost": _money(change.cost),
    }


def _note(note: Note) -> JsonDict:
    return {"address": note.address, "message": note.message, "hint": note.hint}


def _cost(c: StudyCost) -> JsonDict:
    return {"study": c.study, "added": _money(c.added), "committed": _money(c.committed),
            "budget": _money(c.budget), "batching_saving": _money(c.saving)}


def plan_document(plan: Plan) -> JsonDict:
    s = summarise(plan.changes)
    return {
        "format_version": FORMAT_VERSION,
        "platform": plan.platform.name,
        "currency": plan.platform.currency,
        "environment": plan.environment,
        "created_at": stamp(plan.created_at),
        "applyable": not plan.errors,
        "has_changes": plan.has_changes,
        "summary": {"adopt": s.adopt, "create": s.create, "change": s.change,
                    "expire": s.expire, "pause": s.pause, "forget": s.forget,
                    "approve": s.approve, "reject": s.reject, "pay": s.pay, "dispose": s.dispose,
                    "grant": s.grant, "revoke": s.revoke, "block": s.block,
                    "unblock": s.unblock, "stop": s.stop, "publish": s.publish,
                    "start": s.start},
        "actions": [_change(c) for c in plan.changes],
        "drift": [_note(n) for n in plan.drift],
        "warnings": [_note(n) for n in plan.warnings],
        "errors": [_note(n) for n in plan.errors],
        "costs": [_cost(c) for c in plan.costs],
        "added_cost": _money(plan.added_cost),
        "balance": _money(plan.balance),
        "payer": None if plan.payer is None else {"account": plan.payer.account,
                                                  "identity": plan.payer.identity},
    }


def render_json(plan: Plan) -> str:
    return json.dumps(plan_document(plan), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
