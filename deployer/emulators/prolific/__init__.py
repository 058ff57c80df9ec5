"""The bundled Prolific researcher API emulator (API v1): its state, rules, wire and side
channel. Imports emulators.core and the standard library only.

    with embedded(Path(".deploy/prolific.sqlite3")) as url:
        requests go to url + "/api/v1/...", with "Authorization: Token local-token"
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from deployer.emulators.core.faults import FaultConfig
from deployer.emulators.prolific.config import DEFAULT_TOKEN, Config
from deployer.emulators.prolific.models import Emulator
from deployer.emulators.prolific.participants import SimulationError
from deployer.emulators.prolific.server import ProlificServer

__all__ = ["DEFAULT_TOKEN", "Config", "Emulator", "FaultConfig", "ProlificServer",
           "SimulationError", "embedded"]


@contextmanager
def embedded(state_file: Path, config: Config | None = None) -> Iterator[str]:
    """Serves the emulator whose state is in `state_file` for the duration of the block and
    yields its URL (`http://127.0.0.1:<port>`). A new file starts from `config`; an existing
    one keeps the settings saved in it."""
    server = ProlificServer(Emulator(config), state_file=state_file)
    url = server.start()
    try:
        yield url
    finally:
        server.stop()
