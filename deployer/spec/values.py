"""Parsing of the values the schema only shapes: durations and moments (closes_at)."""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from typing import Any

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}

_MOMENT = re.compile(
    r"^(?P<head>[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)"
    r"(?:\.(?P<fraction>[0-9]+))?(?P<zone>[Zz]|[+-][0-9]{2}:[0-9]{2})?$"
)


def parse_moment(text: str) -> datetime:
    """A schema-valid closes_at as a datetime; ValueError for impossible dates."""
    return datetime.fromisoformat(normalise_moment(text))


def normalise_moment(text: str) -> str:
    """closes_at in the form every supported Python's fromisoformat reads.

    Python 3.10's fromisoformat accepts neither `Z` nor fractions other than 3 or 6
    digits, so "2027-01-01t10:00:00.1234567z" becomes "2027-01-01T10:00:00.123456+00:00".
    """
    match = _MOMENT.match(text.strip())
    if match is None:
        raise ValueError(text)
    zone = match.group("zone") or ""
    zone = "+00:00" if zone in ("Z", "z") else zone
    fraction = (match.group("fraction") or "")[:6]
    head = match.group("head")
    head = head[:10] + "T" + head[11:] if len(head) > 10 else head
    digits = f".{fraction.ljust(6, '0')}" if fraction else ""
    return f"{head}{digits}{zone}"


def moment_problem(text: str) -> tuple[datetime | None, str]:
    """(a schema-valid moment in UTC, "") or (None, what is wrong with it)."""
    try:
        moment = parse_moment(text)
    except ValueError:
        return None, "is not a real date and time"
    if moment.tzinfo is None:  # the schema's pattern requires a zone; keep the guarantee
        return None, "add a time zone, like Z or +02:00"
    try:
        return moment.astimezone(timezone.utc), ""
    except OverflowError:  # 9999-12-31T23:59-12:00 is past the last datetime in UTC
        return None, "is out of range"


def whole_numbers(data: Any) -> Any:
    """`data` with every whole floating-point number made an integer: `9.0` reads as 9.

    YAML reads `assignments: 9.0` as a float; JSON Schema counts it as an integer, and so does
    deploy, consistently, so that what validates also plans and reaches the platform as the
    integer its API wants. Anything not whole (9.5, inf) is left for the schema to refuse.
    """
    if isinstance(data, float) and math.isfinite(data) and data.is_integer():
        return int(data)
    if isinstance(data, dict):
        return {key: whole_numbers(value) for key, value in data.items()}
    if isinstance(data, list):
        return [whole_numbers(value) for value in data]
    return data
