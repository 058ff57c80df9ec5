"""Carry out a plan through a provider's connection, saving the record after every change.

Apply never looks at live state to change its mind: the provider executes what the plan says,
writing its intent before each call and the outcome after it through the Recorder, so a killed
apply can be rerun and converges without doing anything twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from deployer.core.address import study_of
from deployer.core.errors import DeployError
from deployer.core.plan import Change, Plan
from deployer.core.provider import Clock, Connection, Report
from deployer.core.records import EnvLock
from deployer.core.results import pseudonym
from deployer.engine.lockfile import Format, LockWriter

T = TypeVar("T")
WORKERS = 4  # independent changes run concurrently, gently enough for platforms' rate limits


class Recorder:
    """The environment's record; each change is on disk before the call that made it returns.

    Changes that arrive while a write is in progress go to disk together in the next write
    (a group commit), so concurrent changes do not queue up one lockfile write each.
    """

    def __init__(self, path: Path, env: EnvLock, fmt: Format) -> None:
        self._writer = LockWriter(path, fmt)
        self._env = env
        self._changes = 0  # made in memory
        self._saved = 0  # of those, on disk
        self._memory = threading.Lock()
        self._disk = threading.Lock()

    def put(self, record: Any) -> None:
        self._commit(lambda env: env.with_record(record))

    def update(self, kind: type[T], match: Callable[[T], bool], **changes: Any) -> T:
        updated: list[T] = []

        def change(env: EnvLock) -> EnvLock:
            found = [r for r in env.of(kind) if match(r)]
            if not found:
                raise DeployError("the lockfile no longer records what this plan changes (was "
                                  "it replaced meanwhile?); run `deploy plan` again")
            updated.append(replace(found[0], **changes))  # type: ignore[type-var]
            return env.with_record(updated[0])

        self._commit(change)
        return updated[0]

    def find(self, kind: type[T], match: Callable[[T], bool]) -> T | None:
        with self._memory:
            return next((r for r in self._env.of(kind) if match(r)), None)

    def pseudonym(self, worker: str) -> str:
        return pseudonym(self._env.pseudonym_key, worker)

    def applied(self, study: str, config_hash: str) -> None:
        if config_hash not in self._env.applied_hashes(study):
            self._commit(lambda env: env.with_applied(study, config_hash))

    def _commit(self, change: Callable[[EnvLock], EnvLock]) -> None:
        with self._memory:
            self._env = change(self._env)
            self._changes += 1
            mine = self._changes
        with self._disk:
            if self._saved >= mine:
                return  # another thread's write already carried this change
            with self._memory:
                env, upto = self._env, self._changes
            saved = self._writer.save(env)
            with self._memory:
                self._env = replace(self._env, serial=saved.serial)
                self._saved = upto


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
