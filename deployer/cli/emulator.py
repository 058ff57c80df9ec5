"""`deploy emulator serve`: a bundled emulator (MTurk's, or Prolific's) in the foreground."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from deployer.cli.app import emulator_app


@emulator_app.command("serve")
def emulator_serve(
    port: int = typer.Option(
        0, "--port", min=0, max=65535, help="Port on 127.0.0.1 (0 picks a free one)."
    ),
    state: Path | None = typer.Option(
        None, "--state", help="SQLite state file, created if missing; every change is saved "
        "before it is answered. A .json path names the old JSON state file: it is imported "
        "once into the .sqlite3 file beside it."
    ),
    personality: str = typer.Option(
        "sandbox", "--personality", help="sandbox (balance always $10,000) or production."
    ),
    balance: str = typer.Option("", "--balance", show_default=False,
                                help="Starting balance (MTurk production: 10000.00 by default; "
                                "Prolific: 1000.00)."),
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
    platform: str = typer.Option("mturk", "--platform", metavar="mturk|prolific",
                                 help="Whose emulator: MTurk's or Prolific's."),
) -> None:
    """Run the MTurk (or, with --platform prolific, the Prolific) emulator in the foreground
    until Ctrl-C."""
    import signal
    import threading

    from deployer.cli.scope import provider_named
    from deployer.core.provider import EmulatorOptions

    provider = provider_named(platform)
    options = EmulatorOptions(port, state, personality, balance, throttle_rate, throttle_burst,
                              fault_rate, fault_phase, latency_ms, settle_seconds, seed)
    with provider.serve_emulator(options) as served:
        stopping = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
        typer.echo(f"{provider.platform.title} emulator listening on {served.url}")
        typer.echo(served.note)
        sys.stdout.flush()
        try:
            while not stopping.wait(0.2):
                pass
        except KeyboardInterrupt:
            pass
    saved = served.state
    typer.echo(f"{provider.platform.title} emulator stopped"
               + (f"; state saved in {saved}" if saved else "."))
