"""What happens merely because time passed (reference §3): abandonment of overdue assignments,
auto-approval, 120-day disposal and the end of token memory.

`refresh()` runs before every request and after the clock moves, so nothing is ever shown
stale. Each rule asks an index for what is due, so a refresh costs the same however many HITs
and assignments are stored.
"""

from __future__ import annotations

from deployer.emulators.mturk import money
from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.config import DAY
from deployer.emulators.mturk.exceptions import RequestError
from deployer.emulators.mturk.schema import ASSIGNMENTS


def refresh(emu: Backend) -> None:
    """Applies every rule that is due. Callers hold a transaction."""
    now = emu.now()
    emu.db.execute("DELETE FROM assignments WHERE status = 'Accepted' AND deadline <= ?", (now,))
    _auto_approve(emu, now)
    _dispose_old(emu, now)
    _forget_tokens(emu, now)


def _auto_approve(emu: Backend, now: float) -> None:
    due = ASSIGNMENTS.where(emu.db, "status = 'Submitted' AND auto_approval_time <= ?", (now,),
                            order="auto_approval_time, id")
    for assignment in due:
        try:
            with emu.store.transaction():
                money.approve(emu, assignment, assignment.auto_approval_time or now, None)
        except RequestError:
            pass  # no funds: stays Submitted until the balance allows it


def _dispose_old(emu: Backend, now: float) -> None:
    horizon = now - emu.config.disposal_days * DAY
    old = emu.db.execute("SELECT id FROM hits WHERE creation <= ?", (horizon,)).fetchall()
    for (hit_id,) in old:
        emu.delete_hit(hit_id)


def _forget_tokens(emu: Backend, now: float) -> None:
    memory = emu.config.token_memory
    # The index finds the candidates; the exact test is the one the rule states.
    emu.db.execute("DELETE FROM tokens WHERE issued <= ? AND issued + ? <= ?",
                   (now - memory + 1, memory, now))
    pages = emu.pages
    while pages and next(iter(pages.values())).issued + emu.config.page_token_ttl <= now:
        pages.popitem(last=False)
