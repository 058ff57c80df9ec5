"""`deploy plan`, `deploy apply` and `deploy status`: the reconciler's commands.

Heavy imports (boto3 through the session) stay inside the functions, so `deploy validate`
starts fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from deployer.cli.app import app
from deployer.core.errors import DeployError, ValidationError
from deployer.core.text import plural

if TYPE_CHECKING:
    from deployer.core.plan import Plan
    from deployer.core.provider import PlanOptions, Provider
    from deployer.core.review import Desired
    from deployer.core.status import Status
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
    """The project in the current folder, and the provider of its studies."""
    from deployer.engine.workspace import Workspace
    from deployer.providers.registry import DEFAULT, PROVIDERS

    workspace = Workspace(Path.cwd(), PROVIDERS, DEFAULT)
    return workspace, workspace.provider(DEFAULT)


def _desired(environment: str) -> Desired:
    """The study files, and the review files of this environment; any error stops here."""
    from deployer.core.review import Desired
    from deployer.engine.results import RESULTS, saved_counts
    from deployer.providers.registry import (
        BUILDERS,
        DEFAULT,
        PROVIDERS,
        REVIEW_RULES,
        WORKER_RULES,
    )
    from deployer.spec.loader import DEFAULT_DIR, load_studies, require_valid
    from deployer.spec.participants import load_participants
    from deployer.spec.reviews import REVIEWS, load_reviews, review_files

    studies = require_valid(load_studies([DEFAULT_DIR], BUILDERS[DEFAULT]))
    reviews, problems = load_reviews(review_files(REVIEWS, environment), REVIEW_RULES[DEFAULT])
    people = load_participants(environment, WORKER_RULES[DEFAULT])
    errors = [p for p in [*problems, *people.problems] if p.severity == "error"]
    if errors:
        lines = "\n".join(f"  {p}" for p in errors)
        raise ValidationError(f"the review and participant files have "
                              f"{plural(len(errors), 'error')}; fix them (see `deploy "
                              f"validate`):\n{lines}")
    saved = saved_counts(RESULTS / environment, PROVIDERS[DEFAULT].platform)
    return Desired(studies, reviews, saved, people.qualifications, people.blocks,
                   people.compensation)


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


@app.command("plan")
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
) -> None:
    """Show what would change on MTurk, and what it would cost.

    Exit codes: 0 success (with --detailed-exitcode: no changes), 1 error,
    2 changes planned (with --detailed-exitcode).
    """
    from deployer.engine import planfile
    from deployer.engine.session import (
        applied_configs,
        check_environment,
        make_plan,
        open_environment,
    )

    workspace, provider = _workspace()
    check_environment(provider, env)
    if fmt not in FORMATS:
        raise DeployError(f"unknown --format {fmt!r}: use text, markdown or json")
    desired = _desired(env)
    options = _options(study, skip_sandbox_check, adopt)
    with open_environment(workspace, provider, env, endpoint_url, profile) as connection:
        planned = make_plan(workspace, provider, env, connection, desired, options)
    typer.echo(_render(planned.plan, fmt), nl=False)
    if planned.plan.errors:
        raise typer.Exit(1)
    if out is not None:
        configs = applied_configs(desired.studies, study)
        planfile.save(out, planfile.bind(planned.plan, planned.env, desired, configs, options))
        if fmt == "text":
            typer.echo(f"\nSaved the plan to {out}. Apply exactly it with: deploy apply {out}")
    if detailed_exitcode and planned.plan.has_changes:
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
) -> None:
    """Carry out the plan (or exactly the saved plan FILE), recording every change.

    Creates, extends, expires and pauses HITs, approves, rejects and pays bonuses as
    `deploy plan` shows, writing each to the lockfile as it goes. FILE is a plan saved by
    `deploy plan --out`.

    Exit codes: 0 applied, nothing to do, or confirmation declined; 1 error or a failed action
    (what succeeded is recorded: run apply again); 130 interrupted by Ctrl-C.
    """
    from deployer.cli import applying
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

    workspace, provider = _workspace()
    saved = planfile.load(plan_file, workspace.providers) if plan_file else None
    if saved is not None and (study or skip_sandbox_check or adopt):
        raise DeployError("a saved plan is applied exactly as planned: --study, "
                          "--skip-sandbox-check and --adopt belong to `deploy plan --out`")
    environment = env or (saved.binding.environment if saved else "local")
    check_environment(provider, environment)
    desired = _desired(environment)
    with lockfile.apply_lock(workspace.root, environment, "deploy apply"), \
            open_environment(workspace, provider, environment, endpoint_url,
                             profile) as connection:
        if saved is None:
            planned = make_plan(workspace, provider, environment, connection, desired,
                                _options(study, skip_sandbox_check, adopt))
            plan, env_lock, path, lock = planned.plan, planned.env, planned.lock_path, planned.lock
            configs = applied_configs(desired.studies, study)
        else:
            path, lock, env_lock = current_env(workspace, provider, environment)
            env_lock = planfile.check_fresh(saved, env_lock, desired)
            again = make_plan(workspace, provider, environment, connection, desired,
                              saved.binding.options())
            planfile.check_unchanged(saved, again.plan)
            plan, configs = saved.plan, dict(saved.binding.configs)
        typer.echo(_render(plan, "text"), nl=False)
        if plan.errors:
            raise typer.Exit(1)
        if plan.has_changes and not applying.confirmed(plan, auto_approve, saved is not None):
            typer.echo("Apply cancelled.")
            return
        carry_on = _again(environment, saved is not None)
        with Recorder(path, env_lock, lock_format(workspace), baseline=lock) as recorder:
            outcome, links = applying.carry_out(plan, connection, recorder, configs, utc_now,
                                                carry_on)
        notes = (provider.platform.thing, connection.preview_note)
    applying.summarise(plan, outcome, links, notes, carry_on)


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
) -> None:
    """Per study: HITs open, work available, in progress, awaiting review and approved or
    rejected, and what the approved work cost; per HIT the same, with its expiry."""
    from deployer import render
    from deployer.engine.session import check_environment, current_env, open_environment, utc_now

    workspace, provider = _workspace()
    check_environment(provider, env)
    if fmt not in STATUS_FORMATS:
        raise DeployError(f"unknown --format {fmt!r}: use text or json")
    _path, _lock, env_lock = current_env(workspace, provider, env)
    if not env_lock.records and fmt == "text" and not study:
        typer.echo(f"No {provider.platform.thing}s recorded for {env.upper()}. Run "
                   f"`deploy apply --env {env}` first.")
        return
    with open_environment(workspace, provider, env, endpoint_url, profile) as connection:
        status = connection.status(env_lock, utc_now(), frozenset(study) if study else None)
        note = connection.preview_note
    _check_studies(status, study, env)
    if fmt == "json":
        typer.echo(render.render_status_json(status), nl=False)
        return
    typer.echo(render.render_status_text(status), nl=False)
    if note:
        typer.echo(note)


def _check_studies(status: Status, names: list[str] | None, env: str) -> None:
    """Every --study name must have records in this environment."""
    shown = {s.name for s in status.studies}
    unknown = sorted(set(names or ()) - shown)
    if unknown:
        thing = status.platform.thing
        raise DeployError(f"no {thing}s recorded for study {', '.join(unknown)} in "
                          f"{env.upper()}; `deploy status --env {env}` lists the studies that "
                          "have some")
