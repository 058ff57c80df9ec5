"""The MTurk emulator's database: its tables, the indexes every frequent lookup goes through,
and `meta`, which holds the settings and counters that are not records.

Indexes exist so that a request costs the same with 10 HITs or 10,000: point lookups by key,
HITs by creation (ListHITs pages) and expiry (funds held), assignments by HIT, by worker and by
the two times the time rules wait for, qualifications by type and by worker, tokens by issue
time, bonuses by HIT and by assignment.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from deployer.emulators.core.tables import Table
from deployer.emulators.mturk.records import (
    AssignmentRec,
    BlockRec,
    BonusRec,
    HitRec,
    HitTypeRec,
    LedgerEntry,
    QualRec,
    QualTypeRec,
    TokenRec,
    WorkerRec,
)

FORMAT = 1  # the layout below; a file with another number is refused, not misread

TYPES = Table("hit_types", HitTypeRec)
HITS = Table("hits", HitRec)
ASSIGNMENTS = Table("assignments", AssignmentRec)
WORKERS = Table("workers", WorkerRec)
QUAL_TYPES = Table("qual_types", QualTypeRec)
QUALS = Table("quals", QualRec, key=("type_id", "worker_id"))
BLOCKS = Table("blocks", BlockRec, key=("worker_id",))
BONUSES = Table("bonuses", BonusRec, key=())
LEDGER = Table("ledger", LedgerEntry, key=())
TOKENS = Table("tokens", TokenRec, key=("key",))
TABLES: tuple[Table[Any], ...] = (TYPES, HITS, ASSIGNMENTS, WORKERS, QUAL_TYPES, QUALS, BLOCKS,
                                  BONUSES, LEDGER, TOKENS)

INDEXES = (
    "CREATE INDEX hits_by_creation ON hits (creation, id)",
    "CREATE INDEX hits_by_expiration ON hits (expiration)",
    "CREATE INDEX hits_by_type ON hits (type_id)",
    "CREATE INDEX hit_types_by_group ON hit_types (group_id)",
    "CREATE INDEX assignments_by_hit ON assignments (hit_id, status)",
    "CREATE INDEX assignments_by_deadline ON assignments (status, deadline)",
    "CREATE INDEX assignments_by_approval ON assignments (status, auto_approval_time)",
    "CREATE INDEX assignments_by_worker ON assignments (worker_id, status)",
    "CREATE INDEX qual_types_by_name ON qual_types (name)",
    "CREATE INDEX quals_by_worker ON quals (worker_id)",  # by type: the primary key
    "CREATE INDEX tokens_by_issue ON tokens (issued)",
    "CREATE INDEX bonuses_by_hit ON bonuses (hit_id)",
    "CREATE INDEX bonuses_by_assignment ON bonuses (assignment_id)",
)


def create(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value)")
    for table in TABLES:
        db.execute(table.ddl())
    for index in INDEXES:
        db.execute(index)
    write(db, "format", FORMAT)


def read(db: sqlite3.Connection, key: str) -> Any:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise KeyError(f"the state has no {key!r}")
    return row[0]


def write(db: sqlite3.Connection, key: str, value: Any) -> None:
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


def read_json(db: sqlite3.Connection, key: str) -> Any:
    return json.loads(read(db, key))


def write_json(db: sqlite3.Connection, key: str, value: Any) -> None:
    write(db, key, json.dumps(value, sort_keys=True))
