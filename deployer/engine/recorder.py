"""The environment's record during an apply: each change durable before the call it guards.

A change is one line appended to the environment's journal and fsync'd, so its cost does not
grow with the lockfile (rewriting the whole file after every change made a 3,000-HIT apply cost
7-8 times as much per HIT as a 1,000-HIT one). Changes that arrive while an fsync is under way
share the next one (a group commit). In memory the records are a dict by key, so a change costs
the same however many records there are. close() writes the lockfile once, with every change,
and deletes the journal; after a crash, the next command folds the journal in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from deployer.core.errors import DeployError, LockError
from deployer.core.records import EnvLock, Lock, sort_records
from deployer.core.results import pseudonym
from deployer.engine import journal
from deployer.engine.lockfile import Format, LockWriter, writing

T = TypeVar("T")


class Recorder:
    def __init__(self, path: Path, env: EnvLock, fmt: Format, baseline: Lock | None = None,
                 ) -> None:
        """`baseline` is the lockfile as read when the plan was made: if the file vanishes
        meanwhile, the other environments are written back from it."""
        self._writer = LockWriter(path, fmt, baseline)
        self._env = env
        self._records = {(r.table, r.key): r for r in env.records}
        self._applied = {study: set(hashes) for study, hashes in env.applied}
        self._memory = threading.Lock()  # the records, and the order of journal lines
        self._disk = threading.Lock()  # one fsync at a time
        self._changes = 0  # lines appended
        self._synced = 0  # of those, on disk
        with writing(path):  # a reader never sees the journal before it is locked
            self._journal = journal.Writer(journal.path_for(path, env.name), env)

    def put(self, record: Any) -> None:
        """Insert a record, or replace the one with its table and key."""
        line = journal.put_line(record)
        with self._memory:
            mine = self._append(line, record)
        self._sync(mine)

    def update(self, kind: type[T], key: tuple[str | int, ...], **changes: Any) -> T:
        """Change fields of the record of `kind` with `key`; return it changed."""
        with self._memory:
            found = self._records.get((getattr(kind, "table", ""), key))
            if not isinstance(found, kind):
                raise DeployError("the lockfile no longer records what this plan changes (was "
                                  "it replaced meanwhile?); run `deploy plan` again")
            updated = replace(found, **changes)  # type: ignore[type-var]
            mine = self._append(journal.put_line(updated), updated)
        self._sync(mine)
        return updated

    def find(self, kind: type[T], match: Callable[[T], bool]) -> T | None:
        """The record of `kind` that `match` picks, as recorded now (None: there is none)."""
        with self._memory:
            return next((r for r in self._records.values()
                         if isinstance(r, kind) and match(r)), None)

    def pseudonym(self, worker: str) -> str:
        """The environment's pseudonym for a worker (core.results)."""
        return pseudonym(self._env.pseudonym_key, worker)

    def applied(self, study: str, config_hash: str) -> None:
        """Record that the study's configuration is applied here (production checks it)."""
        with self._memory:
            if config_hash in self._applied.get(study, ()):
                return
            self._journal.append(journal.applied_line(study, config_hash))
            self._applied.setdefault(study, set()).add(config_hash)
            self._changes += 1
            mine = self._changes
        self._sync(mine)

    def snapshot(self) -> EnvLock:
        with self._memory:
            records = sort_records(list(self._records.values()))
            applied = tuple((s, tuple(sorted(h))) for s, h in sorted(self._applied.items()))
        return replace(self._env, records=records, applied=applied)

    def checkpoint(self) -> EnvLock:
        """Write the lockfile with every change so far, and keep the journal: calls still in
        flight may add to it before the process ends (the next command folds those in)."""
        return self._writer.save(self.snapshot())

    def close(self) -> EnvLock:
        """Write the lockfile with every change, then delete the journal."""
        env = self.snapshot()
        if not self._changes:
            self._journal.discard()
            return env
        try:
            return self._writer.save(env, then=self._journal.discard)
        except LockError as error:
            self._journal.close()
            raise LockError(f"{error}. The {self._changes} changes this apply made are safe in "
                            f"{self._journal.path}; deploy folds them into the lockfile the next "
                            "time it runs and can write it") from None

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def _append(self, line: bytes, record: Any) -> int:
        """Journal the change and make it in memory, in one order (the memory lock held)."""
        self._journal.append(line)
        self._records[(record.table, record.key)] = record
        self._changes += 1
        return self._changes

    def _sync(self, mine: int) -> None:
        """Return once change number `mine` is on disk, fsyncing for others that wait too."""
        with self._disk:
            if self._synced >= mine:
                return  # another thread's fsync already carried it
            with self._memory:
                upto = self._changes
            self._journal.sync()
            self._synced = upto
