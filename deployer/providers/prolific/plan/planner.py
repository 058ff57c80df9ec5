"""The Prolific reconciler, a pure function: (studies, record, observed, now) -> Plan.

One study file is one address, `<study>/study`, and at any time one Prolific study (its newest
generation). Prolific freezes nearly everything once a study is published, so a changed frozen
field is a replacement: stop the study and publish a new one carrying the remaining places,
closed to everyone who took part before. Places only grow; `paused`/`open` are PAUSE/START;
`closed` or a removed file is STOP. Scope, the production opt-in, budgets and the balance are
core's guardrails.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_UP, Decimal

from deployer.core.findings import Findings, drift, fail, total, warn
from deployer.core.guardrails import skipped_in_production, unknown_names
from deployer.core.plan import Change, Plan, StudyCost
from deployer.core.provider import PlanOptions
from deployer.core.records import EnvLock
from deployer.core.review import Desired
from deployer.providers.prolific import platform
from deployer.providers.prolific.observed import PUBLISHED, RUNNING, Observed, ObservedStudy
from deployer.providers.prolific.plan import changes
from deployer.providers.prolific.plan.context import Context
from deployer.providers.prolific.plan.review import review
from deployer.providers.prolific.records import (
    RecordedStudy,
    address_of,
    adopted,
    internal_name,
    lineage_mark,
    parse_internal,
)
from deployer.providers.prolific.study import Study
from deployer.spec.wording import closest


def plan(studies: Sequence[Study], desired: Desired, env: EnvLock, observed: Observed,
         now: datetime, options: PlanOptions) -> Plan:
    ctx = Context(env, observed, now)
    by_name = {s.name: s for s in studies}
    recorded = {r.study for r in env.of(RecordedStudy)}
    names = sorted(set(by_name) | recorded)
    found = unknown_names(options.only, names) + _currency(studies, observed)
    found = found + total(_countries(s, observed) for s in studies)
    found = found + total(_underpaying(s, observed) for s in studies if s.state != "closed")
    considered = []
    for name in names:
        if options.only is not None and name not in options.only:
            continue
        study = by_name.get(name)
        skipped = skipped_in_production(study, ctx.environment) if study else None
        if skipped is not None:
            found = found + skipped
            continue
        considered.append(name)
        found = found + reconcile(ctx, name, study)
        found = found + review(ctx, name, study, desired.reviews.get(name))
    found = found + total(_lists(ctx, s, found.changes) for s in studies if s.name in considered)
    # A study whose file was removed long ago has nothing left to cost: keep it off the table.
    acting = {c.study for c in found.changes}
    costs = tuple(_cost(ctx, name, by_name.get(name), found.changes) for name in considered
                  if name in by_name or name in acting)
    currency = observed.currency
    return Plan(platform.platform(currency), ctx.environment, now, found.changes, found.drift,
                found.warnings, found.errors, costs, observed.balance)


def _currency(studies: Sequence[Study], observed: Observed) -> Findings:
    """deploy.yaml's currency is what validate checked pay against: it must be Prolific's."""
    wrong = [s for s in studies if s.currency != observed.currency]
    return total(fail(s.name, f"{s.path} is checked in {s.currency} but the workspace pays in "
                      f"{observed.currency}", f"set `prolific: {{currency: {observed.currency}}}`"
                      " in deploy.yaml") for s in wrong[:1])


def _lists(ctx: Context, study: Study, planned: tuple[Change, ...]) -> Findings:
    """`exclude`/`only` name other studies by their Prolific IDs, which Prolific reads once, when
    this study is published: each must exist by then, and what it recruits later is not seen."""
    if not any(c.study == study.name and c.kind == "create" for c in planned):
        return Findings()
    found = Findings()
    rules = study.eligibility
    for name in (*rules.exclude, *rules.only):
        recorded = [r for r in ctx.generations(name) if r.study_id]
        created = any(c.study == name and c.kind == "create" for c in planned)
        if not recorded and not created:
            found = found + fail(study.name, f"{study.path} names {name}, which has no Prolific "
                                 f"study in {ctx.environment.upper()} yet",
                                 f"apply {name} first, or both in one apply")
            continue
        newest = ctx.seen(recorded[-1]) if recorded else None
        if created or (newest is not None and newest.status in RUNNING):
            found = found + warn(study.name, f"{study.path} names {name}, which is still "
                                 "recruiting: Prolific reads the list when this study is "
                                 f"published, so who takes {name} later is not covered")
    return found


def _underpaying(study: Study, observed: Observed) -> Findings:
    """Prolific refuses to publish below the account's own minimum per hour (validate checked
    the usual one offline)."""
    floor = observed.minimum_hourly
    rate = study.reward * 60 / study.estimated_minutes
    if floor is None or rate >= floor:
        return Findings()
    symbol = platform.SYMBOLS.get(observed.currency, "")
    needed = (floor * study.estimated_minutes / 60).quantize(Decimal("0.01"), ROUND_UP)
    return fail(study.name, f"{study.path} pays {symbol}{rate:.2f} per hour; this Prolific "
                f"account's minimum is {symbol}{floor:.2f} per hour",
                f'pay at least "{needed}" for an estimated {study.estimated_minutes} minutes')


def _countries(study: Study, observed: Observed) -> Findings:
    """Country names Prolific's filter does not have, each with the closest it does."""
    known = observed.countries
    if known is None:
        return Findings()
    found = Findings()
    for name in study.eligibility.countries:
        if name.lower() not in known:
            guess = closest(name.lower(), list(known))
            hint = f"did you mean {guess.title()}?" if guess else "check Prolific's list"
            found = found + fail(study.name, f"{study.path}: Prolific's country filter has no "
                                 f"{name!r}", hint)
    return found


