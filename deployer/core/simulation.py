"""Simulated participants: what `deploy emulator workers` and `deploy emulator clock` ask of a
platform's emulator, in words any platform can answer (MTurk's workers, Prolific's
participants).

A command names the work by its address (`emotion/b2`, found through the environment's
record) or by the platform's own ID of it, and the provider words every refusal as a
DeployError naming that address.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class NewParticipant:
    """A simulated participant to add; the platform keeps what it has a use for."""

    participant_id: str | None = None  # None: the emulator makes one up
    country: str = "US"  # ISO 3166-1 alpha-2
    region: str | None = None  # the part of ISO 3166-2 after the dash (MTurk's Subdivision)
    approval_rate: int = 100  # percent of their past work approved
    approved: int = 0  # how much of their past work was approved
    top_rated: bool = False  # the platform's mark for its best (MTurk: Masters)
    adult: bool = False  # agreed to see adult content


@dataclass(frozen=True)
class Participant:
    participant_id: str
    traits: tuple[tuple[str, str], ...]  # (what, value) in the platform's words, for display


@dataclass(frozen=True)
class Work:
    """One participant's work on one batch after a command changed it."""

    participant: str
    target: str  # the address, or the platform's ID when the command gave one
    object_id: str  # what the platform calls the batch (MTurk: the HIT ID)
    submission_id: str  # MTurk: the assignment ID
    status: str  # in progress | submitted | approved | rejected | returned | abandoned
    due: datetime | None = None  # when it must be submitted by, while in progress
    decided: datetime | None = None  # approved automatically then unless reviewed first
    answers: tuple[tuple[str, str], ...] = ()  # (field, value) as the platform recorded them
    # What the platform calls the participant, the batch and the submission, for messages.
    words: tuple[str, str, str] = ("Worker", "HIT", "assignment")


Answers = Mapping[str, Sequence[str]]


class Simulation(Protocol):
    """A platform's emulator, driven as its participants would drive the platform."""

    def add(self, new: NewParticipant) -> Participant:
        """Add (or replace) a simulated participant."""

    def participants(self) -> list[Participant]:
        """Every simulated participant, in the order added."""

    def accept(self, participant: str, target: str) -> Work:
        """The participant starts work on `target` (an address or the platform's ID)."""

    def submit(self, participant: str, target: str, answers: Answers | None) -> Work:
        """Submit the work in progress with `answers` (None: made up from the task)."""

    def give_back(self, participant: str, target: str, abandon: bool) -> Work:
        """Return the work in progress, or abandon it (as if its time ran out)."""

    def now(self) -> datetime:
        """The emulator's clock."""

    def advance(self, seconds: int) -> datetime:
        """Move the emulator's clock forward; what comes due happens at once."""
