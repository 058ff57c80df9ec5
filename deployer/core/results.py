"""Submissions as the platforms report them, and the pseudonyms that stand for participants.

A worker ID leads to a person (an MTurk worker ID to an Amazon profile), so nothing deploy
writes to git holds one: files name participants by a keyed hash whose key each environment
keeps in the lockfile, the same for every teammate.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

PSEUDONYM_LENGTH = 16  # hex digits of the keyed hash: 64 bits, no collisions in practice


@dataclass(frozen=True)
class Submission:
    """One worker's work on a study (MTurk: an assignment), every status."""

    study: str
    batch: str
    generation: int
    object_id: str  # what the platform calls the posted thing (MTurk: the HIT ID)
    submission_id: str  # MTurk: the assignment ID
    worker: str  # the platform's own ID: pseudonymise before writing it anywhere
    status: str
    accepted_at: datetime | None
    submitted_at: datetime | None
    auto_approval_at: datetime | None
    reviewed_at: datetime | None
    feedback: str
    answers: Mapping[str, Any]  # field -> JSON-ready value, nested as the platform gave it
    cells: Mapping[str, str]  # field -> the same value as one CSV cell

    @property
    def seconds_worked(self) -> int | None:
        if self.accepted_at is None or self.submitted_at is None:
            return None
        return round((self.submitted_at - self.accepted_at).total_seconds())


def new_pseudonym_key() -> str:
    return secrets.token_hex(16)


def lineage_key(lineage: str) -> str:
    """The key of an environment recorded before keys were kept: drawn from its random
    lineage, so every teammate reading the same lockfile gets the same pseudonyms."""
    return hashlib.sha256(f"pseudonym key of {lineage}".encode()).hexdigest()[:32]


def pseudonym(key: str, worker: str) -> str:
    """The stable stand-in for a worker within one environment: `p` + a keyed hash."""
    digest = hmac.new(key.encode("utf-8"), worker.encode("utf-8"), hashlib.sha256).hexdigest()
    return "p" + digest[:PSEUDONYM_LENGTH]