def reconcile(ctx: Context, name: str, study: Study | None) -> Findings:
    """The changes that bring one study file's address to what the file asks."""
    records, found = _recovered(ctx, address_of(name), study)
    current = records[-1] if records else None
    if current is None or current.status in ("gone", "stopped"):
        if study is None or study.state == "closed":
            return found
        return found + _create(ctx, study, records)
    if current.status == "pending":  # its intent was written; Prolific never got it
        if study is None or study.state == "closed":
            return found + changes.forget(current, "its creation never reached Prolific")
        return found + _create(ctx, study, records[:-1], current.generation)
    seen = ctx.seen(current)
    if seen is None:
        return found + _vanished(ctx, study, current, records)
    if study is None or study.state == "closed":
        return found + _close(ctx, current, seen, study)
    if study.fingerprint != current.fingerprint:
        return found + _replace(ctx, study, current, seen, records)
    return found + _keep(ctx, study, current, seen, records)


def _recovered(ctx: Context, address: str,
               study: Study | None) -> tuple[list[RecordedStudy], Findings]:
    """The address's records, oldest first, with every study an apply created but could not
    record (found by its reserved internal name) adopted into them."""
    records = {r.generation: r for r in ctx.env.of(RecordedStudy) if r.address == address}
    mark = lineage_mark(ctx.env.lineage)
    found = Findings()
    for seen in ctx.observed.ours:
        tag = parse_internal(seen.internal_name)
        if tag is None or tag.mark != mark or tag.address != address:
            continue
        known = records.get(tag.generation)
        if known is not None and known.status != "pending":
            continue
        same = study is not None and study.fingerprint == tag.fingerprint
        record = adopted(seen, tag, study.config_hash if same and study else "")
        records[tag.generation] = record
        found = found + changes.adopt(record, seen)
    return [records[g] for g in sorted(records)], found


def _create(ctx: Context, study: Study, earlier: list[RecordedStudy],
            generation: int | None = None) -> Findings:
    taken = _taken(ctx, earlier)
    places = study.places - taken
    if places <= 0:
        return Findings()
    number = generation or (max((r.generation for r in earlier), default=0) + 1)
    mark = lineage_mark(ctx.env.lineage)
    name = internal_name(mark, address_of(study.name), number, study.fingerprint)
    return changes.create(study, number, name, places, [r.study_id for r in earlier if r.study_id],
                          ctx.money(study, study.reward * places))


def _taken(ctx: Context, records: list[RecordedStudy]) -> int:
    """Places earlier generations filled: a replacement only carries the rest."""
    taken = 0
    for record in records:
        seen = ctx.seen(record)
        taken += seen.places_taken if seen is not None else 0
    return taken


