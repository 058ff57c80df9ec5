"""An emulator's state in SQLite (stdlib sqlite3): a file, or memory when it has none.

Small and safe, after pre-commit's store.py: a new database is built under a temporary name and
renamed into place whole, so a crash never leaves a half-made one; every change runs in a
transaction (a nested one becomes a savepoint), so a failed request leaves nothing behind; and
a file is in WAL mode with synchronous=FULL, so a committed change survives the process being
killed, and the machine losing power, as the JSON file it replaces did with its fsync.
A Store is not thread-safe by itself: its emulator serialises access with its own lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from deployer.emulators.core.errors import StateInUse

SIDE_FILES = ("-wal", "-shm", "-journal")  # what SQLite keeps beside a database file


class Store:
    def __init__(self, db: sqlite3.Connection, path: Path | None = None) -> None:
        self.db = db
        self.path = path
        self._depth = 0  # transactions open: 0 none, 1 a transaction, more are savepoints

    @classmethod
    def memory(cls) -> Store:
        return cls(_connect(":memory:"))

    @classmethod
    def open(cls, path: Path) -> Store:
        """An existing database file. Raises sqlite3.Error when it is not one."""
        db = _connect(str(path))
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
        except BaseException:
            db.close()
            raise
        return cls(db, path)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All of the block's changes, or none of them if it raises."""
        outermost = self._depth == 0
        name = f"level{self._depth}"
        self.db.execute("BEGIN IMMEDIATE" if outermost else f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield self.db
        except BaseException:
            self._depth -= 1
            self._undo(outermost, name)
            raise
        self._depth -= 1
        try:
            self.db.execute("COMMIT" if outermost else f"RELEASE {name}")
        except BaseException:
            self._undo(outermost, name)
            raise

    def _undo(self, outermost: bool, name: str) -> None:
        if not self.db.in_transaction:
            return  # SQLite rolled the whole transaction back itself (a full disk, an I/O error)
        if outermost:
            self.db.execute("ROLLBACK")
        else:
            self.db.execute(f"ROLLBACK TO {name}")
            self.db.execute(f"RELEASE {name}")

    def copy_to_memory(self) -> Store:
        """The same state in a new in-memory database."""
        copy = Store.memory()
        self.db.backup(copy.db)
        return copy

    def copy_into(self, other: Store) -> None:
        self.db.backup(other.db)

    def close(self) -> None:
        self.db.close()


def _connect(target: str) -> sqlite3.Connection:
    # isolation_level=None: transactions are begun and ended here, never implicitly.
    return sqlite3.connect(target, isolation_level=None, check_same_thread=False)


def create(path: Path, fill: Callable[[Store], None]) -> None:
    """Builds a new database at `path` with `fill`, then puts it in place in one rename.

    Callers hold the lock on `path` (hold()), and `path` does not exist yet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        store = Store(_connect(temporary))
        try:
            fill(store)
        finally:
            store.close()
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        for leftover in SIDE_FILES:
            # Left by a database deleted after a crash: SQLite would replay an old WAL into the
            # new database of the same name.
            path.with_name(path.name + leftover).unlink(missing_ok=True)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def _sync_directory(folder: Path) -> None:
    """Makes the rename itself durable."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def hold(path: Path) -> TextIO:
    """An OS lock on `path` for as long as the returned file stays open: one emulator per
    state file, since two would each go on from a state the other is changing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.with_name(path.name + ".lock")
    handle = open(lock, "a+", encoding="utf-8")  # noqa: SIM115 - held until the caller closes it
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise StateInUse(
            f"{path} is in use by another deploy command or `deploy emulator serve`; "
            "wait for it to finish, or send this command to that emulator with --endpoint-url"
        ) from None
    return handle
