"""`deploy emulator workers ...` and `deploy emulator clock ...`: simulated workers and the
emulator's clock, so a whole study can be run from the shell against the local environment
(or a `deploy emulator serve`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import typer

from deployer.cli.app import emulator_app
from deployer.cli.reconcile import ENDPOINT_OPTION, ENV_OPTION, _workspace
from deployer.cli.scope import PLATFORM_OPTION
from deployer.core.errors import DeployError
from deployer.core.text import plural

if TYPE_CHECKING:
    from deployer.core.simulation import NewParticipant, Participant, Simulation, Work

workers_app = typer.Typer(
    help="Simulated workers of the emulator: add and list them, and make them accept, submit, "
    "return or abandon the batches of your studies.", rich_markup_mode=None,
    no_args_is_help=True)
clock_app = typer.Typer(help="The emulator's clock: show it, or move it forward.",
                        rich_markup_mode=None, no_args_is_help=True)
emulator_app.add_typer(workers_app, name="workers")
emulator_app.add_typer(clock_app, name="clock")

TARGET = typer.Argument(..., metavar="BATCH", hidden=True)
WORKER = typer.Option(..., "--worker", metavar="ID", help="The simulated worker's ID.")
LOCALE = re.compile(r"^([A-Za-z]{2})(?:-([A-Za-z0-9]{2}))?$")
DURATION = re.compile(r"^(?:\d+[smhdw])+$")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


@contextmanager
def _simulation(env: str, endpoint_url: str | None,
                platform: str | None) -> Iterator[Simulation]:
    from deployer.cli.scope import in_scope, studies
    from deployer.core.provider import Target
    from deployer.engine.session import current_env

    workspace, _ = _workspace()
    found = in_scope(workspace, env, platform, studies())
    if len(found) > 1:
        raise DeployError("this repository has studies on several platforms: say whose "
                          "emulator with --platform "
                          + " or --platform ".join(p.platform.name for p in found))
    provider = found[0]
    _path, _lock, env_lock = current_env(workspace, provider, env)
    with provider.simulate(Target(env, workspace.workdir, endpoint_url), env_lock) as simulation:
        yield simulation


def _described(participant: Participant) -> str:
    return ", ".join(f"{what} {value}" for what, value in participant.traits)


@workers_app.command("add")
def add_command(
    worker: str | None = typer.Option(None, "--worker", metavar="ID",
                                      help="Its ID (A + capitals and digits); made up if left "
                                      "out."),
    locale: str = typer.Option("US", "--locale", metavar="CC[-SS]",
                               help="Country, and optionally subdivision: US, US-WA, GB."),
    approval_rate: int = typer.Option(100, "--approval-rate", min=0, max=100, metavar="PERCENT",
                                      help="Percent of its past work approved."),
    approved: int = typer.Option(0, "--approved", min=0, metavar="N",
                                 help="How many HITs of its were approved before (MTurk reads "
                                 "the approval rate as 100 below 100)."),
    masters: bool = typer.Option(False, "--masters", help="A Masters worker."),
    adult: bool = typer.Option(False, "--adult", help="Agreed to see adult content."),
    count: int = typer.Option(1, "--count", min=1, max=1000, help="How many such workers."),
    env: str = ENV_OPTION,
    endpoint_url: str | None = ENDPOINT_OPTION,
    platform: str | None = PLATFORM_OPTION,
) -> None:
    """Add simulated workers to the emulator."""
    from deployer.core.simulation import NewParticipant

    match = LOCALE.match(locale)
    if match is None:
        raise DeployError(f"--locale {locale!r}: write a country code, optionally with a "
                          "subdivision, like US or US-WA")
    if worker is not None and count > 1:
        raise DeployError("--worker names one worker: leave out --count, or --worker")
    new = NewParticipant(worker, match.group(1).upper(), (match.group(2) or "").upper() or None,
                         approval_rate, approved, masters, adult)
    with _simulation(env, endpoint_url, platform) as simulation:
        for _ in range(count):
            typer.echo(f"Added worker {_added(simulation, new)}.")


def _added(simulation: Simulation, new: NewParticipant) -> str:
    participant = simulation.add(new)
    return f"{participant.participant_id} ({_described(participant)})"


@workers_app.command("list")
def list_command(
    env: str = ENV_OPTION,
    endpoint_url: str | None = ENDPOINT_OPTION,
    platform: str | None = PLATFORM_OPTION,
) -> None:
    """List the emulator's simulated workers."""
    with _simulation(env, endpoint_url, platform) as simulation:
        found = simulation.participants()
    if not found:
        typer.echo("No simulated workers yet; add some with `deploy emulator workers add`.")
        return
    heads = ["WORKER", *(what.upper() for what, _ in found[0].traits)]
    rows = [[p.participant_id, *(value for _, value in p.traits)] for p in found]
    widths = [max(len(row[i]) for row in [heads, *rows]) for i in range(len(heads))]
    for row in [heads, *rows]:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths,
                                                                        strict=True)).rstrip())
    typer.echo(plural(len(found), "worker") + ".")


@workers_app.command("accept")
def accept_command(
    target: str = TARGET,
    worker: str | None = typer.Option(None, "--worker", metavar="ID",
                                      help="The simulated worker; a new one is added if left "
                                      "out."),
    env: str = ENV_OPTION,
    endpoint_url: str | None = ENDPOINT_OPTION,
    platform: str | None = PLATFORM_OPTION,
) -> None:
    """Make a worker accept BATCH (one assignment of its HIT).

    BATCH is a batch as plans name it (emotion/b2), a study with one batch (emotion), or a
    HIT ID."""
    from deployer.core.simulation import NewParticipant

    with _simulation(env, endpoint_url, platform) as simulation:
        if worker is None:
            added = simulation.add(NewParticipant())
            worker = added.participant_id
            typer.echo(f"Added worker {worker} ({_described(added)}).")
        work = simulation.accept(worker, target)
    typer.echo(f"{_who(work)} accepted {_what(work)}; it must be submitted by "
               f"{_when(work.due)}.")


