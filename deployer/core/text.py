"""How plans and messages write money, counts and times: one place, pure."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal


def money(amount: Decimal, symbol: str = "$") -> str:
    """`$1,234.50`, `-$0.48`, `£2.00` (the platform's currency symbol)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(amount):,.2f}"


def signed(amount: Decimal, symbol: str = "$") -> str:
    """Money a plan adds: `+$3.60`, `+$0.00`, `-$0.48`."""
    return ("+" if amount >= 0 else "") + money(amount, symbol)


def plural(count: int, one: str, many: str = "") -> str:
    """`1 action`, `2 actions`, `2 studies`, `3 batches` (with many="batches")."""
    if count == 1:
        return f"{count} {one}"
    if not many:
        many = one[:-1] + "ies" if one[-1:] == "y" and one[-2:-1] not in "aeiou" else one + "s"
    return f"{count} {many}"


def stamp(moment: datetime | None) -> str:
    """A timestamp as plans show it: UTC, whole seconds, ISO 8601 with Z."""
    if moment is None:
        return "(none)"
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
