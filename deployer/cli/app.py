"""The typer application and its entry point.

Every DeployError is caught once, in main(): one clear line on stderr, exit 1. Anything else
is a bug and keeps its traceback (`deploy --debug ...` re-raises DeployErrors too).
"""

from __future__ import annotations

import sys

import typer

from deployer.core.errors import DeployError

app = typer.Typer(
    name="deploy",
    help="Studies as code for Amazon Mechanical Turk.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals could hold credentials
    rich_markup_mode=None,  # plain help: no type names that read like required values
)
emulator_app = typer.Typer(
    help="The bundled MTurk emulator (the `local` environment).", rich_markup_mode=None
)
app.add_typer(emulator_app, name="emulator")

_debug = False


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for every error."),
) -> None:
    global _debug
    _debug = debug


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
