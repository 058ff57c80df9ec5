"""`deploy plan`, `deploy apply` and `deploy status`: the reconciler's commands.

Heavy imports (boto3 through the session) stay inside the functions, so `deploy validate`
starts fast.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from deployer.cli.app import app
from deployer.cli.scope import PLATFORM_OPTION
from deployer.core.errors import DeployError

if TYPE_CHECKING:
    from deployer.core.plan import Plan
    from deployer.core.provider import PlanOptions, Provider
    from deployer.core.status import Status
    from deployer.core.study import Study
    from deployer.engine.planfile import SavedPlan as Saved
    from deployer.engine.workspace import Workspace

ENVIRONMENTS = "local|sandbox|production"
ENV_OPTION = typer.Option("local", "--env", metavar=ENVIRONMENTS,
                          help="local (bundled emulator), sandbox or production.")
STUDY_OPTION = typer.Option(None, "--study", metavar="NAME",
                            help="Only this study (repeatable).")
ENDPOINT_OPTION = typer.Option(
    None, "--endpoint-url", metavar="URL",
    help="Send the environment's MTurk calls to this URL instead.",
)
PROFILE_OPTION = typer.Option(None, "--profile", metavar="NAME",
                              help="AWS profile for credentials.")
SKIP_SANDBOX_OPTION = typer.Option(
    False, "--skip-sandbox-check", help="Allow production configs never applied in sandbox."
)
ADOPT_OPTION = typer.Option(
    None, "--adopt", metavar="MARK",
    help="Record the HITs another lockfile (this lineage mark) made: after a lost lockfile.",
)
FORMATS = ("text", "markdown", "json")
STATUS_FORMATS = ("text", "json")


def _workspace() -> tuple[Workspace, Provider]:
    """The project in the current folder, and the default platform's provider."""
    from deployer.cli.scope import provider_named, workspace

    return workspace(), provider_named(None)


def _options(only: list[str] | None, skip_sandbox_check: bool, adopt: str | None) -> PlanOptions:
    from deployer.core.provider import PlanOptions

    return PlanOptions(only=frozenset(only) if only else None,
                       skip_sandbox_check=skip_sandbox_check, adopt=adopt)


def _render(plan: Plan, fmt: str) -> str:
    from deployer import render

    if fmt == "markdown":
        return render.render_markdown(plan)
    if fmt == "json":
        return render.render_json(plan)
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    return render.render_text(plan, color=color)


@app.command("plan", short_help="Show what would change, and what it would cost.")
def plan_command(
    env: str = ENV_OPTION,
    study: list[str] | None = STUDY_OPTION,
    endpoint_url: str | None = ENDPOINT_OPTION,
    profile: str | None = PROFILE_OPTION,
    fmt: str = typer.Option("text", "--format", metavar="text|markdown|json",
                            help="text, markdown (PR comment) or json."),
    out: Path | None = typer.Option(None, "--out", metavar="FILE",
                                    help="Save the plan for `deploy apply FILE`."),
    detailed_exitcode: bool = typer.Option(
        False, "--detailed-exitcode", help="Exit 0 when converged, 2 when changes are planned."
    ),
    skip_sandbox_check: bool = SKIP_SANDBOX_OPTION,
    adopt: str | None = ADOPT_OPTION,
    platform: str | None = PLATFORM_OPTION,
) -> None:
    """Show what would change on the platforms (MTurk, Prolific), and what it would cost.

    Exit codes: 0 success (with --detailed-exitcode: no changes), 1 error,
    2 changes planned (with --detailed-exitcode).
    """
    from deployer.cli.scope import desired, heading, in_scope, studies, workspace
    from deployer.engine import planfile
    from deployer.engine.session import applied_configs, make_plan, open_environment

    if fmt not in FORMATS:
        raise DeployError(f"unknown --format {fmt!r}: use text, markdown or json")
    ws, found = workspace(), studies()
    providers = in_scope(ws, env, platform, found)
    if len(providers) > 1 and (out is not None or fmt == "json"):
        raise DeployError("this repository has studies on several platforms; a saved or JSON "
                          "plan holds one platform's: add --platform "
                          + " or --platform ".join(p.platform.name for p in providers))
    options = _options(study, skip_sandbox_check, adopt)
    failed = changed = False
    for provider in providers:
        heading(providers, provider)
        wanted = desired(env, provider, found)
        with open_environment(ws, provider, env, endpoint_url, profile) as connection:
            planned = make_plan(ws, provider, env, connection, wanted, options)
        typer.echo(_render(planned.plan, fmt), nl=False)
        failed = failed or bool(planned.plan.errors)
        changed = changed or planned.plan.has_changes
        if out is not None and not planned.plan.errors:
            configs = applied_configs(wanted.studies, study)
            planfile.save(out, planfile.bind(planned.plan, planned.env, wanted, configs, options))
            if fmt == "text":
                typer.echo(f"\nSaved the plan to {out}. Apply exactly it with: deploy apply {out}")
        if len(providers) > 1 and provider is not providers[-1]:
            typer.echo("")
    if failed:
        raise typer.Exit(1)
    if detailed_exitcode and changed:
        raise typer.Exit(2)


