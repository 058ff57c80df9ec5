"""Money (reference §5): costs, funds held by live studies, charges and the ledger.

Every amount is minor units of the workspace currency. The fee is `fee_fraction` of a reward or
bonus and VAT is `vat_fraction` of the fee, each rounded *up* to a hundredth of a minor unit per
payment: that is what makes the reference's example exact (850 -> fees 283.34). A study's cost is
its places times the cost of one place, so what publishing holds is exactly what approvals pay.

Nothing is stored as "held": a workspace's held funds are computed from its live studies (the
places that may still be paid) and the bonus payments not yet charged, so they can never drift
from the submissions they stand for.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any

from deployer.emulators.prolific.backend import Backend
from deployer.emulators.prolific.config import Config, fraction_of
from deployer.emulators.prolific.records import LedgerEntry, StudyRec, WorkspaceRec
from deployer.emulators.prolific.schema import LEDGER, WORKSPACES
from deployer.emulators.prolific.wire import amount

HUNDREDTH = Decimal("0.01")
PENDING = ("RESERVED", "ACTIVE", "AWAITING REVIEW")


@dataclass(frozen=True)
class Cost:
    rewards: Decimal
    fees: Decimal
    vat: Decimal

    @property
    def total(self) -> Decimal:
        return self.rewards + self.fees + self.vat

    def times(self, count: int) -> Cost:
        return Cost(self.rewards * count, self.fees * count, self.vat * count)

    def plus(self, other: Cost) -> Cost:
        return Cost(self.rewards + other.rewards, self.fees + other.fees, self.vat + other.vat)


NOTHING = Cost(Decimal(0), Decimal(0), Decimal(0))


def _up(value: Fraction) -> Decimal:
    scaled = Decimal(value.numerator) / Decimal(value.denominator)
    return scaled.quantize(HUNDREDTH, rounding=ROUND_CEILING)


def cost_of(config: Config, paid: Decimal) -> Cost:
    """One payment of `paid` to a participant, with its fee and the VAT on the fee."""
    return _cost(config.fee_fraction, config.vat_fraction, paid)


@functools.lru_cache(maxsize=4096)  # lists show many studies with the same few rewards
def _cost(fee_fraction: str, vat_fraction: str, paid: Decimal) -> Cost:
    fee = _up(Fraction(paid) * fraction_of(fee_fraction, "fee_fraction"))
    return Cost(paid, fee, _up(Fraction(fee) * fraction_of(vat_fraction, "vat_fraction")))


def study_cost(config: Config, reward: int, places: int) -> Cost:
    return cost_of(config, Decimal(reward)).times(places)


def payable(study: StudyRec, counts: dict[str, int]) -> int:
    """How many places of a study may still be paid for: what its held funds cover."""
    if study.status == "UNPUBLISHED":
        return 0
    pending = sum(counts.get(status, 0) for status in PENDING)
    if study.stopped:
        return pending
    return max(study.places - counts.get("APPROVED", 0), pending, 0)


def held(emu: Backend, workspace_id: str) -> Decimal:
    """Funds of the workspace that live studies and unpaid bonus calls hold."""
    studies = emu.live_studies(workspace_id)
    tallies = emu.status_counts([s.id for s in studies])
    total = sum((study_cost(emu.config, s.reward, payable(s, tallies[s.id])).total
                 for s in studies), Decimal(0))
    queued = emu.db.execute(
        "SELECT b.total FROM payments p JOIN bulk_bonuses b ON b.id = p.bulk_id "
        "WHERE p.paid_at IS NULL AND p.workspace_id = ?", (workspace_id,)).fetchall()
    return total + sum((Decimal(row[0]) for row in queued), Decimal(0))


def available(emu: Backend, workspace: WorkspaceRec) -> Decimal:
    return Decimal(workspace.balance) - held(emu, workspace.id)


def charge(emu: Backend, workspace: WorkspaceRec, kind: str, cost: Cost, study_id: str | None,
           submission_id: str | None = None, participant_id: str | None = None) -> None:
    """Takes `cost` from the workspace's balance and writes it in the ledger."""
    _move(emu, workspace, kind, cost, -cost.total, study_id, submission_id, participant_id)


def credit(emu: Backend, workspace: WorkspaceRec, paid_in: Decimal) -> None:
    """Adds funds (a top-up) and writes it in the ledger."""
    _move(emu, workspace, "top_up", Cost(paid_in, Decimal(0), Decimal(0)), paid_in, None, None,
          None)


def _move(emu: Backend, workspace: WorkspaceRec, kind: str, cost: Cost, change: Decimal,
          study_id: str | None, submission_id: str | None, participant_id: str | None) -> None:
    workspace.balance = str(Decimal(workspace.balance) + change)
    WORKSPACES.put(emu.db, workspace)
    LEDGER.put(emu.db, LedgerEntry(
        time=emu.now(), workspace_id=workspace.id, kind=kind, study_id=study_id,
        submission_id=submission_id, participant_id=participant_id, amount=str(cost.rewards),
        fees=str(cost.fees), vat=str(cost.vat), total=str(cost.total),
        balance=workspace.balance))


def breakdown(config: Config, total: Decimal) -> dict[str, int | float]:
    """How much of `total` would go to rewards, fees and VAT (the balance endpoint's split)."""
    share = Fraction(1) + config.fee + config.fee * config.vat
    rewards = (total / (Decimal(share.numerator) / Decimal(share.denominator))).quantize(
        HUNDREDTH, rounding=ROUND_FLOOR)
    fees = min(total - rewards, _up(Fraction(rewards) * config.fee))
    return {"rewards": amount(rewards), "fees": amount(fees),
            "vat": amount(total - rewards - fees)}


def balance_view(emu: Backend, workspace: WorkspaceRec) -> dict[str, Any]:
    """GET /workspaces/{id}/balance/ (reference §5.5)."""
    total = Decimal(workspace.balance)
    free = available(emu, workspace)
    return {"currency_code": workspace.currency, "total_balance": amount(total),
            "balance_breakdown": breakdown(emu.config, total),
            "available_balance": amount(free),
            "available_balance_breakdown": breakdown(emu.config, free)}


def percentage(value: Fraction, places: int = 6) -> float:
    return round(float(value), places)
