"""The MTurk emulator served over HTTP, with its state file.

The HTTP work is the shared core's (emulators/core/server.py); this adds what belongs to the
MTurk emulator: the service, the state file it loads at start and saves after every change,
and the OS lock that keeps a second emulator off that file.
"""

from __future__ import annotations

import fcntl
import threading
from pathlib import Path
from types import TracebackType
from typing import TextIO

from deployer.emulators.core.errors import StateInUse
from deployer.emulators.core.server import HttpServer
from deployer.emulators.mturk import persistence
from deployer.emulators.mturk.models import Emulator
from deployer.emulators.mturk.service import MTurkService


class EmulatorServer:
    def __init__(self, emulator: Emulator, port: int = 0, state_file: Path | None = None) -> None:
        self.emulator = emulator
        self.port = port
        self.state_file = state_file
        self._http = HttpServer(MTurkService(emulator, self.save), port)
        self._save_lock = threading.Lock()
        self._owner: TextIO | None = None  # holds the state file against other emulators
        self._released = False  # the file has been handed back: never write it again

    @property
    def url(self) -> str:
        return self._http.url

    def start(self) -> str:
        if self.state_file is not None:
            self._owner = _own(self.state_file)
            self._released = False
            try:
                if self.state_file.exists():
                    persistence.load(self.emulator, self.state_file)
            except BaseException:
                self._release()
                raise
        return self._http.start()

    def stop(self) -> None:
        if not self._http.running:
            return
        # Connections kept alive by clients stay open on their own threads; from now on
        # they are answered 503 and closed, so nothing changes after the final save.
        self._http.stop()
        self.save()
        self._release()

    def _release(self) -> None:
        with self._save_lock:
            self._released = True
            if self._owner is not None:
                self._owner.close()  # releases the lock
                self._owner = None

    def save(self) -> None:
        if self.state_file is None:
            return
        with self._save_lock:
            if self._released:
                return  # another emulator may own the file by now
            with self.emulator.lock:
                persistence.save(self.emulator, self.state_file)

    def __enter__(self) -> EmulatorServer:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()


def _own(state_file: Path) -> TextIO:
    """Hold the state file for this emulator's lifetime: two emulators saving one file would
    each overwrite the other's HITs."""
    state_file.parent.mkdir(parents=True, exist_ok=True)
    lock = state_file.with_name(state_file.name + ".lock")
    handle = open(lock, "a+", encoding="utf-8")  # noqa: SIM115 - held until stop()
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise StateInUse(
            f"{state_file} is in use by another deploy command or `deploy emulator serve`; "
            "wait for it to finish, or send this command to that emulator with --endpoint-url"
        ) from None
    return handle
