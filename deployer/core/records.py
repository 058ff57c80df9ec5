"""Recorded state: the lockfile as values, one EnvLock per platform and environment.

What a record holds is the provider's business (a HIT, a Prolific study, a bonus paid); the
lockfile only needs each record's table (where it is kept in the file) and key (which record a
newer version replaces).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Protocol, TypeVar

LOCK_VERSION = 2

T = TypeVar("T")


class Record(Protocol):
    table: ClassVar[str]  # the lockfile list that holds records of this kind, e.g. "hits"

    @property
    def key(self) -> tuple[str | int, ...]:
        """Unique within the table; a record with the same key replaces this one."""


def env_key(platform: str, environment: str) -> str:
    """How the lockfile names an environment: `mturk/sandbox`."""
    return f"{platform}/{environment}"


@dataclass(frozen=True)
class EnvLock:
    """The record of one platform's environment: its lineage, serial and records."""

    platform: str
    environment: str
    lineage: str
    serial: int = 0
    records: tuple[Any, ...] = ()  # Record values, sorted by (table, key)
    # study name -> configuration hashes ever applied here (production checks the rehearsal's)
    applied: tuple[tuple[str, tuple[str, ...]], ...] = ()
    pseudonym_key: str = ""  # keys the hash that stands for workers in files (core.results)

    @property
    def name(self) -> str:
        return env_key(self.platform, self.environment)

    def of(self, kind: type[T]) -> tuple[T, ...]:
        return tuple(r for r in self.records if isinstance(r, kind))

    def applied_hashes(self, study: str) -> tuple[str, ...]:
        return dict(self.applied).get(study, ())

    def with_record(self, record: Any) -> EnvLock:
        """Insert `record`, or replace the one with its table and key."""
        place = (record.table, record.key)
        kept = [r for r in self.records if (r.table, r.key) != place]
        return replace(self, records=sort_records([*kept, record]))

    def with_applied(self, study: str, config_hash: str) -> EnvLock:
        table = dict(self.applied)
        table[study] = tuple(sorted({*table.get(study, ()), config_hash}))
        return replace(self, applied=tuple(sorted(table.items())))


def sort_records(records: list[Any]) -> tuple[Any, ...]:
    return tuple(sorted(records, key=lambda r: (r.table, r.key)))


@dataclass(frozen=True)
class Lock:
    """The whole lockfile: one EnvLock per `platform/environment`."""

    environments: Mapping[str, EnvLock] = field(default_factory=dict)
    version: int = LOCK_VERSION

    def env(self, platform: str, environment: str) -> EnvLock | None:
        return self.environments.get(env_key(platform, environment))
