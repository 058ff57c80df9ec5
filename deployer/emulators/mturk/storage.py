"""Where the MTurk emulator keeps its state between runs: one SQLite database per state file.

The state used to be one JSON file (`.deploy/emulator.json`), rewritten after every change.
A state file argument that ends in `.json` names that old file, and its database is the same
name ending in `.sqlite3`; any other argument is the database itself, and its old file is the
same name ending in `.json`. When the database does not exist yet and the old file does, the
old file is imported once and renamed `<name>.json.imported`; otherwise a new database starts
from the emulator's current state.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any, TextIO

from deployer.emulators.core import store
from deployer.emulators.core.errors import StateUnreadable
from deployer.emulators.core.store import Store
from deployer.emulators.mturk import json_state
from deployer.emulators.mturk.backend import Backend

DATABASE_SUFFIX = ".sqlite3"
IMPORTED_SUFFIX = ".imported"
# What a file that is not an emulator state raises while being read.
UNREADABLE = (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError,
              RecursionError, OverflowError, sqlite3.Error)


def locations(state_file: Path) -> tuple[Path, Path]:
    """(the database, the old JSON file) that a state file argument stands for."""
    if state_file.suffix == ".json":
        return state_file.with_suffix(DATABASE_SUFFIX), state_file
    return state_file, state_file.with_suffix(".json")


class StateFile:
    """One emulator's database, held against other emulators from open() to close()."""

    def __init__(self, state_file: Path) -> None:
        self.database, self.legacy = locations(state_file)
        self._lock: TextIO | None = None

    def open(self, emu: Backend) -> None:
        """Takes the lock, creates or upgrades the database if need be, and attaches it."""
        self._lock = store.hold(self.database)
        try:
            if not self.database.exists():
                self._create(emu)
            _attach(emu, self.database)
        except BaseException:
            self._release()
            raise

    def close(self, emu: Backend) -> None:
        """Detaches the database (the emulator keeps a copy in memory) and lets it go."""
        emu.detach().close()
        self._release()

    def _create(self, emu: Backend) -> None:
        if not self.legacy.exists():
            store.create(self.database, emu.store.copy_into)
            return
        try:
            data = json.loads(self.legacy.read_text(encoding="utf-8"))
            store.create(self.database,
                         lambda new: json_state.load(new, _document(data), emu.clock.base()))
        except UNREADABLE as error:
            raise _unreadable(self.legacy, error) from None
        os.replace(self.legacy, self.legacy.with_name(self.legacy.name + IMPORTED_SUFFIX))

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()  # releases the lock
            self._lock = None


def _attach(emu: Backend, database: Path) -> None:
    try:
        opened = Store.open(database)
    except UNREADABLE as error:
        raise _unreadable(database, error) from None
    try:
        emu.attach(opened)
    except UNREADABLE as error:
        opened.close()
        raise _unreadable(database, error) from None


def _document(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise TypeError(f"the state is a JSON {type(data).__name__}, not an object")
    return data


def _unreadable(path: Path, error: BaseException) -> StateUnreadable:
    return StateUnreadable(
        f"{path}: the emulator state cannot be read ({type(error).__name__}: {error}); "
        "move or delete the file to start the local environment afresh")
