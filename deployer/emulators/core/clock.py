"""The emulator's clock: a base callable (wall clock or a test's) plus its own offset.

`advance()` moves only the emulator's notion of time, which is how tests and the side channel
make HITs expire, assignments get abandoned and auto-approval fire without waiting.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

LAST_MOMENT = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Clock:
    def __init__(self, base: Callable[[], datetime] = utc_now, offset: float = 0.0) -> None:
        self.base = base
        self.offset = offset

    def now(self) -> datetime:
        return self.base() + timedelta(seconds=self.offset)

    def t(self) -> float:
        """Now as epoch seconds, the unit every record stores."""
        return self.now().timestamp()

    def ms(self) -> int:
        return int(self.t() * 1000)

    def advance(self, seconds: float) -> None:
        if not math.isfinite(seconds):
            raise ValueError(f"cannot advance the clock by {seconds!r} seconds")
        if seconds < 0:
            raise ValueError("the emulator clock only moves forward")
        if not within_range(self.base(), self.offset + seconds):
            raise ValueError(f"advancing by {seconds!r} seconds would pass the year 9999")
        self.offset += seconds


def within_range(base: datetime, offset: float) -> bool:
    """Whether base + offset is a date Python and MTurk's timestamps can still show."""
    try:
        return base + timedelta(seconds=offset) <= LAST_MOMENT
    except OverflowError:
        return False


def java_date(epoch: float) -> str:
    """Java's Date.toString() in UTC, as seen in the UpdateExpirationForHIT duplicate message."""
    moment = datetime.fromtimestamp(int(epoch), timezone.utc)
    return moment.strftime("%a %b %d %H:%M:%S UTC %Y")
