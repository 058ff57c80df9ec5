"""`deploy apply` once the plan is shown: the confirmation, carrying the plan out with progress
and Ctrl-C, and the summary that says how far it got and what to run next."""

from __future__ import annotations

import os
import select
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

import typer

from deployer.cli.app import INTERRUPTED
from deployer.cli.progress import Progress, ctrl_c_presses
from deployer.core.errors import RefusedError
from deployer.core.text import money, plural, signed

if TYPE_CHECKING:
    from deployer.core.plan import Plan
    from deployer.core.provider import Clock, Connection
    from deployer.engine.apply import Outcome
    from deployer.engine.recorder import Recorder

Links = Mapping[str, list[str]]  # a page to open -> the studies it serves


def confirmed(plan: Plan, auto_approve: bool, saved: bool) -> bool:
    """Whether to go ahead; Ctrl-C at the prompt cancels (exit 130), and so does end of input."""
    production = plan.environment == "production"
    if auto_approve or (saved and not production):
        return True
    if not sys.stdin.isatty():
        raise RefusedError("refusing to apply without a terminal to confirm; "
                           "pass --auto-approve (for CI) after reviewing the plan")
    spend = f"est. {signed(plan.added_cost, plan.platform.symbol)}"
    if production:
        balance = "" if plan.balance is None \
            else f", balance {money(plan.balance, plan.platform.symbol)}"
        typer.echo(f"\nThis spends REAL MONEY on PRODUCTION ({spend}{balance}).")
        return _ask("Type 'production' to confirm") == "production"
    question = f"\nDo you want to perform these actions in {plan.environment.upper()} ({spend})?"
    typer.echo(question + " Only 'yes' will be accepted.")
    return _ask("Enter a value") == "yes"


def _ask(prompt: str) -> str | None:
    """The answer typed, or None at the end of input."""
    try:
        return read_line(f"{prompt}: ")
    except EOFError:
        typer.echo()
        return None
    except KeyboardInterrupt:
        typer.echo("\nApply cancelled.")
        raise typer.Exit(INTERRUPTED) from None


def read_line(prompt: str) -> str:
    """One line from the terminal, waking every 0.2 s so that Ctrl-C is seen at once.

    A blocking read would wait for ever if the kernel handed SIGINT to another thread (the
    local emulator's, say): Python runs its handler only in the main thread, between reads.
    """
    if os.name == "nt":
        return input(prompt)
    sys.stdout.write(prompt)
    sys.stdout.flush()
    while not select.select([sys.stdin], [], [], 0.2)[0]:
        pass
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")


def carry_out(plan: Plan, connection: Connection, recorder: Recorder,
              configs: Mapping[str, str], clock: Clock, again: str) -> tuple[Outcome, Links]:
    """Execute the plan with progress shown; the first Ctrl-C stops new changes and waits for
    those in flight, the second exits at once (every intent is already on disk)."""
    from deployer.engine.apply import Brake, execute

    brake = Brake()
    progress = Progress(len(plan.changes), terminal=sys.stdout.isatty())
    with ctrl_c_presses(brake):
        outcome = execute(plan, connection, recorder, configs, clock, progress, brake)
    progress.close()
    if outcome.abandoned:
        recorder.checkpoint()
        typer.echo(f"\nExited at once: {outcome.done} of {plural(outcome.total, 'action')} "
                   f"done; {plural(outcome.abandoned, 'call')} left in flight. Their intent is "
                   f"recorded, so nothing is done twice: {again} to carry on.", err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(INTERRUPTED)  # threads still waiting on the platform end with the process
    return outcome, progress.links


def summarise(plan: Plan, outcome: Outcome, links: Links, notes: tuple[str, str],
              again: str) -> None:
    """How the apply ended; `notes` are (the platform's thing, the connection's preview note),
    `again` says what carries on ("run `deploy apply` again")."""
    thing, preview_note = notes
    if outcome.ok:
        if plan.has_changes:
            typer.echo(f"\nApply complete! {plural(outcome.done, 'action')} done.")
            _links(links, thing, preview_note)
        return
    head = (f"Interrupted: {outcome.done} of {plural(outcome.total, 'action')} done; "
            f"{outcome.not_started} not started" if outcome.interrupted else
            f"Apply failed: {outcome.done} of {plural(outcome.total, 'action')} done")
    if outcome.failed:
        stopped = plural(len(outcome.failed), "batch", "batches")
        typer.echo(f"\n{head}; {stopped} stopped on an error:", err=True)
        for address, error in outcome.failed:
            typer.echo(f"  {address}: {error}", err=True)
    else:
        typer.echo(f"\n{head}.", err=True)
    fix = "fix the problem and " if outcome.failed else ""
    typer.echo(f"Every change made is recorded in the lockfile; {fix}{again}: it carries on "
               "safely.", err=True)
    _links(links, thing, preview_note)
    raise typer.Exit(INTERRUPTED if outcome.interrupted else 1)


def _links(links: Links, thing: str, preview_note: str) -> None:
    """Preview links where they open; where they would not (a local emulator that stops with
    the command), the note says how to serve them."""
    if links:
        typer.echo(f"\nPreview (one link per {thing} type):")
        for url, studies in links.items():
            typer.echo(f"  {', '.join(studies)}: {url}")
    elif preview_note:
        typer.echo(preview_note)
