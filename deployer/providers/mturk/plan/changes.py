"""MTurk payloads as generic changes: the verb, the lines a reviewer reads and the data machines
read. The one place that says how each kind of MTurk change is shown."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from deployer.core.plan import ZERO, Attribute, Change, Verb
from deployer.core.text import money, plural, stamp
from deployer.providers.mturk.observed import ObservedAssignment
from deployer.providers.mturk.plan.payloads import (
    Adopt,
    AdoptQualification,
    Approve,
    BlockWorker,
    Create,
    CreateQualification,
    DisposeQualification,
    Edit,
    Expire,
    Extend,
    Forget,
    Grant,
    HitPayload,
    NewHit,
    ParticipantPayload,
    Pause,
    Pay,
    Reject,
    Replace,
    ReviewPayload,
    Revoke,
    SetNotifications,
    Unblock,
    UpdateQualification,
    UpdateType,
)
from deployer.providers.mturk.plan.typediff import describe

QUOTED = frozenset({"title", "description", "keywords", "reward"})
NUMBERS = frozenset({"max_assignments", "assignment_duration", "auto_approval_delay"})
Json = dict[str, Any]


def change(payload: HitPayload, reason: str, cost: Decimal = ZERO, *,
           released: tuple[int, Decimal] | None = None) -> Change:
    """The generic change of an MTurk payload. `released`: the unstarted assignments an
    expiry takes off offer, and what they no longer commit (shown, not counted as a cost, so
    that work accepted meanwhile never makes a saved plan to stop a study stale)."""
    match payload:
        case Create(hit=hit):
            return Change(hit.address, "create", "create", reason, cost, _new_hit(hit),
                          None, _new_hit_data(hit), hit.config_hash, payload)
        case Replace(old_hit_id=old, hit=hit, edits=edits):
            rows = (Attribute("hit_id", f"{old} -> (known after apply)", identity=True),
                    *_edits(edits), Attribute("expires_at", stamp(hit.expires_at)))
            before, _ = _sides(old, edits)
            return Change(hit.address, "replace", "replace", reason, cost, rows, before,
                          _new_hit_data(hit), hit.config_hash, payload)
        case Extend(address=address, hit_id=hit_id, edits=edits, config_hash=config):
            return Change(address, "update", "extend", reason, cost,
                          (Attribute("hit_id", hit_id, identity=True), *_edits(edits)),
                          *_sides(hit_id, edits), config, payload)
        case UpdateType(address=address, hit_id=hit_id, edits=edits, config_hash=config):
            return Change(address, "update", "update_type", reason, cost,
                          (Attribute("hit_id", hit_id, identity=True), *_edits(edits)),
                          *_sides(hit_id, edits), config, payload)
        case Expire(address=address, hit_id=hit_id, generation=generation):
            verb: Verb = "pause" if isinstance(payload, Pause) else "expire"
            shown = [Attribute("hit_id", hit_id, identity=True)]
            if released is not None:
                count, amount = released
                shown.append(Attribute("unstarted", f"{plural(count, 'assignment')} "
                                                    f"({money(amount)} no longer committed)"))
            return Change(address, verb, verb, reason, ZERO, tuple(shown),
                          {"hit_id": hit_id, "generation": generation}, None, None, payload)
        case Adopt(address=address, observed=hit, generation=generation):
            rows = (Attribute("hit_id", hit.hit_id, identity=True),
                    Attribute("generation", str(generation)),
                    Attribute("max_assignments", str(hit.max_assignments)),
                    Attribute("expires_at", stamp(hit.expires_at)))
            after = {"hit_id": hit.hit_id, "generation": generation,
                     "max_assignments": hit.max_assignments, "expires_at": stamp(hit.expires_at)}
            return Change(address, "adopt", "adopt", reason, ZERO, rows, None, after, None,
                          payload)
        case SetNotifications():
            return _notifications(payload, reason)
        case Forget(address=address, hit_id=hit_id, generation=generation):
            return Change(address, "forget", "forget", reason, ZERO,
                          (Attribute("hit_id", hit_id, identity=True),),
                          {"hit_id": hit_id, "generation": generation}, None, None, payload)


def review_change(payload: ReviewPayload, reason: str, worker: str, seen: ObservedAssignment,
                  cost: Decimal = ZERO) -> Change:
    """A decision about one assignment; `worker` is the participant's pseudonym."""
    rows = [Attribute("worker", worker), Attribute("submitted_at", stamp(seen.submitted_at))]
    before: Json = {"assignment_id": seen.assignment_id, "status": seen.status}
    verb: Verb
    after: Json
    match payload:
        case Approve(override=override, feedback=feedback):
            verb, kind, after = "approve", "override_rejection" if override else "approve", {
                "status": "Approved"}
            rows.append(Attribute("status", "Approved", seen.status))
            if feedback:
                rows.append(Attribute("feedback", feedback, quoted=True))
        case Reject(feedback=feedback):
            verb, kind, after = "reject", "reject", {"status": "Rejected"}
            rows += [Attribute("status", "Rejected", seen.status),
                     Attribute("feedback", feedback, quoted=True)]
        case Pay(amount=amount, target=target, reason=why):
            verb, kind, after = "pay", "bonus", {"bonus_total": target, "bonus": amount}
            rows += [Attribute("bonus", amount, quoted=True),
                     Attribute("bonus_total", target, quoted=True),
                     Attribute("reason", why, quoted=True)]
    return Change(payload.address, verb, kind, reason, cost, tuple(rows), before, after, None,
                  payload)


