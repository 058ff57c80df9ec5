"""`deploy validate` and `deploy init`: study files, offline.

Imports stay inside the functions: `deploy validate` must never import boto3.
"""

from __future__ import annotations

from pathlib import Path

import typer

from deployer.cli.app import app


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


