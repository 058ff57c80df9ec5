"""What `deploy status` shows: each recorded object as its platform reports it now, per study.

Provider-neutral values: a provider's Connection builds them, the cli renders them (text, or
versioned JSON). A Row is one recorded object (an MTurk HIT); its Work counts submissions by
where they stand.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Literal

from deployer.core.address import study_of
from deployer.core.plan import ZERO, Platform

# open: takes workers; closed: expired (work in progress may still be submitted); replaced: an
# older generation a newer one took over from; gone: the platform no longer knows it; pending:
# an apply recorded the intent to create it but not the outcome.
# paused: takes nobody until started again; draft: made but not published (Prolific).
RowState = Literal["open", "closed", "replaced", "gone", "pending", "paused", "draft"]


@dataclass(frozen=True)
class Work:
    """Submissions by where they stand; `available` counts only while the object is open."""

    available: int = 0
    in_progress: int = 0
    awaiting_review: int = 0
    approved: int = 0
    rejected: int = 0

    def __add__(self, other: Work) -> Work:
        return Work(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Work)))


@dataclass(frozen=True)
class Row:
    address: str
    generation: int
    object_id: str  # the platform's ID (a HIT ID); "" while pending
    state: RowState
    work: Work = Work()
    expires_at: datetime | None = None
    auto_approves_at: datetime | None = None  # the earliest automatic approval of waiting work
    spent: Decimal = ZERO  # approved work so far: rewards plus fees
    preview: str = ""  # where a worker would see it

    @property
    def study(self) -> str:
        return study_of(self.address)


@dataclass(frozen=True)
class StudyStatus:
    name: str
    rows: tuple[Row, ...]

    @property
    def open(self) -> int:
        return sum(1 for r in self.rows if r.state == "open")

    @property
    def work(self) -> Work:
        return sum((r.work for r in self.rows), Work())

    @property
    def auto_approves_at(self) -> datetime | None:
        return min((r.auto_approves_at for r in self.rows if r.auto_approves_at), default=None)

    @property
    def spent(self) -> Decimal:
        return sum((r.spent for r in self.rows), ZERO)

    @property
    def previews(self) -> tuple[str, ...]:
        """One link per distinct preview of the open objects (a HIT type's group, on MTurk)."""
        return tuple(dict.fromkeys(r.preview for r in self.rows if r.state == "open"
                                   and r.preview))


@dataclass(frozen=True)
class Status:
    platform: Platform
    environment: str
    taken_at: datetime
    studies: tuple[StudyStatus, ...]
    calls: int = 0  # requests made to the platform to find all this
