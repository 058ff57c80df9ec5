"""Carry out a plan through the MTurk adapter, saving the lock after every action.

Apply never looks at live state to change its mind: it executes what the plan says. Every
create writes its intent (address + token) before the call and the HIT ID right after it, so a
killed apply can be rerun and converges without a duplicate HIT.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from deployer.core.errors import DeployError
from deployer.engine import lockfile
from deployer.providers.mturk.api.client import MTurk
from deployer.providers.mturk.observed import ObservedHit
from deployer.providers.mturk.plan.actions import (
    Action,
    Adopt,
    Create,
    Expire,
    Extend,
    Forget,
    NewHit,
    Plan,
    Replace,
    UpdateType,
    address_of,
    study_of,
)
from deployer.providers.mturk.records import EnvLock, RecordedHit, adopted_record, live

Clock = Callable[[], datetime]
Report = Callable[[str], None]
WORKERS = 4  # independent actions run concurrently, gently enough for MTurk's rate limits


class Recorder:
    """The environment's record; each change is on disk before the call that made it returns.

    Changes that arrive while a write is in progress go to disk together in the next write
    (a group commit), so concurrent actions do not queue up one lockfile write each.
    """

    def __init__(self, path: Path, env: EnvLock) -> None:
        self._writer = lockfile.LockWriter(path)
        self._env = env
        self._changes = 0  # made in memory
        self._saved = 0  # of those, on disk
        self._memory = threading.Lock()
        self._disk = threading.Lock()

    def put(self, hit: RecordedHit) -> None:
        self._commit(lambda env: env.with_hit(hit))

    def mark(self, hit_id: str, **changes: Any) -> None:
        def change(env: EnvLock) -> EnvLock:
            found = [h for h in env.hits if h.hit_id == hit_id]
            if not found:
                raise DeployError(f"HIT {hit_id} is not in the lockfile; run `deploy plan` again")
            return env.with_hit(replace(found[0], **changes))

        self._commit(change)

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
    done: int  # actions carried out
    failed: tuple[tuple[str, str], ...]  # (address, error) of batches that stopped

    @property
    def ok(self) -> bool:
        return not self.failed


def execute(
    plan: Plan,
    mturk: MTurk,
    recorder: Recorder,
    configs: Mapping[str, str],
    clock: Clock,
    report: Report,
) -> Outcome:
    """Run the plan: one batch's actions in order, different batches concurrently.

    A failed action stops the rest of its batch (they depend on it) but not other batches.
    Studies whose actions all succeeded get their configuration recorded as applied.
    """
    steps = _Steps(mturk, recorder, clock, report)
    groups: dict[str, list[Action]] = {}
    for action in plan.actions:
        groups.setdefault(address_of(action), []).append(action)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {address: pool.submit(steps.run_all, group) for address, group in groups.items()}
        results = {address: future.result() for address, future in futures.items()}
    failures = {address: error for address, error in results.items() if error is not None}
    for address, error in sorted(failures.items()):
        report(f"{address}: failed: {error}")
    failed_studies = {study_of(address) for address in failures}
    for study, config_hash in sorted(configs.items()):
        if study not in failed_studies:
            recorder.applied(study, config_hash)
    done = sum(len(group) for address, group in groups.items() if address not in failures)
    return Outcome(done=done, failed=tuple(sorted(failures.items())))


class _Steps:
    def __init__(self, mturk: MTurk, recorder: Recorder, clock: Clock, report: Report) -> None:
        self.mturk = mturk
        self.recorder = recorder
        self.clock = clock
        self.report = report

    def run_all(self, actions: list[Action]) -> str | None:
        """Carry out one batch's actions in order; the error that stopped them, if any."""
        for action in actions:
            try:
                self.run(action)
            except DeployError as error:
                return str(error)
        return None

    def run(self, action: Action) -> None:
        match action:
            case Create(hit=hit):
                self.create(hit)
            case Replace(old_hit_id=old, hit=hit):
                self.replace(old, hit)
            case Extend():
                self.extend(action)
            case UpdateType(hit_id=hit_id, hit_type=hit_type, config_hash=config_hash):
                seen = self.mturk.update_type(hit_id, hit_type)
                self.recorder.mark(hit_id, hit_type_id=seen.hit_type_id,
                                   hit_group_id=seen.hit_group_id, config_hash=config_hash)
                self.report(f"{action.address}: HIT type of {hit_id} updated")
            case Expire(address=address, hit_id=hit_id):
                self.expire(address, hit_id)
            case Adopt(address=address, observed=seen):
                self.recorder.put(adopted_record(
                    address, action.generation, action.token, action.fingerprint,
                    action.config_hash, seen))
                self.report(f"{address}: adopted {seen.hit_id} into the lockfile")
            case Forget(address=address, hit_id=hit_id):
                self.recorder.mark(hit_id, status="gone")
                self.report(f"{address}: {hit_id} no longer exists on MTurk; recorded as gone")

    def create(self, hit: NewHit) -> None:
        planned = intent(hit)
        self.recorder.put(planned)
        seen = self.mturk.create_hit(hit, self.clock())
        self.recorder.put(live(planned, seen))
        url = self.mturk.connection.preview_url(seen.hit_group_id)
        size = hit.max_assignments
        noun = "assignment" if size == 1 else "assignments"
        self.report(f"{hit.address}: created {seen.hit_id} ({size} {noun}) {url}")

    def extend(self, action: Extend) -> None:
        if action.add_assignments:
            # Recorded first, like a create's intent: a kill right after MTurk added them must
            # not leave the lockfile behind (the token makes the retry safe).
            self.recorder.mark(action.hit_id, max_assignments=action.new_max_assignments)
            self.mturk.add_assignments(
                action.hit_id, action.add_assignments, action.assignments_token
            )
            self.report(f"{action.address}: +{action.add_assignments} assignments")
        if action.expires_at is None:
            self.recorder.mark(action.hit_id, config_hash=action.config_hash)
            return
        self.mturk.set_expiry(action.hit_id, action.expires_at)
        self.recorder.mark(action.hit_id, expires_at=action.expires_at, status="live",
                           config_hash=action.config_hash)
        self.report(f"{action.address}: expiry moved to {action.expires_at:%Y-%m-%d %H:%M} UTC")

    def expire(self, address: str, hit_id: str) -> ObservedHit | None:
        now = self.clock()
        seen = self.mturk.expire(hit_id, now)
        self.recorder.mark(hit_id, status="expired", expires_at=now)
        self.report(f"{address}: expired {hit_id}")
        return seen

    def replace(self, old: str, hit: NewHit) -> None:
        """Expire, then carry what is still unstarted now: workers may have accepted more of
        the old HIT since the plan was made, and that work must not be paid twice."""
        seen = self.expire(hit.address, old)
        left = hit.max_assignments if seen is None else min(hit.max_assignments, seen.available)
        if left == 0:
            self.report(f"{hit.address}: nothing left to carry to a new HIT; all of {old} "
                        "was taken meanwhile")
            return
        self.create(replace(hit, max_assignments=left))


def intent(hit: NewHit) -> RecordedHit:
    """The record written before CreateHIT: address and token, outcome unknown."""
    return RecordedHit(
        address=hit.address,
        generation=hit.generation,
        token=hit.token,
        fingerprint=hit.fingerprint,
        config_hash=hit.config_hash,
        created_with=hit.max_assignments,
        max_assignments=hit.max_assignments,
        status="pending",
    )
