"""The MTurk emulator served over HTTP, with its state file.

The HTTP work is the shared core's (emulators/core/server.py); this adds what belongs to the
MTurk emulator: the service, and the state file (storage.py) it is attached to while it runs.
Every request commits its changes to that file before it is answered.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from deployer.emulators.core.server import HttpServer
from deployer.emulators.mturk.models import Emulator
from deployer.emulators.mturk.service import MTurkService
from deployer.emulators.mturk.storage import StateFile, locations


class EmulatorServer:
    def __init__(self, emulator: Emulator, port: int = 0, state_file: Path | None = None) -> None:
        self.emulator = emulator
        self.port = port
        self.state_file = state_file
        self._http = HttpServer(MTurkService(emulator), port)
        self._held: StateFile | None = None

    @property
    def url(self) -> str:
        return self._http.url

    @property
    def database(self) -> Path | None:
        """The SQLite file the state lives in (a `.json` state_file names the old format)."""
        return None if self.state_file is None else locations(self.state_file)[0]

    def start(self) -> str:
        if self.state_file is not None:
            held = StateFile(self.state_file)
            held.open(self.emulator)
            self._held = held
        try:
            url = self._http.start()
        except BaseException:
            self._let_go()
            raise
        self.emulator.base_url = url
        return url

    def stop(self) -> None:
        """Drains requests in flight, then lets the state file go: kept-alive connections are
        answered 503 from now on, so nothing changes the file after this."""
        if not self._http.running:
            return
        self._http.stop()
        self._let_go()

    def _let_go(self) -> None:
        if self._held is not None:
            self._held.close(self.emulator)
            self._held = None

    def __enter__(self) -> EmulatorServer:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()
