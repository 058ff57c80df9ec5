"""The emulator's clock: a base callable (wall clock or a test's) plus its own offset.

`advance()` moves only the emulator's notion of time, which is how tests and the side channel
make HITs expire, assignments get abandoned and auto-approval fire without waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone


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
        if seconds < 0:
            raise ValueError("the emulator clock only moves forward")
        self.offset += seconds


def java_date(epoch: float) -> str:
    """Java's Date.toString() in UTC, as seen in the UpdateExpirationForHIT duplicate message."""
    moment = datetime.fromtimestamp(int(epoch), timezone.utc)
    return moment.strftime("%a %b %d %H:%M:%S UTC %Y")
