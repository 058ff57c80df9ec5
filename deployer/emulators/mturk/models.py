"""The emulated MTurk service as tests, demos and the HTTP layer use it.

`Emulator` is the Backend (state, clock, facts, money) plus the simulated workers and the
clock controls that the real API does not have.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from deployer.emulators.core.clock import utc_now
from deployer.emulators.core.faults import FaultConfig
from deployer.emulators.mturk import time_rules
from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.config import Config
from deployer.emulators.mturk.workers import Workers

__all__ = ["Config", "Emulator"]


class Emulator(Backend):
    def __init__(
        self,
        config: Config | None = None,
        clock: Callable[[], datetime] = utc_now,
        faults: FaultConfig | None = None,
    ) -> None:
        super().__init__(config, clock, faults)
        self.workers = Workers(self)

    def refresh(self) -> bool:
        return time_rules.refresh(self)

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.clock.advance(seconds)
            self.refresh()
