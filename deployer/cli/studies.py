"""`deploy validate` and `deploy init`: study files, offline.

Imports stay inside the functions: `deploy validate` must never import boto3.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from deployer.cli.app import app
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
    from deployer.providers.registry import BUILDERS, DEFAULT, PROVIDERS, REVIEW_RULES, WORKER_RULES
    from deployer.spec.participants import check_participants
    from deployer.spec.reviews import load_all

    loaded = load_all(paths or [], BUILDERS[DEFAULT], REVIEW_RULES[DEFAULT], strict=strict)
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
             short_help="Write studies/NAME.yaml, a commented template that validates.")
def init_command(
    name: str = typer.Argument(..., metavar="NAME", hidden=True),
) -> None:
    """Write studies/NAME.yaml, a commented study template that validates.

    NAME is the study's name: lowercase letters, digits, - and _.
    """
    from deployer.providers.registry import DEFAULT, TEMPLATES
    from deployer.spec.loader import DEFAULT_DIR

    path, schema = TEMPLATES[DEFAULT](DEFAULT_DIR, name)
    typer.echo(f"Wrote {path}")
    if schema is not None:
        typer.echo(f"Wrote {schema} (editors use it to complete and check study files)")
    typer.echo("Next: edit it, check it with `deploy validate`, then preview with `deploy plan`.")


