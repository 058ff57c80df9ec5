"""Prolific's lockfile records: one RecordedStudy per Prolific study deploy created or adopted,
one RecordedBonus per bonus it set up.

A study file is one address, `<study>/study`; every replacement (a frozen field changed) is a
new Prolific study and a new generation at that address.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Literal

from deployer.core.address import study_of
from deployer.providers.prolific.observed import ObservedStudy

PREFIX = "deploy:"
_INTERNAL = re.compile(r"deploy:(?P<mark>[0-9a-f]{12}):(?P<address>[^#\s]+/study)"
                       r"#(?P<generation>[1-9][0-9]{0,5}):(?P<fingerprint>[0-9a-f]{16})")

StudyStatus = Literal["pending", "draft", "published", "paused", "stopped", "gone"]
# pending:   intent written (internal name known), the study ID not yet recorded
# draft:     created, not published (UNPUBLISHED on Prolific)
# published: published by deploy (ACTIVE, or filled: AWAITING REVIEW / COMPLETED)
# paused:    paused by deploy
# stopped:   stopped by deploy (closed, removed or replaced); kept for results
# gone:      Prolific no longer knows it (a draft deleted outside deploy)

BonusStatus = Literal["pending", "set_up", "paying", "paid"]
# pending: intent written before the set-up call (a set-up without a pay call costs nothing)
# set_up:  Prolific holds the set-up (its ID recorded); the pay call has not been made
# paying:  written just before the pay call, which Prolific does not deduplicate: from here
#          on deploy never calls pay for it again, it waits for the payment to show
# paid:    the submission's bonus payments show the amount


def address_of(study: str) -> str:
    return f"{study}/study"


def lineage_mark(lineage: str) -> str:
    """A short mark of the lockfile's lineage, so that two repositories sharing a workspace
    never adopt each other's studies."""
    return hashlib.sha256(lineage.encode("utf-8")).hexdigest()[:12]


def internal_name(mark: str, address: str, generation: int, fingerprint: str) -> str:
    """The study's reserved private label on Prolific, by which an apply finds a study it
    created but could not record (Prolific has no idempotency key): never renamed."""
    return f"{PREFIX}{mark}:{address}#{generation}:{fingerprint}"


@dataclass(frozen=True)
class Tag:
    """A reserved internal name read back."""

    mark: str
    address: str
    generation: int
    fingerprint: str


def parse_internal(name: str) -> Tag | None:
    match = _INTERNAL.fullmatch(name or "")
    if match is None:
        return None
    return Tag(match["mark"], match["address"], int(match["generation"]), match["fingerprint"])


@dataclass(frozen=True)
class RecordedStudy:
    table: ClassVar[str] = "studies"

    address: str  # "<study>/study"
    generation: int  # 1 for the first Prolific study, +1 on every replacement
    internal_name: str
    fingerprint: str  # Study.fingerprint at creation: what Prolific froze
    config_hash: str  # Study.config_hash at the last change
    places: int  # total_available_places as deploy last set it
    status: StudyStatus
    study_id: str | None = None
    published_at: datetime | None = None

    @property
    def key(self) -> tuple[str | int, ...]:
        return (self.address, self.generation)

    @property
    def study(self) -> str:
        return study_of(self.address)


@dataclass(frozen=True)
class RecordedBonus:
    table: ClassVar[str] = "bonuses"

    address: str  # "<study>/<submission ID>"
    total: str  # the submission's bonuses once this one is paid: "1.50" (major units)
    amount: str  # what this bonus pays: "0.50"
    status: BonusStatus
    setup_id: str | None = None  # Prolific's bulk bonus ID, recorded before paying

    @property
    def key(self) -> tuple[str | int, ...]:
        return (self.address,)

    @property
    def study(self) -> str:
        return study_of(self.address)


def adopted(seen: ObservedStudy, tag: Tag, config_hash: str) -> RecordedStudy:
    """The record of a study found on Prolific by its reserved name."""
    status: StudyStatus = ("draft" if seen.status == "UNPUBLISHED" else
                           "paused" if seen.status == "PAUSED" else "published")
    return RecordedStudy(tag.address, tag.generation, seen.internal_name, tag.fingerprint,
                         config_hash, seen.places, status, seen.study_id, seen.published_at)
