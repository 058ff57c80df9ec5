"""Production funds at creation: the service's "assignment liability" (reference §2.1, §6).

Money moves only on approval and bonus, but new work is refused when the balance, less what
live work may still cost, cannot pay for it. The exact rule is in the README's table of choices.
"""

from __future__ import annotations

from decimal import Decimal

from deployer.emulators.mturk import money
from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.config import INSUFFICIENT_FUNDS
from deployer.emulators.mturk.exceptions import turk
from deployer.emulators.mturk.fees import LARGE_HIT_ASSIGNMENTS, slot_cost
from deployer.emulators.mturk.records import HitTypeRec
from deployer.emulators.mturk.schema import TYPES

# Per HIT type and fee tier, the slots that may still be paid for: open slots of HITs that have
# not expired, plus assignments being worked on or submitted and not yet reviewed. Only HITs
# that are live or have unpaid work are visited, through the expiry and assignment indexes.
HELD_SLOTS = """
WITH unpaid AS (
    SELECT hit_id, COUNT(*) AS count FROM assignments
    WHERE status IN ('Accepted', 'Submitted') GROUP BY hit_id
), live AS (
    SELECT id FROM hits WHERE expiration > :now
    UNION SELECT hit_id FROM unpaid
)
SELECT h.type_id, h.max_assignments >= :large AS large,
       SUM(COALESCE(u.count, 0) + CASE WHEN :now < h.expiration THEN MAX(0,
           h.max_assignments - (SELECT COUNT(*) FROM assignments a WHERE a.hit_id = h.id))
           ELSE 0 END)
FROM live JOIN hits h ON h.id = live.id LEFT JOIN unpaid u ON u.hit_id = h.id
GROUP BY h.type_id, large
"""


def check_funds(emu: Backend, kind: HitTypeRec, max_assignments: int, count: int) -> None:
    """Refuses `count` new assignments of `kind` on a HIT of `max_assignments` (fee tier)."""
    if emu.config.personality != "production":
        return
    cost = count * slot_cost(Decimal(kind.reward), max_assignments,
                             money.requires_masters(emu, kind))
    if cost > Decimal(money.account(emu)) - held(emu):
        raise turk("InsufficientFunds", INSUFFICIENT_FUNDS)


def held(emu: Backend) -> Decimal:
    """Reward plus fee of every slot that may still be paid for."""
    total = Decimal(0)
    rows = emu.db.execute(HELD_SLOTS, {"now": emu.now(), "large": LARGE_HIT_ASSIGNMENTS})
    for type_id, large, slots in rows.fetchall():
        kind = TYPES.get(emu.db, type_id)
        if kind is None or not slots:
            continue
        tier = LARGE_HIT_ASSIGNMENTS if large else 1
        total += slots * slot_cost(Decimal(kind.reward), tier, money.requires_masters(emu, kind))
    return total
