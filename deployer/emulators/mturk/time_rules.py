"""What happens merely because time passed (reference §3): abandonment of overdue assignments,
auto-approval, 120-day disposal and the end of token memory.

`refresh()` runs before every request and after the clock moves, so nothing is ever shown
stale.
"""

from __future__ import annotations

from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.config import DAY
from deployer.emulators.mturk.exceptions import RequestError


def refresh(emu: Backend) -> bool:
    """Applies every rule that is due; True when anything changed that must be saved."""
    now = emu.now()
    changed = _abandon_overdue(emu, now)
    changed = _auto_approve(emu, now) or changed
    changed = _dispose_old(emu, now) or changed
    return _forget_tokens(emu, now) or changed


def _abandon_overdue(emu: Backend, now: float) -> bool:
    overdue = [a.id for a in emu.state.assignments.values()
               if a.status == "Accepted" and a.deadline <= now]
    for aid in overdue:
        del emu.state.assignments[aid]
    return bool(overdue)

def _auto_approve(emu: Backend, now: float) -> bool:
    due = sorted(
        (a for a in emu.state.assignments.values()
         if a.status == "Submitted" and a.auto_approval_time is not None
         and a.auto_approval_time <= now),
        key=lambda a: (a.auto_approval_time or 0.0, a.id),
    )
    changed = False
    for assignment in due:
        try:
            emu.approve(assignment, assignment.auto_approval_time or now, None)
            changed = True
        except RequestError:
            pass  # no funds: stays Submitted until the balance allows it
    return changed

def _dispose_old(emu: Backend, now: float) -> bool:
    horizon = now - emu.config.disposal_days * DAY
    old = [h.id for h in emu.state.hits.values() if h.creation <= horizon]
    for hit_id in old:
        emu.delete_hit(hit_id)
    return bool(old)

def _forget_tokens(emu: Backend, now: float) -> bool:
    """Both stores are kept in the order tokens were issued, so only the front is checked."""
    tokens = emu.state.tokens
    forgotten = False
    while tokens:
        key, (issued, _) = next(iter(tokens.items()))
        if issued + emu.config.token_memory > now:
            break
        del tokens[key]
        forgotten = True
    pages = emu.pages
    while pages and next(iter(pages.values())).issued + emu.config.page_token_ttl <= now:
        pages.popitem(last=False)
    return forgotten  # page tokens are not saved, so forgetting them changes nothing
