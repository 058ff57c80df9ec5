"""What a plan costs, action by action and study by study (fee rules live in fees.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from deployer.core.plan import ZERO, Change, Note, StudyCost
from deployer.core.text import money
from deployer.providers.mturk import fees
from deployer.providers.mturk.observed import ObservedHit
from deployer.providers.mturk.plan.identity import requires_masters
from deployer.providers.mturk.plan.payloads import (
    Adopt,
    Create,
    Expire,
    Extend,
    HitType,
    NewHit,
    Pay,
    Payload,
    Replace,
    UpdateType,
    payload_of,
)
from deployer.providers.mturk.study import Study


def create_cost(hit: NewHit) -> Decimal:
    masters = requires_masters(hit.hit_type.qualifications)
    return fees.hit_cost(Decimal(hit.hit_type.reward), hit.max_assignments, masters)


def extend_cost(hit_type: HitType, add: int, new_max: int) -> Decimal:
    """New assignments pay the tier of the HIT's MaxAssignments after the extension."""
    masters = requires_masters(hit_type.qualifications)
    return fees.assignments_cost(Decimal(hit_type.reward), add, new_max, masters)


def open_cost(hit: ObservedHit) -> Decimal:
    """What the unstarted assignments of a HIT still commit."""
    masters = requires_masters(hit.qualifications)
    return fees.assignments_cost(Decimal(hit.reward), hit.available, hit.max_assignments, masters)


def update_type_cost(hit: ObservedHit, want: HitType, now: datetime) -> Decimal:
    """A new type re-prices the assignments nobody took yet; the difference may be negative.

    An expired HIT offers nothing, so its new type costs nothing until it is reopened (the
    Extend that reopens it prices its assignments at the new type).
    """
    if hit.expired(now):
        return ZERO
    masters = requires_masters(want.qualifications)
    new = fees.assignments_cost(Decimal(want.reward), hit.available, hit.max_assignments, masters)
    return new - open_cost(hit)


def replace_cost(new: NewHit, old: ObservedHit, now: datetime) -> Decimal:
    """The new HIT, minus what expiring the old one releases (nothing if it had expired)."""
    released = ZERO if old.expired(now) else open_cost(old)
    return create_cost(new) - released


@dataclass(frozen=True)
class Commitment:
    """What one HIT commits: all its assignments while open, only the started ones once expired."""

    reward: Decimal
    max_assignments: int
    started: int
    masters: bool
    open: bool

    @classmethod
    def of(cls, hit: ObservedHit, now: datetime) -> Commitment:
        return cls(Decimal(hit.reward), hit.max_assignments, hit.started,
                   requires_masters(hit.qualifications), not hit.expired(now))

    @classmethod
    def new(cls, hit: NewHit) -> Commitment:
        return cls(Decimal(hit.hit_type.reward), hit.max_assignments, 0,
                   requires_masters(hit.hit_type.qualifications), True)

    def amount(self) -> Decimal:
        count = self.max_assignments if self.open else self.started
        return fees.assignments_cost(self.reward, count, self.max_assignments, self.masters)


def _apply(book: dict[str, Commitment], payload: Payload, now: datetime) -> None:
    match payload:
        case Create(hit=new):
            book[f"new:{new.address}#{new.generation}"] = Commitment.new(new)
        case Replace(old_hit_id=old, hit=new):
            if old in book:
                book[old] = replace(book[old], open=False)
            book[f"new:{new.address}#{new.generation}"] = Commitment.new(new)
        case Extend(hit_id=hit_id) if hit_id in book:
            opened = book[hit_id].open or payload.expires_at is not None
            book[hit_id] = replace(book[hit_id], max_assignments=payload.new_max_assignments,
                                   open=opened)
        case UpdateType(hit_id=hit_id, hit_type=new_type) if hit_id in book:
            book[hit_id] = replace(book[hit_id], reward=Decimal(new_type.reward),
                                   masters=requires_masters(new_type.qualifications))
        case Expire(hit_id=hit_id) if hit_id in book:
            book[hit_id] = replace(book[hit_id], open=False)
        case Adopt(observed=hit):
            book[hit.hit_id] = Commitment.of(hit, now)
        case _:
            pass


def study_cost(name: str, study: Study | None, hits: Mapping[str, ObservedHit],
               bonuses: Iterable[Decimal], changes: Iterable[Change], now: datetime,
               large: bool) -> StudyCost:
    """`hits`: the study's recorded HITs MTurk still knows; gone HITs cannot be counted.
    `bonuses`: the bonus payments MTurk reports for the study's assignments.

    `large`: this plan spends at the 40% tier; only then is a batching saving worth showing.
    """
    book = {hit_id: Commitment.of(hit, now) for hit_id, hit in hits.items()}
    added = ZERO
    paid = sum((amount + fees.bonus_fee(amount) for amount in bonuses), ZERO)
    for change in changes:
        payload = payload_of(change)
        _apply(book, payload, now)
        added += change.cost
        if isinstance(payload, Pay):
            paid += change.cost
    committed = sum((c.amount() for c in book.values()), paid)
    saving = ZERO
    if study is not None and large:
        saving = fees.batching_saving(study.reward, study.assignments,
                                      study.max_assignments_per_hit, study.requires_masters)
    return StudyCost(name, added, committed, study.budget if study else None, saving)



def saving_warnings(costs: Iterable[StudyCost], paths: Mapping[str, str]) -> tuple[Note, ...]:
    return tuple(
        Note(c.study, f"HITs with 10 or more assignments pay a 40% fee instead of 20%: batches of "
             f"at most 9 would save {money(c.saving)}",
             f"set `max_assignments_per_hit: 9` in {paths.get(c.study, c.study)}")
        for c in costs
        if c.saving > 0
    )
