"""How values look on Prolific's wire: timestamps, amounts, query flags (reference §1)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from deployer.emulators.prolific.errors import invalid

TRUE = ("1", "true", "yes", "t", "on")
FALSE = ("0", "false", "no", "f", "off")


def iso(epoch: float | None) -> str | None:
    """`2023-01-27T13:57:04.267000Z`: UTC with microseconds, as Prolific's studies show."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(value: Any, field: str) -> float:
    """An ISO-8601 timestamp from a request; without a zone it is UTC."""
    if not isinstance(value, str):
        raise invalid(field, "Datetime has wrong format. Use ISO 8601, e.g. "
                             "2026-12-02T10:00:00Z.")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise invalid(field, "Datetime has wrong format. Use ISO 8601, e.g. "
                             "2026-12-02T10:00:00Z.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def amount(value: Decimal | str) -> int | float:
    """Minor units as JSON: a whole number when whole (630), else a float (283.34)."""
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def flag(text: str, name: str) -> bool:
    lowered = text.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise invalid(name, f"'{text}' is not a valid boolean.")


def whole(value: Any) -> bool:
    """A JSON integer (2.0 counts: the spec types these fields as doubles), not a boolean."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
