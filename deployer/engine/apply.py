"""Carry out a plan through a provider's connection, saving the record after every change.

Apply never looks at live state to change its mind: the provider executes what the plan says,
writing its intent before each call and the outcome after it through the Recorder, so a killed
apply can be rerun and converges without doing anything twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from deployer.core.address import study_of
from deployer.core.errors import DeployError
from deployer.core.plan import Change, Plan
from deployer.core.provider import Clock, Connection, Report
from deployer.engine.recorder import Recorder

WORKERS = 4  # independent changes run concurrently, gently enough for platforms' rate limits


@dataclass(frozen=True)
class Outcome:
    done: int  # changes carried out
    failed: tuple[tuple[str, str], ...]  # (address, error) of lanes that stopped

    @property
    def ok(self) -> bool:
        return not self.failed


def execute(plan: Plan, connection: Connection, recorder: Recorder,
            configs: Mapping[str, str], clock: Clock, report: Report) -> Outcome:
    """Run the plan stage by stage: within a stage, one address's changes in order and
    different addresses concurrently.

    A failed change stops the rest of its address (they depend on it) but not other addresses.
    Studies whose changes all succeeded get their configuration recorded as applied.
    """
    def run_lane(changes: list[Change]) -> str | None:
        for change in changes:
            try:
                connection.execute(change, recorder, clock, report)
            except DeployError as error:
                return str(error)
        return None

    failures: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for stage in sorted({c.stage for c in plan.changes}):
            lanes: dict[str, list[Change]] = {}
            for change in plan.changes:
                if change.stage == stage and change.address not in failures:
                    lanes.setdefault(change.address, []).append(change)
            futures = {address: pool.submit(run_lane, lane) for address, lane in lanes.items()}
            failures.update({address: error for address, future in futures.items()
                             if (error := future.result()) is not None})
    for address, error in sorted(failures.items()):
        report(f"{address}: failed: {error}")
    failed_studies = {study_of(address) for address in failures}
    for study, config_hash in sorted(configs.items()):
        if study not in failed_studies:
            recorder.applied(study, config_hash)
    done = sum(1 for c in plan.changes if c.address not in failures)
    return Outcome(done=done, failed=tuple(sorted(failures.items())))
