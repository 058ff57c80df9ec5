"""The MTurk reconciler, a pure function: (studies, record, observed, now) -> Plan.

No clock, no environment variables, no I/O: everything it needs is passed in, so the same
inputs always give the same plan. The rules are DESIGN §5; the per-batch work lives in
batches.py (recorded batches), layout.py (growth and new batches) and retire.py (expiry).
Scope, the production opt-in, rehearsal, budgets and the balance are core's guardrails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from deployer.core.findings import Findings, fail, total, warn
from deployer.core.guardrails import skipped_in_production, unknown_names
from deployer.core.plan import Change, Plan, StudyCost
from deployer.core.provider import PlanOptions
from deployer.core.records import EnvLock
from deployer.core.review import Desired
from deployer.providers.mturk.fees import LARGE_HIT
from deployer.providers.mturk.observed import Observed
from deployer.providers.mturk.plan.account import account_errors
from deployer.providers.mturk.plan.batches import (
    Slot,
    adopt,
    batch_number,
    earlier_expiries,
    open_slot,
)
from deployer.providers.mturk.plan.compensation import compensation_grants, owed
from deployer.providers.mturk.plan.context import Context, Orphan
from deployer.providers.mturk.plan.costs import saving_warnings, study_cost
from deployer.providers.mturk.plan.disposal import disposal_warnings
from deployer.providers.mturk.plan.layout import grow, materialise
from deployer.providers.mturk.plan.notifications import plan_notifications
from deployer.providers.mturk.plan.orphans import find_orphans, imported_elsewhere, strange
from deployer.providers.mturk.plan.participants import (
    declared_grants,
    participant_grants,
    plan_blocks,
    plan_types,
    wanted_types,
)
from deployer.providers.mturk.plan.payloads import (
    PAYLOADS,
    Adopt,
    Approve,
    Create,
    Expire,
    Extend,
    Forget,
    Pause,
    Replace,
    UpdateType,
    payload_of,
)
from deployer.providers.mturk.plan.retire import retire
from deployer.providers.mturk.plan.review import review
from deployer.providers.mturk.platform import PLATFORM
from deployer.providers.mturk.study import COMPENSATION, PARTICIPANTS, Study

# Within one address: record first, then retire, then change, then create.
KIND_ORDER = (Forget, Adopt, Expire, Pause, Replace, UpdateType, Extend, Create, *PAYLOADS)


def _sort_key(change: Change) -> tuple[int, str, int, int, str, int]:
    """In the order apply runs them (stage), then by study: its HITs first (by batch), then
    what concerns their assignments."""
    study, batch, *assignment = change.address.split("/")
    kind = KIND_ORDER.index(type(payload_of(change)))
    rest = "/".join([batch, *assignment])
    return change.stage, study, len(assignment), batch_number(change.address), rest, kind


def plan(studies: Sequence[Study], desired: Desired, env_lock: EnvLock, observed: Observed,
         now: datetime, options: PlanOptions) -> Plan:
    bare = Context(env_lock.environment, env_lock, observed, now)
    owed_to = owed(bare, desired.compensation) if options.only is None else []
    studies = [*studies, *(study for study, _, _ in owed_to)]
    wanted = wanted_types(bare.lineage, studies, desired.qualifications, bool(owed_to))
    typed, ids = plan_types(bare, [w for w in wanted if _in_scope(w.address, options)])
    ctx = replace(bare, types=ids)
    by_name = {s.name: s for s in studies}
    recorded = {h.study for h in ctx.hits}
    orphans, found = find_orphans(ctx, set(by_name) | recorded, options.adopt)
    found = typed + unknown_types(ctx, studies) + found
    names = sorted(set(by_name) | recorded | {o.study for o in orphans.values()})
    found = found + unknown_names(options.only, names)
    considered: list[str] = []
    for name in names:
        if options.only is not None and name not in options.only:
            continue
        study = by_name.get(name)
        theirs = {a: o for a, o in orphans.items() if o.study == name}
        skipped = skipped_in_production(study, ctx.environment) if study else None
        if skipped is not None:
            found = found + skipped
            continue
        if study is None and name not in recorded:
            found = found + total([strange(o) for o in theirs.values()])
            continue
        considered.append(name)
        if study is None or study.state != "open":
            found = found + retire(ctx, name, study, theirs)
        else:
            found = found + reconcile_open(ctx, study, theirs) + plan_notifications(ctx, study)
        found = found + review(ctx, name, study, desired.reviews.get(name))
    found = found + renames(ctx, by_name, recorded, considered)
    found = found + account_errors([by_name[n] for n in considered if n in by_name],
                                   observed.payer)
    found = found + disposal_warnings(ctx, considered, desired.saved)
    took_part = {w.name[len(PARTICIPANTS):] for w in wanted if w.name.startswith(PARTICIPANTS)}
    approving = {payload.assignment_id for c in found.changes
                 if isinstance(payload := payload_of(c), Approve)}
    found = found + participant_grants(ctx, took_part & set(considered), ids, approving)
    if options.only is None:
        found = found + declared_grants(ctx, desired.qualifications, ids)
        found = found + plan_blocks(ctx, desired.blocks)
        found = found + compensation_grants(ctx, owed_to, ids.get(COMPENSATION, ""))
    return assemble(ctx, by_name, considered, found)


def _in_scope(address: str, options: PlanOptions) -> bool:
    """With --study, only what belongs to those studies (their participants types)."""
    return options.only is None or address.split("/", 1)[0] in options.only


def unknown_types(ctx: Context, studies: Sequence[Study]) -> Findings:
    """A `custom: {id: ...}` requirement naming a type this environment does not have."""
    unknown = ctx.observed.participants.unknown
    return total(fail(s.name, f"{s.path} requires qualification type {q.type_id}, which does "
                      f"not exist in {ctx.environment.upper()} (type IDs differ between "
                      "environments)", "declare it in qualifications/NAME.yaml and require it "
                      "as `qualification: {name: NAME, ...}`")
                 for s in studies for q in s.qualifications if q.type_id in unknown)


def renames(ctx: Context, studies: dict[str, Study], recorded: set[str],
            considered: list[str]) -> Findings:
    """A new study asking the same question as a removed one is most likely a renamed file."""
    removed = {name for name in considered if name not in studies}
    asked = {h.fingerprint: h.study for h in ctx.hits if h.study in removed and h.status == "live"}
    found = Findings()
    for name in considered:
        study = studies.get(name)
        if study is None or name in recorded or study.fingerprint not in asked:
            continue
        old = asked[study.fingerprint]
        found = found + warn(name, f"{study.path} asks the same question as {old}, whose file "
                             f"was removed: if you renamed it, this plan expires {old}'s HITs "
                             "and pays for them again under the new name",
                             f"rename the file back to {old}.yaml to keep its HITs")
    return found


def reconcile_open(ctx: Context, study: Study, orphans: dict[str, Orphan]) -> Findings:
    current = {a: r for a, r in ctx.current.items() if r.study == study.name}
    addresses = sorted(set(current) | set(orphans), key=batch_number)
    slots: list[Slot] = []
    parts: list[Findings] = [] if addresses else [imported_elsewhere(ctx, study)]
    for address in addresses:
        record = current.get(address)
        if address in orphans:
            record, adopted = adopt(ctx, study, record, orphans[address])
            parts.append(adopted)
        if record is None:
            continue
        slot, found = open_slot(ctx, study, record)
        slots.append(slot)
        parts.append(found)
    parts.append(earlier_expiries(study, slots))
    numbers = [batch_number(h.address) for h in ctx.hits if h.study == study.name]
    grown, found = grow(study, slots, max([0, *numbers, *map(batch_number, orphans)]) + 1)
    parts.append(found)
    parts.extend(materialise(ctx, study, slot) for slot in grown)
    return total(parts)


def pays_large_fee(change: Change) -> bool:
    """The plan puts money on a HIT of 10 or more assignments (the 40% tier)."""
    match payload_of(change):
        case Create(hit=hit) | Replace(hit=hit):
            return hit.max_assignments >= LARGE_HIT
        case Extend() as extend:
            return extend.add_assignments > 0 and extend.new_max_assignments >= LARGE_HIT
        case _:
            return False


def assemble(ctx: Context, studies: dict[str, Study], considered: list[str],
             found: Findings) -> Plan:
    changes = tuple(sorted(found.changes, key=_sort_key))
    large = {c.study for c in changes if pays_large_fee(c)}
    # A study whose file was removed long ago has nothing left to cost: keep it off the table.
    acting = {c.study for c in changes}
    costed = [name for name in considered if name in studies or name in acting]
    costs = tuple(cost_of(ctx, name, studies.get(name), changes, name in large)
                  for name in costed)
    paths = {name: study.path for name, study in studies.items()}
    warnings = found.warnings + saving_warnings(costs, paths)
    return Plan(PLATFORM, ctx.environment, ctx.now, changes, found.drift, warnings, found.errors,
                costs, ctx.observed.balance, ctx.observed.payer)


def cost_of(ctx: Context, name: str, study: Study | None, changes: tuple[Change, ...],
            large: bool) -> StudyCost:
    hits = {h.hit_id: ctx.observed.hits[h.hit_id] for h in ctx.hits
            if h.study == name and h.hit_id and h.hit_id in ctx.observed.hits}
    assignments = [a.assignment_id for hit_id in hits
                   for a in ctx.observed.assignments.get(hit_id, ())]
    bonuses = [amount for a in assignments for amount in ctx.observed.bonuses.get(a, ())]
    mine = [c for c in changes if c.study == name]
    return study_cost(name, study, hits, bonuses, mine, ctx.now, large)
