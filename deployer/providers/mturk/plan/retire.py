"""Closed and removed studies: expire every HIT still open; the records stay for results."""

from __future__ import annotations

from deployer.core.findings import Findings, act, drift, total
from deployer.providers.mturk.plan.batches import adopt, forget
from deployer.providers.mturk.plan.changes import change
from deployer.providers.mturk.plan.context import Context, Orphan
from deployer.providers.mturk.plan.payloads import Expire
from deployer.providers.mturk.records import RecordedHit
from deployer.providers.mturk.study import Study


def retire(ctx: Context, name: str, study: Study | None, orphans: dict[str, Orphan]) -> Findings:
    """Expire what is open. `study` is None when its file was removed."""
    why = (f"`state: closed` in {study.path}" if study is not None
           else f"study {name} is no longer in studies/ (file removed)")
    records = [h for h in ctx.hits if h.study == name]
    current = ctx.current
    parts: list[Findings] = []
    for address in sorted({h.address for h in records} | set(orphans)):
        orphan = orphans.get(address)
        if orphan is not None:
            record, found = adopt(ctx, study, current.get(address), orphan)
            parts.append(found + _expire(ctx, record, why))
        older = [h for h in records if h.address == address
                 and (orphan is None or h.generation != orphan.generation)]
        parts.extend(_retire_one(ctx, record, why) for record in older)
    return total(parts)


def _retire_one(ctx: Context, record: RecordedHit, why: str) -> Findings:
    if record.status in ("pending", "gone") or record.hit_id is None:
        return Findings()
    hit = ctx.observe(record)
    if hit is None:
        return forget(record)
    if hit.expired(ctx.now):
        return Findings()
    found = Findings()
    if record.status == "expired":
        found = drift(record.address, f"HIT {hit.hit_id} was expired by deploy but has been "
                      "extended outside deploy")
    return found + _expire(ctx, record, why)


def _expire(ctx: Context, record: RecordedHit, why: str) -> Findings:
    hit = ctx.observe(record)
    if record.hit_id is None or (hit is not None and hit.expired(ctx.now)):
        return Findings()
    return act(change(Expire(record.address, record.hit_id, record.generation), why))
