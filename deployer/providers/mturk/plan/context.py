"""What the MTurk planner modules share while building a plan: the Context and orphans."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from deployer.core.address import study_of
from deployer.core.records import EnvLock
from deployer.providers.mturk.observed import Observed, ObservedHit
from deployer.providers.mturk.records import RecordedHit, newest
from deployer.providers.mturk.study import MAX_LIFETIME_DAYS

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
    types: Mapping[str, str] = field(default_factory=dict)  # managed type name -> its ID here

    @property
    def lineage(self) -> str:
        return self.env_lock.lineage

    @cached_property
    def hits(self) -> tuple[RecordedHit, ...]:
        return self.env_lock.of(RecordedHit)

    @cached_property
    def current(self) -> dict[str, RecordedHit]:
        """The newest generation of every recorded address."""
        return newest(self.hits)

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
        for hit in self.hits:
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
