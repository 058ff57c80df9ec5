"""Who may work, as code: the qualification types deploy manages, their grants, and blocks.

Three kinds of type, each named in requirements until its ID in the environment is known:
`participants:STUDY` (who took part in a study: for one response per person, exclusions and
follow-ups), `qualification:NAME` (qualifications/NAME.yaml) and `compensation:` (who may take
which compensation HIT). A type is found again by its title and deploy's mark in its keywords,
so a crash between creating it and recording it never creates a second one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from deployer.core.findings import Findings, act, drift, fail, total, warn
from deployer.core.participants import Block, QualificationSpec
from deployer.core.plan import Attribute
from deployer.core.results import pseudonym
from deployer.providers.mturk.observed import ObservedQualificationType
from deployer.providers.mturk.plan.changes import participant_change
from deployer.providers.mturk.plan.context import Context
from deployer.providers.mturk.plan.identity import APPROVED, TOOK_PART, lineage_mark
from deployer.providers.mturk.plan.payloads import (
    AdoptQualification,
    BlockWorker,
    CreateQualification,
    DisposeQualification,
    Grant,
    QualificationType,
    Revoke,
    Unblock,
    UpdateQualification,
)
from deployer.providers.mturk.records import RecordedBlock, RecordedQualificationType
from deployer.providers.mturk.study import COMPENSATION, NAMED, PARTICIPANTS, Study


@dataclass(frozen=True)
class Wanted:
    """A type deploy should hold, and where it comes from."""

    name: str
    address: str  # where its changes show in the plan
    spec: QualificationType
    why: str


def mark_keyword(lineage: str) -> str:
    """The keyword by which deploy knows a type as this project's own."""
    return f"deploy-{lineage_mark(lineage)}"


def wanted_types(lineage: str, studies: Sequence[Study],
                 declared: Mapping[str, QualificationSpec], compensation: bool) -> list[Wanted]:
    mark = lineage_mark(lineage)
    keyword = mark_keyword(lineage)
    found: dict[str, Wanted] = {}
    for study in studies:
        named = [study.name] if study.repeat_workers == "excluded" else []
        named += [*study.exclude, *(name for name, _ in study.only)]
        for name in named:
            spec = QualificationType(
                f"Took part in {name} ({mark})",
                f"Workers who took part in the study {name}. deploy grants it after each "
                "submission, so that each person takes part once, or only those invited do.",
                keyword)
            found.setdefault(PARTICIPANTS + name, Wanted(
                PARTICIPANTS + name, f"{name}/participants", spec,
                f"{study.path} keeps track of who took part in {name}"))
    for name, declared_type in declared.items():
        keywords = ",".join([*declared_type.keywords, keyword])
        spec = QualificationType(declared_type.title, declared_type.description, keywords,
                                 declared_type.auto_granted,
                                 declared_type.auto_granted_value
                                 if declared_type.auto_granted else None,
                                 declared_type.retry_delay)
        found[NAMED + name] = Wanted(NAMED + name, f"qualification/{name}", spec,
                                     f"{declared_type.path} declares it")
    if compensation:
        spec = QualificationType(f"Compensation ({mark})", "Workers owed a payment for work "
                                 "they could not submit; each sees only the HIT that pays them.",
                                 keyword)
        found[COMPENSATION] = Wanted(COMPENSATION, "compensation/qualification", spec,
                                     "workers are owed compensation")
    return list(found.values())


def plan_types(ctx: Context, wanted: Sequence[Wanted]) -> tuple[Findings, dict[str, str]]:
    """The changes that give every wanted type an ID here, and the IDs known before apply."""
    records = {r.name: r for r in ctx.env_lock.of(RecordedQualificationType)}
    seen = ctx.observed.participants
    parts: list[Findings] = []
    ids: dict[str, str] = {}
    for want in wanted:
        record = records.get(want.name)
        found, type_id = _one_type(ctx, want, record, seen.types, seen.titles)
        parts.append(found)
        if type_id:
            ids[want.name] = type_id
    names = {w.name for w in wanted}
    for record in records.values():
        if record.name.startswith(NAMED) and record.name not in names \
                and record.status == "live" and record.type_id:
            name = record.name[len(NAMED):]
            payload = DisposeQualification(f"qualification/{name}", record.name, record.type_id)
            parts.append(act(participant_change(payload, f"qualifications/{name}.yaml was "
                                                "removed", (Attribute("type_id",
                                                                      record.type_id),))))
    return total(parts), ids


