"""One command's view of an environment: its provider connection, its record, and the plan.

The imperative shell around the pure planner: it reads the lockfile, observes the platform and
calls core's planning; the cli package prints what comes back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from deployer.core.errors import DeployError
from deployer.core.plan import Plan
from deployer.core.planning import plan_environment
from deployer.core.provider import Connection, PlanOptions, Provider, Target
from deployer.core.records import EnvLock, Lock
from deployer.core.review import Desired
from deployer.core.study import Study
from deployer.engine import lockfile
from deployer.engine.workspace import Workspace


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def check_environment(provider: Provider, environment: str) -> None:
    names = provider.environments
    if environment not in names:
        choices = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
        raise DeployError(f"unknown environment {environment!r}: use {choices}")


def applied_configs(studies: Sequence[Study], only: Sequence[str] | None) -> dict[str, str]:
    """What an apply records as applied: the configurations of the open studies in scope.

    A closed study creates nothing, so applying it proves nothing to production's sandbox check.
    """
    return {s.name: s.config_hash for s in studies
            if s.state == "open" and (not only or s.name in only)}


def lock_format(ws: Workspace) -> lockfile.Format:
    return lockfile.Format(ws.record_types(), ws.default_platform)


@contextlib.contextmanager
def open_environment(ws: Workspace, provider: Provider, environment: str,
                     endpoint_url: str | None, profile: str | None) -> Iterator[Connection]:
    """A connection to the environment; `local` starts the bundled emulator in-process."""
    check_environment(provider, environment)
    with provider.connect(Target(environment, ws.workdir, endpoint_url, profile)) as connection:
        yield connection


@dataclass(frozen=True)
class Planned:
    plan: Plan
    env: EnvLock
    lock_path: Path
    lock: Lock  # the whole lockfile as read for the plan


def current_env(ws: Workspace, provider: Provider, environment: str) -> tuple[Path, Lock, EnvLock]:
    path = ws.lock_path(environment)
    platform = provider.platform.name
    lock = lockfile.ensure_env(lockfile.read(path, lock_format(ws)), platform, environment)
    env = lock.env(platform, environment)
    assert env is not None  # ensure_env made it
    return path, lock, env


def make_plan(ws: Workspace, provider: Provider, environment: str, connection: Connection,
              desired: Desired, options: PlanOptions) -> Planned:
    path, lock, env = current_env(ws, provider, environment)
    observed = connection.observe(env, desired)
    result = plan_environment(provider, desired, lock, environment, observed, utc_now(), options)
    return Planned(plan=result, env=env, lock_path=path, lock=lock)
