"""MTurk's fee rules, pure (reference §6).

Per assignment: 20% of the reward, +20% when the HIT has 10 or more assignments, +5% when it
requires Masters; at least $0.01; rounded half-up to the cent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
BASE_RATE = Decimal("0.20")
LARGE_HIT_RATE = Decimal("0.20")
MASTERS_RATE = Decimal("0.05")
LARGE_HIT = 10  # MaxAssignments from which the extra 20% applies
SMALL_BATCH = LARGE_HIT - 1  # the largest batch that stays at the base rate


def fee_rate(max_assignments: int, masters: bool) -> Decimal:
    rate = BASE_RATE
    if max_assignments >= LARGE_HIT:
        rate += LARGE_HIT_RATE
    if masters:
        rate += MASTERS_RATE
    return rate


def fee_per_assignment(reward: Decimal, max_assignments: int, masters: bool) -> Decimal:
    fee = (reward * fee_rate(max_assignments, masters)).quantize(CENT, rounding=ROUND_HALF_UP)
    return max(CENT, fee)


def assignments_cost(
    reward: Decimal, assignments: int, max_assignments: int, masters: bool
) -> Decimal:
    """Rewards plus fees for `assignments` assignments of a HIT with `max_assignments`."""
    per = reward + fee_per_assignment(reward, max_assignments, masters)
    return (per * assignments).quantize(CENT)


def hit_cost(reward: Decimal, max_assignments: int, masters: bool) -> Decimal:
    return assignments_cost(reward, max_assignments, max_assignments, masters)


def batch_sizes(assignments: int, max_per_hit: int | None) -> list[int]:
    """How a fresh study splits into HITs: full batches, then the remainder."""
    if max_per_hit is None or assignments <= max_per_hit:
        return [assignments]
    full, rest = divmod(assignments, max_per_hit)
    return [max_per_hit] * full + ([rest] if rest else [])


def study_cost(
    reward: Decimal, assignments: int, max_per_hit: int | None, masters: bool
) -> Decimal:
    """Total rewards plus fees of a fresh study, batch by batch: every full batch costs the
    same, so the cost is reckoned in constant time (a study of a billion assignments in batches
    of 9 must not be summed HIT by HIT when validated)."""
    if max_per_hit is None or assignments <= max_per_hit:
        return hit_cost(reward, assignments, masters)
    full, rest = divmod(assignments, max_per_hit)
    cost = hit_cost(reward, max_per_hit, masters) * full
    return cost + (hit_cost(reward, rest, masters) if rest else Decimal("0.00"))


def batching_saving(
    reward: Decimal, assignments: int, max_per_hit: int | None, masters: bool
) -> Decimal:
    """What splitting into batches of at most 9 would save (0 when it would not)."""
    now = study_cost(reward, assignments, max_per_hit, masters)
    small = study_cost(reward, assignments, min(max_per_hit or SMALL_BATCH, SMALL_BATCH), masters)
    return max(Decimal("0.00"), now - small)


def bonus_fee(amount: Decimal) -> Decimal:
    """MTurk's commission on one bonus payment: 20%, at least $0.01 (reference §6)."""
    fee = (amount * BASE_RATE).quantize(CENT, rounding=ROUND_HALF_UP)
    return max(CENT, fee)
