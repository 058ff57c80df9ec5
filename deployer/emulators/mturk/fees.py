"""What MTurk charges the requester (reference §6), written for the emulator on its own.

The deployer computes the same fees to show costs in plans; the emulator keeps its own copy so
that an end-to-end test compares two independent readings of the rules, and a mistake in either
one shows up as a difference in the ledger.

- per assignment, on approval: 20% of the reward, +20% when the HIT was given 10 or more
  assignments, +5% when it requires Masters;
- per bonus, when it is paid: 20% of the bonus;
- each at least $0.01, rounded half-up to the cent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MINIMUM = CENT  # "$0.01 minimum per transaction"
COMMISSION = Decimal("0.20")
LARGE_HIT_SURCHARGE = Decimal("0.20")
MASTERS_SURCHARGE = Decimal("0.05")
LARGE_HIT_ASSIGNMENTS = 10


def _charge(amount: Decimal, rate: Decimal) -> Decimal:
    return max(MINIMUM, (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP))


def commission(reward: Decimal, max_assignments: int, masters: bool) -> Decimal:
    """The fee on one approved assignment of a HIT with `max_assignments` assignments."""
    rate = COMMISSION
    if max_assignments >= LARGE_HIT_ASSIGNMENTS:
        rate += LARGE_HIT_SURCHARGE
    if masters:
        rate += MASTERS_SURCHARGE
    return _charge(reward, rate)


def bonus_commission(amount: Decimal) -> Decimal:
    """The fee on one bonus: the 10-assignment and Masters surcharges apply to rewards only."""
    return _charge(amount, COMMISSION)


def slot_cost(reward: Decimal, max_assignments: int, masters: bool) -> Decimal:
    """Reward plus fee of one assignment: what approving it will take from the balance."""
    return reward + commission(reward, max_assignments, masters)
