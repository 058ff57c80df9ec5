"""Spread a study's assignments over its batches, then turn the slots into changes.

Extra assignments first fill batches that may still grow (never past `max_assignments_per_hit`,
never from <10 to >=10, since MTurk forbids it), then go to new batches numbered after every
batch ever recorded: batch names are stable and never reused.
"""

from __future__ import annotations

from dataclasses import replace

from deployer.core.findings import Findings, act, fail, warn
from deployer.core.plan import ZERO
from deployer.core.text import plural, stamp
from deployer.providers.mturk import fees
from deployer.providers.mturk.plan.batches import Fresh, Slot
from deployer.providers.mturk.plan.changes import change
from deployer.providers.mturk.plan.context import LONGEST_LIFETIME, Context
from deployer.providers.mturk.plan.costs import create_cost, extend_cost, replace_cost
from deployer.providers.mturk.plan.identity import (
    annotation,
    assignments_token,
    desired_expiry,
    hit_type,
    request_token,
)
from deployer.providers.mturk.plan.payloads import Create, Edit, Extend, HitType, NewHit, Replace
from deployer.providers.mturk.study import MAX_LIFETIME_DAYS, Study


def grow(study: Study, slots: list[Slot], next_number: int) -> tuple[list[Slot], Findings]:
    """Give every slot its share of the extra assignments and add the new slots."""
    existing = sum(s.count for s in slots)
    extra = study.assignments - existing
    if extra < 0 and -extra <= sum(s.outside for s in slots):
        return slots, Findings()  # only assignments added outside deploy: drift, reported
    if extra < 0:
        return slots, fail(study.name, f"{study.path} asks for {study.assignments} assignments, "
                           f"but {existing} were already created",
                           f"MTurk cannot remove assignments: set `state: closed` to expire the "
                           f"study, or keep `assignments: {existing}`")
    per_hit = study.max_assignments_per_hit
    grown: list[Slot] = []
    blocked: list[Slot] = []
    for slot in sorted(slots, key=lambda s: s.number):
        room = _room(slot, per_hit)
        take = min(room, extra)
        extra -= take
        grown.append(replace(slot, add=take) if take else slot)
        if extra and _held_by_ceiling(slot, per_hit):
            blocked.append(slot)
    if not extra:
        return grown, Findings()
    new = _new_slots(study, existing, extra, next_number, blocked, not slots)
    found = Findings()
    if blocked:
        found = warn(study.name, "one worker may take both the old and the new HITs of "
                     f"{study.name}: MTurk only stops a worker from taking the same HIT twice",
                     "exclude earlier workers, e.g. with a custom qualification "
                     "(`DoesNotExist`) granted to everyone who took part")
    return grown + new, found


def _room(slot: Slot, per_hit: int | None) -> int:
    if not slot.growable:
        return 0
    caps = [c for c in (per_hit, None if slot.fresh else slot.ceiling) if c is not None]
    if not caps:
        return 1 << 62
    return max(0, min(caps) - slot.size - slot.add)


def _held_by_ceiling(slot: Slot, per_hit: int | None) -> bool:
    ceiling = slot.ceiling
    return (slot.growable and slot.fresh is None and ceiling is not None
            and (per_hit is None or per_hit > ceiling))


def _new_slots(study: Study, existing: int, extra: int, first: int, blocked: list[Slot],
               fresh_study: bool) -> list[Slot]:
    sizes = fees.batch_sizes(extra, study.max_assignments_per_hit)
    if fresh_study:
        why = (f"{study.name} is new: {plural(study.assignments, 'assignment')} in "
               f"{plural(len(sizes), 'HIT')}")
    elif blocked:
        old = blocked[0]
        why = (f"{study.path} asks for {study.assignments} assignments ({existing} exist); "
               f"MTurk forbids growing {old.address} (created with {old.record_size}) to 10 or "
               "more assignments, so the rest goes to a new batch")
    else:
        why = f"{study.path} asks for {study.assignments} assignments ({existing} exist)"
    return [
        Slot(first + i, f"{study.name}/b{first + i}", size, size, growable=True,
             fresh=Fresh(1, "", why))
        for i, size in enumerate(sizes)
    ]


def materialise(ctx: Context, study: Study, slot: Slot) -> Findings:
    """The Create, Replace or Extend a slot stands for, if any."""
    want = hit_type(study, ctx.environment, ctx.types)
    if slot.fresh is not None:
        return _fresh(ctx, study, slot, slot.fresh, want)
    if slot.hit is None or slot.record is None or not (slot.add or slot.expiry):
        return Findings()
    record, hit = slot.record, slot.hit
    new_max = slot.size + slot.add
    edits: list[Edit] = []
    reasons: list[str] = []
    if slot.add:
        edits.append(Edit("max_assignments", str(slot.size), str(new_max)))
        reasons.append(f"{study.path} asks for {study.assignments} assignments")
    if slot.expiry:
        edits.append(Edit("expires_at", stamp(slot.expiry_old), stamp(slot.expiry)))
        reasons.append(slot.expiry_reason)
    token = assignments_token(ctx.lineage, ctx.environment, record.address,
                              record.generation, new_max) if slot.add else ""
    # Reopening an expired HIT puts its unstarted assignments back on offer: they cost again.
    reopened = hit.available if slot.expiry and hit.expired(ctx.now) else 0
    spend = extend_cost(want, slot.add + reopened, new_max) if slot.add + reopened else ZERO
    extend = Extend(record.address, hit.hit_id, record.generation, slot.add, token, new_max,
                    slot.expiry, study.config_hash, tuple(edits))
    return act(change(extend, "; ".join(reasons), spend))


def _fresh(ctx: Context, study: Study, slot: Slot, fresh: Fresh, want: HitType) -> Findings:
    size = slot.size + slot.add
    token = fresh.token or request_token(ctx.lineage, ctx.environment, slot.address,
                                         fresh.generation, study.fingerprint)
    expires = desired_expiry(study, ctx.now)
    new = NewHit(slot.address, fresh.generation, token,
                 annotation(ctx.lineage, slot.address, fresh.generation,
                            study.fingerprint),
                 study.fingerprint, study.config_hash, want, study.question, size, expires,
                 study.lifetime, study.notifications)
    if expires <= ctx.now:
        return fail(slot.address, f"{study.path} closes at {stamp(expires)}, which has passed, "
                    f"so {slot.address} cannot be created",
                    "move `closes_at` later, or set `state: closed`")
    if expires - ctx.now > LONGEST_LIFETIME:
        return fail(slot.address, f"{study.path} closes at {stamp(expires)}, more than "
                    f"{MAX_LIFETIME_DAYS} days away: MTurk keeps a HIT open at most "
                    f"{MAX_LIFETIME_DAYS} days",
                    "move `closes_at` earlier, or create the HITs later")
    reason = fresh.reason
    if slot.add and fresh.replaces is None and slot.count != size:
        reason += f"; with {plural(slot.add, 'more assignment')} wanted by {study.path}"
    old = fresh.replaces
    if old is None:
        return act(change(Create(new), reason, create_cost(new)))
    edits = (*fresh.edits, Edit("max_assignments", str(old.max_assignments), str(size)))
    return act(change(Replace(old.hit_id, new, edits), reason, replace_cost(new, old, ctx.now)))
