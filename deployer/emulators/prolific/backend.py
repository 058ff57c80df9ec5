"""The emulated service's state and facts: settings, clock, database, identifiers, and the
lookups every operation makes, each confined to what the calling token may see.

No HTTP and no rules: operations (studies.py, submissions.py, ...) receive this object, and
models.py builds the full Emulator on it. Records live in SQLite (schema.py), in memory until a
state file is attached.
"""

from __future__ import annotations

import contextlib
import math
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from deployer.emulators.core import ids
from deployer.emulators.core.clock import Clock, utc_now, within_range
from deployer.emulators.core.faults import FaultConfig, Faults
from deployer.emulators.core.store import Store
from deployer.emulators.prolific import schema
from deployer.emulators.prolific.config import Config
from deployer.emulators.prolific.errors import not_found
from deployer.emulators.prolific.records import (
    GroupRec,
    ParticipantRec,
    ProjectRec,
    StudyRec,
    SubmissionRec,
    UserRec,
    WorkspaceRec,
)
from deployer.emulators.prolific.schema import (
    GROUPS,
    PARTICIPANTS,
    PROJECTS,
    STUDIES,
    SUBMISSIONS,
    USERS,
    WORKSPACES,
)

INITIAL_PROJECT = "This is your initial project."


@dataclass(frozen=True)
class Caller:
    """Who a request is from: the token's researcher and the workspaces they belong to."""

    user: UserRec
    workspaces: frozenset[str]


