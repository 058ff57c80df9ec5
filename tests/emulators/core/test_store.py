"""The SQLite store: all-or-nothing transactions, databases created whole, one owner per file."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from deployer.emulators.core import store
from deployer.emulators.core.errors import StateInUse
from deployer.emulators.core.store import Store
from deployer.emulators.core.tables import Table


@dataclass
class Note:
    id: str
    text: str | None
    done: bool = False
    tags: list[str] | None = None
    extra: Any = None


NOTES = Table("notes", Note)


def _store() -> Store:
    memory = Store.memory()
    memory.db.execute(NOTES.ddl())
    return memory


def _ids(memory: Store) -> list[str]:
    return [note.id for note in NOTES.where(memory.db)]


def test_records_read_back_as_written_and_keep_their_order() -> None:
    memory = _store()
    with memory.transaction() as db:
        NOTES.put(db, Note("b", "first", True, ["x"], {"k": [1, 2.5]}))
        NOTES.put(db, Note("a", None, extra=True))
        NOTES.put(db, Note("b", "changed in place", False, [], "text"))
    assert NOTES.get(memory.db, "b") == Note("b", "changed in place", False, [], "text")
    assert NOTES.get(memory.db, "a") == Note("a", None, False, None, True)
    assert _ids(memory) == ["b", "a"]  # an update keeps the row's place, as a dict does
    assert NOTES.where(memory.db, "done = ?", (False,), order="id", limit=1)[0].id == "a"
    NOTES.delete(memory.db, "b")
    assert NOTES.get(memory.db, "b") is None


def test_a_failed_block_leaves_nothing_and_an_inner_failure_only_its_own() -> None:
    memory = _store()
    with pytest.raises(KeyError), memory.transaction() as db:
        NOTES.put(db, Note("lost", "x"))
        raise KeyError("failed")
    assert _ids(memory) == []
    with memory.transaction() as db:
        NOTES.put(db, Note("kept", "x"))
        with pytest.raises(ValueError), memory.transaction():
            NOTES.put(db, Note("undone", "x"))
            raise ValueError("refused")
        NOTES.put(db, Note("after", "x"))
    assert _ids(memory) == ["kept", "after"]
    assert not memory.db.in_transaction


def test_a_write_sqlite_refuses_undoes_the_whole_transaction(tmp_path: Path) -> None:
    path = tmp_path / "full.sqlite3"
    store.create(path, lambda new: new.db.execute(NOTES.ddl()))
    opened = Store.open(path)
    pages = opened.db.execute("PRAGMA page_count").fetchone()[0]
    opened.db.execute(f"PRAGMA max_page_count = {pages}")  # a full disk
    with pytest.raises(sqlite3.OperationalError, match="full"), opened.transaction() as db:
        NOTES.put(db, Note("small", "x"))
        with opened.transaction():
            NOTES.put(db, Note("big", "x" * 100_000))
    assert _ids(opened) == []
    opened.db.execute("PRAGMA max_page_count = 1000000")
    with opened.transaction() as db:
        NOTES.put(db, Note("later", "x"))
    assert _ids(opened) == ["later"]
    opened.close()


def test_a_database_is_created_whole_or_not_at_all(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"

    def half(new: Store) -> None:
        new.db.execute(NOTES.ddl())
        raise OSError("killed while filling")

    with pytest.raises(OSError):
        store.create(path, half)
    assert list(tmp_path.iterdir()) == []
    source = _store()
    NOTES.put(source.db, Note("copied", "x"))
    store.create(path, source.copy_into)
    opened = Store.open(path)
    assert _ids(opened) == ["copied"]
    assert _ids(opened.copy_to_memory()) == ["copied"]
    opened.close()


def test_a_new_database_never_replays_the_wal_of_a_deleted_one(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as old:
        old.execute("PRAGMA journal_mode = WAL")
        old.execute("CREATE TABLE stale (x)")
        shutil.copy(f"{path}-wal", tmp_path / "crash-wal")  # the WAL as a kill -9 leaves it
    os.remove(path)  # the user deletes the database to start afresh, not its WAL
    shutil.copy(tmp_path / "crash-wal", f"{path}-wal")
    store.create(path, lambda new: new.db.execute(NOTES.ddl()))
    opened = Store.open(path)
    tables = [name for (name,) in opened.db.execute("SELECT name FROM sqlite_master")]
    assert tables == ["notes", "sqlite_autoindex_notes_1"]
    opened.close()


def test_one_holder_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    held = store.hold(path)
    with pytest.raises(StateInUse, match=r"state\.sqlite3 is in use"):
        store.hold(path)
    held.close()
    store.hold(path).close()


@dataclass
class NoteV2:
    """Note as a later version writes it: two fields more, each with a default."""

    id: str
    text: str | None
    done: bool = False
    tags: list[str] | None = None
    extra: Any = None
    priority: int = 3
    seen: bool = True


@dataclass
class NoteV3:
    id: str
    text: str | None
    owner: str  # no default: old rows could not be filled


def test_ensure_adds_new_columns_with_their_defaults_and_keeps_the_rows() -> None:
    memory = _store()
    for key in "ba":
        NOTES.put(memory.db, Note(key, f"note {key}", tags=["x"]))
    later = Table("notes", NoteV2)
    later.ensure(memory.db)
    later.ensure(memory.db)  # twice: nothing left to add
    assert later.where(memory.db) == [NoteV2("b", "note b", tags=["x"]),
                                      NoteV2("a", "note a", tags=["x"])]
    fresh = Table("fresh", NoteV2)
    fresh.ensure(memory.db)  # a table that does not exist yet is created
    fresh.put(memory.db, NoteV2("c", None, priority=1, seen=False))
    assert fresh.get(memory.db, "c") == NoteV2("c", None, priority=1, seen=False)
    with pytest.raises(ValueError, match=r"notes\.owner has no default"):
        Table("notes", NoteV3).ensure(memory.db)
