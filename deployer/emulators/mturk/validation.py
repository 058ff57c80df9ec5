"""Server-side parameter checks: boto3 checks only minimums (reference §1.6), we check the rest.

`Params` wraps one request body; each getter validates one member against the model's type,
length, pattern, enum and the service-side ranges of §4, raising ParameterValidationError.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from deployer.emulators.mturk.exceptions import invalid

ENTITY = re.compile(r"^[A-Z0-9]+$")
WORKER = re.compile(r"^A[A-Z0-9]+$")
MONEY = re.compile(r"^[0-9]+(\.)?[0-9]{0,2}$")
FEEDBACK_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_SECONDS = 31_536_000
# 9999-12-31T23:59:59Z: the last instant Java's Date formatting (and Python's datetime) can show.
MAX_EPOCH = 253_402_300_799


class Params:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def has(self, name: str) -> bool:
        return self.raw.get(name) is not None

    def text(self, name: str, max_len: int | None = None, min_len: int = 0) -> str:
        value = self.raw.get(name)
        if not isinstance(value, str) or len(value) < min_len:
            raise invalid(name, value)
        if max_len is not None and len(value) > max_len:
            raise invalid(name, value)
        return value

    def opt_text(self, name: str, max_len: int | None = None, min_len: int = 0) -> str | None:
        return self.text(name, max_len, min_len) if self.has(name) else None

    def pattern(self, name: str, regex: re.Pattern[str], max_len: int = 64) -> str:
        value = self.text(name, max_len, 1)
        if not regex.fullmatch(value):
            raise invalid(name, value)
        return value

    def entity(self, name: str) -> str:
        return self.pattern(name, ENTITY)

    def opt_entity(self, name: str) -> str | None:
        return self.entity(name) if self.has(name) else None

    def worker(self, name: str = "WorkerId") -> str:
        return self.pattern(name, WORKER)

    def money(self, name: str) -> str:
        return self.pattern(name, MONEY, max_len=20)

    def enum(self, name: str, allowed: tuple[str, ...]) -> str:
        value = self.raw.get(name)
        if value not in allowed:
            raise invalid(name, value)
        assert isinstance(value, str)
        return value

    def opt_enum(self, name: str, allowed: tuple[str, ...], default: str) -> str:
        return self.enum(name, allowed) if self.has(name) else default

    def integer(self, name: str, lo: int, hi: int) -> int:
        value = self.raw.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise invalid(name, value)
        return value

    def opt_integer(self, name: str, lo: int, hi: int, default: int) -> int:
        return self.integer(name, lo, hi) if self.has(name) else default

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw.get(name, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise invalid(name, value)
        return value

    def timestamp(self, name: str) -> float:
        value = self.raw.get(name)
        epoch = _epoch(value)
        if epoch is None or not math.isfinite(epoch) or not 0 <= epoch <= MAX_EPOCH:
            raise invalid(name, value)
        return epoch

    def items(self, name: str, max_items: int, min_items: int = 0) -> list[Any]:
        value = self.raw.get(name, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not min_items <= len(value) <= max_items:
            raise invalid(name, value)
        return value

    def token(self, name: str = "UniqueRequestToken") -> str | None:
        return self.opt_text(name, 64, 1)

    def feedback(self, name: str = "RequesterFeedback") -> str:
        value = self.text(name, 1024)
        if FEEDBACK_FORBIDDEN.search(value):
            raise invalid(name, value)
        return value

    def max_results(self, default: int) -> int:
        return self.opt_integer("MaxResults", 1, 100, default)

    def next_token(self) -> str | None:
        return self.opt_text("NextToken", 255, 1)


def _epoch(value: Any) -> float | None:
    """Epoch seconds from a JSON number or (defensively, reference §1.2) an ISO-8601 string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:  # an integer beyond any float
            return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except (ValueError, OverflowError):
            return None
    return None
