"""The command line: the only module that prints, prompts or exits.

Every DeployError is caught once in main(): one clear line on stderr, exit 1.
Anything else is a bug and keeps its traceback (--debug re-raises DeployErrors too).
"""

from __future__ import annotations

import sys

import typer

from deployer.errors import DeployError

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

# --- emulator serve: owned by the emulator work ----------------------------------------------

# --- plan / apply / status: owned by the reconciler work -------------------------------------


def main() -> None:
    try:
        app(standalone_mode=False)
    except DeployError as error:
        if _debug:
            raise
        typer.echo(f"error: {error}", err=True)
        sys.exit(1)
