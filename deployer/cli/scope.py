"""Which platforms a command speaks to, and what the repository's files ask of each.

A repository may hold MTurk and Prolific studies side by side: a command covers every
platform with study files or lockfile records in its environment (or the one `--platform`
names), one after the other, each with its own environment names, money and symbols.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from deployer.core.errors import DeployError, ValidationError
from deployer.core.text import plural

if TYPE_CHECKING:
    from deployer.core.provider import Provider
    from deployer.core.review import Desired
    from deployer.core.study import Study
    from deployer.engine.workspace import Workspace

PLATFORM_OPTION = typer.Option(None, "--platform", metavar="mturk|prolific",
                               help="Only this platform's studies (default: every platform "
                               "with studies or records in the environment).")


def workspace() -> Workspace:
    from deployer.engine.workspace import Workspace
    from deployer.providers.registry import DEFAULT, PROVIDERS

    return Workspace(Path.cwd(), PROVIDERS, DEFAULT)


def provider_named(name: str | None) -> Provider:
    """The provider `--platform` names (the default platform's when it names none)."""
    from deployer.providers.registry import DEFAULT, PROVIDERS

    chosen = name or DEFAULT
    if chosen not in PROVIDERS:
        raise DeployError(f"unknown --platform {chosen!r}: use {' or '.join(sorted(PROVIDERS))}")
    return PROVIDERS[chosen]


def studies() -> tuple[Study, ...]:
    """Every study file, each by its own platform's rules; any error stops here."""
    from deployer.providers.registry import BUILD
    from deployer.spec.loader import DEFAULT_DIR, load_studies, require_valid

    return require_valid(load_studies([DEFAULT_DIR], BUILD))


def in_scope(ws: Workspace, environment: str, platform: str | None,
             found: tuple[Study, ...]) -> list[Provider]:
    """The providers a command covers in `environment`, in a stable order."""
    from deployer.engine import lockfile
    from deployer.engine.session import check_environment, lock_format
    from deployer.providers.registry import DEFAULT, PROVIDERS

    if platform is not None:
        provider = provider_named(platform)
        if any(environment in p.environments for p in PROVIDERS.values()) and \
                environment not in provider.environments:
            raise DeployError(f"{provider.platform.title} has no {environment} environment: "
                              f"use {' or '.join(provider.environments)}")
        check_environment(provider, environment)
        return [provider]
    if not any(environment in p.environments for p in PROVIDERS.values()):
        check_environment(PROVIDERS[DEFAULT], environment)  # says which environments exist
    lock = lockfile.read(ws.lock_path(environment), lock_format(ws))
    recorded = {env.platform for env in lock.environments.values()
                if env.environment == environment and env.records}
    wanted = {s.platform for s in found} | recorded
    chosen = [PROVIDERS[n] for n in sorted(wanted, key=lambda n: (n != DEFAULT, n))
              if environment in PROVIDERS[n].environments]
    for name in sorted(wanted):
        if environment not in PROVIDERS[name].environments:
            count = sum(1 for s in found if s.platform == name)
            typer.echo(f"Note: {PROVIDERS[name].platform.title} has no {environment} "
                       f"environment; its {plural(count, 'study', 'studies')} "
                       f"{'is' if count == 1 else 'are'} left out.",
                       err=True)
    if not chosen:
        provider = PROVIDERS[DEFAULT]
        check_environment(provider, environment)
        return [provider]
    return chosen


def desired(environment: str, provider: Provider, found: tuple[Study, ...]) -> Desired:
    """What the files ask of one platform's environment: its studies, their review files, and
    the participant files (where the platform keeps them)."""
    from deployer.core.review import Desired
    from deployer.engine.results import RESULTS, saved_counts
    from deployer.providers.registry import REVIEW_RULES, WORKER_RULES
    from deployer.spec.participants import Participants, load_participants
    from deployer.spec.reviews import REVIEWS, load_reviews, review_files

    name = provider.platform.name
    mine = tuple(s for s in found if s.platform == name)
    others = {s.name for s in found if s.platform != name}
    files = [f for f in review_files(REVIEWS, environment) if f.stem not in others]
    reviews, problems = load_reviews(files, REVIEW_RULES[name])
    rules = WORKER_RULES.get(name)
    people = load_participants(environment, rules) if rules else \
        Participants({}, None, (), [], [])
    errors = [p for p in [*problems, *people.problems] if p.severity == "error"]
    if errors:
        lines = "\n".join(f"  {p}" for p in errors)
        raise ValidationError(f"the review and participant files have "
                              f"{plural(len(errors), 'error')}; fix them (see `deploy "
                              f"validate`):\n{lines}")
    saved = saved_counts(RESULTS / environment, provider.platform)
    return Desired(mine, reviews, saved, people.qualifications, people.blocks,
                   people.compensation)


def heading(providers: list[Provider], provider: Provider) -> None:
    """With several platforms in one command, a line before each one's output."""
    if len(providers) > 1:
        typer.echo(f"=== {provider.platform.title} ===\n")
