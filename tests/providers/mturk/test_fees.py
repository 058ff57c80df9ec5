"""MTurk's fee rules (reference §6) on worked examples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from deployer.providers.mturk import fees


@pytest.mark.parametrize("reward, max_assignments, masters, fee", [
    ("0.50", 9, False, "0.10"),  # 20%
    ("0.50", 10, False, "0.20"),  # 20% + 20% from 10 assignments
    ("0.50", 9, True, "0.13"),  # 25%: 0.125 rounds half up
    ("0.50", 10, True, "0.23"),  # 45%: 0.225 rounds half up
    ("0.04", 9, False, "0.01"),  # 0.008 -> the $0.01 minimum
    ("0.00", 1, False, "0.01"),  # even a free HIT pays the minimum commission
    ("0.52", 1, False, "0.10"),  # 0.104 -> 0.10
    ("0.525", 1, False, "0.11"),  # 0.105 -> 0.11 (half up, not to even)
])
def test_fee_per_assignment(reward: str, max_assignments: int, masters: bool, fee: str) -> None:
    assert fees.fee_per_assignment(Decimal(reward), max_assignments, masters) == Decimal(fee)


@pytest.mark.parametrize("max_assignments, total", [(9, "5.40"), (10, "7.00"), (1, "0.60")])
def test_hit_cost_worked_examples(max_assignments: int, total: str) -> None:
    assert fees.hit_cost(Decimal("0.50"), max_assignments, False) == Decimal(total)


def test_assignments_cost_uses_the_tier_of_the_whole_hit() -> None:
    # 5 more assignments on a HIT of 15 pay the 40% tier each.
    assert fees.assignments_cost(Decimal("0.50"), 5, 15, False) == Decimal("3.50")


@pytest.mark.parametrize("assignments, per_hit, sizes", [
    (9, None, [9]),
    (25, None, [25]),
    (25, 9, [9, 9, 7]),
    (18, 9, [9, 9]),
    (5, 9, [5]),
])
def test_batch_sizes(assignments: int, per_hit: int | None, sizes: list[int]) -> None:
    assert fees.batch_sizes(assignments, per_hit) == sizes


def test_study_cost_and_batching_saving() -> None:
    reward = Decimal("0.50")
    assert fees.study_cost(reward, 20, None, False) == Decimal("14.00")
    assert fees.study_cost(reward, 20, 9, False) == Decimal("12.00")
    assert fees.batching_saving(reward, 20, None, False) == Decimal("2.00")
    assert fees.batching_saving(reward, 20, 9, False) == Decimal("0.00")
    assert fees.batching_saving(reward, 9, None, False) == Decimal("0.00")
