"""The command line: the only module that prints, prompts or exits.

Every DeployError is caught once in main(): one clear line on stderr, exit 1.
Anything else is a bug and keeps its traceback (--debug re-raises DeployErrors too).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from deployer.errors import DeployError, RefusedError

if TYPE_CHECKING:
    from deployer.actions import Plan
    from deployer.apply import Outcome
    from deployer.mturk import MTurk
    from deployer.plan import PlanOptions
    from deployer.records import EnvLock
    from deployer.study import Study

app = typer.Typer(
    name="deploy",
    help="Studies as code for Amazon Mechanical Turk.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals could hold credentials
)
emulator_app = typer.Typer(help="The bundled MTurk emulator (the `local` environment).")
app.add_typer(emulator_app, name="emulator")

_debug = False


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for every error."),
) -> None:
    global _debug
    _debug = debug


# --- validate / init: owned by the foundation work -------------------------------------------
# Imports stay inside the functions: `deploy validate` must never import boto3.


@app.command("validate")
def validate_command(
    paths: list[Path] | None = typer.Argument(
        None, help="Study files or directories of them (default: studies/).", show_default=False
    ),
    strict: bool = typer.Option(False, "--strict", help="Count warnings as errors (for CI)."),
) -> None:
    """Check study files offline: schema, referenced files, fees and budget."""
    from deployer.spec import DEFAULT_DIR, load_studies

    loaded = load_studies(paths or [DEFAULT_DIR], strict=strict)
    for problem in loaded.problems:
        typer.echo(str(problem))
    typer.echo(_validate_summary(len(loaded.studies), len(loaded.errors),
                                 len(loaded.warnings), len(loaded.files)))
    if loaded.errors:
        raise typer.Exit(1)


def _validate_summary(studies: int, errors: int, warnings: int, files: int) -> str:
    if errors:
        noted = f", {_count(warnings, 'warning')}" if warnings else ""
        return f"{_count(errors, 'error')}{noted} in {_count(files, 'file')}"
    noted = f" ({_count(warnings, 'warning')})" if warnings else ""
    if not files:
        return f"no study files found{noted}"
    return f"{_count(studies, 'study', 'studies')} valid{noted}"


def _count(number: int, one: str, many: str = "") -> str:
    return f"{number} {one if number == 1 else (many or one + 's')}"


@app.command("init")
def init_command(
    name: str = typer.Argument(..., help="The study name: lowercase letters, digits, - and _."),
) -> None:
    """Write studies/NAME.yaml: a commented study template that validates."""
    from deployer.spec import DEFAULT_DIR
    from deployer.template import write_template

    path = write_template(DEFAULT_DIR, name)
    typer.echo(f"Wrote {path}")
    typer.echo("Next: edit it, check it with `deploy validate`, then preview with `deploy plan`.")


# --- emulator serve: owned by the emulator work ----------------------------------------------


@emulator_app.command("serve")
def emulator_serve(
    port: int = typer.Option(0, "--port", help="Port on 127.0.0.1 (0 picks a free one)."),
    state: Path | None = typer.Option(
        None, "--state", help="JSON file to load at start and save after every change."
    ),
    personality: str = typer.Option(
        "sandbox", "--personality", help="sandbox (balance always $10,000) or production."
    ),
    balance: str = typer.Option("10000.00", "--balance", help="Production starting balance."),
    throttle_rate: float | None = typer.Option(
        None, "--throttle-rate", help="Throttle above R requests/s (ThrottlingException)."
    ),
    throttle_burst: int = typer.Option(10, "--throttle-burst", help="Token-bucket burst size."),
    fault_rate: float = typer.Option(0.0, "--fault-rate", help="ServiceFault probability 0..1."),
    fault_phase: str = typer.Option(
        "before", "--fault-phase", help="before: nothing happens; after: done but reply lost."
    ),
    latency_ms: int = typer.Option(0, "--latency-ms", help="Added latency per MTurk request."),
    settle_seconds: float = typer.Option(
        0.0, "--settle-seconds", help="Seconds after CreateHIT during which changes fail."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the fault-injection randomness."),
) -> None:
    """Run the MTurk emulator in the foreground until Ctrl-C."""
    import signal
    import threading

    from deployer.emulator import Config, Emulator, EmulatorServer, FaultConfig

    try:
        config = Config(personality=personality, balance=balance, settle_seconds=settle_seconds)
        faults = FaultConfig(throttle_rate=throttle_rate, throttle_burst=throttle_burst,
                             fault_rate=fault_rate, fault_phase=fault_phase,
                             latency_ms=latency_ms, seed=seed)
    except (ValueError, ArithmeticError) as error:
        raise DeployError(f"emulator serve: {error}") from None
    server = EmulatorServer(Emulator(config, faults=faults), port=port, state_file=state)
    try:
        url = server.start()
    except OSError as error:
        raise DeployError(f"cannot listen on 127.0.0.1:{port}: {error}") from None
    if state is not None:
        server.emulator.faults.configure(faults)  # flags win over the saved fault settings
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    typer.echo(f"MTurk emulator listening on {url}")
    typer.echo(f"Point boto3 or deploy at it with --endpoint-url {url} "
               "(region us-east-1, any access key). Ctrl-C stops it.")
    sys.stdout.flush()
    try:
        while not stopping.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    typer.echo("MTurk emulator stopped" + (f"; state saved to {state}" if state else "."))

# --- plan / apply / status: owned by the reconciler work -------------------------------------

ENV_OPTION = typer.Option("local", "--env", help="local (bundled emulator), sandbox or production.")
STUDY_OPTION = typer.Option(None, "--study", help="Only this study (repeatable).")
ENDPOINT_OPTION = typer.Option(
    None, "--endpoint-url", help="Send the environment's MTurk calls to this URL instead."
)
PROFILE_OPTION = typer.Option(None, "--profile", help="AWS profile for credentials.")
SKIP_SANDBOX_OPTION = typer.Option(
    False, "--skip-sandbox-check", help="Allow production configs never applied in sandbox."
)
FORMATS = ("text", "markdown", "json")


def _studies(only: list[str] | None) -> tuple[Study, ...]:
    from deployer.spec import load_studies, require_valid

    studies = require_valid(load_studies([Path("studies")]))
    unknown = sorted(set(only or ()) - {s.name for s in studies})
    if unknown:
        names = ", ".join(s.name for s in studies) or "none"
        raise DeployError(f"no study named {', '.join(unknown)} in studies/ (studies: {names})")
    return studies


def _options(only: list[str] | None, skip_sandbox_check: bool) -> PlanOptions:
    from deployer.plan import PlanOptions

    return PlanOptions(only=frozenset(only) if only else None,
                       skip_sandbox_check=skip_sandbox_check)


def _color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _render(plan: Plan, fmt: str) -> str:
    from deployer import render

    if fmt == "markdown":
        return render.render_markdown(plan)
    if fmt == "json":
        return render.render_json(plan)
    return render.render_text(plan, color=_color())


@app.command("plan")
def plan_command(
    env: str = ENV_OPTION,
    study: list[str] | None = STUDY_OPTION,
    endpoint_url: str | None = ENDPOINT_OPTION,
    profile: str | None = PROFILE_OPTION,
    fmt: str = typer.Option("text", "--format", help="text, markdown (PR comment) or json."),
    out: Path | None = typer.Option(None, "--out", help="Save the plan for `deploy apply FILE`."),
    detailed_exitcode: bool = typer.Option(
        False, "--detailed-exitcode", help="Exit 0 when converged, 2 when changes are planned."
    ),
    skip_sandbox_check: bool = SKIP_SANDBOX_OPTION,
) -> None:
    """Show what would change on MTurk, and what it would cost.

    Exit codes: 0 success (with --detailed-exitcode: no changes), 1 error,
    2 changes planned (with --detailed-exitcode).
    """
    from deployer import planfile
    from deployer.session import make_plan, open_environment

    if fmt not in FORMATS:
        raise DeployError(f"unknown --format {fmt!r}: use text, markdown or json")
    studies = _studies(study)
    with open_environment(Path.cwd(), env, endpoint_url, profile) as mturk:
        planned = make_plan(Path.cwd(), env, mturk, studies,
                            _options(study, skip_sandbox_check))
    typer.echo(_render(planned.plan, fmt), nl=False)
    if planned.plan.errors:
        raise typer.Exit(1)
    if out is not None:
        in_scope = [s for s in studies if not study or s.name in study]
        planfile.save(out, planfile.bind(planned.plan, planned.env, studies, in_scope))
        if fmt == "text":
            typer.echo(f"\nSaved the plan to {out}. Apply exactly it with: deploy apply {out}")
    if detailed_exitcode and planned.plan.has_changes:
        raise typer.Exit(2)


@app.command("apply")
def apply_command(
    plan_file: Path | None = typer.Argument(None, help="A plan saved by `deploy plan --out`."),
    env: str | None = typer.Option(
        None, "--env", help="local (default), sandbox or production; a saved plan names its own."
    ),
    study: list[str] | None = STUDY_OPTION,
    endpoint_url: str | None = ENDPOINT_OPTION,
    profile: str | None = PROFILE_OPTION,
    auto_approve: bool = typer.Option(False, "--auto-approve", help="Skip the confirmation."),
    skip_sandbox_check: bool = SKIP_SANDBOX_OPTION,
) -> None:
    """Carry out the plan: create, extend and expire HITs, recording each in the lockfile.

    Exit codes: 0 applied, nothing to do, or confirmation declined; 1 error or a failed action
    (what succeeded is recorded: run apply again).
    """
    from deployer import apply, lockfile, planfile
    from deployer.session import current_env, make_plan, open_environment, utc_now

    root = Path.cwd()
    saved = planfile.load(plan_file) if plan_file else None
    if saved is not None and study:
        raise DeployError("--study cannot narrow a saved plan; plan again with --study")
    environment = env or (saved.binding.environment if saved else "local")
    studies = _studies(study)
    with lockfile.apply_lock(root, environment, "deploy apply"), \
            open_environment(root, environment, endpoint_url, profile) as mturk:
        if saved is None:
            planned = make_plan(root, environment, mturk, studies,
                                _options(study, skip_sandbox_check))
            plan, env_lock, path = planned.plan, planned.env, planned.lock_path
            configs = {s.name: s.config_hash for s in studies if not study or s.name in study}
        else:
            path, _lock, env_lock = current_env(root, environment)
            env_lock = planfile.check_fresh(saved, env_lock, studies)
            plan, configs = saved.plan, dict(saved.binding.configs)
        typer.echo(_render(plan, "text"), nl=False)
        if plan.errors:
            raise typer.Exit(1)
        if plan.has_changes and not _confirmed(plan, auto_approve, saved is not None):
            typer.echo("Apply cancelled.")
            return
        recorder = apply.Recorder(path, env_lock)
        outcome = apply.execute(plan, mturk, recorder, configs, utc_now, typer.echo)
    _summarise(plan, outcome)


def _confirmed(plan: Plan, auto_approve: bool, saved: bool) -> bool:
    production = plan.environment == "production"
    if auto_approve or (saved and not production):
        return True
    if not sys.stdin.isatty():
        raise RefusedError("refusing to apply without a terminal to confirm; "
                           "pass --auto-approve (for CI) after reviewing the plan")
    money = f"est. +${plan.added_cost:,.2f}"
    if production:
        balance = f", balance ${plan.balance:,.2f}" if plan.balance is not None else ""
        typer.echo(f"\nThis spends REAL MONEY on PRODUCTION ({money}{balance}).")
        answer: str = typer.prompt("Type 'production' to confirm", default="")
        return answer == "production"
    question = f"\nDo you want to perform these actions in {plan.environment.upper()} ({money})?"
    typer.echo(question + " Only 'yes' will be accepted.")
    answer = typer.prompt("Enter a value", default="")
    return answer == "yes"


def _summarise(plan: Plan, outcome: Outcome) -> None:
    if outcome.ok:
        if plan.has_changes:
            typer.echo(f"\nApply complete! {outcome.done} actions done.")
        return
    typer.echo(f"\nApply failed: {outcome.done} of {len(plan.actions)} actions done; "
               f"{len(outcome.failed)} batches stopped on an error:", err=True)
    for address, error in outcome.failed:
        typer.echo(f"  {address}: {error}", err=True)
    typer.echo("Completed actions are recorded in the lockfile; fix the problem and run "
               "`deploy apply` again: it carries on safely.", err=True)
    raise typer.Exit(1)


@app.command("status")
def status_command(
    env: str = ENV_OPTION,
    endpoint_url: str | None = ENDPOINT_OPTION,
    profile: str | None = PROFILE_OPTION,
) -> None:
    """Each study's HITs as MTurk reports them now, with worker preview links."""
    from deployer.session import current_env, open_environment

    root = Path.cwd()
    _path, _lock, env_lock = current_env(root, env)
    with open_environment(root, env, endpoint_url, profile) as mturk:
        rows = _status_rows(env_lock, mturk)
    if not rows:
        typer.echo(f"No HITs recorded for {env.upper()}. Run `deploy apply --env {env}` first.")
        return
    typer.echo(f"Studies in {env.upper()}:")
    for row in rows:
        typer.echo(row)
    if env == "local" and endpoint_url is None:
        typer.echo("\nLocal preview links open while `deploy emulator serve --port 8765 "
                   "--state .deploy/emulator.json` runs.")


