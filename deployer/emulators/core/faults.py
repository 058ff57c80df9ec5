"""Fault injection (reference §8): throttling, ServiceFault before/after the operation, latency.

Off by default. Randomness comes from random.Random(seed) so a failing test replays exactly;
the token bucket runs on the host's monotonic clock, not the emulator's, because throttling is
about real request rate.
"""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass, replace
from typing import Any

PHASES = ("before", "after")


@dataclass(frozen=True)
class FaultConfig:
    throttle_rate: float | None = None  # requests per second; None = no throttling
    throttle_burst: int = 10
    fault_rate: float = 0.0  # probability of a ServiceFault per MTurk request
    fault_phase: str = "before"  # before: nothing happens; after: the work is done, reply lost
    latency_ms: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        _check_types(self)
        if self.fault_phase not in PHASES:
            raise ValueError(f"fault_phase must be one of {PHASES}")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        if self.throttle_rate is not None and self.throttle_rate <= 0:
            raise ValueError("throttle_rate must be positive")
        if self.throttle_burst < 1 or self.latency_ms < 0:
            raise ValueError("throttle_burst must be >= 1 and latency_ms >= 0")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, changes: dict[str, Any]) -> FaultConfig:
        unknown = set(changes) - set(asdict(self))
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        return replace(self, **changes)


def _check_types(config: FaultConfig) -> None:
    """The side channel hands over raw JSON: refuse what the dataclass types do not allow."""
    def number(value: object) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    def whole(value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    checks = (("throttle_rate", config.throttle_rate is None or number(config.throttle_rate)),
              ("throttle_burst", whole(config.throttle_burst)),
              ("fault_rate", number(config.fault_rate)),
              ("fault_phase", isinstance(config.fault_phase, str)),
              ("latency_ms", whole(config.latency_ms)),
              ("seed", whole(config.seed)))
    for name, ok in checks:
        if not ok:
            raise ValueError(f"{name} has the wrong type: {getattr(config, name)!r}")


class Faults:
    def __init__(self, config: FaultConfig | None = None) -> None:
        self.configure(config or FaultConfig())

    def configure(self, config: FaultConfig) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self.tokens = float(config.throttle_burst)
        self.last = time.monotonic()

    def throttled(self) -> bool:
        rate = self.config.throttle_rate
        if rate is None:
            return False
        now = time.monotonic()
        self.tokens = min(float(self.config.throttle_burst), self.tokens + (now - self.last) * rate)
        self.last = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return False
        return True

    def fault(self, phase: str) -> bool:
        if self.config.fault_rate <= 0 or self.config.fault_phase != phase:
            return False
        return self.rng.random() < self.config.fault_rate
