"""The bundled MTurk Requester API emulator (the `local` environment): its state, rules, wire
and side channel. Imports emulators.core and the standard library only.

    with embedded(Path(".deploy/emulator.sqlite3")) as url:
        client = boto3.client("mturk", region_name="us-east-1", endpoint_url=url, ...)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from deployer.emulators.core.faults import FaultConfig
from deployer.emulators.mturk.models import Config, Emulator
from deployer.emulators.mturk.server import EmulatorServer

__all__ = ["Config", "Emulator", "EmulatorServer", "FaultConfig", "embedded"]


@contextmanager
def embedded(state_file: Path, personality: str = "sandbox") -> Iterator[str]:
    """Serves the emulator whose state is in `state_file` for the duration of the block
    (a `.json` path names the old JSON state file; see storage.py)."""
    server = EmulatorServer(Emulator(Config(personality=personality)), state_file=state_file)
    url = server.start()
    try:
        yield url
    finally:
        server.stop()
