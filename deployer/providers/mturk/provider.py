"""The MTurk provider: MTurk's answers to core's Provider protocol.

Importing it is cheap: `deploy validate` reaches the registry without paying for the AWS SDK
or the planner. plan() imports the planner, connect() the api package (and boto3) only when a
command plans or talks to MTurk.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from deployer.core.plan import Platform
from deployer.providers.mturk.platform import ENVIRONMENTS, PLATFORM, REHEARSAL

if TYPE_CHECKING:
    from deployer.core.plan import Plan
    from deployer.core.provider import Connection, EmulatorOptions, PlanOptions, Served, Target
    from deployer.core.records import EnvLock, Record
    from deployer.core.review import Desired
    from deployer.core.simulation import Simulation


class MTurkProvider:
    platform: Platform = PLATFORM
    environments = ENVIRONMENTS
    rehearsal: str | None = REHEARSAL

    @property
    def record_types(self) -> tuple[type[Record], ...]:
        from deployer.providers.mturk import records

        return (records.RecordedHit, records.RecordedBonus, records.RecordedQualificationType,
                records.RecordedBlock, records.RecordedMessage, records.RecordedNotification)

    @property
    def payload_types(self) -> tuple[type, ...]:
        from deployer.providers.mturk.plan.payloads import PAYLOADS

        return PAYLOADS

    def plan(self, desired: Desired, env: EnvLock, observed: object, now: datetime,
             options: PlanOptions) -> Plan:
        from deployer.providers.mturk.observed import Observed
        from deployer.providers.mturk.plan import planner
        from deployer.providers.mturk.study import Study as MTurkStudy

        mine = [s for s in desired.studies if isinstance(s, MTurkStudy)]
        if len(mine) != len(desired.studies) or not isinstance(observed, Observed):
            raise TypeError("the MTurk planner was handed another platform's values")
        return planner.plan(mine, desired, env, observed, now, options)

    @contextmanager
    def serve_emulator(self, options: EmulatorOptions) -> Iterator[Served]:
        from deployer.providers.mturk.emulator import serve

        with serve(options) as served:
            yield served

    @contextmanager
    def simulate(self, target: Target, env: EnvLock) -> Iterator[Simulation]:
        from deployer.providers.mturk.api.connection import open_simulation

        with open_simulation(target, env) as simulation:
            yield simulation

    @contextmanager
    def connect(self, target: Target) -> Iterator[Connection]:
        from deployer.providers.mturk.api.connection import open_connection

        with open_connection(target) as connection:
            yield connection


MTURK = MTurkProvider()
