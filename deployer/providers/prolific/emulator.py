"""`deploy emulator serve --platform prolific`: the bundled Prolific emulator on a loopback
port."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

from deployer.core.errors import DeployError
from deployer.core.provider import EmulatorOptions, Served
from deployer.emulators.core.errors import EmulatorError
from deployer.emulators.prolific import DEFAULT_TOKEN, Config, Emulator, FaultConfig, ProlificServer


@contextmanager
def serve(options: EmulatorOptions) -> Iterator[Served]:
    try:
        balance = int(Decimal(options.balance or "1000.00") * 100)
        config = Config(balance=balance)
        faults = FaultConfig(throttle_rate=options.throttle_rate,
                             throttle_burst=options.throttle_burst,
                             fault_rate=options.fault_rate, fault_phase=options.fault_phase,
                             latency_ms=options.latency_ms, seed=options.seed)
    except (ValueError, ArithmeticError, InvalidOperation) as error:
        raise DeployError(f"emulator serve: {error}") from None
    server = ProlificServer(Emulator(config, faults=faults), port=options.port,
                            state_file=options.state)
    try:
        url = server.start()
    except EmulatorError as error:
        raise DeployError(str(error)) from None
    except OSError as error:
        raise DeployError(f"cannot listen on 127.0.0.1:{options.port}: {error}") from None
    note = (f"Point deploy at it with --endpoint-url {url} (token {DEFAULT_TOKEN}, or set "
            f"PROLIFIC_TOKEN); its API is under {url}/api/v1/ and its simulated participants "
            f"under {url}/_emulator/. Ctrl-C stops it.")
    try:
        yield Served(url, note, options.state)
    finally:
        server.stop()