@app.command("apply",
             short_help="Carry out the plan, recording every change in the lockfile.")
def apply_command(
    plan_file: Path | None = typer.Argument(None, metavar="FILE", hidden=True),
    env: str | None = typer.Option(
        None, "--env", metavar=ENVIRONMENTS,
        help="local (default), sandbox or production; a saved plan names its own.",
    ),
    study: list[str] | None = STUDY_OPTION,
    endpoint_url: str | None = ENDPOINT_OPTION,
    profile: str | None = PROFILE_OPTION,
    auto_approve: bool = typer.Option(False, "--auto-approve", help="Skip the confirmation."),
    skip_sandbox_check: bool = SKIP_SANDBOX_OPTION,
    adopt: str | None = ADOPT_OPTION,
    platform: str | None = PLATFORM_OPTION,
) -> None:
    """Carry out the plan (or exactly the saved plan FILE), recording every change.

    Creates, extends, expires and pauses HITs, approves, rejects and pays bonuses as
    `deploy plan` shows, writing each to the lockfile as it goes. FILE is a plan saved by
    `deploy plan --out`.

    Exit codes: 0 applied, nothing to do, or confirmation declined; 1 error or a failed action
    (what succeeded is recorded: run apply again); 130 interrupted by Ctrl-C.
    """
    from deployer.cli.scope import in_scope, provider_named, studies, workspace
    from deployer.engine import planfile

    ws = workspace()
    saved = planfile.load(plan_file, ws.providers) if plan_file else None
    if saved is not None and (study or skip_sandbox_check or adopt):
        raise DeployError("a saved plan is applied exactly as planned: --study, "
                          "--skip-sandbox-check and --adopt belong to `deploy plan --out`")
    environment = env or (saved.binding.environment if saved else "local")
    found = studies()
    providers = ([provider_named(saved.plan.platform.name)] if saved is not None else
                 in_scope(ws, environment, platform, found))
    for provider in providers:
        _apply(ws, provider, providers, environment, found, saved,
               ApplyFlags(study, endpoint_url, profile, auto_approve, skip_sandbox_check, adopt))


@dataclass(frozen=True)
class ApplyFlags:
    study: list[str] | None
    endpoint_url: str | None
    profile: str | None
    auto_approve: bool
    skip_sandbox_check: bool
    adopt: str | None


