"""`python -m deployer.emulators.prolific`: serves the Prolific emulator in the foreground
until Ctrl-C or SIGTERM, for tests that need a real process and for trying clients by hand.

    python -m deployer.emulators.prolific [--port N] [--state FILE] [--token T ...]
        [--currency GBP|USD] [--balance MINOR] [--seed S] [--publishing-seconds S]
        [--throttle-rate R] [--throttle-burst B] [--fault-rate P] [--fault-phase before|after]
        [--latency-ms N]

The first line printed is `Prolific emulator listening on http://127.0.0.1:<port>`.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from deployer.emulators.core.errors import EmulatorError
from deployer.emulators.core.faults import FaultConfig
from deployer.emulators.prolific.config import DEFAULT_TOKEN, DEFAULT_WORKSPACE, Config
from deployer.emulators.prolific.models import Emulator
from deployer.emulators.prolific.server import ProlificServer


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m deployer.emulators.prolific",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state", type=Path, default=None)
    parser.add_argument("--token", action="append", default=None,
                        help="an API token (repeat for more; all share one workspace)")
    parser.add_argument("--currency", choices=("GBP", "USD"), default="GBP")
    parser.add_argument("--balance", type=int, default=Config.balance,
                        help="starting balance in minor units")
    parser.add_argument("--seed", default=None, help="material for reproducible IDs")
    parser.add_argument("--publishing-seconds", type=float, default=0.0)
    parser.add_argument("--throttle-rate", type=float, default=None)
    parser.add_argument("--throttle-burst", type=int, default=10)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-phase", choices=("before", "after"), default="before")
    parser.add_argument("--latency-ms", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    tokens = {token: DEFAULT_WORKSPACE for token in args.token or [DEFAULT_TOKEN]}
    extra = {} if args.seed is None else {"seed": args.seed}
    try:
        config = Config(tokens=tokens, currency=args.currency, balance=args.balance,
                        publishing_seconds=args.publishing_seconds, **extra)
        faults = FaultConfig(throttle_rate=args.throttle_rate,
                             throttle_burst=args.throttle_burst, fault_rate=args.fault_rate,
                             fault_phase=args.fault_phase, latency_ms=args.latency_ms)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    emulator = Emulator(config)
    server = ProlificServer(emulator, port=args.port, state_file=args.state)
    try:
        url = server.start()
    except (EmulatorError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    emulator.set_faults(faults)  # fault settings come from the flags, not the state file
    print(f"Prolific emulator listening on {url}", flush=True)
    print(f"API root {url}/api/v1/ (Authorization: Token {next(iter(tokens))}); "
          "Ctrl-C stops it.", flush=True)
    _wait_for_signal()
    server.stop()
    return 0


def _wait_for_signal() -> None:
    done = threading.Event()

    def stop(number: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    done.wait()


if __name__ == "__main__":
    sys.exit(main())
