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
    EventRec,
    HitRec,
    HitTypeRec,
    LedgerEntry,
    MessageRec,
    QualRec,
    QualRequestRec,
    QualTypeRec,
    TokenRec,
    UploadRec,
    WorkerRec,
)

FORMAT = 2  # the layout below; upgrade() brings older ones up to it, newer are refused
READABLE = (1, 2)

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
QUAL_REQUESTS = Table("qual_requests", QualRequestRec)
MESSAGES = Table("messages", MessageRec, key=())
EVENTS = Table("events", EventRec, key=())
UPLOADS = Table("uploads", UploadRec, key=("key",))
TABLES: tuple[Table[Any], ...] = (TYPES, HITS, ASSIGNMENTS, WORKERS, QUAL_TYPES, QUALS, BLOCKS,
                                  BONUSES, LEDGER, TOKENS, QUAL_REQUESTS, MESSAGES, EVENTS,
                                  UPLOADS)

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
    "CREATE INDEX qual_requests_by_type ON qual_requests (type_id, status)",
    "CREATE INDEX qual_requests_by_worker ON qual_requests (worker_id, type_id)",
    "CREATE INDEX messages_by_worker ON messages (worker_id, subject)",
    "CREATE INDEX uploads_by_assignment ON uploads (assignment_id, question_id)",
)


def create(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value)")
    upgrade(db)


def upgrade(db: sqlite3.Connection) -> None:
    """Brings a database of an older format (or a new, empty one) to FORMAT: format 2 added
    qualification requests, delivered messages and events, uploads, review policies and
    deleted qualification types, each new column holding its default in the old rows."""
    for table in TABLES:
        table.ensure(db)
    for index in INDEXES:
        db.execute(index.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
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
