"""Desired state: the MTurk study a study file describes (it satisfies core's Study envelope).

Pure values only. spec/ builds them from YAML; plan/ consumes them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Literal

from deployer.providers.mturk.pay import FEDERAL_MINIMUM_WAGE, pay_summary

# Qualification types deploy manages are named in requirements until their ID in an environment
# is known: `qualification:NAME` (qualifications/NAME.yaml) and `participants:STUDY`.
NAMED = "qualification:"
PARTICIPANTS = "participants:"
COMPENSATION = "compensation:"
MANAGED = (NAMED, PARTICIPANTS, COMPENSATION)

# The study never spells the Masters ID: it differs between sandbox and production.
MASTERS = "MASTERS"
MASTERS_IDS = {
    "production": "2F1QJWKUDD8XADTFD2Q0G6UTO95ALH",
    "sandbox": "2ARFPLSP75KLA8M8DH1HTEQVJT3SY6",
    "local": "2ARFPLSP75KLA8M8DH1HTEQVJT3SY6",
}
MAX_LIFETIME_DAYS = 365  # MTurk keeps a HIT open (and an assignment running) at most this long
LOCALE_TYPE = "00000000000000000071"
NUMBER_HITS_APPROVED_TYPE = "00000000000000000040"
ADULT_TYPE = "00000000000000000060"
PERCENT_APPROVED_TYPE = "000000000000000000L0"


@dataclass(frozen=True)
class Locale:
    country: str
    subdivision: str | None = None


@dataclass(frozen=True)
class Requirement:
    """One QualificationRequirement, in the normalised form MTurk echoes back."""

    type_id: str  # an MTurk QualificationTypeId, or MASTERS
    comparator: str
    integer_values: tuple[int, ...] = ()
    locale_values: tuple[Locale, ...] = ()
    actions_guarded: str = "Accept"


@dataclass(frozen=True)
class Notification:
    """Where MTurk sends events about a study's HITs (one specification per HIT type)."""

    destination: str  # SQS: queue URL; SNS: topic ARN; Email: an address
    transport: Literal["SQS", "SNS", "Email"]
    events: tuple[str, ...]
    version: str = "2006-05-05"


@dataclass(frozen=True)
class Study:
    """One study file, validated; durations in seconds, money as Decimal."""

    name: str  # the file stem
    path: str  # the file as the user named it, for messages
    title: str
    description: str
    keywords: tuple[str, ...]
    reward: Decimal
    assignments: int
    max_assignments_per_hit: int | None
    assignment_duration: int
    auto_approval_delay: int
    lifetime: int | None  # exactly one of lifetime / closes_at is set
    closes_at: datetime | None
    question: str  # the rendered Question XML sent to MTurk
    qualifications: tuple[Requirement, ...]
    production: bool
    state: Literal["open", "paused", "closed"]
    budget: Decimal | None
    digest: str  # sha256 of the study file and every file it references
    review: Literal["manual", "approve_all"] = "manual"  # approve_all: pay every submission
    repeat_workers: Literal["allowed", "excluded"] = "allowed"  # excluded: one HIT per person
    exclude: tuple[str, ...] = ()  # studies whose workers may not take this one
    only: tuple[tuple[str, bool], ...] = ()  # (study, approved work only): who alone may take it
    estimated_duration: int | None = None  # seconds a worker usually needs (for pay only)
    question_file: str = ""  # the html_file or xml_file the question comes from, for plans
    minimum_hourly_pay: Decimal = FEDERAL_MINIMUM_WAGE
    aws_account: str | None = None  # the account that must pay (study file or deploy.yaml)
    notifications: Notification | None = None

    @property
    def platform(self) -> str:
        return "mturk"

    @property
    def summary(self) -> str:
        """What `deploy validate` says of the study: its pay per hour."""
        return pay_summary(self.reward, self.assignment_duration, self.estimated_duration)

    @property
    def requires_masters(self) -> bool:
        return any(q.type_id == MASTERS for q in self.qualifications)

    @cached_property
    def fingerprint(self) -> str:
        """Hash of what MTurk cannot change in place: the question XML."""
        return hashlib.sha256(self.question.encode("utf-8")).hexdigest()[:16]

    @cached_property
    def config_hash(self) -> str:
        """Hash of everything that shapes the HITs on MTurk (not production/state/budget).

        Production refuses a study whose config_hash was never applied in sandbox.
        """
        shape = {
            "title": self.title,
            "description": self.description,
            "keywords": list(self.keywords),
            "reward": str(self.reward),
            "assignments": self.assignments,
            "max_assignments_per_hit": self.max_assignments_per_hit,
            "assignment_duration": self.assignment_duration,
            "auto_approval_delay": self.auto_approval_delay,
            "lifetime": self.lifetime,
            "closes_at": self.closes_at.isoformat() if self.closes_at else None,
            "question": self.question,
            "qualifications": [repr(q) for q in self.qualifications],
        }
        # Only when set, so studies without them keep the hashes sandbox recorded before.
        participants = {"repeat_workers": self.repeat_workers == "excluded",
                        "exclude": list(self.exclude), "only": [list(o) for o in self.only]}
        shape.update({key: value for key, value in participants.items() if value})
        blob = json.dumps(shape, sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:16]
