"""The emulated service's state and facts: settings, clock, database, HITs, tokens.

No HTTP, no time-driven rules (time_rules.py), no money (money.py) and nothing about simulated
workers (workers.py): operations in hit_ops / work_ops / qual_ops receive this object, and
models.py builds the full Emulator on it. Records live in SQLite (schema.py), in memory until
a state file is attached. Page tokens live here, not in the database: they are many,
short-lived and cheap to lose.
"""

from __future__ import annotations

import contextlib
import math
import secrets
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from deployer.emulators.core import ids
from deployer.emulators.core.clock import Clock, utc_now, within_range
from deployer.emulators.core.faults import FaultConfig, Faults
from deployer.emulators.core.store import Store
from deployer.emulators.mturk import schema
from deployer.emulators.mturk.config import MASTERS_IDS, Config
from deployer.emulators.mturk.exceptions import turk
from deployer.emulators.mturk.records import AssignmentRec, HitRec, HitTypeRec, TokenRec
from deployer.emulators.mturk.schema import ASSIGNMENTS, HITS, TOKENS, TYPES

Counts = tuple[int, int, int, int]  # pending, submitted, available, completed


class Backend:
    def __init__(
        self,
        config: Config | None = None,
        clock: Callable[[], datetime] = utc_now,
        faults: FaultConfig | None = None,
    ) -> None:
        self.config = config or Config()
        self.clock = Clock(clock)
        self.faults = Faults(faults)
        self.lock = threading.RLock()
        self.request_id = ""
        self.base_url = "http://127.0.0.1"  # set by its server: links it hands out start so
        self.pages: OrderedDict[str, PageMark] = OrderedDict()
        self._page_salt = secrets.token_hex(8)  # new per process: no token outlives a restart
        self._pages_issued = 0
        self.store = Store.memory()
        with self.store.transaction() as db:
            schema.create(db)
            schema.write(db, "balance", self.config.balance)
            schema.write(db, "counter", 0)
            self._save_settings(db)

    # --- the database -----------------------------------------------------------------------
    @property
    def db(self) -> sqlite3.Connection:
        return self.store.db

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Exclusive use of the state; the block's changes are kept only if it returns."""
        with self.lock, self.store.transaction() as db:
            yield db

    def attach(self, store: Store) -> None:
        """Goes on from the state in `store` (a state file), settings included.

        Raises KeyError, TypeError or ValueError when the store does not hold such a state.
        """
        with self.lock:
            found = schema.read(store.db, "format")
            if found not in schema.READABLE:
                raise ValueError(f"format {found!r} is not one this version reads "
                                 f"({', '.join(map(str, schema.READABLE))})")
            config = Config.from_json(schema.read_json(store.db, "config"))
            offset = checked_offset(schema.read(store.db, "clock_offset"), self.clock.base())
            faults = FaultConfig(**schema.read_json(store.db, "faults"))
            if found != schema.FORMAT:  # only a state that reads well is upgraded
                with store.transaction() as db:
                    schema.upgrade(db)
            self.config, self.clock.offset = config, offset
            self.faults.configure(faults)
            self.store.close()
            self.store = store

    def detach(self) -> Store:
        """Hands back the attached store; the emulator goes on from a copy in memory."""
        with self.lock:
            attached = self.store
            self.store = attached.copy_to_memory()
            return attached

    def save_settings(self) -> None:
        with self.transaction() as db:
            self._save_settings(db)

    def _save_settings(self, db: sqlite3.Connection) -> None:
        schema.write_json(db, "config", self.config.to_json())
        schema.write(db, "clock_offset", self.clock.offset)
        schema.write_json(db, "faults", self.faults.config.to_json())

    def set_faults(self, faults: FaultConfig) -> None:
        with self.transaction() as db:
            self.faults.configure(faults)
            schema.write_json(db, "faults", faults.to_json())

    # --- time and ids -----------------------------------------------------------------------
    def now(self) -> float:
        return self.clock.t()

    @property
    def masters_id(self) -> str:
        return MASTERS_IDS[self.config.personality]

    def next_count(self) -> int:
        """The material of the next ID: a counter saved with the state."""
        counter = int(schema.read(self.db, "counter")) + 1
        schema.write(self.db, "counter", counter)
        return counter

    def new_id(self, kind: str) -> str:
        return ids.entity_id(f"{self.config.seed}:{kind}:{self.next_count()}")

    # --- HIT facts --------------------------------------------------------------------------
    def hit(self, hit_id: str) -> HitRec:
        found = HITS.get(self.db, hit_id)
        if found is None:
            raise turk("HITDoesNotExist", f"Hit {hit_id} does not exist.")
        return found

    def hit_type(self, hit: HitRec) -> HitTypeRec:
        found = TYPES.get(self.db, hit.type_id)
        if found is None:
            raise LookupError(f"HIT {hit.id} has type {hit.type_id}, which is not stored")
        return found

    def assignments_of(self, hit_id: str) -> list[AssignmentRec]:
        return ASSIGNMENTS.where(self.db, "hit_id = ?", (hit_id,))

    def counts(self, hit: HitRec) -> Counts:
        """(pending, submitted, available, completed) as defined in reference §3.2-3.3."""
        return self.counts_of([hit])[hit.id]

    def counts_of(self, hits: Sequence[HitRec]) -> dict[str, Counts]:
        """The counts of several HITs, in one query (a page of a listing)."""
        by_status: dict[str, dict[str, int]] = {hit.id: {} for hit in hits}
        rows = self.db.execute(
            "SELECT hit_id, status, COUNT(*) FROM assignments WHERE hit_id IN "
            f"({', '.join('?' for _ in hits)}) GROUP BY hit_id, status", [h.id for h in hits])
        for hit_id, status, count in rows:
            by_status[hit_id][status] = count
        return {hit.id: _counts(hit, by_status[hit.id]) for hit in hits}

    def status(self, hit: HitRec, counts: Counts | None = None) -> str:
        pending, _, available, _ = counts or self.counts(hit)
        if hit.reviewing:
            return "Reviewing"
        if self.now() < hit.expiration and available > 0:
            return "Assignable"
        return "Unassignable" if pending > 0 else "Reviewable"

    def settling(self, hit: HitRec) -> bool:
        return self.now() < hit.creation + self.config.settle_seconds

    def delete_hit(self, hit_id: str) -> None:
        """Deleted or disposed: its assignments and their uploaded files go with it."""
        self.db.execute("DELETE FROM uploads WHERE assignment_id IN "
                        "(SELECT id FROM assignments WHERE hit_id = ?)", (hit_id,))
        self.db.execute("DELETE FROM assignments WHERE hit_id = ?", (hit_id,))
        HITS.delete(self.db, hit_id)

    # --- idempotency --------------------------------------------------------------------------
    def recall(self, family: str, token: str | None) -> Any:
        if token is None:
            return None
        entry = TOKENS.get(self.db, f"{family}:{token}")
        return None if entry is None else entry.result

    def remember(self, family: str, token: str | None, result: Any) -> None:
        if token is not None:
            TOKENS.put(self.db, TokenRec(f"{family}:{token}", self.now(), result))

    # --- page tokens ----------------------------------------------------------------------
    def issue_page(self, query: str, last: list[Any]) -> str:
        self._pages_issued += 1
        token = ids.page_token(f"{self._page_salt}:{self._pages_issued}")
        self.pages[token] = PageMark(self.now(), query, last)
        while len(self.pages) > self.config.page_token_memory:
            self.pages.popitem(last=False)
        return token

    def page(self, token: str) -> PageMark | None:
        return self.pages.get(token)


def _counts(hit: HitRec, by_status: dict[str, int]) -> Counts:
    pending = by_status.get("Accepted", 0)
    submitted = sum(by_status.values()) - pending
    completed = by_status.get("Approved", 0) + by_status.get("Rejected", 0)
    return pending, submitted, hit.max_assignments - pending - submitted, completed


def checked_offset(value: Any, base: datetime) -> float:
    """A saved clock offset, refused unless it keeps the emulator's date before year 9999."""
    try:
        offset = float(value)
    except (TypeError, ValueError):
        offset = math.nan
    if not math.isfinite(offset) or not within_range(base, offset):
        raise ValueError(f"clock_offset {value!r} is not a number of seconds that keeps "
                         "the emulator's date before the year 9999")
    return offset


@dataclass(frozen=True)
class PageMark:
    """What a NextToken stands for: when it was issued, for which listing, after which item."""

    issued: float
    query: str
    last: list[Any]
