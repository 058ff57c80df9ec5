"""Changing and removing HITs: UpdateExpirationForHIT, CreateAdditionalAssignmentsForHIT,
UpdateHITTypeOfHIT, UpdateHITReviewStatus, DeleteHIT, ListReviewableHITs (reference §2.7-2.11,
§2.28)."""

from __future__ import annotations

from typing import Any

from deployer.emulators.core.clock import java_date
from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.exceptions import RequestError, invalid, turk
from deployer.emulators.mturk.liability import check_funds
from deployer.emulators.mturk.paging import from_list, paginate
from deployer.emulators.mturk.records import HitRec
from deployer.emulators.mturk.schema import HITS, TYPES
from deployer.emulators.mturk.validation import Params

Body = dict[str, Any]
SETTLING = "This HIT is still being created; it cannot be modified yet. Retry in a few seconds."


def _hit_key(hit: HitRec) -> list[Any]:
    return [hit.creation, hit.id]


def _not_settled(emu: Backend, hit: HitRec) -> None:
    if emu.settling(hit):
        raise RequestError(SETTLING)


def update_expiration(emu: Backend, p: Params) -> Body:
    hit = emu.hit(p.entity("HITId"))
    expire_at = p.timestamp("ExpireAt")
    # The real service derives an idempotency token from HITId + ExpireAt (reference §2.7).
    derived = f"{hit.id}{java_date(expire_at)}"
    if emu.recall("expire", derived) is not None:
        raise RequestError(f'The idempotency token "{derived}" has already been processed.')
    now = emu.now()
    if expire_at <= now:
        hit.expiration = now
    else:
        _not_settled(emu, hit)
        if emu.config.strict_expiration and expire_at < hit.expiration:
            raise RequestError("You cannot shorten the expiration time of a HIT.")
        hit.expiration = expire_at
        hit.reviewing = False  # extending clears Reviewing (reference §3.2, our choice)
    HITS.put(emu.db, hit)
    emu.remember("expire", derived, True)
    return {}


def create_additional_assignments(emu: Backend, p: Params) -> Body:
    hit = emu.hit(p.entity("HITId"))
    extra = p.integer("NumberOfAdditionalAssignments", 1, 1_000_000_000)
    token = p.token()
    original = emu.recall("assign", token)
    if original is not None:
        raise turk("DuplicateRequest",
                   f'The request with UniqueRequestToken "{token}" was already processed '
                   f"as request {original}.")
    _not_settled(emu, hit)
    if hit.created_with < 10 <= hit.max_assignments + extra:
        raise turk("InvalidMaximumAssignmentsIncrease",
                   "A HIT created with fewer than 10 assignments cannot be extended to have "
                   "10 or more assignments.")
    check_funds(emu, emu.hit_type(hit), hit.max_assignments + extra, extra)
    hit.max_assignments += extra
    hit.reviewing = False
    HITS.put(emu.db, hit)
    emu.remember("assign", token, emu.request_id)
    return {}


def update_hit_type_of_hit(emu: Backend, p: Params) -> Body:
    hit = emu.hit(p.entity("HITId"))
    type_id = p.entity("HITTypeId")
    if TYPES.get(emu.db, type_id) is None:
        raise turk("HITTypeDoesNotExist", f"HITType {type_id} does not exist.")
    _not_settled(emu, hit)
    if hit.ever_accepted:
        raise turk("InvalidHITState",
                   "You cannot change the HIT type of a HIT with assignments that have been "
                   "accepted or submitted by workers.")
    hit.type_id = type_id
    HITS.put(emu.db, hit)
    return {}


def _state_error(emu: Backend, hit: HitRec, allowed: str) -> RequestError:
    return turk("InvalidHITState",
                f"This HIT is currently in the state '{emu.status(hit)}'.  "
                f"This operation can be called with a status of: {allowed}")


def update_hit_review_status(emu: Backend, p: Params) -> Body:
    hit = emu.hit(p.entity("HITId"))
    revert = p.boolean("Revert", False)
    status = emu.status(hit)
    if not revert and status == "Reviewable":
        hit.reviewing = True
    elif revert and status == "Reviewing":
        hit.reviewing = False
    else:
        raise _state_error(emu, hit, "Reviewing" if revert else "Reviewable")
    HITS.put(emu.db, hit)
    return {}


def delete_hit(emu: Backend, p: Params) -> Body:
    hit = emu.hit(p.entity("HITId"))
    unreviewed = any(a.status == "Submitted" for a in emu.assignments_of(hit.id))
    if emu.status(hit) not in ("Reviewable", "Reviewing") or unreviewed:
        raise _state_error(emu, hit, "Reviewing, Reviewable")
    emu.delete_hit(hit.id)
    return {}


def list_reviewable_hits(emu: Backend, p: Params) -> Body:
    type_id = p.opt_entity("HITTypeId")
    wanted = p.opt_enum("Status", ("Reviewable", "Reviewing"), "Reviewable")
    if type_id is not None and TYPES.get(emu.db, type_id) is None:
        raise invalid("HITTypeId", type_id)
    # Status depends on the time and on counts, so it is decided here, HIT by HIT.
    of_type = HITS.where(emu.db) if type_id is None else HITS.where(emu.db, "type_id = ?",
                                                                     (type_id,))
    hits = [h for h in of_type if emu.status(h) == wanted]
    query = f"ListReviewableHITs:{type_id}:{wanted}"
    page, meta = paginate(emu, p, query, from_list(hits, _hit_key), _hit_key)
    # Observed on the wire: only the HITId of each HIT (reference §2.28).
    return {**meta, "HITs": [{"HITId": h.id} for h in page]}
