"""Saved plans: `deploy plan --out plan.json`, then `deploy apply plan.json`.

A saved plan binds to the environment, the lock's lineage and serial, the study files' contents
and the account that pays (Plan.payer); apply refuses it ("plan is stale") when any of them
moved since.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Union

from deployer.core import codec
from deployer.core.errors import DeployError, StalePlanError
from deployer.core.plan import Payer, Plan
from deployer.core.provider import PlanOptions, Provider
from deployer.core.records import LOCK_VERSION, EnvLock
from deployer.core.review import Desired

FORMAT = "deploy-saved-plan"
FORMAT_VERSION = 2  # 2: generic changes with provider payloads


@dataclass(frozen=True)
class Binding:
    """What the plan was computed from."""

    platform: str
    environment: str
    lock_version: int  # the lockfile version the plan was made against
    lineage: str
    serial: int
    studies_digest: str  # over every study and review file (name + contents)
    configs: tuple[tuple[str, str], ...]  # (study, config_hash) for the sandbox record
    only: tuple[str, ...] = ()  # the planning options, to plan again at apply time
    skip_sandbox_check: bool = False
    adopt: str | None = None

    def options(self) -> PlanOptions:
        return PlanOptions(only=frozenset(self.only) or None,
                           skip_sandbox_check=self.skip_sandbox_check, adopt=self.adopt)


@dataclass(frozen=True)
class SavedPlan:
    binding: Binding
    plan: Plan


def studies_digest(desired: Desired) -> str:
    lines = sorted(f"{s.name}:{s.digest}" for s in desired.studies)
    lines += sorted(f"review {r.study}:{r.digest}" for r in desired.reviews.values())
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def bind(
    plan: Plan, env: EnvLock, desired: Desired, configs: Mapping[str, str],
    options: PlanOptions,
) -> SavedPlan:
    """Bind to every study file (any edit makes the plan stale); keep what apply records."""
    binding = Binding(env.platform, plan.environment, LOCK_VERSION, env.lineage, env.serial,
                      studies_digest(desired),
                      tuple(sorted(configs.items())), tuple(sorted(options.only or ())),
                      options.skip_sandbox_check, options.adopt)
    return SavedPlan(binding=binding, plan=plan)


def save(path: Path, saved: SavedPlan) -> None:
    data = {"format": FORMAT, "format_version": FORMAT_VERSION, **codec.dump(saved)}
    try:
        path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    except OSError as error:
        raise DeployError(f"{path}: cannot save the plan ({error.strerror})") from None


def load(path: Path, providers: Mapping[str, Provider]) -> SavedPlan:
    """The saved plan at `path`, its changes' payloads read as their providers' types."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DeployError(f"{path}: cannot read the saved plan ({error.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise DeployError(f"{path}: not a saved plan (invalid JSON); make one with "
                          "`deploy plan --out FILE` (to apply one study: "
                          "`deploy apply --study NAME`)") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DeployError(f"{path}: not a saved plan; make one with `deploy plan --out FILE` "
                          "(`--format json` output is for reading, not for applying)")
    if data.get("format_version") != FORMAT_VERSION:
        raise DeployError(f"{path}: saved plan format {data.get('format_version')!r} is not "
                          f"supported (expected {FORMAT_VERSION}); plan again")
    payloads = tuple(kind for provider in providers.values() for kind in provider.payload_types)
    try:
        return codec.load(SavedPlan, data, {object: Union[payloads]})  # noqa: UP007 - built
    except (KeyError, TypeError, ValueError) as error:
        raise DeployError(f"{path}: the saved plan is damaged ({error}); plan again") from None


def check_fresh(saved: SavedPlan, env: EnvLock, desired: Desired) -> EnvLock:
    """The record to apply the plan to; refuse a plan whose inputs moved, naming each."""
    binding = saved.binding
    if env.serial == 0 and binding.serial == 0 and env.environment == binding.environment:
        # Planned before this environment's first write: its lineage exists only in the plan.
        env = replace(env, lineage=binding.lineage)
    reasons = []
    if binding.lock_version != LOCK_VERSION:
        reasons.append(f"it was made against lockfile version {binding.lock_version}; this deploy "
                       f"writes version {LOCK_VERSION}")
    if env.environment != binding.environment:
        reasons.append(f"it was made for {binding.environment.upper()}, "
                       f"not {env.environment.upper()} (drop --env to apply it there)")
    elif env.lineage != binding.lineage:
        reasons.append(f"the lockfile's lineage changed ({binding.lineage} -> {env.lineage})")
    elif env.serial != binding.serial:
        reasons.append(f"the lockfile changed since (serial {binding.serial} -> {env.serial}): "
                       "another apply ran, or this plan was already applied")
    if studies_digest(desired) != binding.studies_digest:
        reasons.append("the study or review files changed since")
    _refuse(binding, reasons)
    return env


def check_unchanged(saved: SavedPlan, fresh: Plan) -> None:
    """Refuse a plan that the platform has overtaken: planning again now must give the same
    changes at the same cost (a HIT expired by hand, work accepted meanwhile, a new balance...),
    paid by the same account as the same identity."""
    reasons = payer_reasons(saved.plan.payer, fresh.payer)
    then, now = outline(saved.plan), outline(fresh)
    if then != now or fresh.errors:
        moved = sorted({a for a, *_ in set(then) ^ set(now)})
        where = f" ({', '.join(moved[:5])}{', ...' if len(moved) > 5 else ''})" if moved else ""
        reasons.append(f"{fresh.platform.title} changed since it was made{where}: planning "
                       "again now gives different actions or costs")
    _refuse(saved.binding, reasons)


def payer_reasons(then: Payer | None, now: Payer | None) -> list[str]:
    """A saved plan is applied with the credentials it was reviewed with, or not at all."""
    if (then is None and now is None) or (then is not None and then.same_as(now)):
        return []
    return [f"it was made to be paid by {_who(then)}, but the credentials in use now are "
            f"{_who(now)}"]


def _who(payer: Payer | None) -> str:
    if payer is None:
        return "no account (an emulator)"
    return f"account {payer.account} ({payer.identity})"


def outline(plan: Plan) -> list[tuple[str, str, str]]:
    """What a reviewer approved: each change's address, kind and cost, in order."""
    return [(c.address, c.kind, str(c.cost)) for c in plan.changes]


def _refuse(binding: Binding, reasons: list[str]) -> None:
    if reasons:
        raise StalePlanError(
            "plan is stale: " + "; ".join(reasons)
            + f". Run `deploy plan --env {binding.environment} --out FILE` again and review it"
        )
