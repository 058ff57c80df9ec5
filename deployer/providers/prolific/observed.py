"""What Prolific reports about the studies an environment records (or finds by their reserved
internal names), the submissions under review, and the workspace's money."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

PUBLISHED = ("PUBLISHING", "SCHEDULED", "ACTIVE", "PAUSED", "AWAITING REVIEW", "COMPLETED")
RUNNING = ("PUBLISHING", "SCHEDULED", "ACTIVE", "PAUSED")  # STOP still does something


@dataclass(frozen=True)
class ObservedStudy:
    study_id: str
    internal_name: str
    status: str  # Prolific's: UNPUBLISHED, ACTIVE, PAUSED, AWAITING REVIEW, COMPLETED, ...
    places: int  # total_available_places
    places_taken: int
    reward: Decimal  # major units
    published_at: datetime | None = None


@dataclass(frozen=True)
class ObservedSubmission:
    submission_id: str
    study_id: str
    participant: str  # Prolific's participant ID: pseudonymise before writing it anywhere
    status: str  # RESERVED, ACTIVE, AWAITING REVIEW, APPROVED, REJECTED, RETURNED, TIMED-OUT
    bonuses: Decimal = Decimal("0.00")  # paid so far, major units
    started_at: datetime | None = None
    completed_at: datetime | None = None
    code: str = ""  # the completion code entered


@dataclass(frozen=True)
class Observed:
    studies: Mapping[str, ObservedStudy] = field(default_factory=dict)  # by study ID
    ours: tuple[ObservedStudy, ...] = ()  # every study whose internal name carries our mark
    submissions: Mapping[str, tuple[ObservedSubmission, ...]] = field(default_factory=dict)
    balance: Decimal | None = None  # available to spend, major units
    currency: str = "GBP"
    fee: Decimal | None = None  # the account's service fee and VAT, as fractions
    vat: Decimal | None = None
    countries: tuple[str, ...] | None = None  # the country filter's names (None: not read)
    minimum_hourly: Decimal | None = None  # the account's minimum reward per hour, major units
