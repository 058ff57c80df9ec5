"""Planning one environment of one platform: the provider's pure plan, then the guardrails
every platform shares. Pure; the engine calls it with what it read and observed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from deployer.core.guardrails import PRODUCTION, balance_errors, budget_errors, rehearsal_errors
from deployer.core.plan import Plan
from deployer.core.provider import PlanOptions, Provider
from deployer.core.records import EnvLock, Lock
from deployer.core.review import Desired


def blank_env(provider: Provider, environment: str) -> EnvLock:
    """The record of an environment nothing was written to yet."""
    return EnvLock(provider.platform.name, environment, lineage="")


def plan_environment(provider: Provider, desired: Desired, lock: Lock, environment: str,
                     observed: object, now: datetime, options: PlanOptions) -> Plan:
    platform = provider.platform
    env = lock.env(platform.name, environment) or blank_env(provider, environment)
    draft = provider.plan(desired, env, observed, now, options)
    paths = {s.name: s.path for s in desired.studies}
    errors = draft.errors
    rehearsal = provider.rehearsal
    if environment == PRODUCTION and rehearsal and not options.skip_sandbox_check:
        errors += rehearsal_errors(rehearsal, lock.env(platform.name, rehearsal), paths,
                                   draft.changes)
    errors += budget_errors(draft.costs, paths, platform)
    errors += balance_errors(draft.added_cost, draft.balance, environment, platform)
    return replace(draft, errors=errors)
