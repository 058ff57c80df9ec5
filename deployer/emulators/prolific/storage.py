"""Where the Prolific emulator keeps its state between runs: one SQLite database per state
file, held against other emulators while it is attached. A new file starts from the
emulator's current state."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TextIO

from deployer.emulators.core import store
from deployer.emulators.core.errors import StateUnreadable
from deployer.emulators.core.store import Store
from deployer.emulators.prolific.backend import Backend

# What a file that is not such a state raises while being read.
UNREADABLE = (OSError, ValueError, KeyError, TypeError, sqlite3.Error)


class StateFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock: TextIO | None = None

    def open(self, emu: Backend) -> None:
        """Takes the lock, creates the database if need be, and attaches it."""
        self._lock = store.hold(self.path)
        try:
            if not self.path.exists():
                store.create(self.path, emu.store.copy_into)
            self._attach(emu)
        except BaseException:
            self._release()
            raise

    def _attach(self, emu: Backend) -> None:
        if self.path.stat().st_size == 0:  # SQLite would take it as a new database and write
            raise _unreadable(self.path, ValueError("the file is empty"))
        try:
            opened = Store.open(self.path)
        except UNREADABLE as error:
            raise _unreadable(self.path, error) from None
        try:
            emu.attach(opened)
        except UNREADABLE as error:
            opened.close()
            raise _unreadable(self.path, error) from None

    def close(self, emu: Backend) -> None:
        """Detaches the database (the emulator goes on from a copy in memory), lets it go."""
        emu.detach().close()
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def _unreadable(path: Path, error: BaseException) -> StateUnreadable:
    return StateUnreadable(
        f"{path}: the Prolific emulator state cannot be read ({type(error).__name__}: "
        f"{error}); move or delete the file to start afresh")
