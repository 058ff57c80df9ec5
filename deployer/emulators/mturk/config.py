"""The emulator's settings: the personality and every choice the reference leaves open."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

MASTERS_IDS = {
    "production": "2F1QJWKUDD8XADTFD2Q0G6UTO95ALH",
    "sandbox": "2ARFPLSP75KLA8M8DH1HTEQVJT3SY6",
}
SANDBOX_BALANCE = "10000.00"
DAY = 86_400
INSUFFICIENT_FUNDS = (
    "This Requester has insufficient funds in their account to complete this transaction. "
    "Please visit https://requester.mturk.com/prepayments/new to purchase Prepaid HITs."
)


# Settings older state files may hold that no longer exist: strict_expiration refused shortening
# a HIT; MTurk's own rule (an increment of at least 60 s) now applies always.
RETIRED = frozenset({"strict_expiration"})


@dataclass(frozen=True)
class Config:
    """Every choice the reference leaves open (§10.1), with its suggested default."""

    personality: str = "sandbox"  # sandbox | production
    balance: str = "10000.00"  # production starting balance
    settle_seconds: float = 0.0  # after CreateHIT, modifications other than expire-now fail
    indexing_delay: float = 0.0  # ListHITs omits HITs younger than this
    disposal_days: int = 120  # auto-disposal after CreationTime + this
    token_memory: int = DAY  # UniqueRequestToken / expiration-duplicate memory
    qualification_name_hold: int = 2 * DAY  # a deleted type's name is free again after this
    default_page_size: int = 10
    page_token_ttl: int = DAY
    page_token_memory: int = 1000  # beyond this many, the oldest page tokens are forgotten
    # Material for the IDs. Random by default so two fresh emulators never hand out the same
    # HITId; saved with the state, and fixed by tests that want reproducible IDs.
    seed: str = field(default_factory=lambda: secrets.token_hex(8))

    def __post_init__(self) -> None:
        if self.personality not in MASTERS_IDS:
            raise ValueError("personality must be 'sandbox' or 'production'")
        try:
            balance = Decimal(self.balance)
        except ArithmeticError:
            raise ValueError(f"balance {self.balance!r} is not an amount in dollars") from None
        if not balance.is_finite() or balance < 0:
            raise ValueError(f"balance {self.balance!r} must be a non-negative amount")
        object.__setattr__(self, "balance", f"{balance:.2f}")  # "20" -> "20.00", as MTurk shows
        if self.page_token_memory < 1:
            raise ValueError("page_token_memory must be at least 1")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Config:
        """Settings as saved in a state file, including those of older versions."""
        kept = {key: value for key, value in data.items() if key not in RETIRED}
        return cls(**kept)


