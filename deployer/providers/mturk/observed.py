"""Observed state: what MTurk reports now, as plain values (no boto3 types)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from deployer.core.plan import Payer
from deployer.providers.mturk.study import Requirement


@dataclass(frozen=True)
class ObservedHit:
    hit_id: str
    hit_type_id: str
    hit_group_id: str
    status: str  # Assignable | Unassignable | Reviewable | Reviewing
    annotation: str
    title: str
    description: str
    keywords: str
    reward: str
    assignment_duration: int
    auto_approval_delay: int
    qualifications: tuple[Requirement, ...]  # normalised, Masters left as its real ID
    question: str
    max_assignments: int
    available: int
    pending: int
    completed: int
    created_at: datetime
    expires_at: datetime

    @property
    def submitted(self) -> int:
        """Assignments submitted (approved, rejected or awaiting review)."""
        return self.max_assignments - self.available - self.pending

    @property
    def started(self) -> int:
        """Assignments accepted so far: in progress or submitted."""
        return self.pending + self.submitted

    def expired(self, now: datetime) -> bool:
        return self.expires_at <= now


@dataclass(frozen=True)
class Observed:
    """Every HIT of the account that is recorded in the lock or carries our annotation.

    A recorded HIT ID absent from `hits` is gone (deleted, or disposed after 120 days).
    """

    hits: Mapping[str, ObservedHit] = field(default_factory=dict)
    balance: Decimal | None = None
    # Only where the review needs them: HIT ID -> its submitted assignments, and assignment ID
    # -> the bonus payments MTurk reports for it.
    assignments: Mapping[str, tuple[ObservedAssignment, ...]] = field(default_factory=dict)
    bonuses: Mapping[str, tuple[Decimal, ...]] = field(default_factory=dict)
    participants: Participants = field(default_factory=lambda: Participants())
    # Unrecorded HITs without deploy's annotation titled like an open study that has no record
    # here: HITs `deploy import` brought under it, if the lockfile that recorded them was lost.
    strangers: Mapping[str, ObservedHit] = field(default_factory=dict)
    payer: Payer | None = None  # the AWS account the credentials belong to (None: emulator)
    # notification destination -> what AWS said of it; absent: not checked (an emulator)
    destinations: Mapping[str, DestinationCheck] = field(default_factory=dict)


@dataclass(frozen=True)
class DestinationCheck:
    """An SQS queue or SNS topic as AWS reports it, for notifications."""

    exists: bool
    resource: str = ""  # its ARN, for the policy a fix needs
    problem: str = ""  # "" when MTurk can send to it
    doubt: str = ""  # why it could not be checked (the credentials may not read policies)


@dataclass(frozen=True)
class ObservedAssignment:
    """A submitted assignment (MTurk never lists work still in progress)."""

    assignment_id: str
    hit_id: str
    worker_id: str
    status: str  # Submitted | Approved | Rejected
    submitted_at: datetime | None
    auto_approval_at: datetime | None
    reviewed_at: datetime | None  # when approved or rejected


@dataclass(frozen=True)
class ObservedQualificationType:
    type_id: str
    title: str  # its Name
    description: str
    keywords: str
    status: str  # Active | Inactive
    auto_granted: bool
    auto_granted_value: int | None
    retry_delay: int | None


@dataclass(frozen=True)
class Participants:
    """What MTurk reports about qualification types and blocks, where the plan needs it."""

    # by type ID: the types deploy records, and those found by the title deploy would give them
    types: Mapping[str, ObservedQualificationType] = field(default_factory=dict)
    titles: Mapping[str, str] = field(default_factory=dict)  # title -> type ID, found by title
    grants: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # type ID -> workers
    blocks: Mapping[str, str] | None = None  # worker -> reason; None: not asked
    unknown: frozenset[str] = frozenset()  # custom type IDs in requirements MTurk does not know
