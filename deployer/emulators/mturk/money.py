"""The account: balance, charges on approval and bonus, and the ledger (reference §6).

Sandbox moves no money and always shows $10,000.00; production pays rewards and bonuses plus
the fees of fees.py from its balance, and refuses what the balance cannot pay.
"""

from __future__ import annotations

from decimal import Decimal

from deployer.emulators.mturk import schema
from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.config import INSUFFICIENT_FUNDS, SANDBOX_BALANCE
from deployer.emulators.mturk.exceptions import turk
from deployer.emulators.mturk.fees import commission
from deployer.emulators.mturk.records import AssignmentRec, HitTypeRec, LedgerEntry
from deployer.emulators.mturk.schema import ASSIGNMENTS, LEDGER


def balance(emu: Backend) -> str:
    if emu.config.personality == "sandbox":
        return SANDBOX_BALANCE
    return account(emu)


def account(emu: Backend) -> str:
    """The production balance as the ledger keeps it (sandbox keeps one too, never shown)."""
    return str(schema.read(emu.db, "balance"))


def charge(emu: Backend, kind: str, assignment: AssignmentRec, amount: Decimal,
           fee: Decimal) -> None:
    if emu.config.personality == "production":
        left = Decimal(account(emu)) - (amount + fee)
        if left < 0:
            raise turk("InsufficientFunds", INSUFFICIENT_FUNDS)
        schema.write(emu.db, "balance", f"{left:.2f}")
    LEDGER.put(emu.db, LedgerEntry(
        time=emu.now(), kind=kind, assignment_id=assignment.id,
        worker_id=assignment.worker_id, amount=f"{amount:.2f}", fee=f"{fee:.2f}",
        balance=balance(emu),
    ))


def requires_masters(emu: Backend, kind: HitTypeRec) -> bool:
    return any(r["QualificationTypeId"] == emu.masters_id for r in kind.requirements)


def approve(emu: Backend, assignment: AssignmentRec, when: float, feedback: str | None) -> None:
    """Pays the reward and its fee, then marks the assignment Approved."""
    hit = emu.hit(assignment.hit_id)
    kind = emu.hit_type(hit)
    reward = Decimal(kind.reward)
    charge(emu, "reward", assignment, reward,
           commission(reward, hit.max_assignments, requires_masters(emu, kind)))
    assignment.status = "Approved"
    assignment.approval_time = when
    assignment.rejection_time = None
    if feedback is not None:
        assignment.feedback = feedback
    ASSIGNMENTS.put(emu.db, assignment)
