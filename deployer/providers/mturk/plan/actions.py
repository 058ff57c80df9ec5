"""The plan as a value: a closed set of actions, each with its reason and cost.

plan.py builds a Plan; render.py displays it; apply.py executes it; planfile.py saves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from deployer.providers.mturk.observed import ObservedHit
from deployer.providers.mturk.study import Requirement, study_of

__all__ = ["study_of"]  # re-exported: addresses come with actions


@dataclass(frozen=True)
class HitType:
    """The seven properties MTurk groups HITs by; Masters already resolved for the env."""

    title: str
    description: str
    keywords: str  # comma-joined, as sent to MTurk
    reward: str  # "1.50"
    assignment_duration: int
    auto_approval_delay: int
    qualifications: tuple[Requirement, ...]


@dataclass(frozen=True)
class NewHit:
    """Everything CreateHIT needs, decided at plan time."""

    address: str
    generation: int
    token: str  # deterministic UniqueRequestToken (<= 64 chars)
    annotation: str  # RequesterAnnotation (<= 255 chars): address, generation, fingerprint
    fingerprint: str
    config_hash: str
    hit_type: HitType
    question: str
    max_assignments: int
    expires_at: datetime  # as planned; a closes_at study sends LifetimeInSeconds = this - now
    lifetime: int | None = None  # a lifetime study sends exactly this, however late apply runs


@dataclass(frozen=True)
class Change:
    """One attribute shown as `field: old -> new` in the plan."""

    field: str
    old: str
    new: str
    forces_replacement: bool = False


@dataclass(frozen=True)
class Create:
    hit: NewHit
    reason: str
    cost: Decimal  # rewards + fees this HIT commits


@dataclass(frozen=True)
class Extend:
    """CreateAdditionalAssignmentsForHIT and/or UpdateExpirationForHIT on a live HIT."""

    address: str
    hit_id: str
    generation: int
    add_assignments: int  # 0 = none
    assignments_token: str  # UniqueRequestToken for the assignments call
    new_max_assignments: int
    expires_at: datetime | None  # None = expiry unchanged
    config_hash: str
    changes: tuple[Change, ...]
    reason: str
    cost: Decimal


@dataclass(frozen=True)
class UpdateType:
    """CreateHITType + UpdateHITTypeOfHIT: no assignment was accepted yet."""

    address: str
    hit_id: str
    generation: int
    hit_type: HitType
    config_hash: str
    changes: tuple[Change, ...]
    reason: str
    cost: Decimal  # difference in committed spend (reward change x open assignments)


@dataclass(frozen=True)
class Replace:
    """Expire the old HIT, then create a new one carrying the unstarted remainder."""

    old_hit_id: str
    hit: NewHit
    changes: tuple[Change, ...]
    reason: str
    cost: Decimal


@dataclass(frozen=True)
class Expire:
    """UpdateExpirationForHIT in the past; the record stays so results can be fetched."""

    address: str
    hit_id: str
    generation: int
    reason: str


@dataclass(frozen=True)
class Adopt:
    """A HIT carrying our annotation but missing from the lock: record it, never re-create."""

    address: str
    generation: int
    token: str
    fingerprint: str
    config_hash: str
    observed: ObservedHit
    reason: str


@dataclass(frozen=True)
class Forget:
    """A recorded HIT MTurk no longer knows: mark it gone in the lock."""

    address: str
    hit_id: str
    generation: int
    reason: str


Action = Create | Extend | UpdateType | Replace | Expire | Adopt | Forget


def address_of(action: Action) -> str:
    match action:
        case Create(hit=hit) | Replace(hit=hit):
            return hit.address
        case Extend() | UpdateType() | Expire() | Adopt() | Forget():
            return action.address


@dataclass(frozen=True)
class Note:
    """A drift report, warning or error tied to an address (or a study name)."""

    address: str
    message: str
    hint: str = ""


@dataclass(frozen=True)
class StudyCost:
    study: str
    added: Decimal  # what this plan adds (rewards + fees)
    committed: Decimal  # what the study commits in total once the plan is applied
    budget: Decimal | None
    batching_saving: Decimal  # what max_assignments_per_hit <= 9 would save; 0 if none


@dataclass(frozen=True)
class Plan:
    environment: str
    created_at: datetime
    actions: tuple[Action, ...]
    drift: tuple[Note, ...]
    warnings: tuple[Note, ...]
    errors: tuple[Note, ...]
    costs: tuple[StudyCost, ...]
    balance: Decimal | None

    @property
    def has_changes(self) -> bool:
        return bool(self.actions)

    @property
    def added_cost(self) -> Decimal:
        return sum((c.added for c in self.costs), Decimal("0.00"))
