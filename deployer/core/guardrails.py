"""Rules every platform's plans obey: scope, the production opt-in, rehearsal before production,
budgets and the account balance. Pure: each returns notes for the plan."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from deployer.core.findings import Findings, warn
from deployer.core.plan import Change, Note, Platform, StudyCost
from deployer.core.records import EnvLock
from deployer.core.study import Study
from deployer.core.text import money

PRODUCTION = "production"


def skipped_in_production(study: Study, environment: str) -> Findings | None:
    """A warning when production leaves this study alone (it does not opt in); else None."""
    if environment != PRODUCTION or study.production:
        return None
    return warn(study.name, f"{study.path} is not enabled for production; skipped",
                "add `production: true` to the study file to deploy it there")


def unknown_names(only: frozenset[str] | None, names: Iterable[str]) -> Findings:
    missing = sorted((only or frozenset()) - set(names))
    return Findings(errors=tuple(
        Note(name, f"no study named {name}", "check --study against the files in studies/")
        for name in missing))


def rehearsal_errors(rehearsal: str, record: EnvLock | None, paths: Mapping[str, str],
                     changes: Sequence[Change]) -> tuple[Note, ...]:
    """A study whose production changes bring a configuration never applied in `rehearsal`."""
    errors: dict[str, Note] = {}
    for change in changes:
        name, config = change.study, change.config
        applied = record.applied_hashes(name) if record else ()
        if config is None or config in applied or name in errors:
            continue
        errors[name] = Note(name, f"{paths.get(name, name)} (configuration {config}) was never "
                            f"applied in {rehearsal}", f"run `deploy apply --env {rehearsal}` "
                            f"first, or pass --skip-{rehearsal}-check")
    return tuple(errors[name] for name in sorted(errors))


def budget_errors(costs: Iterable[StudyCost], paths: Mapping[str, str],
                  platform: Platform) -> tuple[Note, ...]:
    return tuple(
        Note(c.study, f"{paths.get(c.study, c.study)} would commit "
             f"{money(c.committed, platform.symbol)} once applied, over its budget of "
             f"{money(c.budget, platform.symbol)}",
             f"raise `budget` in {paths.get(c.study, c.study)} or ask for fewer {platform.unit}")
        for c in costs
        if c.budget is not None and c.committed > c.budget
    )


def balance_errors(added: Decimal, balance: Decimal | None, environment: str,
                   platform: Platform) -> tuple[Note, ...]:
    if balance is None or added <= balance:
        return ()
    return (Note("", f"this plan adds {money(added, platform.symbol)} but the {environment} "
                 f"account balance is {money(balance, platform.symbol)}",
                 f"add funds to the {platform.title} account, or plan fewer {platform.unit}"),)
