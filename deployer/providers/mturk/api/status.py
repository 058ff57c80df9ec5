"""`deploy status` for MTurk: every recorded HIT as MTurk reports it now, as core's Status.

Cheap by design: one ListHITs page per 100 HITs tells open, available and in-progress work;
ListAssignmentsForHIT (100 per page) is asked only for HITs with submitted work, to split it
into awaiting review, approved and rejected.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from deployer.core.plan import ZERO
from deployer.core.status import Row, RowState, Status, StudyStatus, Work
from deployer.providers.mturk import fees
from deployer.providers.mturk.api.client import MTurk
from deployer.providers.mturk.api.wire import observed_assignment
from deployer.providers.mturk.observed import ObservedAssignment, ObservedHit
from deployer.providers.mturk.plan.batches import batch_number
from deployer.providers.mturk.plan.identity import requires_masters
from deployer.providers.mturk.platform import PLATFORM
from deployer.providers.mturk.records import RecordedHit, newest


def status(mturk: MTurk, records: Iterable[RecordedHit], now: datetime,
           only: frozenset[str] | None) -> Status:
    mine = sorted((r for r in records if only is None or r.study in only),
                  key=lambda r: (r.study, batch_number(r.address), r.address, r.generation))
    first = mturk.calls
    seen = mturk.hits(r.hit_id for r in mine if r.hit_id and r.status != "gone")
    current = newest(mine)
    rows = [_row(mturk, r, seen.get(r.hit_id or ""), current[r.address] is r, now)
            for r in mine]
    names = dict.fromkeys(r.study for r in mine)
    studies = tuple(StudyStatus(n, tuple(r for r in rows if r.study == n)) for n in names)
    return Status(PLATFORM, mturk.endpoint.environment, now, studies, mturk.calls - first)


def _row(mturk: MTurk, record: RecordedHit, hit: ObservedHit | None, current: bool,
         now: datetime) -> Row:
    if record.status == "pending" or record.hit_id is None:
        return Row(record.address, record.generation, "", "pending")
    if hit is None:
        return Row(record.address, record.generation, record.hit_id, "gone",
                   expires_at=record.expires_at)
    state: RowState = "open" if not hit.expired(now) else ("closed" if current else "replaced")
    raw = mturk.assignments(hit.hit_id, hit.submitted) if hit.submitted else []
    submitted = [observed_assignment(a) for a in raw]
    work = Work(available=hit.available if state == "open" else 0, in_progress=hit.pending,
                awaiting_review=_count(submitted, "Submitted"),
                approved=_count(submitted, "Approved"), rejected=_count(submitted, "Rejected"))
    waiting = [a.auto_approval_at for a in submitted
               if a.status == "Submitted" and a.auto_approval_at]
    return Row(record.address, record.generation, hit.hit_id, state, work, hit.expires_at,
               min(waiting, default=None), _spent(hit, work.approved),
               mturk.endpoint.preview_url(hit.hit_group_id))


def _count(assignments: list[ObservedAssignment], status: str) -> int:
    return sum(1 for a in assignments if a.status == status)


def _spent(hit: ObservedHit, approved: int) -> Decimal:
    """Approved work's rewards plus MTurk's fee at this HIT's tier."""
    if not approved:
        return ZERO
    masters = requires_masters(hit.qualifications)
    return fees.assignments_cost(Decimal(hit.reward), approved, hit.max_assignments, masters)