def _apply(ws: Workspace, provider: Provider, providers: list[Provider], environment: str,
           found: tuple[Study, ...], saved: Saved | None, flags: ApplyFlags) -> None:
    """Plan (or re-check the saved plan), confirm, and carry out one platform's changes."""
    from deployer.cli import applying
    from deployer.cli.scope import desired, heading
    from deployer.engine import lockfile, planfile
    from deployer.engine.recorder import Recorder
    from deployer.engine.session import (
        applied_configs,
        check_environment,
        current_env,
        lock_format,
        make_plan,
        open_environment,
        utc_now,
    )

    check_environment(provider, environment)
    heading(providers, provider)
    wanted = desired(environment, provider, found)
    with lockfile.apply_lock(ws.root, environment, "deploy apply"), \
            open_environment(ws, provider, environment, flags.endpoint_url,
                             flags.profile) as connection:
        if saved is None:
            planned = make_plan(ws, provider, environment, connection, wanted,
                                _options(flags.study, flags.skip_sandbox_check, flags.adopt))
            plan, env_lock, path, lock = planned.plan, planned.env, planned.lock_path, planned.lock
            configs = applied_configs(wanted.studies, flags.study)
        else:
            path, lock, env_lock = current_env(ws, provider, environment)
            env_lock = planfile.check_fresh(saved, env_lock, wanted)
            again = make_plan(ws, provider, environment, connection, wanted,
                              saved.binding.options())
            planfile.check_unchanged(saved, again.plan)
            plan, configs = saved.plan, dict(saved.binding.configs)
        typer.echo(_render(plan, "text"), nl=False)
        if plan.errors:
            raise typer.Exit(1)
        if plan.has_changes and not applying.confirmed(plan, flags.auto_approve,
                                                       saved is not None):
            typer.echo("Apply cancelled.")
            return
        carry_on = _again(environment, saved is not None)
        with Recorder(path, env_lock, lock_format(ws), baseline=lock) as recorder:
            outcome, links = applying.carry_out(plan, connection, recorder, configs, utc_now,
                                                carry_on)
        notes = (provider.platform.thing, connection.preview_note)
    applying.summarise(plan, outcome, links, notes, carry_on)
    if len(providers) > 1 and provider is not providers[-1]:
        typer.echo("")


def _again(environment: str, saved: bool) -> str:
    """What carries on after an apply that did not finish."""
    env = "" if environment == "local" else f" --env {environment}"
    if saved:
        return f"plan again (`deploy plan{env} --out FILE`) and apply that plan"
    return f"run `deploy apply{env}` again"




@app.command("status",
             short_help="Per study: HITs open, work in progress and cost so far.")
def status_command(
    env: str = ENV_OPTION,
    study: list[str] | None = STUDY_OPTION,
    endpoint_url: str | None = ENDPOINT_OPTION,
    profile: str | None = PROFILE_OPTION,
    fmt: str = typer.Option("text", "--format", metavar="text|json",
                            help="text, or json (documented, versioned)."),
    platform: str | None = PLATFORM_OPTION,
) -> None:
    """Per study: HITs open, work available, in progress, awaiting review and approved or
    rejected, and what the approved work cost; per HIT the same, with its expiry."""
    from deployer import render
    from deployer.cli.scope import heading, in_scope, studies, workspace
    from deployer.engine.session import current_env, open_environment, utc_now

    if fmt not in STATUS_FORMATS:
        raise DeployError(f"unknown --format {fmt!r}: use text or json")
    ws = workspace()
    providers = in_scope(ws, env, platform, studies())
    recorded = [(p, current_env(ws, p, env)[2]) for p in providers]
    if fmt == "json" and len(providers) > 1:
        raise DeployError("this repository has studies on several platforms; JSON status "
                          "covers one: add --platform "
                          + " or --platform ".join(p.platform.name for p in providers))
    if not any(e.records for _, e in recorded) and fmt == "text" and not study:
        things = " or ".join(f"{p.platform.thing}s" for p in providers)
        typer.echo(f"No {things} recorded for {env.upper()}. Run "
                   f"`deploy apply --env {env}` first.")
        return
    shown: list[Status] = []
    for provider, env_lock in recorded:
        if not env_lock.records and len(providers) > 1:
            continue
        with open_environment(ws, provider, env, endpoint_url, profile) as connection:
            status = connection.status(env_lock, utc_now(), frozenset(study) if study else None)
            note = connection.preview_note
        shown.append(status)
        if fmt == "json":
            typer.echo(render.render_status_json(status), nl=False)
            continue
        heading(providers, provider)
        typer.echo(render.render_status_text(status), nl=False)
        if note:
            typer.echo(note)
    _check_studies(shown, study, env)


def _check_studies(statuses: list[Status], names: list[str] | None, env: str) -> None:
    """Every --study name must have records in this environment."""
    shown = {s.name for status in statuses for s in status.studies}
    unknown = sorted(set(names or ()) - shown)
    if unknown:
        thing = statuses[0].platform.thing if len(statuses) == 1 else "object"
        raise DeployError(f"no {thing}s recorded for study {', '.join(unknown)} in "
                          f"{env.upper()}; `deploy status --env {env}` lists the studies that "
                          "have some")
