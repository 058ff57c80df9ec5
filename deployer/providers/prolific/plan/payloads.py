"""The payloads of Prolific's changes: what api/steps.py needs to carry each one out.

Frozen values, read back from saved plans (the provider lists PAYLOADS)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from deployer.core.plan import Change
from deployer.providers.prolific.records import RecordedStudy
from deployer.providers.prolific.study import CompletionCode, Eligibility


@dataclass(frozen=True)
class NewStudy:
    """A Prolific study to create (and publish), everything its create call sends."""

    address: str
    generation: int
    internal_name: str
    fingerprint: str
    config_hash: str
    title: str
    description: str
    external_url: str
    estimated_minutes: int
    maximum_minutes: int
    reward: Decimal  # major units
    places: int
    codes: tuple[CompletionCode, ...]
    eligibility: Eligibility  # exclude/only name studies: their IDs are read at apply
    devices: tuple[str, ...]
    project: str  # by title
    earlier: tuple[str, ...]  # IDs of this address's earlier generations: their participants
    publish: bool  # False: leave it a draft (the study file says paused)


@dataclass(frozen=True)
class Create:
    study: NewStudy


@dataclass(frozen=True)
class Publish:
    address: str
    generation: int
    study_id: str
    config_hash: str


@dataclass(frozen=True)
class Grow:
    address: str
    generation: int
    study_id: str
    places: int  # the new total
    config_hash: str


Action = Literal["PAUSE", "START", "STOP"]


@dataclass(frozen=True)
class Transition:
    address: str
    generation: int
    study_id: str
    action: Action
    config_hash: str


@dataclass(frozen=True)
class Discard:
    """Delete a draft (never published, so nobody saw it and no money is held)."""

    address: str
    generation: int
    study_id: str


@dataclass(frozen=True)
class Adopt:
    """Record a study found on Prolific by its reserved internal name."""

    record: RecordedStudy


@dataclass(frozen=True)
class Forget:
    address: str
    generation: int
    study_id: str


@dataclass(frozen=True)
class Approve:
    address: str  # "<study>/<submission ID>"
    submission_id: str


@dataclass(frozen=True)
class Reject:
    address: str
    submission_id: str
    category: str  # Prolific's rejection category
    message: str  # at least 100 characters, shown to the participant


@dataclass(frozen=True)
class Pay:
    """Bring a submission's bonus up to the review file's total: set up, record, pay."""

    address: str
    submission_id: str
    study_id: str
    total: Decimal  # what the review file asks for in all
    add: Decimal  # what this change pays on top of what was paid
    setup_id: str = ""  # a set-up recorded earlier and never paid: pay it, set up none


Payload = Create | Publish | Grow | Transition | Discard | Adopt | Forget | Approve | Reject | Pay
PAYLOADS: tuple[type, ...] = (Create, Publish, Grow, Transition, Discard, Adopt, Forget, Approve,
                              Reject, Pay)


def payload_of(change: Change) -> Payload:
    payload = change.payload
    if not isinstance(payload, PAYLOADS):
        raise TypeError(f"not a Prolific change: {change.address}")
    return payload  # type: ignore[return-value]
