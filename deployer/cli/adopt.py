"""`deploy import`: bring objects made elsewhere (HITs from a notebook, psiTurk or the requester
website) under a new study file, recorded in the lockfile as its batches.

Under the environment's apply lock: the provider reads the objects and says what to write; the
study file is written (never over a file), built back with the study rules, and only then are
the records saved. Any failure leaves neither.
"""

from __future__ import annotations

from pathlib import Path

import typer

from deployer.cli.app import app
from deployer.cli.reconcile import ENDPOINT_OPTION, ENV_OPTION, PROFILE_OPTION, _workspace
from deployer.core.errors import DeployError
from deployer.core.study import Study
from deployer.core.text import plural


@app.command("import", short_help="Bring HITs made elsewhere under a new study file.")
def import_command(
    hit_ids: list[str] = typer.Argument(..., metavar="HIT_ID", hidden=True),
    study: str = typer.Option(..., "--study", metavar="NAME",
                              help="The new study: studies/NAME.yaml is written."),
    env: str = ENV_OPTION,
    endpoint_url: str | None = ENDPOINT_OPTION,
    profile: str | None = PROFILE_OPTION,
) -> None:
    """Write studies/NAME.yaml from HITs made outside deploy and record them in the lockfile
    as its batches: the next `deploy plan` shows no changes, and editing the file extends,
    retypes or expires them like any study.

    HIT_ID is a HIT of the environment; all of them must share one HIT type and question.
    """
    from deployer.engine import adoption
    from deployer.engine.lockfile import apply_lock
    from deployer.engine.session import (
        check_environment,
        current_env,
        lock_format,
        open_environment,
        utc_now,
    )
    from deployer.engine.workspace import LOCKFILE
    from deployer.spec.loader import DEFAULT_DIR, NAME_HINT, valid_name

    if not valid_name(study):
        raise DeployError(f'"{study}" cannot name a study: {NAME_HINT}')
    ws, provider = _workspace()
    check_environment(provider, env)
    folder = DEFAULT_DIR  # relative, as every command names study files
    adoption.refuse_existing(folder, (f"{study}.yaml", f"{study}.yml"))
    with apply_lock(ws.root, env, "import"):
        path, lock, env_lock = current_env(ws, provider, env)
        with open_environment(ws, provider, env, endpoint_url, profile) as connection:
            found = connection.adopt(env_lock, study, hit_ids, utc_now())
        written = adoption.write_new(folder, found.files)
        try:
            built = _build(written[0])
            saved = adoption.record(path, lock_format(ws), lock, env_lock, found.records(built))
        except BaseException:
            adoption.remove(written)
            raise
    thing = provider.platform.thing
    typer.echo(f"Read {plural(len(found.objects), thing)} in {env.upper()}: "
               f"{', '.join(found.objects)}")
    for file in written:
        typer.echo(f"Wrote {DEFAULT_DIR / file.name}")
    shown = path.relative_to(ws.root) if path.is_relative_to(ws.root) else path
    typer.echo(f"Recorded them in {shown} as {study}/b1"
               f"{f'..b{len(found.objects)}' if len(found.objects) > 1 else ''} "
               f"(serial {saved.serial})")
    commit = f"; commit {LOCKFILE}" if shown == Path(LOCKFILE) else ""
    typer.echo(f"{found.note}: {shown} is the only record that they belong to {study}{commit}.")
    typer.echo(f"Next: `deploy plan --env {env}` should show no changes; edit "
               f"{DEFAULT_DIR / written[0].name} to extend, retype or expire them.")


def _build(file: Path) -> Study:
    """The study as plan will read it; a file that does not validate is refused."""
    from deployer.providers.registry import BUILDERS, DEFAULT
    from deployer.spec.loader import load_studies

    loaded = load_studies([file], BUILDERS[DEFAULT])
    if loaded.errors:
        lines = "\n".join(f"  {p}" for p in loaded.errors)
        raise DeployError(f"the study file made from these HITs would not validate, so nothing "
                          f"was written (deploy checks what MTurk only finds out when a HIT is "
                          f"created; manage these HITs by hand):\n{lines}")
    [study] = loaded.studies
    return study
