"""What a study pays per hour of a worker's time: shown by `deploy validate`, checked against a
floor (by default the US federal minimum wage)."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Decimal

FEDERAL_MINIMUM_WAGE = Decimal("7.25")  # US dollars per hour, since 2009
CENT = Decimal("0.01")
HOUR = 3600
_UNITS = (("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60), ("s", 1))


def hourly(reward: Decimal, seconds: int) -> Decimal:
    """The reward as dollars per hour of `seconds` work, rounded down to the cent."""
    return (reward * HOUR / seconds).quantize(CENT, rounding=ROUND_DOWN)


def reward_for(rate: Decimal, seconds: int) -> Decimal:
    """The least reward that pays `rate` per hour for `seconds` of work."""
    return (rate * seconds / HOUR).quantize(CENT, rounding=ROUND_UP)


def span(seconds: int) -> str:
    """A duration as a study file writes it: 600 -> "10m", 5400 -> "90m"."""
    for unit, size in _UNITS:
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def pay_summary(reward: Decimal, allowed: int, estimated: int | None) -> str:
    """`pays $1.50 per assignment: $9.00/h over estimated_duration (10m), at least $2.00/h
    over assignment_duration (45m)`."""
    worst = f"{_per_hour(reward, allowed)} over assignment_duration ({span(allowed)})"
    if estimated is None:
        return f"pays {_money(reward)} per assignment: {worst} (add estimated_duration " \
            "for the pay over the time the task usually takes)"
    usual = f"{_per_hour(reward, estimated)} over estimated_duration ({span(estimated)})"
    return f"pays {_money(reward)} per assignment: {usual}, at least {worst}"


def _per_hour(reward: Decimal, seconds: int) -> str:
    return f"{_money(hourly(reward, seconds))}/h"


def _money(amount: Decimal) -> str:
    return f"${amount:,.2f}"
