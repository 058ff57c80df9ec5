"""The emulator's own fee rules (reference §6), on worked examples of the reference."""

from __future__ import annotations

from decimal import Decimal

import pytest

from deployer.emulators.mturk import fees


@pytest.mark.parametrize(("reward", "max_assignments", "masters", "fee"), [
    ("0.50", 9, False, "0.10"),  # 20%
    ("0.50", 1, False, "0.10"),
    ("0.50", 10, False, "0.20"),  # +20% from 10 assignments on
    ("0.50", 1000, False, "0.20"),
    ("0.50", 9, True, "0.13"),  # 25% with Masters: 0.125 rounds half up
    ("0.50", 10, True, "0.23"),  # 45%: 0.225 rounds half up
    ("0.10", 10, True, "0.05"),  # 0.045: half up, not to the even 0.04
    ("0.10", 9, True, "0.03"),  # 0.025 -> 0.03
    ("0.52", 1, False, "0.10"),  # 0.104 -> 0.10
    ("0.53", 1, False, "0.11"),  # 0.106 -> 0.11
    ("0.04", 9, False, "0.01"),  # 0.008 -> the $0.01 minimum
    ("0.00", 1, False, "0.01"),  # the minimum applies to a free HIT too
    ("1000.00", 10, False, "400.00"),
])
def test_commission_per_assignment(
    reward: str, max_assignments: int, masters: bool, fee: str
) -> None:
    assert fees.commission(Decimal(reward), max_assignments, masters) == Decimal(fee)


@pytest.mark.parametrize(("bonus", "fee"), [
    ("1.00", "0.20"),
    ("0.25", "0.05"),
    ("0.03", "0.01"),  # 0.006 -> the minimum
    ("0.01", "0.01"),
    ("2.53", "0.51"),  # 0.506
    ("100.00", "20.00"),  # no surcharge for bonuses, whatever the HIT
])
def test_bonus_commission(bonus: str, fee: str) -> None:
    assert fees.bonus_commission(Decimal(bonus)) == Decimal(fee)


def test_worked_examples_of_whole_hits() -> None:
    # Reference §6: $0.50 x 9 -> $5.40 in all; $0.50 x 10 -> $7.00.
    assert fees.slot_cost(Decimal("0.50"), 9, False) * 9 == Decimal("5.40")
    assert fees.slot_cost(Decimal("0.50"), 10, False) * 10 == Decimal("7.00")
