"""The Prolific emulator's database: its tables, the indexes every frequent lookup uses, and
`meta`, which holds the settings and counters that are not records."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from deployer.emulators.core.tables import Table
from deployer.emulators.prolific.records import (
    ApprovalJobRec,
    BulkBonusRec,
    GroupRec,
    LedgerEntry,
    MemberRec,
    MessageRec,
    ParticipantRec,
    PaymentRec,
    ProjectRec,
    StudyRec,
    SubmissionRec,
    UserRec,
    WorkspaceRec,
)

FORMAT = "prolific-1"  # the layout below; a file with another value is refused, not misread

USERS = Table("users", UserRec)
WORKSPACES = Table("workspaces", WorkspaceRec)
PROJECTS = Table("projects", ProjectRec)
STUDIES = Table("studies", StudyRec)
PARTICIPANTS = Table("participants", ParticipantRec)
SUBMISSIONS = Table("submissions", SubmissionRec)
GROUPS = Table("participant_groups", GroupRec)
MEMBERS = Table("members", MemberRec, key=("group_id", "participant_id"))
BULK_BONUSES = Table("bulk_bonuses", BulkBonusRec)
PAYMENTS = Table("payments", PaymentRec)
APPROVAL_JOBS = Table("approval_jobs", ApprovalJobRec)
LEDGER = Table("ledger", LedgerEntry, key=())
MESSAGES = Table("messages", MessageRec)
TABLES: tuple[Table[Any], ...] = (USERS, WORKSPACES, PROJECTS, STUDIES, PARTICIPANTS,
                                  SUBMISSIONS, GROUPS, MEMBERS, BULK_BONUSES, PAYMENTS,
                                  APPROVAL_JOBS, LEDGER, MESSAGES)

INDEXES = (
    "CREATE UNIQUE INDEX users_by_token ON users (token)",
    "CREATE INDEX projects_by_workspace ON projects (workspace_id)",
    "CREATE INDEX studies_by_workspace ON studies (workspace_id, status)",
    "CREATE INDEX studies_by_project ON studies (project_id)",
    "CREATE INDEX studies_by_status ON studies (status)",
    "CREATE INDEX submissions_by_study ON submissions (study_id, status)",
    "CREATE INDEX submissions_by_participant ON submissions (participant_id, study_id)",
    "CREATE INDEX submissions_by_deadline ON submissions (status, deadline)",
    "CREATE INDEX submissions_by_approval ON submissions (status, auto_approve_at)",
    "CREATE INDEX groups_by_workspace ON participant_groups (workspace_id)",
    "CREATE INDEX members_by_participant ON members (participant_id)",
    "CREATE INDEX payments_by_due ON payments (paid_at, due)",
    "CREATE INDEX payments_by_bulk ON payments (bulk_id)",
    "CREATE INDEX approval_jobs_by_due ON approval_jobs (done, due)",
    "CREATE INDEX ledger_by_workspace ON ledger (workspace_id)",
    "CREATE INDEX messages_by_workspace ON messages (workspace_id, sent_at)",
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
