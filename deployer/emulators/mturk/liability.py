"""Production funds at creation: the service's "assignment liability" (reference §2.1, §6).

Money moves only on approval and bonus, but new work is refused when the balance, less what
live work may still cost, cannot pay for it. The exact rule is in the README's table of choices.
"""

from __future__ import annotations

from decimal import Decimal

from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.config import INSUFFICIENT_FUNDS
from deployer.emulators.mturk.exceptions import turk
from deployer.emulators.mturk.fees import slot_cost
from deployer.emulators.mturk.state import HitTypeRec


def check_funds(emu: Backend, kind: HitTypeRec, max_assignments: int, count: int) -> None:
    """Refuses `count` new assignments of `kind` on a HIT of `max_assignments` (fee tier)."""
    if emu.config.personality != "production":
        return
    reward = Decimal(kind.reward)
    cost = count * slot_cost(reward, max_assignments, emu.requires_masters(kind))
    if cost > Decimal(emu.state.balance) - held(emu):
        raise turk("InsufficientFunds", INSUFFICIENT_FUNDS)


def held(emu: Backend) -> Decimal:
    """Reward plus fee of every slot that may still be paid for: slots open on unexpired
    HITs, assignments being worked on and submitted work not yet approved or rejected."""
    taken: dict[str, int] = {}
    unpaid: dict[str, int] = {}
    for assignment in emu.state.assignments.values():
        taken[assignment.hit_id] = taken.get(assignment.hit_id, 0) + 1
        if assignment.status in ("Accepted", "Submitted"):
            unpaid[assignment.hit_id] = unpaid.get(assignment.hit_id, 0) + 1
    now = emu.now()
    total = Decimal(0)
    for hit in emu.state.hits.values():
        slots = unpaid.get(hit.id, 0)
        if now < hit.expiration:
            slots += max(0, hit.max_assignments - taken.get(hit.id, 0))  # still open
        if slots > 0:
            kind = emu.hit_type(hit)
            reward = Decimal(kind.reward)
            total += slots * slot_cost(reward, hit.max_assignments, emu.requires_masters(kind))
    return total
