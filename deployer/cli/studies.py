"""`deploy validate` and `deploy init`: study files, offline.

Imports stay inside the functions: `deploy validate` must never import boto3.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from deployer.cli.app import app
from deployer.core.errors import DeployError
from deployer.core.text import plural

if TYPE_CHECKING:
    from deployer.spec.loader import Loaded


@app.command("validate",
             short_help="Check study and review files offline: no network, no account.")
def validate_command(
    paths: list[Path] | None = typer.Argument(None, metavar="PATH", hidden=True),
    strict: bool = typer.Option(False, "--strict", help="Count warnings as errors (for CI)."),
) -> None:
    """Check study and review files offline: schema, referenced files, fees, budget, and
    every decision and bonus.

    PATH is a study or review file, or a folder of them (default: studies/ and reviews/).
    """
    from deployer.providers.registry import BUILD, DEFAULT, PROVIDERS, REVIEW_RULES, WORKER_RULES
    from deployer.spec.participants import check_participants
    from deployer.spec.reviews import load_all

    loaded = load_all(paths or [], BUILD, REVIEW_RULES, DEFAULT, strict=strict)
    if not paths:
        loaded = check_participants(loaded, PROVIDERS[DEFAULT].environments,
                                    WORKER_RULES[DEFAULT], strict)
    # A problem in a file several studies share (deploy.yaml) is found once per study.
    loaded = replace(loaded, problems=tuple(dict.fromkeys(loaded.problems)))
    for problem in loaded.problems:
        typer.echo(str(problem))
    for study in loaded.studies:
        if study.summary:
            typer.echo(f"{study.path}: {study.summary}")
    typer.echo(_validate_summary(loaded))
    if loaded.errors:
        raise typer.Exit(1)


def _validate_summary(loaded: Loaded) -> str:
    errors, warnings = len(loaded.errors), len(loaded.warnings)
    if errors:
        noted = f", {plural(warnings, 'warning')}" if warnings else ""
        return f"{plural(errors, 'error')}{noted}{_where(loaded)}"
    noted = f" ({plural(warnings, 'warning')})" if warnings else ""
    if not loaded.files:
        return f"no study files found{noted}"
    valid = plural(len(loaded.studies), 'study', 'studies')
    if loaded.reviews:
        valid += f" and {plural(len(loaded.reviews), 'review file')}"
    return f"{valid} valid{noted}"


def _where(loaded: Loaded) -> str:
    """" in 1 of 2 files": how many of the files named or found have errors."""
    if not loaded.files:
        return ""  # nothing was found to check; the error says why
    failed = set(loaded.failed)
    total = len(failed | set(loaded.files))
    if len(failed) == total:
        return f" in {plural(total, 'file')}"
    return f" in {len(failed)} of {plural(total, 'file')}"


@app.command("init",
             short_help="Write a study template, or (--ci github) the CI workflow.")
def init_command(
    ctx: typer.Context,
    name: str | None = typer.Argument(None, metavar="NAME", hidden=True),
    ci: str | None = typer.Option(
        None, "--ci", metavar="github",
        help="Also write the pull-request workflow: .github/workflows/studies.yml.",
    ),
    install: str | None = typer.Option(
        None, "--install", metavar="REQUIREMENT",
        help="How CI installs deploy: a pip requirement pinned to a commit or tag "
             "(default: the git commit this deploy was installed from, if known).",
    ),
    platform: str = typer.Option("mturk", "--platform", metavar="mturk|prolific",
                                 help="The platform the new study runs on."),
) -> None:
    """Write studies/NAME.yaml, a commented study template that validates; with --ci github,
    the workflow that plans pull requests and applies merges.

    NAME is the study's name: lowercase letters, digits, - and _ (optional with --ci).
    """
    if name is None and ci is None:
        ctx.fail("Missing argument 'NAME': give a study name (deploy init pilot), or --ci "
                 "github for the pull-request workflow, or both")
    if install is not None and ci is None:
        ctx.fail("--install says how CI installs deploy: use it with --ci github")
    requirement = _ci_requirement(ci, install) if ci is not None else None
    if name is not None:
        _write_study(name, platform)
    if ci is not None and requirement is not None:
        _write_workflow(ci, requirement)


def _ci_requirement(ci: str, install: str | None) -> str:
    """Checks made before anything is written, so a refusal leaves no file behind."""
    from deployer.engine.workflow import (
        PLACEHOLDER,
        check_requirement,
        check_target,
        installed_from,
    )

    check_target(Path.cwd(), ci)
    if install is not None:
        return check_requirement(install)
    return installed_from() or PLACEHOLDER


def _write_workflow(ci: str, requirement: str) -> None:
    from deployer.engine.workflow import PLACEHOLDER, write_workflow

    path = write_workflow(Path.cwd(), ci, requirement)
    typer.echo(f"Wrote {path} (CI installs {requirement})")
    if requirement == PLACEHOLDER:
        typer.echo("Next: set DEPLOY_PACKAGE in it to the deploy your lab uses, pinned to a "
                   "commit or tag (or run deploy init --ci github --install REQUIREMENT); "
                   "the workflow refuses to run until then.")
    typer.echo("Next: add the secrets and the production environment its first lines name, "
               "commit it and open a pull request.")


def _write_study(name: str, platform: str) -> None:
    from deployer.providers.registry import TEMPLATES
    from deployer.spec.loader import DEFAULT_DIR

    if platform not in TEMPLATES:
        raise DeployError(f"unknown --platform {platform!r}: use "
                          f"{' or '.join(sorted(TEMPLATES))}")
    path, schema = TEMPLATES[platform](DEFAULT_DIR, name)
    typer.echo(f"Wrote {path}")
    if schema is not None:
        typer.echo(f"Wrote {schema} (editors use it to complete and check study files)")
    typer.echo("Next: edit it, check it with `deploy validate`, then preview with `deploy plan`.")
