"""Prolific's money rules, pure (reference §5): a service fee on rewards and bonuses, VAT on the
fee, no per-size surcharge and no minimum fee. The fee and VAT are the account's own; these
defaults are the values observed in the reference."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def charge(amount: Decimal, fee: Decimal, vat: Decimal) -> Decimal:
    """What paying `amount` to participants costs: the amount, the fee, VAT on the fee."""
    commission = amount * fee
    return (amount + commission + commission * vat).quantize(CENT, rounding=ROUND_HALF_UP)


def study_cost(reward: Decimal, places: int, fee: Decimal, vat: Decimal) -> Decimal:
    return charge(reward * places, fee, vat)
