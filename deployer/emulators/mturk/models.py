"""The emulated MTurk service as tests, demos and the HTTP layer use it.

`Emulator` is the Backend (state, clock, facts) plus the simulated workers and the clock
controls that the real API does not have.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from deployer.emulators.core.clock import utc_now
from deployer.emulators.core.faults import FaultConfig
from deployer.emulators.mturk import json_state, schema, time_rules
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

    def refresh(self) -> None:
        """Applies what time alone changes (time_rules.py) now rather than at the next request."""
        with self.transaction():
            time_rules.refresh(self)

    def advance(self, seconds: float) -> None:
        """Moves the emulator's clock forward; what comes due happens at once."""
        with self.transaction() as db:
            before = self.clock.offset
            self.clock.advance(seconds)
            try:
                schema.write(db, "clock_offset", self.clock.offset)
                time_rules.refresh(self)
            except BaseException:
                self.clock.offset = before  # the transaction is undone: so is the move
                raise

    def to_json(self) -> dict[str, Any]:
        """The whole state as one JSON document, in the format of the old JSON state file."""
        with self.transaction():
            return json_state.dump(self)
