"""Closed, paused and removed studies: expire every HIT still open; the records stay for results.

A closed or removed study is over. A paused one means to come back: its HITs are paused (the
same MTurk call, shown as such), a HIT already expired by hand is left so, and `state: open`
reopens them (batches.py).
"""

from __future__ import annotations

from deployer.core.findings import Findings, act, drift, total
from deployer.core.text import plural
from deployer.providers.mturk.observed import ObservedHit
from deployer.providers.mturk.plan.batches import adopt, forget
from deployer.providers.mturk.plan.changes import change
from deployer.providers.mturk.plan.context import Context, Orphan
from deployer.providers.mturk.plan.costs import open_cost
from deployer.providers.mturk.plan.payloads import Expire, Pause
from deployer.providers.mturk.records import RecordedHit
from deployer.providers.mturk.study import Study


def retire(ctx: Context, name: str, study: Study | None, orphans: dict[str, Orphan]) -> Findings:
    """Expire (or pause) what is open. `study` is None when its file was removed."""
    pausing = study is not None and study.state == "paused"
    if study is None:
        why = f"study {name} is no longer in studies/ (file removed)"
    else:
        why = f"`state: {study.state}` in {study.path}"
    records = [h for h in ctx.hits if h.study == name]
    current = ctx.current
    parts: list[Findings] = []
    for address in sorted({h.address for h in records} | set(orphans)):
        orphan = orphans.get(address)
        if orphan is not None:
            record, found = adopt(ctx, study, current.get(address), orphan)
            parts.append(found + _expire(ctx, record, why, pausing, orphan.hit))
        older = [h for h in records if h.address == address
                 and (orphan is None or h.generation != orphan.generation)]
        parts.extend(_retire_one(ctx, record, why, pausing) for record in older)
    return total(parts)


def _retire_one(ctx: Context, record: RecordedHit, why: str, pausing: bool) -> Findings:
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
    return found + _expire(ctx, record, why, pausing, hit)


def _expire(ctx: Context, record: RecordedHit, why: str, pausing: bool,
            hit: ObservedHit | None) -> Findings:
    if record.hit_id is None or (hit is not None and hit.expired(ctx.now)):
        return Findings()
    kind = Pause if pausing else Expire
    unstarted = hit.available if hit is not None else 0
    if pausing:
        why += f": its {plural(unstarted, 'unstarted assignment')} wait for `state: open`"
    released = (unstarted, open_cost(hit)) if hit is not None else None
    payload = kind(record.address, record.hit_id, record.generation)
    return act(change(payload, why, released=released))
