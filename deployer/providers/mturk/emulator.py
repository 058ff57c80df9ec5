"""`deploy emulator serve` for MTurk: the bundled emulator on a loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from deployer.core.errors import DeployError
from deployer.core.provider import EmulatorOptions, Served
from deployer.emulators.core.errors import EmulatorError
from deployer.emulators.mturk import Config, Emulator, EmulatorServer, FaultConfig


@contextmanager
def serve(options: EmulatorOptions) -> Iterator[Served]:
    try:
        config = Config(personality=options.personality or "sandbox",
                        balance=options.balance or "10000.00",
                        settle_seconds=options.settle_seconds)
        faults = FaultConfig(throttle_rate=options.throttle_rate,
                             throttle_burst=options.throttle_burst,
                             fault_rate=options.fault_rate, fault_phase=options.fault_phase,
                             latency_ms=options.latency_ms, seed=options.seed)
    except (ValueError, ArithmeticError) as error:
        raise DeployError(f"emulator serve: {error}") from None
    server = EmulatorServer(Emulator(config, faults=faults), port=options.port,
                            state_file=options.state)
    try:
        url = server.start()
    except EmulatorError as error:
        raise DeployError(str(error)) from None
    except OSError as error:
        raise DeployError(f"cannot listen on 127.0.0.1:{options.port}: {error}") from None
    if options.state is not None:
        server.emulator.set_faults(faults)  # flags win over the saved fault settings
    note = (f"Point boto3 or deploy at it with --endpoint-url {url} (region us-east-1, any "
            f"access key); play its workers with `deploy emulator workers ... --endpoint-url "
            f"{url}`. Ctrl-C stops it.")
    try:
        yield Served(url, note, server.database)
    finally:
        server.stop()
