"""Small values the planner modules pass around while building a Plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from deployer.providers.mturk.observed import Observed, ObservedHit
from deployer.providers.mturk.plan.actions import Action, Note
from deployer.providers.mturk.records import EnvLock, RecordedHit
from deployer.providers.mturk.study import MAX_LIFETIME_DAYS, study_of

# MTurk stores whole seconds and apply sends a lifetime rounded to seconds: expiries closer than
# this are the same expiry, so a plan never proposes a pointless one-second extension.
EXPIRY_TOLERANCE = timedelta(seconds=60)
LONGEST_LIFETIME = timedelta(days=MAX_LIFETIME_DAYS)


@dataclass(frozen=True)
class Context:
    environment: str
    env_lock: EnvLock
    observed: Observed
    now: datetime

    def observe(self, record: RecordedHit) -> ObservedHit | None:
        if record.hit_id is None:
            return None
        return self.observed.hits.get(record.hit_id)

    def history(self, address: str) -> tuple[RecordedHit, ...]:
        return self._histories.get(address, ())

    @cached_property
    def _histories(self) -> dict[str, tuple[RecordedHit, ...]]:
        # One pass over the lock, not one per batch: planning stays linear in recorded HITs.
        by_address: dict[str, list[RecordedHit]] = {}
        for hit in self.env_lock.hits:
            by_address.setdefault(hit.address, []).append(hit)
        return {a: tuple(sorted(hs, key=lambda h: h.generation)) for a, hs in by_address.items()}


@dataclass(frozen=True)
class Orphan:
    """A HIT carrying our annotation whose ID the lockfile does not hold."""

    address: str
    generation: int
    fingerprint: str
    hit: ObservedHit

    @property
    def study(self) -> str:
        return study_of(self.address)


@dataclass(frozen=True)
class Findings:
    """What one step of planning found: actions and notes, in the order they were found."""

    actions: tuple[Action, ...] = ()
    drift: tuple[Note, ...] = ()
    warnings: tuple[Note, ...] = ()
    errors: tuple[Note, ...] = ()

    def __add__(self, other: Findings) -> Findings:
        return Findings(
            self.actions + other.actions,
            self.drift + other.drift,
            self.warnings + other.warnings,
            self.errors + other.errors,
        )


def act(*actions: Action) -> Findings:
    return Findings(actions=actions)


def drift(address: str, message: str) -> Findings:
    return Findings(drift=(Note(address, message),))


def warn(address: str, message: str, hint: str = "") -> Findings:
    return Findings(warnings=(Note(address, message, hint),))


def fail(address: str, message: str, hint: str = "") -> Findings:
    return Findings(errors=(Note(address, message, hint),))


def total(parts: list[Findings]) -> Findings:
    result = Findings()
    for part in parts:
        result = result + part
    return result

