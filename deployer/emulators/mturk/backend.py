"""The emulated service's state and facts: clock, personality, records, tokens and money.

No HTTP and no time-driven rules here (time_rules.py), and nothing about simulated workers
(workers.py): operations in hit_ops / work_ops / qual_ops receive this object, and models.py
builds the full Emulator on it. Page tokens live here, not in the saved state: they are many,
short-lived and cheap to lose.
"""

from __future__ import annotations

import math
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from deployer.emulators.core import ids
from deployer.emulators.core.clock import Clock, utc_now, within_range
from deployer.emulators.core.faults import FaultConfig, Faults
from deployer.emulators.mturk.config import (
    INSUFFICIENT_FUNDS,
    MASTERS_IDS,
    SANDBOX_BALANCE,
    Config,
)
from deployer.emulators.mturk.exceptions import turk
from deployer.emulators.mturk.fees import commission
from deployer.emulators.mturk.state import AssignmentRec, HitRec, HitTypeRec, LedgerEntry, State
from deployer.emulators.mturk.state import from_json as state_from_json
from deployer.emulators.mturk.state import to_json as state_to_json


class Backend:
    def __init__(
        self,
        config: Config | None = None,
        clock: Callable[[], datetime] = utc_now,
        faults: FaultConfig | None = None,
    ) -> None:
        self.config = config or Config()
        self.clock = Clock(clock)
        self.state = State(balance=self.config.balance)
        self.faults = Faults(faults)
        self.lock = threading.RLock()
        self.request_id = ""
        self.pages: OrderedDict[str, PageMark] = OrderedDict()
        self._page_salt = secrets.token_hex(8)  # new per process: no token outlives a restart
        self._pages_issued = 0

    # --- time -----------------------------------------------------------------------------
    def now(self) -> float:
        return self.clock.t()

    @property
    def masters_id(self) -> str:
        return MASTERS_IDS[self.config.personality]

    def new_id(self, kind: str) -> str:
        self.state.counter += 1
        return ids.entity_id(f"{self.config.seed}:{kind}:{self.state.counter}")

    # --- HIT facts --------------------------------------------------------------------------
    def hit(self, hit_id: str) -> HitRec:
        found = self.state.hits.get(hit_id)
        if found is None:
            raise turk("HITDoesNotExist", f"Hit {hit_id} does not exist.")
        return found

    def hit_type(self, hit: HitRec) -> HitTypeRec:
        return self.state.types[hit.type_id]

    def assignments_of(self, hit_id: str) -> list[AssignmentRec]:
        return [a for a in self.state.assignments.values() if a.hit_id == hit_id]

    def counts(self, hit: HitRec) -> tuple[int, int, int, int]:
        """(pending, submitted, available, completed) as defined in reference §3.2-3.3."""
        mine = self.assignments_of(hit.id)
        pending = sum(1 for a in mine if a.status == "Accepted")
        submitted = len(mine) - pending
        completed = sum(1 for a in mine if a.status in ("Approved", "Rejected"))
        return pending, submitted, hit.max_assignments - pending - submitted, completed

    def status(self, hit: HitRec, counts: tuple[int, int, int, int] | None = None) -> str:
        pending, _, available, _ = counts or self.counts(hit)
        if hit.reviewing:
            return "Reviewing"
        if self.now() < hit.expiration and available > 0:
            return "Assignable"
        return "Unassignable" if pending > 0 else "Reviewable"

    def settling(self, hit: HitRec) -> bool:
        return self.now() < hit.creation + self.config.settle_seconds

    def delete_hit(self, hit_id: str) -> None:
        for assignment in self.assignments_of(hit_id):
            del self.state.assignments[assignment.id]
        del self.state.hits[hit_id]

    # --- idempotency --------------------------------------------------------------------------
    def recall(self, family: str, token: str | None) -> Any:
        if token is None:
            return None
        entry = self.state.tokens.get(f"{family}:{token}")
        return None if entry is None else entry[1]

    def remember(self, family: str, token: str | None, result: Any) -> None:
        if token is not None:
            key = f"{family}:{token}"
            self.state.tokens.pop(key, None)  # re-insert at the end: the store stays time-ordered
            self.state.tokens[key] = [self.now(), result]

    # --- page tokens ----------------------------------------------------------------------
    def issue_page(self, query: str, last: list[Any]) -> str:
        self._pages_issued += 1
        token = ids.page_token(f"{self._page_salt}:{self._pages_issued}")
        self.pages[token] = PageMark(self.now(), query, last)
        while len(self.pages) > self.config.page_token_memory:
            self.pages.popitem(last=False)
        return token

    def page(self, token: str) -> PageMark | None:
        return self.pages.get(token)

    # --- money ------------------------------------------------------------------------------
    def balance(self) -> str:
        if self.config.personality == "sandbox":
            return SANDBOX_BALANCE
        return self.state.balance

    def charge(self, kind: str, assignment: AssignmentRec, amount: Decimal, fee: Decimal) -> None:
        total = amount + fee
        balance = Decimal(self.state.balance)
        if self.config.personality == "production":
            if total > balance:
                raise turk("InsufficientFunds", INSUFFICIENT_FUNDS)
            balance -= total
            self.state.balance = f"{balance:.2f}"
        self.state.ledger.append(LedgerEntry(
            time=self.now(), kind=kind, assignment_id=assignment.id,
            worker_id=assignment.worker_id, amount=f"{amount:.2f}", fee=f"{fee:.2f}",
            balance=self.balance(),
        ))

    def requires_masters(self, kind: HitTypeRec) -> bool:
        return any(r["QualificationTypeId"] == self.masters_id for r in kind.requirements)

    def approve(self, assignment: AssignmentRec, when: float, feedback: str | None) -> None:
        hit = self.state.hits[assignment.hit_id]
        kind = self.hit_type(hit)
        reward = Decimal(kind.reward)
        fee = commission(reward, hit.max_assignments, self.requires_masters(kind))
        self.charge("reward", assignment, reward, fee)
        assignment.status = "Approved"
        assignment.approval_time = when
        assignment.rejection_time = None
        if feedback is not None:
            assignment.feedback = feedback

    # --- persistence ------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        with self.lock:
            return {
                "version": 1,
                "config": self.config.to_json(),
                "clock_offset": self.clock.offset,
                "faults": self.faults.config.to_json(),
                "state": state_to_json(self.state),
            }

    def load_json(self, data: dict[str, Any]) -> None:
        with self.lock:
            self.config = Config(**data["config"])
            offset = float(data["clock_offset"])
            if not math.isfinite(offset) or not within_range(self.clock.base(), offset):
                raise ValueError(f"clock_offset {offset!r} is not a number of seconds that keeps "
                                 "the emulator's date before the year 9999")
            self.clock.offset = offset
            self.faults.configure(FaultConfig(**data["faults"]))
            self.state = state_from_json(data["state"])


@dataclass(frozen=True)
class PageMark:
    """What a NextToken stands for: when it was issued, for which listing, after which item."""

    issued: float
    query: str
    last: list[Any]
