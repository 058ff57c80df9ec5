"""The Prolific provider: Prolific's answers to core's Provider protocol.

Importing it is cheap: plan() imports the planner, connect() the HTTP adapter only when a
command talks to Prolific, and the emulator only for `local` or `deploy emulator serve`, so
`deploy validate` pays for none of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from deployer.core.errors import DeployError
from deployer.core.plan import Platform
from deployer.providers.prolific import platform as prolific

if TYPE_CHECKING:
    from deployer.core.plan import Plan
    from deployer.core.provider import Connection, EmulatorOptions, PlanOptions, Served, Target
    from deployer.core.records import EnvLock, Record
    from deployer.core.review import Desired
    from deployer.core.simulation import Simulation


class ProlificProvider:
    platform: Platform = prolific.platform()
    environments = prolific.ENVIRONMENTS
    rehearsal: str | None = None  # Prolific has no sandbox to rehearse in

    @property
    def record_types(self) -> tuple[type[Record], ...]:
        from deployer.providers.prolific.records import RecordedBonus, RecordedStudy

        return (RecordedStudy, RecordedBonus)

    @property
    def payload_types(self) -> tuple[type, ...]:
        from deployer.providers.prolific.plan.payloads import PAYLOADS

        return PAYLOADS

    def plan(self, desired: Desired, env: EnvLock, observed: object, now: datetime,
             options: PlanOptions) -> Plan:
        from deployer.providers.prolific.observed import Observed
        from deployer.providers.prolific.plan import planner
        from deployer.providers.prolific.study import Study

        mine = [s for s in desired.studies if isinstance(s, Study)]
        if len(mine) != len(desired.studies) or not isinstance(observed, Observed):
            raise TypeError("the Prolific planner was handed another platform's values")
        return planner.plan(mine, desired, env, observed, now, options)

    @contextmanager
    def serve_emulator(self, options: EmulatorOptions) -> Iterator[Served]:
        from deployer.providers.prolific.emulator import serve

        with serve(options) as served:
            yield served

    @contextmanager
    def simulate(self, target: Target, env: EnvLock) -> Iterator[Simulation]:
        from deployer.providers.prolific.api.simulation import open_simulation

        with open_simulation(target, env) as simulation:
            yield simulation

    @contextmanager
    def connect(self, target: Target) -> Iterator[Connection]:
        from deployer.providers.prolific.api.connection import open_connection

        if target.environment not in self.environments:
            raise DeployError(f"Prolific has no {target.environment} environment")
        with open_connection(target) as connection:
            yield connection


PROLIFIC = ProlificProvider()
