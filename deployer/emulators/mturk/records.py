"""The emulator's records: one dataclass per row of the service's database (schema.py).

Mutable on purpose: an operation reads a record, changes it and puts it back. Every field is
JSON-native (times are epoch seconds, money is a decimal string), so a record is also a member
of the JSON state document (json_state.py) as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class HitTypeRec:
    id: str
    group_id: str
    title: str
    description: str
    keywords: str | None
    reward: str
    assignment_duration: int
    auto_approval_delay: int
    requirements: list[dict[str, Any]]
    creation: float
    notification: dict[str, Any] | None = None
    notification_active: bool = False


@dataclass
class HitRec:
    id: str
    type_id: str
    creation: float
    expiration: float
    max_assignments: int
    created_with: int
    question: str
    annotation: str | None
    reviewing: bool = False
    ever_accepted: bool = False
    assignment_policy: dict[str, Any] | None = None  # AssignmentReviewPolicy as sent
    hit_policy: dict[str, Any] | None = None  # HITReviewPolicy as sent


@dataclass
class AssignmentRec:
    id: str
    hit_id: str
    worker_id: str
    accept_time: float
    deadline: float
    status: str = "Accepted"  # Accepted | Submitted | Approved | Rejected
    submit_time: float | None = None
    auto_approval_time: float | None = None
    approval_time: float | None = None
    rejection_time: float | None = None
    answer: str | None = None
    feedback: str | None = None


@dataclass
class WorkerRec:
    id: str
    country: str = "US"
    subdivision: str | None = None
    adult: bool = False
    masters: bool = False
    approved_count: int = 0
    percent_approved: int = 100


@dataclass
class QualTypeRec:
    id: str
    name: str
    description: str
    keywords: str | None
    status: str
    creation: float
    retry_delay: int | None = None
    test: str | None = None
    answer_key: str | None = None
    test_duration: int | None = None
    auto_granted: bool = False
    auto_granted_value: int | None = None
    deleted: float | None = None  # when DeleteQualificationType was called


@dataclass
class QualRec:
    type_id: str
    worker_id: str
    grant_time: float
    value: int
    status: str = "Granted"


@dataclass
class QualRequestRec:
    """A worker's request for a qualification, with the test answers when the type has one."""

    id: str
    type_id: str
    worker_id: str
    submit_time: float
    test: str | None = None  # the type's test when the worker took it
    answer: str | None = None  # QuestionFormAnswers
    status: str = "Pending"  # Pending | Granted | Rejected
    reason: str | None = None  # why it was rejected, for the worker


@dataclass
class BonusRec:
    worker_id: str
    amount: str
    assignment_id: str
    hit_id: str
    reason: str
    grant_time: float


@dataclass
class LedgerEntry:
    time: float
    kind: str  # reward | bonus
    assignment_id: str
    worker_id: str
    amount: str
    fee: str
    balance: str


@dataclass
class BlockRec:
    worker_id: str
    reason: str


@dataclass
class MessageRec:
    """A NotifyWorkers e-mail delivered to one worker."""

    worker_id: str
    subject: str
    text: str
    time: float


@dataclass
class EventRec:
    """A notification MTurk would have sent (SendTestEventNotification)."""

    time: float
    destination: str
    transport: str
    version: str
    event_type: str
    message: dict[str, Any]  # the document the destination receives


@dataclass
class UploadRec:
    """A file a worker uploaded for a FileUploadAnswer question."""

    key: str
    assignment_id: str
    question_id: str
    content: str
    size: int


@dataclass
class TokenRec:
    """A UniqueRequestToken (or derived idempotency token) remembered for a while."""

    key: str  # "<family>:<token>"
    issued: float
    result: Any  # what a repeat is told: the HIT created, the original request id, ...
