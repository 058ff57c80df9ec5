"""Changing and removing HITs: UpdateExpirationForHIT, CreateAdditionalAssignmentsForHIT,
UpdateHITTypeOfHIT, UpdateHITReviewStatus, DeleteHIT, ListReviewableHITs (reference §2.7-2.11,
§2.28)."""

from __future__ import annotations

from typing import Any

from deployer.emulators.core.clock import java_date
from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.exceptions import (
    ParameterValidationError,
    RequestError,
    invalid,
    turk,
)
from deployer.emulators.mturk.hit_ops import live_hit_type
from deployer.emulators.mturk.liability import check_funds
from deployer.emulators.mturk.paging import from_list, paginate
from deployer.emulators.mturk.records import HitRec
from deployer.emulators.mturk.schema import HITS, TYPES
from deployer.emulators.mturk.validation import MAX_SECONDS, Params

Body = dict[str, Any]
# UpdateExpirationForHIT turns a future ExpireAt into an increment of the current expiration
# (of now, for an expired HIT); MTurk refused increments below this (reference §2.7).
MIN_INCREMENT = 60
SETTLING = "This HIT is still being created; it cannot be modified yet. Retry in a few seconds."


def _hit_key(hit: HitRec) -> list[Any]:
    return [hit.creation, hit.id]


def _not_settled(emu: Backend, hit: HitRec) -> None:
    if emu.settling(hit):
        raise RequestError(SETTLING)


def update_expiration(emu: Backend, p: Params) -> Body:
    hit = emu.hit(p.entity("HITId"))
    expire_at = p.timestamp("ExpireAt")
    now = emu.now()
    if expire_at <= now:
        # Clients expire again by design (Dallinger sends 0 every time, Mephisto a fixed date
        # in 2015), and the duplicate error was only ever seen for a future time: no check.
        hit.expiration = min(hit.expiration, now)
        HITS.put(emu.db, hit)
        return {}
    # The real service derives an idempotency token from HITId + ExpireAt (reference §2.7).
    derived = f"{hit.id}{java_date(expire_at)}"
    if emu.recall("expire", derived) is not None:
        raise RequestError(f'The idempotency token "{derived}" has already been processed.')
    _not_settled(emu, hit)
    _check_increment(round(expire_at - max(hit.expiration, now)))
    hit.expiration = expire_at
    hit.reviewing = False  # extending clears Reviewing (reference §3.2, our choice)
    HITS.put(emu.db, hit)
    emu.remember("expire", derived, True)
    return {}


def _check_increment(seconds: int) -> None:
    """MTurk moves a live HIT's expiration by 60 s to 365 days, and no earlier."""
    if not MIN_INCREMENT <= seconds <= MAX_SECONDS:
        raise ParameterValidationError(
            f"The value {seconds} is invalid for ExpirationIncrementInSeconds. Valid values "
            f"range from {MIN_INCREMENT} to {MAX_SECONDS}.")


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
    type_id = live_hit_type(emu, p.entity("HITTypeId")).id
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
