"""One command's view of an environment: its MTurk endpoint, its lock, and the plan.

The imperative shell around the pure planner: it reads the lock, observes MTurk and calls
plan(); the cli package prints what comes back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from deployer.core.errors import DeployError
from deployer.engine import lockfile
from deployer.providers.mturk.api.client import ENDPOINTS, Connection, MTurk, connect
from deployer.providers.mturk.plan.actions import Plan
from deployer.providers.mturk.plan.planner import PlanOptions, parse_annotation, plan
from deployer.providers.mturk.records import EnvLock, Lock
from deployer.providers.mturk.study import Study

ENVIRONMENTS = ("local", "sandbox", "production")
EMULATOR_STATE = "emulator.json"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def check_environment(environment: str) -> None:
    if environment not in ENVIRONMENTS:
        raise DeployError(f"unknown environment {environment!r}: use local, sandbox or production")


def applied_configs(studies: Sequence[Study], only: Sequence[str] | None) -> dict[str, str]:
    """What an apply records as applied: the configurations of the open studies in scope.

    A closed study creates nothing, so applying it proves nothing to production's sandbox check.
    """
    return {s.name: s.config_hash for s in studies
            if s.state == "open" and (not only or s.name in only)}


@contextlib.contextmanager
def open_environment(
    root: Path, environment: str, endpoint_url: str | None, profile: str | None
) -> Iterator[MTurk]:
    """An MTurk client for the environment; `local` starts the bundled emulator in-process."""
    check_environment(environment)
    if environment == "local" and endpoint_url is None:
        from deployer.emulators.mturk import embedded

        with embedded(lockfile.workdir(root / lockfile.WORKDIR) / EMULATOR_STATE) as url:
            yield connect(Connection("local", url, profile, embedded=True))
        return
    url = endpoint_url or ENDPOINTS.get(environment, "")
    if not url:
        raise DeployError("the local environment needs no endpoint; drop --endpoint-url or "
                          "point it at `deploy emulator serve`")
    yield connect(Connection(environment, url, profile))


@dataclass(frozen=True)
class Planned:
    plan: Plan
    env: EnvLock
    lock_path: Path


def current_env(root: Path, environment: str) -> tuple[Path, Lock, EnvLock]:
    path = lockfile.lock_path(root, environment)
    lock = lockfile.ensure_env(lockfile.read(path), environment)
    env = lock.env(environment)
    assert env is not None  # ensure_env made it
    return path, lock, env


def make_plan(
    root: Path,
    environment: str,
    mturk: MTurk,
    studies: Sequence[Study],
    options: PlanOptions,
) -> Planned:
    path, lock, env = current_env(root, environment)
    recorded = {hit.hit_id for hit in env.hits if hit.hit_id and hit.status != "gone"}
    # Every deploy HIT, this lockfile's or not: the planner adopts ours, flags the others.
    observed = mturk.observe(recorded, lambda text: parse_annotation(text) is not None)
    result = plan(studies, lock, environment, observed, utc_now(), options)
    return Planned(plan=result, env=env, lock_path=path)
