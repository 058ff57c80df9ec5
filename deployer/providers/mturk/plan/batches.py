"""Per-batch rules for an open study (DESIGN §5): what each recorded batch needs before growth.

Each batch becomes a Slot: how many of the study's assignments it accounts for, the size of its
HIT once this plan's base actions ran, and whether it may still grow. layout.py then spreads any
extra assignments over the slots and turns them into actions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from itertools import pairwise

from deployer.core.address import span
from deployer.core.findings import Findings, act, drift, fail, warn
from deployer.core.plan import Change
from deployer.core.text import plural, stamp
from deployer.providers.mturk.fees import SMALL_BATCH
from deployer.providers.mturk.observed import ObservedHit
from deployer.providers.mturk.plan.changes import change
from deployer.providers.mturk.plan.context import EXPIRY_TOLERANCE, Context, Orphan
from deployer.providers.mturk.plan.costs import open_cost, update_type_cost
from deployer.providers.mturk.plan.identity import desired_expiry, hit_type, request_token
from deployer.providers.mturk.plan.payloads import Adopt, Edit, Expire, Forget, HitType, UpdateType
from deployer.providers.mturk.plan.question import question_edit
from deployer.providers.mturk.plan.typediff import type_changes
from deployer.providers.mturk.records import RecordedHit, adopted_record
from deployer.providers.mturk.study import PARTICIPANTS, Requirement, Study


@dataclass(frozen=True)
class Fresh:
    """A HIT this plan creates for the batch (a create, or the new half of a replace)."""

    generation: int
    token: str
    reason: str
    replaces: ObservedHit | None = None
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True)
class Slot:
    number: int
    address: str
    count: int  # assignments this batch accounts for toward the study's total
    size: int  # MaxAssignments of its HIT once the base actions ran
    growable: bool = False
    ceiling: int | None = None  # created with <10: may never reach 10
    record: RecordedHit | None = None  # the existing HIT that stays current
    hit: ObservedHit | None = None
    expiry: datetime | None = None  # extend the expiry to this
    expiry_reason: str = ""
    expiry_old: datetime | None = None
    fresh: Fresh | None = None
    add: int = 0  # extra assignments decided by layout.py
    outside: int = 0  # assignments added outside deploy (drift), part of `count`
    earlier: tuple[datetime, datetime] | None = None  # (wanted, current): MTurk cannot shorten

    @property
    def record_size(self) -> int:
        return self.record.created_with if self.record else self.size


def batch_number(address: str) -> int:
    batch = address.split("/")[1]
    return int(batch[1:]) if batch[:1] == "b" and batch[1:].isdigit() else 0


def consumed_before(ctx: Context, current: RecordedHit) -> int:
    """Assignments older generations used up (they count toward the study's total)."""
    older = [h for h in ctx.history(current.address) if h.generation < current.generation]
    chain = [*older, current]
    return sum(used(ctx, a, b) for a, b in pairwise(chain))


def used(ctx: Context, old: RecordedHit, successor: RecordedHit) -> int:
    """What an older generation used: its started work while MTurk knows it (a returned or
    abandoned assignment is not used), else what it did not hand on to its successor."""
    seen = ctx.observe(old)
    if seen is not None:
        return seen.started
    return max(0, old.max_assignments - successor.created_with)


def adopt(ctx: Context, study: Study | None, record: RecordedHit | None,
          orphan: Orphan) -> tuple[RecordedHit, Findings]:
    """Record a HIT that carries our annotation but is missing from the lock; never re-create."""
    if record is not None and record.generation == orphan.generation:
        token, config_hash = record.token, record.config_hash
        why = "the last apply created it but stopped before recording its ID"
    else:
        token = request_token(ctx.lineage, ctx.environment, orphan.address,
                              orphan.generation, orphan.fingerprint)
        config_hash = study.config_hash if study else ""
        why = "it carries this batch's annotation but the lockfile does not record it"
    # The record the Adopt will write, so the rest of the plan treats the HIT as recorded.
    new = adopted_record(orphan.address, orphan.generation, token, orphan.fingerprint,
                         config_hash, orphan.hit)
    action = Adopt(orphan.address, orphan.generation, token, orphan.fingerprint, config_hash,
                   orphan.hit)
    return new, act(change(action, f"HIT {orphan.hit.hit_id} exists on MTurk: {why}"))


def open_slot(ctx: Context, study: Study, record: RecordedHit) -> tuple[Slot, Findings]:
    """The slot of one recorded batch of an open study, with its base actions."""
    number = batch_number(record.address)
    if record.status == "pending":
        token = retry_token(ctx, study, record)
        how = ("retrying with the same request token" if token == record.token
               else "the question changed since, so this is a new request")
        fresh = Fresh(record.generation, token, "the last apply recorded the intent to create "
                      f"this HIT but not the outcome; {how}")
        size = record.max_assignments
        count = consumed_before(ctx, record) + size
        return Slot(number, record.address, count, size, growable=True, fresh=fresh), Findings()
    hit = ctx.observe(record)
    if hit is None:
        return gone_slot(ctx, study, record)
    return live_slot(ctx, study, record, hit)


def retry_token(ctx: Context, study: Study, record: RecordedHit) -> str:
    if record.fingerprint == study.fingerprint:
        return record.token
    return request_token(ctx.lineage, ctx.environment, record.address,
                         record.generation, study.fingerprint)


def gone_slot(ctx: Context, study: Study, record: RecordedHit) -> tuple[Slot, Findings]:
    """A recorded HIT MTurk no longer knows.

    Its assignments can no longer be counted or fetched, so while the study is open and the
    batch had time left, the whole batch is created again; a batch that ran its course stays
    done (counted as recorded) so that a study never re-runs because MTurk disposed old HITs.
    """
    found = Findings() if record.status == "gone" else forget(record)
    size = record.max_assignments
    base = consumed_before(ctx, record)
    created = record.created_at or ctx.now
    if desired_expiry(study, created) <= ctx.now:
        return Slot(batch_number(record.address), record.address, base + size, size), found
    fresh = Fresh(record.generation + 1, request_token(
        ctx.lineage, ctx.environment, record.address, record.generation + 1,
        study.fingerprint), f"HIT {record.hit_id} is gone and the study is still open: "
        "creating the batch again")
    slot = Slot(batch_number(record.address), record.address, base + size, size,
                growable=True, fresh=fresh)
    return slot, found


def forget(record: RecordedHit) -> Findings:
    """A recorded HIT MTurk no longer knows: say so, and mark it gone."""
    return drift(record.address, f"HIT {record.hit_id} has been deleted on MTurk (or disposed "
                 "of after 120 days)") + act(change(
                     Forget(record.address, record.hit_id or "", record.generation),
                     f"MTurk no longer knows HIT {record.hit_id}"))


def live_slot(ctx: Context, study: Study, record: RecordedHit,
              hit: ObservedHit) -> tuple[Slot, Findings]:
    found = max_drift(record, hit)
    count = consumed_before(ctx, record) + hit.max_assignments
    address = record.address
    plain = Slot(batch_number(address), address, count, hit.max_assignments,
                 outside=max(0, hit.max_assignments - record.max_assignments))
    if desired_expiry(study, hit.created_at) <= ctx.now:
        if study.closes_at is not None and not hit.expired(ctx.now):
            # closes_at was moved into the past: close the HIT now, as the study says.
            found = found + act(change(Expire(address, hit.hit_id, record.generation),
                                       f"closes_at in {study.path} has passed",
                                       released=(hit.available, open_cost(hit))))
        return plain, found  # the batch ran its course: nothing left to change
    want = hit_type(study, ctx.environment, ctx.types)
    edits = type_changes(want, hit)
    question = record.fingerprint != study.fingerprint
    if edits and hit.started > 0 and not question and only_participants(ctx, want, hit):
        # Not worth a replacement (workers already on it would keep working on the old HIT
        # anyway): it stays as it is until it closes; new HITs keep earlier participants out.
        found = found + warn(address, f"HIT {hit.hit_id} has accepted work, so it keeps its "
                             "HIT type: it does not keep out earlier participants",
                             "new HITs of the study do; to close it now, set `state: closed`")
        edits = ()
    if question or (edits and hit.started > 0):
        slot, more = replace_slot(ctx, study, record, hit, plain, edits, question)
        return slot, found + more
    if edits:
        found = found + act(update_type(ctx, study, record, hit, want, edits))
    slot, more = expiry_slot(ctx, study, record, hit, plain)
    return slot, found + more


def only_participants(ctx: Context, want: HitType, hit: ObservedHit) -> bool:
    """Whether the HIT type differs only by the requirements on who took part in a study
    (the one-response-per-person default, exclude or only arriving on a HIT in use)."""
    ids = {ctx.types[name] for name in ctx.types if name.startswith(PARTICIPANTS)}

    def others(requirements: tuple[Requirement, ...]) -> tuple[Requirement, ...]:
        return tuple(q for q in requirements
                     if q.type_id not in ids and not q.type_id.startswith(PARTICIPANTS))

    return not type_changes(replace(want, qualifications=others(want.qualifications)),
                            replace(hit, qualifications=others(hit.qualifications)))


def max_drift(record: RecordedHit, hit: ObservedHit) -> Findings:
    # Fewer on MTurk than recorded is our own unfinished extension (recorded before the
    # call); the plan extends it again with the same token. Only more is someone else's.
    if hit.max_assignments <= record.max_assignments:
        return Findings()
    return drift(record.address, f"HIT {hit.hit_id} has MaxAssignments {hit.max_assignments} "
                 f"on MTurk; the lockfile records {record.max_assignments}")


def update_type(ctx: Context, study: Study, record: RecordedHit, hit: ObservedHit,
                want: HitType, edits: tuple[Edit, ...]) -> Change:
    fields = ", ".join(e.field for e in edits)
    payload = UpdateType(record.address, hit.hit_id, record.generation, want, study.config_hash,
                         edits, study.notifications)
    return change(payload, f"{fields} changed in {study.path}; nobody has accepted work yet",
                  update_type_cost(hit, want, ctx.now))


def replace_slot(ctx: Context, study: Study, record: RecordedHit, hit: ObservedHit, plain: Slot,
                 edits: tuple[Edit, ...], question: bool) -> tuple[Slot, Findings]:
    """Expire the HIT and carry its unstarted remainder to a new generation."""
    remainder = hit.available
    if question:
        why = f"the question changed in {study.path}; MTurk cannot change a HIT's question"
        edits = (question_edit(hit.question, study.question, record.fingerprint,
                               study.fingerprint, study.question_file), *edits)
    else:
        why = (f"{', '.join(e.field for e in edits)} changed in {study.path}, but "
               f"{hit.started} assignment(s) were already accepted, so MTurk cannot update "
               "the HIT type in place")
    reward = next((e for e in edits if e.field == "reward"), None)
    kept = "" if reward is None or not hit.started else (
        f"; the {plural(hit.started, 'assignment')} already accepted keep the old reward, "
        f"${reward.old}")
    if remainder == 0:
        return plain, warn(record.address, f"{why}; every assignment of HIT {hit.hit_id} has "
                           "been taken, so there is nothing to carry to a new HIT")
    generation = record.generation + 1
    token = request_token(ctx.lineage, ctx.environment, record.address, generation,
                          study.fingerprint)
    fresh = Fresh(generation, token, f"{why}: the {remainder} unstarted assignment(s) move "
                  f"to a new HIT{kept}", replaces=hit, edits=edits)
    return replace(plain, size=remainder, growable=True, fresh=fresh), Findings()


def expiry_slot(ctx: Context, study: Study, record: RecordedHit, hit: ObservedHit,
                plain: Slot) -> tuple[Slot, Findings]:
    """An existing HIT that stays: may grow, and may need its expiry moved later."""
    ceiling = None if record.created_with > SMALL_BATCH else SMALL_BATCH
    slot = replace(plain, growable=True, ceiling=ceiling, record=record, hit=hit)
    want = desired_expiry(study, hit.created_at)
    current = hit.expires_at
    if hit.expired(ctx.now):
        if record.status == "live":
            why = f"HIT {hit.hit_id} was expired outside deploy; the study is still open"
            found = drift(record.address, f"HIT {hit.hit_id} has been expired "
                          f"(at {stamp(current)}) outside deploy")
            found = found + reopening(study, record.address, hit)
        else:
            why, found = "the study is open again", Findings()
        return _extend_to(slot, want, why, current), found
    if want > current + EXPIRY_TOLERANCE:
        found = expiry_drift(record, hit)
        return _extend_to(slot, want, f"a later expiry is wanted in {study.path}", current), found
    if want < current - EXPIRY_TOLERANCE:
        if record.expires_at is not None and abs(record.expires_at - want) <= EXPIRY_TOLERANCE:
            # Someone extended the HIT by hand; the study did not change, so leave their extension.
            return slot, expiry_drift(record, hit)
        return replace(slot, earlier=(want, current)), Findings()
    return slot, Findings()


def reopening(study: Study, address: str, hit: ObservedHit) -> Findings:
    """Drift this plan undoes: say so before a merge reopens a HIT someone stopped in a hurry."""
    return warn(address, f"HIT {hit.hit_id} was expired outside deploy; applying this plan "
                "reopens it to workers", f"to keep it closed, set `state: paused` in "
                f"{study.path} (or `state: closed` if the study is over)")


def _extend_to(slot: Slot, when: datetime, why: str, old: datetime) -> Slot:
    return replace(slot, expiry=when, expiry_reason=why, expiry_old=old)


def expiry_drift(record: RecordedHit, hit: ObservedHit) -> Findings:
    if record.expires_at is None or abs(record.expires_at - hit.expires_at) <= EXPIRY_TOLERANCE:
        return Findings()
    return drift(record.address, f"HIT {hit.hit_id} expires at {stamp(hit.expires_at)} on "
                 f"MTurk; the lockfile records {stamp(record.expires_at)}")


def earlier_expiries(study: Study, slots: list[Slot]) -> Findings:
    """One error for every HIT the study asks to expire earlier: it is one edit of the file."""
    short = [s for s in slots if s.earlier is not None]
    if not short or short[0].earlier is None:
        return Findings()
    want, current = short[0].earlier
    which = plural(len(short), "HIT") + f" ({span([s.address for s in short])})"
    return fail(study.name, f"{study.path} asks {which} to expire earlier than they do now "
                f"({short[0].address}: at {stamp(want)} instead of {stamp(current)})",
                "MTurk cannot shorten a HIT: set `state: closed` (or `state: paused`) to expire "
                "the study now, or keep the later expiry")
