"""The reconciler, a pure function: (studies, lock, observed, now) -> Plan.

No clock, no environment variables, no I/O: everything it needs is passed in, so the same
inputs always give the same plan. The rules are DESIGN §5; the per-batch work lives in
batches.py (recorded batches), layout.py (growth and new batches) and retire.py (expiry).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from deployer.providers.mturk.fees import LARGE_HIT
from deployer.providers.mturk.observed import Observed
from deployer.providers.mturk.plan.actions import (
    Action,
    Adopt,
    Create,
    Expire,
    Extend,
    Forget,
    Note,
    Plan,
    Replace,
    StudyCost,
    UpdateType,
    address_of,
    study_of,
)
from deployer.providers.mturk.plan.batches import Slot, adopt, batch_number, open_slot
from deployer.providers.mturk.plan.costs import (
    ZERO,
    balance_errors,
    budget_errors,
    saving_warnings,
    study_cost,
)
from deployer.providers.mturk.plan.findings import Context, Findings, Orphan, total, warn
from deployer.providers.mturk.plan.identity import (
    annotation,
    assignments_token,
    hit_type,
    parse_annotation,
    request_token,
)
from deployer.providers.mturk.plan.layout import grow, materialise
from deployer.providers.mturk.plan.orphans import find_orphans, strange
from deployer.providers.mturk.plan.retire import retire
from deployer.providers.mturk.records import EnvLock, Lock
from deployer.providers.mturk.study import Study

__all__ = [
    "PlanOptions",
    "address_of",
    "annotation",
    "assignments_token",
    "hit_type",
    "parse_annotation",
    "plan",
    "request_token",
]

PRODUCTION = "production"
SANDBOX = "sandbox"
# Within one address: record first, then retire, then change, then create.
KIND_ORDER = (Forget, Adopt, Expire, Replace, UpdateType, Extend, Create)


@dataclass(frozen=True)
class PlanOptions:
    only: frozenset[str] | None = None  # --study filter
    skip_sandbox_check: bool = False
    adopt: str | None = None  # --adopt: another lockfile's lineage mark whose HITs to adopt


def _sort_key(action: Action) -> tuple[str, int, str, int]:
    address = address_of(action)
    study, batch = address.split("/", 1)
    return study, batch_number(address), batch, KIND_ORDER.index(type(action))


def plan(
    studies: Sequence[Study],
    lock: Lock,
    environment: str,
    observed: Observed,
    now: datetime,
    options: PlanOptions = PlanOptions(),
) -> Plan:
    env_lock = lock.env(environment) or EnvLock(environment, lineage="")
    ctx = Context(environment, env_lock, observed, now)
    by_name = {s.name: s for s in studies}
    recorded = {h.study for h in env_lock.hits}
    orphans, found = find_orphans(env_lock, observed, set(by_name) | recorded, options.adopt)
    names = sorted(set(by_name) | recorded | {o.study for o in orphans.values()})
    found = found + unknown_names(options, names)
    considered: list[str] = []
    for name in names:
        if options.only is not None and name not in options.only:
            continue
        study = by_name.get(name)
        theirs = {a: o for a, o in orphans.items() if o.study == name}
        if study is not None and environment == PRODUCTION and not study.production:
            found = found + warn(name, f"{study.path} is not enabled for production; skipped",
                                 "add `production: true` to the study file to deploy it there")
            continue
        if study is None and name not in recorded:
            found = found + total([strange(o) for o in theirs.values()])
            continue
        considered.append(name)
        if study is None or study.state == "closed":
            found = found + retire(ctx, name, study, theirs)
        else:
            found = found + reconcile_open(ctx, study, theirs)
    found = found + renames(env_lock, by_name, recorded, considered)
    return assemble(ctx, lock, by_name, considered, found, options)


def renames(env_lock: EnvLock, studies: dict[str, Study], recorded: set[str],
            considered: list[str]) -> Findings:
    """A new study asking the same question as a removed one is most likely a renamed file."""
    removed = {name for name in considered if name not in studies}
    asked = {h.fingerprint: h.study for h in env_lock.hits
             if h.study in removed and h.status == "live"}
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
    current = {a: r for a, r in ctx.env_lock.current().items() if r.study == study.name}
    addresses = sorted(set(current) | set(orphans), key=batch_number)
    slots: list[Slot] = []
    parts: list[Findings] = []
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
    numbers = [batch_number(h.address) for h in ctx.env_lock.hits if h.study == study.name]
    grown, found = grow(study, slots, max([0, *numbers, *map(batch_number, orphans)]) + 1)
    parts.append(found)
    parts.extend(materialise(ctx, study, slot) for slot in grown)
    return total(parts)


def unknown_names(options: PlanOptions, names: list[str]) -> Findings:
    missing = sorted((options.only or frozenset()) - set(names))
    return Findings(errors=tuple(
        Note(name, f"no study named {name}", "check --study against the files in studies/")
        for name in missing))


def pays_large_fee(action: Action) -> bool:
    """The plan puts money on a HIT of 10 or more assignments (the 40% tier)."""
    match action:
        case Create(hit=hit) | Replace(hit=hit):
            return hit.max_assignments >= LARGE_HIT
        case Extend():
            return action.add_assignments > 0 and action.new_max_assignments >= LARGE_HIT
        case UpdateType() | Expire() | Adopt() | Forget():
            return False


def config_hash_of(action: Action) -> str | None:
    match action:
        case Create(hit=hit) | Replace(hit=hit):
            return hit.config_hash
        case Extend() | UpdateType():
            return action.config_hash
        case Expire() | Adopt() | Forget():
            return None


def sandbox_errors(lock: Lock, studies: dict[str, Study],
                   actions: Sequence[Action]) -> tuple[Note, ...]:
    sandbox = lock.env(SANDBOX)
    errors: dict[str, Note] = {}
    for action in actions:
        name = study_of(address_of(action))
        config = config_hash_of(action)
        applied = sandbox.applied_hashes(name) if sandbox else ()
        if config is None or config in applied or name in errors:
            continue
        path = studies[name].path if name in studies else name
        errors[name] = Note(name, f"{path} (configuration {config}) was never applied in sandbox",
                            "run `deploy apply --env sandbox` first, or pass "
                            "--skip-sandbox-check")
    return tuple(errors[name] for name in sorted(errors))


def assemble(ctx: Context, lock: Lock, studies: dict[str, Study], considered: list[str],
             found: Findings, options: PlanOptions) -> Plan:
    actions = tuple(sorted(found.actions, key=_sort_key))
    large = {study_of(address_of(a)) for a in actions if pays_large_fee(a)}
    costs = tuple(cost_of(ctx, name, studies.get(name), actions, name in large)
                  for name in considered)
    paths = {name: study.path for name, study in studies.items()}
    errors = found.errors
    if ctx.environment == PRODUCTION and not options.skip_sandbox_check:
        errors += sandbox_errors(lock, studies, actions)
    errors += budget_errors(costs, paths)
    added = sum((c.added for c in costs), ZERO)
    errors += balance_errors(added, ctx.observed.balance, ctx.environment)
    warnings = found.warnings + saving_warnings(costs, paths)
    return Plan(ctx.environment, ctx.now, actions, found.drift, warnings, errors, costs,
                ctx.observed.balance)


def cost_of(ctx: Context, name: str, study: Study | None, actions: tuple[Action, ...],
            large: bool) -> StudyCost:
    hits = {h.hit_id: ctx.observed.hits[h.hit_id] for h in ctx.env_lock.hits
            if h.study == name and h.hit_id and h.hit_id in ctx.observed.hits}
    mine = [a for a in actions if study_of(address_of(a)) == name]
    return study_cost(name, study, hits, mine, ctx.now, large)
