"""A message to the workers of a study (`deploy notify`), and what became of it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

Audience = Literal["all", "approved", "rejected", "submitted"]
AUDIENCES: tuple[Audience, ...] = ("all", "approved", "rejected", "submitted")


@dataclass(frozen=True)
class Message:
    study: str
    subject: str
    text: str
    to: Audience = "all"

    @property
    def ident(self) -> str:
        """The same message to the same study is the same message, however often it is asked
        for: it is never sent twice to anyone."""
        blob = "\x1f".join((self.study, self.subject, self.text, self.to)).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:16]


@dataclass(frozen=True)
class Delivery:
    sent: int  # workers the platform accepted the message for
    failed: tuple[tuple[str, str], ...]  # (pseudonym, the platform's reason)
    already: int  # workers a previous run sent it to
    unknown: int  # workers of a previous run that stopped during the call: not sent again