def _one_type(ctx: Context, want: Wanted, record: RecordedQualificationType | None,
              types: Mapping[str, ObservedQualificationType],
              titles: Mapping[str, str]) -> tuple[Findings, str]:
    if record is not None and record.status == "live" and record.type_id:
        observed = types.get(record.type_id)
        if observed is not None:
            return _update(want, observed), record.type_id
        gone = drift(want.address, f"qualification type {record.type_id} ({record.title}) was "
                     "deleted outside deploy; it is created again")
        return gone + _create(want), ""
    type_id = titles.get(want.spec.title)
    if type_id is not None:
        observed = types.get(type_id)
        if observed is None or mark_keyword(ctx.lineage) not in observed.keywords.split(","):
            return fail(want.address, f"a qualification type titled {want.spec.title!r} "
                        "already exists on this account but was not made by this project",
                        "give the type another `title:` in its file"), ""
        payload = AdoptQualification(want.address, want.name, want.spec.title, type_id)
        rows = (Attribute("type_id", type_id), Attribute("title", want.spec.title, quoted=True))
        return act(participant_change(payload, f"it exists on MTurk ({want.why}) but the "
                                      "lockfile does not record it", rows)), type_id
    return _create(want), ""


def _create(want: Wanted) -> Findings:
    payload = CreateQualification(want.address, want.name, want.spec)
    rows = [Attribute("title", want.spec.title, quoted=True),
            Attribute("description", want.spec.description, quoted=True)]
    if want.spec.auto_granted:
        rows.append(Attribute("auto_granted", str(want.spec.auto_granted_value)))
    return act(participant_change(payload, want.why, tuple(rows)))


def _update(want: Wanted, observed: ObservedQualificationType) -> Findings:
    spec = want.spec
    if observed.title != spec.title:
        return fail(want.address, f"qualification type {observed.type_id} is titled "
                    f"{observed.title!r} on MTurk; MTurk cannot rename a type",
                    f"keep `title: {observed.title}`, or remove the file and add it again "
                    "under another name (its grants start again)")
    pairs = [("description", observed.description, spec.description),
             ("auto_granted", _auto(observed.auto_granted, observed.auto_granted_value),
              _auto(spec.auto_granted, spec.auto_granted_value)),
             ("retry_delay", str(observed.retry_delay), str(spec.retry_delay)),
             ("status", observed.status, "Active")]
    rows = tuple(Attribute(field, new, old, quoted=field == "description")
                 for field, old, new in pairs if old != new)
    if not rows:
        return Findings()
    payload = UpdateQualification(want.address, want.name, observed.type_id, spec)
    return act(participant_change(payload, f"{', '.join(a.field for a in rows)} changed "
                                  f"({want.why})", rows))


def _auto(granted: bool, value: int | None) -> str:
    return f"yes, value {value if value is not None else 1}" if granted else "no"


