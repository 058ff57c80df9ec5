"""The Study envelope: what every platform's study value offers the provider-neutral code.

Each provider builds its own frozen study value from a study file; scope, guardrails, saved plans
and apply read only these members.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol


class Study(Protocol):
    @property
    def platform(self) -> str:
        """The platform the study runs on (its provider's name): `mturk`, `prolific`."""

    @property
    def name(self) -> str:
        """The file stem; the first part of every address of the study."""

    @property
    def path(self) -> str:
        """The file as the user named it, for messages."""

    @property
    def production(self) -> bool:
        """Whether the file opts in to the production environment."""

    @property
    def state(self) -> str:
        """`open`, `closed` (or a platform's own, such as `paused`)."""

    @property
    def budget(self) -> Decimal | None: ...

    @property
    def review(self) -> str:
        """`manual` (decisions in the review file) or `approve_all` (pay every submission)."""

    @property
    def digest(self) -> str:
        """Hash of the study file and every file it references (saved plans bind to it)."""

    @property
    def summary(self) -> str:
        """One line `deploy validate` prints for the study (its pay per hour, say), or ""."""

    @property
    def config_hash(self) -> str:
        """Hash of everything that shapes the study on the platform; production checks that the
        same configuration was applied in the rehearsal environment first."""