def _status_rows(env_lock: EnvLock, mturk: MTurk) -> list[str]:
    recorded = [h for h in env_lock.hits if h.hit_id]
    observed = mturk.observe({h.hit_id for h in recorded if h.hit_id}, lambda _text: False)
    rows = []
    for hit in recorded:
        assert hit.hit_id is not None
        seen = observed.hits.get(hit.hit_id)
        if seen is None:
            rows.append(f"  {hit.address:<16} {hit.hit_id}  gone (deleted or disposed by MTurk)")
            continue
        counts = f"{seen.available}/{seen.pending}/{seen.submitted}"
        rows.append(
            f"  {hit.address:<16} {seen.hit_id}  {seen.status:<12} available/pending/submitted "
            f"{counts:<9} expires {seen.expires_at:%Y-%m-%d %H:%M} UTC  "
            f"{mturk.connection.preview_url(seen.hit_group_id)}"
        )
    return rows



def main(argv: list[str] | None = None) -> None:
    """Run the CLI; always ends in SystemExit.

    Standalone mode lets typer print usage errors (exit 2) and --help, and turns
    `typer.Exit(n)` into exit status n. A DeployError passes through it untouched.
    """
    try:
        app(args=argv)
    except DeployError as error:
        if _debug:
            raise
        typer.echo(f"error: {error}", err=True)
        sys.exit(1)