def participant_grants(ctx: Context, studies: Iterable[str], ids: Mapping[str, str],
                       approving: Collection[str] = ()) -> Findings:
    """Every worker with submitted work on any HIT of a study, in every generation, holds its
    participants type: value 1, or 2 once the work was approved (or `approving` it now)."""
    parts = []
    for study in sorted(studies):
        name = PARTICIPANTS + study
        granted = ctx.observed.participants.grants.get(ids.get(name, ""), {})
        wanted: dict[str, tuple[int, str]] = {}
        for record in ctx.hits:
            if record.study != study or record.hit_id is None:
                continue
            for work in ctx.observed.assignments.get(record.hit_id, ()):
                approved = work.status == "Approved" or work.assignment_id in approving
                value = APPROVED if approved else TOOK_PART
                if value >= wanted.get(work.worker_id, (0, ""))[0]:
                    wanted[work.worker_id] = (value, work.assignment_id)
        for worker, (value, assignment) in sorted(wanted.items(), key=lambda w: w[1][1]):
            if granted.get(worker) == value:
                continue
            payload = Grant(f"{study}/participants/{_p(ctx, worker)}", name, value, assignment)
            parts.append(_grant(ctx, payload, worker, granted.get(worker), "took part in "
                                f"{study}" + (" (approved)" if value == APPROVED else "")))
    return total(parts)


def declared_grants(ctx: Context, declared: Mapping[str, QualificationSpec],
                    ids: Mapping[str, str]) -> Findings:
    """qualifications/ENV/NAME.csv is the whole list: grant, re-score, and revoke the rest."""
    parts = []
    for name, spec in sorted(declared.items()):
        if spec.grants is None:
            continue
        granted = ctx.observed.participants.grants.get(ids.get(NAMED + name, ""), {})
        listed = {g.worker for g in spec.grants}
        for g in spec.grants:
            if granted.get(g.worker) != g.value:
                payload = Grant(f"qualification/{name}/{_p(ctx, g.worker)}", NAMED + name,
                                g.value, worker=g.worker)
                why = f"qualifications/{ctx.environment}/{name}.csv:{g.line}"
                parts.append(_grant(ctx, payload, g.worker, granted.get(g.worker), why))
        for worker in sorted(set(granted) - listed, key=lambda w: _p(ctx, w)):
            who = _p(ctx, worker)
            revoke = Revoke(f"qualification/{name}/{who}", NAMED + name, who)
            parts.append(act(participant_change(revoke, f"not in qualifications/"
                                                f"{ctx.environment}/{name}.csv",
                                                (Attribute("worker", who),))))
    return total(parts)


def _grant(ctx: Context, payload: Grant, worker: str, old: int | None, why: str) -> Findings:
    rows = (Attribute("worker", _p(ctx, worker)),
            Attribute("value", str(payload.value), None if old is None else str(old)))
    return act(participant_change(payload, why, rows))


def _p(ctx: Context, worker: str) -> str:
    return pseudonym(ctx.env_lock.pseudonym_key, worker)


def plan_blocks(ctx: Context, blocks: tuple[Block, ...] | None) -> Findings:
    """workers/ENV/blocked.csv: block who is listed; lift only blocks deploy made."""
    observed = ctx.observed.participants.blocks
    if observed is None:
        return Findings()
    listed = {b.worker: b for b in blocks or ()}
    parts = []
    for worker, block in sorted(listed.items(), key=lambda b: b[1].line):
        if worker not in observed:
            who = _p(ctx, worker)
            payload = BlockWorker(f"workers/blocked/{who}", worker, block.reason)
            parts.append(act(participant_change(
                payload, f"workers/{ctx.environment}/blocked.csv:{block.line}",
                (Attribute("worker", who), Attribute("reason", block.reason, quoted=True)))))
    ours = {b.worker for b in ctx.env_lock.of(RecordedBlock) if b.status == "blocked"}
    listed_ids = {_p(ctx, w) for w in listed}
    blocked_ids = {_p(ctx, w) for w in observed}
    for who in sorted(ours - listed_ids):
        if who in blocked_ids:
            lift = Unblock(f"workers/blocked/{who}", who)
            parts.append(act(participant_change(lift, f"no longer in workers/"
                                                f"{ctx.environment}/blocked.csv",
                                                (Attribute("worker", who),))))
    others = len(blocked_ids - ours - listed_ids)
    if others:
        parts.append(warn("workers/blocked", f"{others} worker(s) blocked outside deploy stay "
                          "blocked", "lift them on MTurk, or list them in blocked.csv"))
    return total(parts)