def _vanished(ctx: Context, study: Study | None, current: RecordedStudy,
              records: list[RecordedStudy]) -> Findings:
    """Only drafts can be deleted on Prolific: a published study that is not found means the
    wrong workspace, token or endpoint, never a study to post again."""
    if current.status != "draft":
        return fail(current.address, f"Prolific does not know {current.study_id}, which the "
                    f"lockfile records as {current.status}: published studies are never "
                    "deleted on Prolific", "check that PROLIFIC_TOKEN (or --endpoint-url) is "
                    "the workspace's that made it; nothing is planned for this study")
    found = changes.forget(current, "it no longer exists on Prolific") + drift(
        current.address, f"draft {current.study_id} was deleted outside deploy")
    if study is not None and study.state != "closed":
        found = found + _create(ctx, study, records)
    return found


def _close(ctx: Context, record: RecordedStudy, seen: ObservedStudy,
           study: Study | None) -> Findings:
    why = "the study file was removed" if study is None else f"{study.path} says closed"
    if seen.status == "UNPUBLISHED":
        return changes.discard(record, why)
    if seen.status not in RUNNING:
        return Findings()  # filled, or stopped already: nothing left to stop
    return changes.transition(record, "STOP", why, ctx.unused(seen))


def _replace(ctx: Context, study: Study, current: RecordedStudy, seen: ObservedStudy,
             records: list[RecordedStudy]) -> Findings:
    if seen.status == "UNPUBLISHED":
        found = changes.discard(current, "a field of the draft changed; a new draft replaces it")
        return found + _create(ctx, study, records[:-1], current.generation + 1)
    found = Findings()
    if seen.status in RUNNING:
        found = changes.transition(
            current, "STOP", "Prolific freezes what changed once a study is published: this "
            "study stops and a new one carries the remaining places, closed to everyone who "
            "took part", ctx.unused(seen), replacing=True)
    return found + _create(ctx, study, records)


def _keep(ctx: Context, study: Study, current: RecordedStudy, seen: ObservedStudy,
          records: list[RecordedStudy]) -> Findings:
    taken_before = _taken(ctx, records[:-1])
    wanted = study.places - taken_before
    found = Findings()
    if wanted < seen.places:
        return fail(study.name, f"{study.path} asks for {study.places} places but "
                    f"{taken_before + seen.places} are already offered: places only grow on "
                    "Prolific", f"set places back to at least {taken_before + seen.places}, or "
                    "close the study (`state: closed`) to stop recruiting")
    if seen.status == "UNPUBLISHED":
        if study.state == "open":
            cost = ctx.money(study, study.reward * seen.places)
            found = found + changes.publish(current, study, cost)
    elif seen.status == "COMPLETED" and current.status in ("published", "paused") \
            and seen.places_taken < seen.places:
        found = found + drift(current.address, f"{seen.study_id} was stopped outside deploy "
                              f"with {seen.places_taken} of {seen.places} places taken")
        return found + _create(ctx, study, records)
    elif seen.status in ("ACTIVE", "PAUSED"):
        found = found + _state(current, seen, study)
    if wanted > seen.places:
        found = found + changes.grow(current, seen, study, wanted,
                                     ctx.money(study, study.reward * (wanted - seen.places)))
    return found


def _state(record: RecordedStudy, seen: ObservedStudy, study: Study) -> Findings:
    paused = seen.status == "PAUSED"
    found = Findings()
    if paused and record.status != "paused":
        found = drift(record.address, f"{seen.study_id} was paused outside deploy, or by "
                      "Prolific when a rejected or returned submission freed a place")
    elif not paused and record.status == "paused":
        found = drift(record.address, f"{seen.study_id} was started outside deploy")
    if study.state == "paused" and not paused:
        return found + changes.transition(record, "PAUSE", f"{study.path} says paused")
    if study.state == "open" and paused:
        return found + changes.transition(record, "START", f"{study.path} says open")
    return found


def _cost(ctx: Context, name: str, study: Study | None, planned: tuple[Change, ...]) -> StudyCost:
    added = sum((c.cost for c in planned if c.study == name), Decimal("0.00"))
    held = Decimal("0.00")
    for record in ctx.generations(name):
        seen = ctx.seen(record)
        if seen is None or seen.status not in PUBLISHED:
            continue
        places = seen.places if seen.status in RUNNING else seen.places_taken
        held += ctx.money(study, seen.reward * places)
    return StudyCost(name, added, held + added, study.budget if study else None)
