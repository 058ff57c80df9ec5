"""`deploy notify`: message the workers of a study, each at most once."""

from __future__ import annotations

import sys

import typer

from deployer.cli.app import app
from deployer.cli.reconcile import ENDPOINT_OPTION, ENV_OPTION, PROFILE_OPTION, _workspace
from deployer.core.errors import DeployError, RefusedError
from deployer.core.text import plural

SUBJECT_LIMIT = 200  # MTurk's NotifyWorkers limits
MESSAGE_LIMIT = 4096


@app.command("notify")
def notify_command(
    study: str = typer.Option(..., "--study", metavar="NAME",
                              help="The study whose workers to message."),
    subject: str = typer.Option(..., "--subject", metavar="TEXT",
                                help="The e-mail's subject, 1-200 characters."),
    message: str = typer.Option(..., "--message", metavar="TEXT",
                                help="The text, 1-4096 characters."),
    to: str = typer.Option("all", "--to", metavar="all|approved|rejected|submitted",
                           help="Whose work in the study."),
    env: str = ENV_OPTION,
    endpoint_url: str | None = ENDPOINT_OPTION,
    profile: str | None = PROFILE_OPTION,
    yes: bool = typer.Option(False, "--yes", help="Send without asking (for scripts)."),
) -> None:
    """Send a message to the workers of a study. Each worker gets a message at most once:
    running the same command again sends it only to workers who joined since."""
    from deployer.cli.progress import Echo
    from deployer.core.messages import AUDIENCES, Message
    from deployer.engine import lockfile
    from deployer.engine.recorder import Recorder
    from deployer.engine.session import (
        check_environment,
        current_env,
        lock_format,
        open_environment,
    )

    workspace, provider = _workspace()
    check_environment(provider, env)
    if to not in AUDIENCES:
        raise DeployError(f"unknown --to {to!r}: use {', '.join(AUDIENCES)}")
    for name, text, limit in (("--subject", subject, SUBJECT_LIMIT),
                              ("--message", message, MESSAGE_LIMIT)):
        if not text.strip() or len(text) > limit:
            raise DeployError(f"{name} must have 1 to {limit} characters (it has {len(text)})")
    _check_scope(study, env)
    with lockfile.apply_lock(workspace.root, env, "deploy notify"):
        path, lock, env_lock = current_env(workspace, provider, env)
        if not any(getattr(r, "study", "") == study for r in env_lock.records):
            raise DeployError(f"nothing of study {study} is recorded in {env.upper()}")
        if not _confirmed(study, to, env, yes):
            typer.echo("Not sent.")
            return
        with Recorder(path, env_lock, lock_format(workspace), baseline=lock) as recorder, \
                open_environment(workspace, provider, env, endpoint_url, profile) as connection:
            delivery = connection.notify(env_lock, Message(study, subject, message, to),
                                         recorder, Echo())
    typer.echo(f"Sent to {plural(delivery.sent, 'worker')}.")
    if delivery.already:
        typer.echo(f"{plural(delivery.already, 'worker')} had it already.")
    if delivery.unknown:
        typer.echo(f"{plural(delivery.unknown, 'worker')} of an earlier run that stopped during "
                   "the call were not sent it again: MTurk cannot tell whether they got it.")
    for who, why in delivery.failed:
        typer.echo(f"  {who}: {why}", err=True)
    if delivery.failed:
        typer.echo(f"{plural(len(delivery.failed), 'worker')} could not be notified (MTurk only "
                   "lets you message workers whose work you approved or rejected).", err=True)
        raise typer.Exit(1)


def _check_scope(study: str, env: str) -> None:
    from deployer.providers.registry import BUILD, DEFAULT
    from deployer.spec.loader import DEFAULT_DIR, load_studies

    found = [s for s in load_studies([DEFAULT_DIR], BUILD).studies if s.name == study]
    if found and found[0].platform != DEFAULT:
        raise RefusedError(f"{study} is a {found[0].platform} study: deploy notify messages "
                           "MTurk workers only; message Prolific participants from Prolific's "
                           "site")
    if env == "production" and not (found and found[0].production):
        raise RefusedError(f"{study} is not enabled for production: add `production: true` "
                           f"to studies/{study}.yaml")


def _confirmed(study: str, to: str, env: str, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        raise RefusedError("refusing to send without a terminal to confirm; pass --yes")
    from deployer.cli.applying import read_line

    try:
        answer = read_line(f"Send this message to the workers of {study} ({to}) in "
                           f"{env.upper()}? Type 'yes': ")
    except EOFError:
        return False
    return answer == "yes"
