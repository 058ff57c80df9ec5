"""The review a person wrote: decisions and bonuses per submission, from reviews/ENV/STUDY.csv.

A decision is `approve`, `reject` or empty (leave it to the platform's auto-approval); a bonus
is the total the submission should have received, so a file can be edited and applied again
without ever paying twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from deployer.core.participants import Block, Compensation, QualificationSpec
from deployer.core.study import Study

Verdict = Literal["approve", "reject", ""]


@dataclass(frozen=True)
class Decision:
    submission_id: str
    line: int  # in the review file, for messages
    verdict: Verdict = ""
    feedback: str = ""
    bonus: Decimal | None = None  # the total bonus for this submission
    bonus_reason: str = ""
    category: str = ""  # why it was rejected, where the platform asks (Prolific)


@dataclass(frozen=True)
class Review:
    study: str
    path: str  # the file as shown in messages
    decisions: tuple[Decision, ...] = ()
    digest: str = ""  # of the file's bytes: saved plans bind to it


@dataclass(frozen=True)
class Desired:
    """Everything the files in the repository ask of one environment."""

    studies: tuple[Study, ...]
    reviews: Mapping[str, Review] = field(default_factory=dict)  # study -> its review file
    # what `deploy results` saved: posted object (MTurk: HIT ID) -> its submissions in the files
    saved: Mapping[str, int] = field(default_factory=dict)
    qualifications: Mapping[str, QualificationSpec] = field(default_factory=dict)  # by name
    blocks: tuple[Block, ...] | None = None  # None: no blocks file, blocks are not managed
    compensation: tuple[Compensation, ...] = ()
