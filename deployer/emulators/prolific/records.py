"""The emulator's records: one dataclass per row of its database (schema.py).

Mutable on purpose: an operation reads a record, changes it and puts it back. Times are epoch
seconds; money is a decimal string of minor units (fees have hundredths of a penny).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class UserRec:
    """The researcher behind one API token."""

    id: str
    token: str
    workspace_id: str  # the workspace the token is bound to
    email: str
    name: str


@dataclass
class WorkspaceRec:
    id: str
    title: str
    description: str
    owner: str
    members: list[str]  # user ids
    currency: str
    balance: str  # total balance, minor units
    naivety_distribution_rate: float | None
    created: float


@dataclass
class ProjectRec:
    id: str
    workspace_id: str
    title: str
    description: str
    owner: str
    type: str  # PRIVATE | PUBLIC
    naivety_distribution_rate: float | None
    is_longitudinal: bool
    created: float


@dataclass
class StudyRec:
    id: str
    workspace_id: str
    project_id: str
    owner: str
    status: str
    fields: dict[str, Any]  # what the researcher set (validated), unknown keys included
    created: float
    stopped: bool = False
    published_at: float | None = None
    started_publishing_at: float | None = None
    publish_at: float | None = None
    # Participants of the studies named by previous-studies filters, frozen at publish.
    frozen: dict[str, Any] = field(default_factory=dict)

    @property
    def reward(self) -> int:
        return int(self.fields["reward"])

    @property
    def places(self) -> int:
        return int(self.fields["total_available_places"])


@dataclass
class ParticipantRec:
    id: str
    country: str  # ISO 3166-1 alpha-2
    age: int
    approval_rate: float
    devices: list[str]
    attributes: dict[str, Any]  # answers to other prescreeners: filter_id -> value(s)
    created: float


@dataclass
class SubmissionRec:
    id: str
    study_id: str
    participant_id: str
    status: str
    reserved_at: float
    started_at: float | None = None
    completed_at: float | None = None
    deadline: float | None = None  # RESERVED: start by; ACTIVE: finish by
    auto_approve_at: float | None = None
    study_code: str | None = None
    return_requested: float | None = None  # when a return was asked of the participant
    return_reasons: list[str] = field(default_factory=list)
    bonus_payments: list[str] = field(default_factory=list)  # minor units, as paid
    status_changed: float | None = None
    rejection_category: str | None = None


@dataclass
class GroupRec:
    id: str
    workspace_id: str
    project_id: str | None
    name: str
    description: str | None
    is_deleted: bool
    created: float


@dataclass
class MemberRec:
    group_id: str
    participant_id: str
    added: float


@dataclass
class BulkBonusRec:
    id: str
    study_id: str
    workspace_id: str
    rows: list[list[str]]  # [participant id, submission id, amount in minor units]
    amount: str
    fees: str
    vat: str
    total: str
    created: float


@dataclass
class PaymentRec:
    """One call of the pay endpoint: every call pays, a repeat included (reference §7)."""

    id: str
    bulk_id: str
    study_id: str
    workspace_id: str
    requested: float
    due: float
    paid_at: float | None = None


@dataclass
class ApprovalJobRec:
    """A bulk approval, applied when due (Prolific processes them asynchronously)."""

    id: str
    workspace_ids: list[str]
    submission_ids: list[str]
    requested: float
    due: float
    done: bool = False


@dataclass
class LedgerEntry:
    time: float
    workspace_id: str
    kind: str  # top_up | reward | bonus
    study_id: str | None
    submission_id: str | None
    participant_id: str | None
    amount: str
    fees: str
    vat: str
    total: str
    balance: str  # the workspace's total balance after this entry


@dataclass
class MessageRec:
    id: str
    workspace_id: str
    sender_id: str
    recipient_id: str
    study_id: str | None
    body: str
    channel: str  # direct | bulk | participant-group
    group_id: str | None
    sent_at: float