class Backend:
    def __init__(self, config: Config | None = None,
                 clock: Callable[[], datetime] = utc_now,
                 faults: FaultConfig | None = None) -> None:
        self.config = config or Config()
        self.clock = Clock(clock)
        self.faults = Faults(faults)
        self.lock = threading.RLock()
        self.store = Store.memory()
        with self.store.transaction() as db:
            schema.create(db)
            schema.write(db, "counter", 0)
            self._save_settings(db)
            self._open_accounts()

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
        Raises KeyError, TypeError or ValueError when the store holds no such state."""
        with self.lock:
            found = schema.read(store.db, "format")
            if found != schema.FORMAT:
                raise ValueError(f"format {found!r} is not {schema.FORMAT!r}, the only one "
                                 "this version reads")
            config = Config(**schema.read_json(store.db, "config"))
            offset = _checked_offset(schema.read(store.db, "clock_offset"), self.clock.base())
            faults = FaultConfig(**schema.read_json(store.db, "faults"))
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

    def new_id(self, kind: str) -> str:
        """The next ObjectId-shaped ID: from the seed and a counter saved with the state."""
        counter = int(schema.read(self.db, "counter")) + 1
        schema.write(self.db, "counter", counter)
        return ids.object_id(f"{self.config.seed}:{kind}:{counter}")

    # --- accounts ---------------------------------------------------------------------------
    def _open_accounts(self) -> None:
        """A workspace per title in config.tokens, each with its initial project and a
        researcher per token, like a new Prolific account."""
        by_title: dict[str, WorkspaceRec] = {}
        for number, (token, title) in enumerate(self.config.tokens.items(), 1):
            user = UserRec(id=self.new_id("user"), token=token, workspace_id="",
                           email=f"researcher{number}@example.org",
                           name=f"Local Researcher {number}")
            if title not in by_title:
                by_title[title] = self.new_workspace(user.id, title, "", self.config.currency,
                                                     None, str(self.config.balance))
            workspace = by_title[title]
            user.workspace_id = workspace.id
            if user.id not in workspace.members:
                workspace.members.append(user.id)
                WORKSPACES.put(self.db, workspace)
            USERS.put(self.db, user)

    def new_workspace(self, owner: str, title: str, description: str, currency: str,
                      naivety: float | None, balance: str = "0") -> WorkspaceRec:
        workspace = WorkspaceRec(id=self.new_id("workspace"), title=title,
                                 description=description, owner=owner, members=[owner],
                                 currency=currency, balance=balance,
                                 naivety_distribution_rate=naivety, created=self.now())
        WORKSPACES.put(self.db, workspace)
        self.new_project(workspace.id, owner, "Project", INITIAL_PROJECT, "PRIVATE", None,
                         False)
        return workspace

    def new_project(self, workspace_id: str, owner: str, title: str, description: str,
                    kind: str, naivety: float | None, longitudinal: bool) -> ProjectRec:
        project = ProjectRec(id=self.new_id("project"), workspace_id=workspace_id, title=title,
                             description=description, owner=owner, type=kind,
                             naivety_distribution_rate=naivety, is_longitudinal=longitudinal,
                             created=self.now())
        PROJECTS.put(self.db, project)
        return project

    def caller(self, token: str) -> Caller | None:
        found = USERS.where(self.db, "token = ?", (token,))
        if not found:
            return None
        rows = self.db.execute("SELECT w.id FROM workspaces w, json_each(w.members) m "
                               "WHERE m.value = ?", (found[0].id,)).fetchall()
        return Caller(found[0], frozenset(row[0] for row in rows))

    # --- lookups, each confined to the caller's workspaces (404 otherwise) ------------------
    def workspace(self, who: Caller, workspace_id: str) -> WorkspaceRec:
        found = WORKSPACES.get(self.db, workspace_id)
        if found is None or found.id not in who.workspaces:
            raise not_found()
        return found

    def project(self, who: Caller, project_id: str) -> ProjectRec:
        found = PROJECTS.get(self.db, project_id)
        if found is None or found.workspace_id not in who.workspaces:
            raise not_found()
        return found

    def study(self, who: Caller, study_id: str) -> StudyRec:
        found = STUDIES.get(self.db, study_id)
        if found is None or found.workspace_id not in who.workspaces:
            raise not_found()
        return found

    def submission(self, who: Caller, submission_id: str) -> tuple[SubmissionRec, StudyRec]:
        found = SUBMISSIONS.get(self.db, submission_id)
        if found is None:
            raise not_found()
        return found, self.study(who, found.study_id)

    def group(self, who: Caller, group_id: str) -> GroupRec:
        found = GROUPS.get(self.db, group_id)
        if found is None or found.workspace_id not in who.workspaces:
            raise not_found()
        return found

    def participant(self, participant_id: str) -> ParticipantRec | None:
        return PARTICIPANTS.get(self.db, participant_id)

    def study_record(self, study_id: str) -> StudyRec:
        found = STUDIES.get(self.db, study_id)
        if found is None:
            raise LookupError(f"study {study_id} is not stored")
        return found

    def submissions_of(self, study_id: str, statuses: tuple[str, ...] = ()) -> list[
            SubmissionRec]:
        if not statuses:
            return SUBMISSIONS.where(self.db, "study_id = ?", (study_id,))
        marks = ", ".join("?" for _ in statuses)
        return SUBMISSIONS.where(self.db, f"study_id = ? AND status IN ({marks})",
                                 (study_id, *statuses))

    def live_studies(self, workspace_id: str) -> list[StudyRec]:
        """The workspace's studies that may still pay for places: published or scheduled,
        and not COMPLETED (a study completes only with nothing left to review or fill, and
        only more places, which reopen it, change that)."""
        return STUDIES.where(self.db, "workspace_id = ? AND status NOT IN ('UNPUBLISHED', "
                             "'COMPLETED')", (workspace_id,))

    def status_counts(self, study_ids: list[str]) -> dict[str, dict[str, int]]:
        """Submissions per status of each study, in one query."""
        counts: dict[str, dict[str, int]] = {study_id: {} for study_id in study_ids}
        for start in range(0, len(study_ids), 500):  # under SQLite's parameter limit
            chunk = study_ids[start:start + 500]
            rows = self.db.execute(
                "SELECT study_id, status, COUNT(*) FROM submissions WHERE study_id IN "
                f"({', '.join('?' for _ in chunk)}) GROUP BY study_id, status", chunk)
            for study_id, status, count in rows:
                counts[study_id][status] = count
        return counts

    def first_project(self, workspace_id: str) -> ProjectRec:
        return PROJECTS.where(self.db, "workspace_id = ?", (workspace_id,), limit=1)[0]


def _checked_offset(value: object, base: datetime) -> float:
    """A saved clock offset, refused unless it keeps the emulator's date before year 9999."""
    try:
        offset = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        offset = math.nan
    if not math.isfinite(offset) or not within_range(base, offset):
        raise ValueError(f"clock_offset {value!r} is not a number of seconds that keeps "
                         "the emulator's date before the year 9999")
    return offset