def participant_change(payload: ParticipantPayload, reason: str,
                       rows: tuple[Attribute, ...]) -> Change:
    """A change to who may work: qualification types (before the HITs that require them, and
    disposed of after them), grants, revocations and blocks; workers shown by pseudonym."""
    verb: Verb
    match payload:
        case CreateQualification():
            verb, kind, stage = "create", "create_qualification", 0
        case UpdateQualification():
            verb, kind, stage = "update", "update_qualification", 0
        case AdoptQualification():
            verb, kind, stage = "adopt", "adopt_qualification", 0
        case DisposeQualification():
            verb, kind, stage = "dispose", "dispose_qualification", 3
        case Grant():
            verb, kind, stage = "grant", "grant", 2
        case Revoke():
            verb, kind, stage = "revoke", "revoke", 2
        case BlockWorker():
            verb, kind, stage = "block", "block", 2
        case Unblock():
            verb, kind, stage = "unblock", "unblock", 2
    before = {a.field: a.old for a in rows if a.old is not None} or None
    after = {a.field: a.new for a in rows}
    return Change(payload.address, verb, kind, reason, ZERO, rows, before, after, None, payload,
                  stage)


def _notifications(payload: SetNotifications, reason: str) -> Change:
    """After the HITs (stage 2): their new types get the settings as they are created."""
    spec = payload.spec
    rows = [Attribute("notifications", "off")] if spec is None else [
        Attribute("destination", spec.destination), Attribute("transport", spec.transport),
        Attribute("events", ", ".join(spec.events)), Attribute("version", spec.version)]
    if payload.hit_type_ids:
        rows.append(Attribute("hit_types", ", ".join(payload.hit_type_ids)))
    if payload.test:
        rows.append(Attribute("test_event", "Ping, sent once the settings are made"))
    after = None if spec is None else {"destination": spec.destination,
                                       "transport": spec.transport, "events": list(spec.events),
                                       "version": spec.version}
    return Change(payload.address, "update", "notifications", reason, ZERO, tuple(rows),
                  None, {"notification": after, "hit_type_ids": list(payload.hit_type_ids),
                         "test_event": payload.test}, None, payload, stage=2)


def _new_hit(hit: NewHit) -> tuple[Attribute, ...]:
    rows = [
        Attribute("max_assignments", str(hit.max_assignments)),
        Attribute("reward", hit.hit_type.reward, quoted=True),
        Attribute("expires_at", stamp(hit.expires_at)),
        Attribute("generation", str(hit.generation)),
    ]
    if hit.hit_type.qualifications:
        described = sorted(describe(q) for q in hit.hit_type.qualifications)
        rows.append(Attribute("qualifications", plural(len(described), "requirement"),
                              detail=tuple(f"  {text}" for text in described)))
    return tuple(rows)


def _edits(edits: tuple[Edit, ...]) -> tuple[Attribute, ...]:
    """The edits a reviewer needs to read: `max_assignments: 9 -> 9` says nothing."""
    return tuple(Attribute(e.field, e.new, e.old, e.forces_replacement, e.field in QUOTED,
                           e.detail)
                 for e in edits if e.old != e.new or e.detail)


def _new_hit_data(hit: NewHit) -> Json:
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


def _sides(hit_id: str, edits: tuple[Edit, ...]) -> tuple[Json, Json]:
    before: Json = {"hit_id": hit_id}
    after: Json = {"hit_id": hit_id}
    for edit in edits:
        number = edit.field in NUMBERS
        before[edit.field] = int(edit.old) if number else edit.old
        after[edit.field] = int(edit.new) if number else edit.new
    return before, after
