"""The emulated Prolific service as tests, demos and the HTTP layer use it.

`Emulator` is the Backend (state, clock, facts) plus what the real API does not have: simulated
participants, the clock controls, top-ups, and read-outs of the ledger, the bonus payments and
the messages sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from deployer.emulators.core.clock import utc_now
from deployer.emulators.core.faults import FaultConfig
from deployer.emulators.prolific import money, preview, schema, time_rules
from deployer.emulators.prolific.backend import Backend
from deployer.emulators.prolific.config import Config
from deployer.emulators.prolific.participants import Participants, SimulationError
from deployer.emulators.prolific.schema import (
    BULK_BONUSES,
    LEDGER,
    MESSAGES,
    PAYMENTS,
    STUDIES,
    USERS,
    WORKSPACES,
)
from deployer.emulators.prolific.wire import amount, iso

__all__ = ["Config", "Emulator", "SimulationError"]


class Emulator(Backend):
    def __init__(self, config: Config | None = None,
                 clock: Callable[[], datetime] = utc_now,
                 faults: FaultConfig | None = None) -> None:
        super().__init__(config, clock, faults)
        self.participants = Participants(self)

    def refresh(self) -> None:
        """Applies what time alone changes now rather than at the next request."""
        with self.transaction():
            time_rules.refresh(self)

    def advance(self, seconds: float) -> None:
        """Moves the emulator's clock forward; what comes due happens at once."""
        with self.transaction() as db:
            before = self.clock.offset
            self.clock.advance(seconds)
            try:
                schema.write(db, "clock_offset", self.clock.offset)
                time_rules.refresh(self)
            except BaseException:
                self.clock.offset = before  # the transaction is undone: so is the move
                raise

    def accounts(self) -> dict[str, Any]:
        """Each token with its researcher and workspace, for tests and the side channel."""
        with self.transaction() as db:
            return {"tokens": [{"token": u.token, "user_id": u.id, "workspace_id": u.workspace_id}
                               for u in USERS.where(db)]}

    def top_up(self, workspace_id: str, minor_units: int) -> None:
        """Adds funds, as the web app's top-up does (the API cannot)."""
        if isinstance(minor_units, bool) or not isinstance(minor_units, int) or minor_units <= 0:
            raise SimulationError("invalid", "amount is a whole number of minor units above 0")
        with self.transaction() as db:
            workspace = WORKSPACES.get(db, workspace_id)
            if workspace is None:
                raise SimulationError("unknown", f"no workspace {workspace_id}")
            money.credit(self, workspace, Decimal(minor_units))

    def ledger(self, workspace_id: str | None = None) -> dict[str, Any]:
        """Balances and every movement of money, oldest first, after what time made due."""
        with self.transaction() as db:
            time_rules.refresh(self)
            spaces = [w for w in WORKSPACES.where(db) if workspace_id in (None, w.id)]
            entries = [e for e in LEDGER.where(db) if workspace_id in (None, e.workspace_id)]
            return {
                "workspaces": [{"id": w.id, "title": w.title, "currency_code": w.currency,
                                "total_balance": amount(w.balance),
                                "available_balance": amount(money.available(self, w))}
                               for w in spaces],
                "entries": [{**asdict(e), "time": iso(e.time),
                             **{k: amount(getattr(e, k)) for k in
                                ("amount", "fees", "vat", "total", "balance")}}
                            for e in entries],
            }

    def payments(self) -> dict[str, Any]:
        """Every call of the bonus pay endpoint (a repeated call pays again), and how many
        times each bulk bonus was paid."""
        with self.transaction() as db:
            time_rules.refresh(self)
            calls: list[dict[str, Any]] = []
            counts: dict[str, int] = {}
            for payment in PAYMENTS.where(db):
                bulk = BULK_BONUSES.get(db, payment.bulk_id)
                assert bulk is not None
                counts[bulk.id] = counts.get(bulk.id, 0) + 1
                calls.append({
                    "id": payment.id, "bulk_bonus_id": bulk.id, "study_id": bulk.study_id,
                    "requested_at": iso(payment.requested), "paid_at": iso(payment.paid_at),
                    "amount": amount(bulk.amount), "fees": amount(bulk.fees),
                    "vat": amount(bulk.vat), "total_amount": amount(bulk.total),
                    "rows": [{"participant_id": p, "submission_id": s, "amount": amount(a)}
                             for p, s, a in bulk.rows]})
            return {"payments": calls, "pay_calls": counts}

    def messages(self) -> list[dict[str, Any]]:
        with self.transaction() as db:
            return [{**asdict(m), "sent_at": iso(m.sent_at)} for m in MESSAGES.where(db)]

    def preview(self, study_id: str, participant_id: str | None = None) -> str:
        """The HTML a participant would see for the study."""
        with self.transaction() as db:
            time_rules.refresh(self)
            study = STUDIES.get(db, study_id)
            if study is None:
                raise SimulationError("unknown", f"no study {study_id}")
            workspace = WORKSPACES.get(db, study.workspace_id)
            assert workspace is not None
            person, session = preview.sample_ids(study)
            return preview.page(study, workspace.currency, participant_id or person, session)
