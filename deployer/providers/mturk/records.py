"""Recorded state: what deploy.lock says we created, as immutable values.

lockfile.py reads and writes these; plan.py reads them; apply.py produces new ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from deployer.providers.mturk.observed import ObservedHit
from deployer.providers.mturk.study import study_of

LOCK_VERSION = 1

HitStatus = Literal["pending", "live", "expired", "gone"]
# pending: intent written (token known), outcome of CreateHIT not yet recorded
# live:    created and not expired by us
# expired: expired by deploy (study closed, file removed, or replaced); kept for results
# gone:    MTurk no longer knows the HIT (deleted, or disposed after 120 days)


@dataclass(frozen=True)
class RecordedHit:
    address: str  # "<study>/<batch>", e.g. "emotion/b1"
    generation: int  # 1 for the first HIT of a batch, +1 on every replacement
    token: str  # the UniqueRequestToken sent with CreateHIT
    fingerprint: str  # Study.fingerprint at creation
    config_hash: str  # Study.config_hash at the last change
    created_with: int  # MaxAssignments at creation: <10 can never grow to >=10
    max_assignments: int  # MaxAssignments now (after extensions)
    status: HitStatus
    hit_id: str | None = None
    hit_type_id: str | None = None
    hit_group_id: str | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None

    @property
    def study(self) -> str:
        return study_of(self.address)



def live(record: RecordedHit, seen: ObservedHit) -> RecordedHit:
    """The record once MTurk holds the HIT: its IDs and times as MTurk reports them."""
    return replace(record, status="live", hit_id=seen.hit_id, hit_type_id=seen.hit_type_id,
                   hit_group_id=seen.hit_group_id, created_at=seen.created_at,
                   expires_at=seen.expires_at)


def adopted_record(
    address: str, generation: int, token: str, fingerprint: str, config_hash: str,
    hit: ObservedHit,
) -> RecordedHit:
    """The record of a HIT found on MTurk rather than created by this apply."""
    # A HIT with >= 10 now was created with >= 10: MTurk never lets one cross the line.
    found = RecordedHit(address, generation, token, fingerprint, config_hash,
                        created_with=hit.max_assignments, max_assignments=hit.max_assignments,
                        status="pending")
    return live(found, hit)


@dataclass(frozen=True)
class EnvLock:
    """The record of one environment: its lineage, serial and HITs."""

    environment: str
    lineage: str
    serial: int = 0
    hits: tuple[RecordedHit, ...] = ()
    # study name -> config hashes ever applied in this environment (production checks sandbox's)
    applied: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def current(self) -> dict[str, RecordedHit]:
        """The newest generation of every address."""
        newest: dict[str, RecordedHit] = {}
        for hit in self.hits:
            if hit.address not in newest or hit.generation > newest[hit.address].generation:
                newest[hit.address] = hit
        return newest

    def applied_hashes(self, study: str) -> tuple[str, ...]:
        return dict(self.applied).get(study, ())

    def with_hit(self, hit: RecordedHit) -> EnvLock:
        """Insert or replace the record of (address, generation)."""
        kept = [h for h in self.hits if (h.address, h.generation) != (hit.address, hit.generation)]
        hits = tuple(sorted([*kept, hit], key=lambda h: (h.address, h.generation)))
        return replace(self, hits=hits)

    def with_applied(self, study: str, config_hash: str) -> EnvLock:
        table = dict(self.applied)
        hashes = tuple(sorted({*table.get(study, ()), config_hash}))
        table[study] = hashes
        return replace(self, applied=tuple(sorted(table.items())))


@dataclass(frozen=True)
class Lock:
    """The whole lockfile: one EnvLock per environment."""

    environments: dict[str, EnvLock] = field(default_factory=dict)
    version: int = LOCK_VERSION

    def env(self, name: str) -> EnvLock | None:
        return self.environments.get(name)
