"""MTurk's change payloads: what apply needs to carry out each kind of change, decided at plan
time. The generic Change (core.plan) carries one of these; only providers/mturk reads them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deployer.core.plan import Change
from deployer.providers.mturk.observed import ObservedHit
from deployer.providers.mturk.study import Notification, Requirement


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
    notification: Notification | None = None  # set on the HIT type the HIT gets


@dataclass(frozen=True)
class Edit:
    """One attribute shown as `field: old -> new` in the plan."""

    field: str
    old: str
    new: str
    forces_replacement: bool = False
    detail: tuple[str, ...] = ()  # what changed, in reviewer's words: `+ Locale In US,CA`


@dataclass(frozen=True)
class Create:
    hit: NewHit


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
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class UpdateType:
    """CreateHITType + UpdateHITTypeOfHIT: no assignment was accepted yet."""

    address: str
    hit_id: str
    generation: int
    hit_type: HitType
    config_hash: str
    edits: tuple[Edit, ...]
    notification: Notification | None = None  # set on the new HIT type


@dataclass(frozen=True)
class Replace:
    """Expire the old HIT, then create a new one carrying the unstarted remainder."""

    old_hit_id: str
    hit: NewHit
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Expire:
    """UpdateExpirationForHIT in the past; the record stays so results can be fetched."""

    address: str
    hit_id: str
    generation: int


@dataclass(frozen=True)
class Pause(Expire):
    """An Expire meant to be undone: `state: paused` keeps the unstarted assignments, and
    `state: open` reopens the same HIT. MTurk is asked exactly what an Expire asks."""


@dataclass(frozen=True)
class Adopt:
    """A HIT carrying our annotation but missing from the lock: record it, never re-create."""

    address: str
    generation: int
    token: str
    fingerprint: str
    config_hash: str
    observed: ObservedHit


@dataclass(frozen=True)
class Forget:
    """A recorded HIT MTurk no longer knows: mark it gone in the lock."""

    address: str
    hit_id: str
    generation: int


@dataclass(frozen=True)
class Approve:
    """ApproveAssignment; `override` approves work that was rejected (within 30 days)."""

    address: str
    assignment_id: str
    feedback: str
    override: bool


@dataclass(frozen=True)
class Reject:
    address: str
    assignment_id: str
    feedback: str


@dataclass(frozen=True)
class Pay:
    """SendBonus of `amount`, bringing the assignment's bonuses to `target` in total."""

    address: str
    assignment_id: str
    target: str  # "1.50"
    amount: str  # "0.50"
    token: str  # deterministic UniqueRequestToken of (lineage, assignment, target)
    reason: str


@dataclass(frozen=True)
class QualificationType:
    """What CreateQualificationType and UpdateQualificationType send."""

    title: str  # Name (fixed once created)
    description: str
    keywords: str  # comma-joined; carries deploy's mark so the type is found again as ours
    auto_granted: bool = False
    auto_granted_value: int | None = None
    retry_delay: int | None = None


@dataclass(frozen=True)
class CreateQualification:
    address: str
    name: str  # deploy's name for the type: "participants:pilot", "qualification:native"
    spec: QualificationType


@dataclass(frozen=True)
class UpdateQualification:
    address: str
    name: str
    type_id: str
    spec: QualificationType


@dataclass(frozen=True)
class AdoptQualification:
    """A type with our title and mark exists but is not recorded: record it, never create."""

    address: str
    name: str
    title: str
    type_id: str


@dataclass(frozen=True)
class DisposeQualification:
    address: str
    name: str
    type_id: str


@dataclass(frozen=True)
class Grant:
    """AssociateQualificationWithWorker, without notifying the worker. The worker is named by
    an assignment of theirs (asked of MTurk at apply time) or, from a file a person wrote, by
    ID: no ID a plan did not already hold ends up in a saved plan."""

    address: str
    name: str
    value: int
    assignment_id: str | None = None
    worker: str | None = None


@dataclass(frozen=True)
class Revoke:
    """DisassociateQualificationFromWorker of the worker with this pseudonym."""

    address: str
    name: str
    worker: str  # pseudonym: found among the type's workers at apply time


@dataclass(frozen=True)
class BlockWorker:
    address: str
    worker: str  # from workers/ENV/blocked.csv
    reason: str


@dataclass(frozen=True)
class Unblock:
    address: str
    worker: str  # pseudonym of a worker deploy blocked


@dataclass(frozen=True)
class SetNotifications:
    """UpdateNotificationSettings on the study's HIT types (None: switch them off), then, for a
    new or changed specification, SendTestEventNotification so that its destination is tried."""

    address: str  # "<study>/notifications"
    spec: Notification | None
    hit_type_ids: tuple[str, ...]  # the recorded HIT types whose settings differ
    test: bool


HitPayload = (Create | Extend | UpdateType | Replace | Expire | Pause | Adopt | Forget
              | SetNotifications)
ReviewPayload = Approve | Reject | Pay
ParticipantPayload = (CreateQualification | UpdateQualification | AdoptQualification
                      | DisposeQualification | Grant | Revoke | BlockWorker | Unblock)
Payload = HitPayload | ReviewPayload | ParticipantPayload
PAYLOADS = (Create, Extend, UpdateType, Replace, Expire, Pause, Adopt, Forget, SetNotifications,
            Approve, Reject,
            Pay, CreateQualification, UpdateQualification, AdoptQualification,
            DisposeQualification, Grant, Revoke, BlockWorker, Unblock)


def payload_of(change: Change) -> Payload:
    """The MTurk payload a change carries (a change of another platform is a bug here)."""
    if not isinstance(change.payload, PAYLOADS):
        raise TypeError(f"{change.address}: {change.payload!r} is not an MTurk change")
    return change.payload
