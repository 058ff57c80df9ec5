"""The emulator's settings: every choice the reference leaves open (§15), with its default.

Amounts are minor units (pence, cents) as everywhere on Prolific's wire; fractions are text
("1/3", "0.2") so that a third is exactly a third.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any

CURRENCIES = ("GBP", "USD")
DEFAULT_TOKEN = "local-token"
DEFAULT_WORKSPACE = "My workspace"
DAY = 86_400


def _tokens() -> dict[str, str]:
    return {DEFAULT_TOKEN: DEFAULT_WORKSPACE}


def _minimums() -> dict[str, int]:
    return {"GBP": 600, "USD": 800}


@dataclass(frozen=True)
class Config:
    # API token -> title of the workspace it is bound to; tokens naming the same title share it.
    tokens: dict[str, str] = field(default_factory=_tokens)
    currency: str = "GBP"  # of the workspaces made from `tokens`
    balance: int = 100_000  # minor units in each of those workspaces at the start (£1,000.00)
    fee_fraction: str = "1/3"  # Prolific's service fee, on rewards and bonuses
    vat_fraction: str = "0"  # VAT charged on the fee
    minimum_reward_per_hour: dict[str, int] = field(default_factory=_minimums)
    auto_pause_on_refill: bool = True  # a rejection/return in a full study pauses it
    publishing_seconds: float = 0.0  # how long a study stays PUBLISHING
    auto_approve_days: float = 21.0  # unreviewed submissions are approved after this
    reservation_minutes: float = 10.0  # a reserved place not started by then times out
    bulk_approve_seconds: float = 0.0  # bulk approvals take effect this long after the call
    bonus_pay_seconds: float = 0.0  # a bonus pay call is charged this long after the call
    page_size: int = 20
    max_page_size: int = 1000
    # Material for the IDs: random so fresh emulators never share an ID; fixed by tests.
    seed: str = field(default_factory=lambda: secrets.token_hex(8))

    def __post_init__(self) -> None:
        if not self.tokens or not all(isinstance(t, str) and t and isinstance(w, str) and w
                                      for t, w in self.tokens.items()):
            raise ValueError("tokens must map at least one non-empty token to a workspace title")
        if self.currency not in CURRENCIES:
            raise ValueError(f"currency must be one of {CURRENCIES}, not {self.currency!r}")
        if not _whole(self.balance) or self.balance < 0:
            raise ValueError("balance is a whole number of minor units, at least 0")
        for name in ("fee_fraction", "vat_fraction"):
            fraction_of(getattr(self, name), name)
        if set(self.minimum_reward_per_hour) != set(CURRENCIES) or not all(
                _whole(v) and v >= 0 for v in self.minimum_reward_per_hour.values()):
            raise ValueError("minimum_reward_per_hour maps GBP and USD to minor units per hour")
        for name in ("publishing_seconds", "auto_approve_days", "reservation_minutes",
                     "bulk_approve_seconds", "bonus_pay_seconds"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{name} must be a number >= 0, not {value!r}")
        if not (_whole(self.page_size) and _whole(self.max_page_size)
                and 1 <= self.page_size <= self.max_page_size):
            raise ValueError("page_size and max_page_size: whole, 1 <= page_size <= max")

    @property
    def fee(self) -> Fraction:
        return fraction_of(self.fee_fraction, "fee_fraction")

    @property
    def vat(self) -> Fraction:
        return fraction_of(self.vat_fraction, "vat_fraction")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def fraction_of(text: Any, name: str) -> Fraction:
    try:
        value = Fraction(text) if isinstance(text, str) else None
    except (ValueError, ZeroDivisionError):
        value = None
    if value is None or value < 0:
        raise ValueError(f"{name} must be a fraction >= 0 written as text, e.g. '1/3' or '0.2'")
    return value


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