@workers_app.command("submit")
def submit_command(
    target: str = TARGET,
    worker: str = WORKER,
    answer: list[str] | None = typer.Option(
        None, "--answer", metavar="NAME=VALUE",
        help="An answer (repeatable; repeat a name for several choices). Left out: answers "
        "are made up from the task's form; an external page's fields are not known."),
    env: str = ENV_OPTION,
    endpoint_url: str | None = ENDPOINT_OPTION,
    platform: str | None = PLATFORM_OPTION,
) -> None:
    """Make a worker submit BATCH, which it is working on.

    BATCH is a batch as plans name it (emotion/b2), a study with one batch (emotion), or a
    HIT ID."""
    answers = _answers(answer) if answer else None
    with _simulation(env, endpoint_url, platform) as simulation:
        work = simulation.submit(worker, target, answers)
    shown = ", ".join(f"{name}={value}" for name, value in work.answers) or "no answers"
    typer.echo(f"{_who(work)} submitted {_what(work)}: {shown}.")
    if work.status == "approved":
        typer.echo("It was approved at once (the study approves automatically after 0 s).")
    elif work.decided is not None:
        typer.echo(f"It is approved automatically at {_when(work.decided)} unless reviewed "
                   "first.")


def _answers(pairs: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name:
            raise DeployError(f"--answer {pair!r}: write NAME=VALUE, like rating=4")
        found.setdefault(name, []).append(value)
    return found


@workers_app.command("return")
def return_command(
    target: str = TARGET, worker: str = WORKER, env: str = ENV_OPTION,
    endpoint_url: str | None = ENDPOINT_OPTION,
    platform: str | None = PLATFORM_OPTION,
) -> None:
    """Make a worker give BATCH back; the slot is free again.

    BATCH is a batch as plans name it (emotion/b2), a study with one batch (emotion), or a
    HIT ID."""
    with _simulation(env, endpoint_url, platform) as simulation:
        work = simulation.give_back(worker, target, abandon=False)
    typer.echo(f"{_who(work)} returned {_what(work)}; the slot is free again.")


@workers_app.command("abandon")
def abandon_command(
    target: str = TARGET, worker: str = WORKER, env: str = ENV_OPTION,
    endpoint_url: str | None = ENDPOINT_OPTION,
    platform: str | None = PLATFORM_OPTION,
) -> None:
    """Make a worker abandon BATCH, as if its time ran out.

    BATCH is a batch as plans name it (emotion/b2), a study with one batch (emotion), or a
    HIT ID."""
    with _simulation(env, endpoint_url, platform) as simulation:
        work = simulation.give_back(worker, target, abandon=True)
    typer.echo(f"{_who(work)} abandoned {_what(work)}, as if its time ran out; the slot is "
               "free again.")


def _who(work: Work) -> str:
    return f"{work.words[0]} {work.participant}"


def _what(work: Work) -> str:
    _, thing, submission = work.words
    ids = (f"{submission} {work.submission_id}" if work.target == work.object_id
           else f"{thing} {work.object_id}, {submission} {work.submission_id}")
    return f"{work.target} ({ids})"


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "(unknown)"
    return f"{moment.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"


@clock_app.command("show")
def show_command(
    env: str = ENV_OPTION,
    endpoint_url: str | None = ENDPOINT_OPTION,
    platform: str | None = PLATFORM_OPTION,
) -> None:
    """Show the emulator's clock."""
    with _simulation(env, endpoint_url, platform) as simulation:
        now = simulation.now()
    ahead = round((now - datetime.now(timezone.utc)).total_seconds())
    typer.echo(f"The emulator's clock: {_when(now)}"
               + (f" ({_span(ahead)} ahead of this machine's)." if ahead >= 60 else "."))


@clock_app.command("advance")
def advance_command(
    duration: str = typer.Argument(..., metavar="DURATION", hidden=True),
    env: str = ENV_OPTION,
    endpoint_url: str | None = ENDPOINT_OPTION,
    platform: str | None = PLATFORM_OPTION,
) -> None:
    """Move the emulator's clock forward by DURATION (45s, 90m, 2h, 3d, 1w or 1h30m).

    HITs expire, assignments are abandoned and approved automatically as that much time
    passing would make them."""
    seconds = _seconds(duration)
    with _simulation(env, endpoint_url, platform) as simulation:
        now = simulation.advance(seconds)
    typer.echo(f"Moved the emulator's clock {_span(seconds)} forward: now {_when(now)}.")


def _seconds(text: str) -> int:
    cleaned = text.strip().lower().replace(" ", "")
    if cleaned.isdigit():
        return int(cleaned)
    if not DURATION.match(cleaned):
        raise DeployError(f"{text!r} is not a duration: write it like 45s, 90m, 2h, 3d or 1h30m")
    return sum(int(n) * UNITS[unit] for n, unit in re.findall(r"(\d+)([smhdw])", cleaned))


def _span(seconds: int) -> str:
    """3 days, 2 hours, 5 minutes: the largest units, whole."""
    parts = []
    for unit, size in (("day", 86_400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(plural(count, unit))
    return ", ".join(parts[:2]) or "0 seconds"
