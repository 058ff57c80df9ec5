"""What the repository asks about participants beyond a single study: qualification types and
their grants, blocks, and compensation, as person-written files describe them.

Worker IDs here come from files a person wrote (qualifications/ENV/NAME.csv, workers/ENV/*.csv);
nothing deploy writes holds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Grant:
    worker: str
    value: int
    line: int


@dataclass(frozen=True)
class QualificationSpec:
    """qualifications/NAME.yaml, and the grants of qualifications/ENV/NAME.csv if any."""

    name: str  # the file stem: what studies refer to
    path: str
    title: str  # the name workers see
    description: str
    keywords: tuple[str, ...] = ()
    auto_granted: bool = False
    auto_granted_value: int = 1
    retry_delay: int | None = None  # seconds before a worker may ask again
    grants: tuple[Grant, ...] | None = None  # None: grants are not managed here


@dataclass(frozen=True)
class Block:
    worker: str
    reason: str
    line: int


@dataclass(frozen=True)
class Compensation:
    """A payment to a worker who could not submit (workers/ENV/compensation.csv)."""

    worker: str
    amount: Decimal
    reason: str
    line: int
