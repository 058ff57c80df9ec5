"""The Prolific emulator served over HTTP on the shared core, with its state file: every
request commits its changes to that file before it is answered."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from deployer.emulators.core.server import HttpServer
from deployer.emulators.prolific.models import Emulator
from deployer.emulators.prolific.service import ProlificService
from deployer.emulators.prolific.storage import StateFile


class ProlificServer:
    def __init__(self, emulator: Emulator, port: int = 0, state_file: Path | None = None) -> None:
        self.emulator = emulator
        self.state_file = state_file
        self._http = HttpServer(ProlificService(emulator), port)
        self._held: StateFile | None = None

    @property
    def url(self) -> str:
        """`http://127.0.0.1:<port>`; the API is under `/api/v1/`."""
        return self._http.url

    def start(self) -> str:
        if self.state_file is not None:
            held = StateFile(self.state_file)
            held.open(self.emulator)
            self._held = held
        try:
            return self._http.start()
        except BaseException:
            self._let_go()
            raise

    def stop(self) -> None:
        """Drains requests in flight, then lets the state file go."""
        if not self._http.running:
            return
        self._http.stop()
        self._let_go()

    def _let_go(self) -> None:
        if self._held is not None:
            self._held.close(self.emulator)
            self._held = None

    def __enter__(self) -> ProlificServer:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()
