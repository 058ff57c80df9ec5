"""The typer application and its entry point.

Every DeployError is caught once, in main(): one clear line on stderr, exit 1. Anything else
is a bug and keeps its traceback (`deploy --debug ...` re-raises DeployErrors too).
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

from deployer.core.errors import DeployError

INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C (128 + SIGINT)
HELP = {"help_option_names": ["-h", "--help"]}


class _Commands(TyperGroup):
    """deploy's command group: Ctrl-C ends a command with a sentence, not Click's "Aborted!"."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except typer.Abort:
            # Raised only from a prompt, before anything was carried out.
            what = "Apply" if ctx.invoked_subcommand == "apply" else "Command"
            typer.echo(f"\n{what} cancelled.", err=True)
            raise typer.Exit(INTERRUPTED) from None
        except KeyboardInterrupt:
            typer.echo("\nInterrupted.", err=True)
            raise typer.Exit(INTERRUPTED) from None


app = typer.Typer(
    name="deploy",
    cls=_Commands,
    help="Studies as code for Prolific and Amazon Mechanical Turk: validate, plan and apply "
    "studies from YAML files in git.",
    no_args_is_help=True,
    add_completion=False,
    context_settings=HELP,
    pretty_exceptions_show_locals=False,  # locals could hold credentials
    rich_markup_mode=None,  # plain help: no type names that read like required values
)
emulator_app = typer.Typer(
    help="The bundled MTurk and Prolific emulators (`local`).",
    rich_markup_mode=None,
    context_settings=HELP,
)
app.add_typer(emulator_app, name="emulator")

_debug = False


def _version() -> str:
    # Imported here: importlib.metadata (with email, csv, socket) costs every command ~15 ms.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("deploy-studies")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"deploy {_version()}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: bool = typer.Option(
        False, "--debug", help="Show tracebacks for every error (also after the command)."
    ),
    _version_flag: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True,
        help="Show deploy's version and exit.",
    ),
) -> None:
    global _debug
    _debug = _debug or debug


def _take_debug(argv: list[str]) -> tuple[list[str], bool]:
    """`--debug` anywhere before a `--`: `deploy plan --debug` works like `deploy --debug plan`."""
    end = argv.index("--") if "--" in argv else len(argv)
    head = [arg for arg in argv[:end] if arg != "--debug"]
    return head + argv[end:], len(head) < end


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; always ends in SystemExit.

    Standalone mode lets typer print usage errors (exit 2) and --help, and turns
    `typer.Exit(n)` into exit status n. A DeployError passes through it untouched.
    """
    global _debug
    args, _debug = _take_debug(list(sys.argv[1:] if argv is None else argv))
    try:
        app(args=args, prog_name="deploy")
    except DeployError as error:
        if _debug:
            raise
        typer.echo(f"error: {error}", err=True)
        sys.exit(1)
