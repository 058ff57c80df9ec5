"""The study state machine (reference §4.2, §4.3): explicit transitions and the statuses a
study reaches by itself as its submissions change.

    UNPUBLISHED --PUBLISH--> PUBLISHING --(publishing_seconds)--> ACTIVE
    UNPUBLISHED --SCHEDULE_PUBLISH--> SCHEDULED --(publish_at)--> PUBLISHING
    SCHEDULED --CANCEL_PUBLISH--> UNPUBLISHED
    ACTIVE --PAUSE--> PAUSED --START--> ACTIVE
    ACTIVE | PAUSED --STOP--> AWAITING REVIEW (submissions still to review) | COMPLETED

Any other action, including one that would leave the status as it is, answers 400.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from deployer.emulators.prolific import filters, money
from deployer.emulators.prolific.backend import Backend
from deployer.emulators.prolific.errors import Problems, bad, invalid
from deployer.emulators.prolific.records import StudyRec
from deployer.emulators.prolific.schema import STUDIES, WORKSPACES
from deployer.emulators.prolific.wire import amount, parse_time

TRANSITIONS = {
    "PUBLISH": ("UNPUBLISHED",),
    "SCHEDULE_PUBLISH": ("UNPUBLISHED",),
    "CANCEL_PUBLISH": ("SCHEDULED",),
    "PAUSE": ("ACTIVE",),
    "START": ("PAUSED",),
    "STOP": ("ACTIVE", "PAUSED"),
}
TRANSIENT = ("UNPUBLISHED", "SCHEDULED", "PUBLISHING")
IN_PROGRESS = ("RESERVED", "ACTIVE")
FILLING = ("RESERVED", "ACTIVE", "AWAITING REVIEW", "APPROVED")  # a place is taken


def transition(emu: Backend, study: StudyRec, action: Any, publish_at: Any) -> None:
    if action not in TRANSITIONS:
        raise invalid("action", f'"{action}" is not a valid choice; choose from '
                                f"{list(TRANSITIONS)}.")
    if study.status not in TRANSITIONS[action]:
        raise bad(f"Cannot {action} a study whose status is {study.status}.")
    if action == "PUBLISH":
        check_publishable(emu, study)
        go_live(emu, study)
    elif action == "SCHEDULE_PUBLISH":
        study.publish_at = _publish_time(emu, study, publish_at)
        check_publishable(emu, study)
        study.status = "SCHEDULED"
    elif action == "CANCEL_PUBLISH":
        study.status, study.publish_at = "UNPUBLISHED", None
    elif action == "PAUSE":
        study.status = "PAUSED"
    elif action == "START":
        study.status = "ACTIVE"
    else:
        study.stopped = True
    STUDIES.put(emu.db, study)
    settle(emu, study)


def _publish_time(emu: Backend, study: StudyRec, given: Any) -> float:
    source = given if given is not None else study.fields.get("publish_at")
    if source is None:
        raise invalid("publish_at", "SCHEDULE_PUBLISH needs publish_at, in the body or on "
                                    "the study.")
    when = parse_time(source, "publish_at")
    if when <= emu.now():
        raise invalid("publish_at", "publish_at must be in the future.")
    return when


def check_publishable(emu: Backend, study: StudyRec) -> None:
    """Publishing needs completion codes, a reward at the minimum hourly rate, and funds
    for every place (reference §4.2, §5.1, §5.4)."""
    problems = Problems()
    if not study.fields.get("completion_codes"):
        problems.add("completion_codes", "A study needs at least one completion code to be "
                                         "published.")
    workspace = WORKSPACES.get(emu.db, study.workspace_id)
    assert workspace is not None
    minimum = emu.config.minimum_reward_per_hour[workspace.currency]
    hourly = Decimal(study.reward * 60) / study.fields["estimated_completion_time"]
    if hourly < minimum:
        problems.add("reward", f"The reward is {amount(hourly.quantize(Decimal('0.01')))} "
                     f"per hour in minor units of {workspace.currency}; the minimum is "
                     f"{minimum} per hour. Raise the reward or lower the estimated time.")
    problems.check()
    need = money.study_cost(emu.config, study.reward, study.places).total
    free = money.available(emu, workspace)
    if need > free:
        raise bad(f"Insufficient funds: this study costs {amount(need)} (rewards, fees and "
                  f"VAT, in minor units of {workspace.currency}) and the workspace has "
                  f"{amount(free)} available. Top up the workspace, or lower the places or "
                  "the reward.")


def go_live(emu: Backend, study: StudyRec) -> None:
    """Publishes now: the participants of previous-studies filters are frozen at this moment."""
    filters.freeze(emu, study)
    now = emu.now()
    study.status, study.published_at, study.started_publishing_at = "PUBLISHING", now, now
    if emu.config.publishing_seconds <= 0:
        study.status = "ACTIVE"
    STUDIES.put(emu.db, study)


def settle(emu: Backend, study: StudyRec, freed_by: str | None = None) -> None:
    """The status a published study reaches by itself (reference §4.3). `freed_by` names what
    just freed a place: a rejection or a return pauses a full study (help-centre behaviour,
    switchable), a time-out lets it recruit a replacement."""
    if study.status in TRANSIENT:
        return
    counts = emu.status_counts([study.id])[study.id]
    filled = sum(counts.get(status, 0) for status in FILLING)
    in_progress = sum(counts.get(status, 0) for status in IN_PROGRESS)
    to_review = counts.get("AWAITING REVIEW", 0) + in_progress
    status = study.status
    if study.stopped:
        status = "AWAITING REVIEW" if to_review else "COMPLETED"
    elif status == "PAUSED":
        pass
    elif filled >= study.places:
        if not in_progress:
            status = "AWAITING REVIEW" if to_review else "COMPLETED"
    elif status in ("AWAITING REVIEW", "COMPLETED"):
        pausing = freed_by in ("reject", "return") and emu.config.auto_pause_on_refill
        status = "PAUSED" if pausing else "ACTIVE"
    if status != study.status:
        study.status = status
        STUDIES.put(emu.db, study)


def add_places(emu: Backend, study: StudyRec, places: int) -> None:
    """Raises the total of places of a published study; holds the funds for the new ones and
    reopens the study if it was full or completed (reference §4.4)."""
    workspace = WORKSPACES.get(emu.db, study.workspace_id)
    assert workspace is not None
    before = money.available(emu, workspace)
    extra = places - study.places
    study.fields["total_available_places"] = places
    if study.status == "COMPLETED":
        study.stopped = False  # "to make it active again, increase the number of places"
    STUDIES.put(emu.db, study)
    after = money.available(emu, workspace)
    if after < 0:  # the caller's transaction undoes the change
        raise invalid("total_available_places",
                      f"Insufficient funds: {extra} more places hold {amount(before - after)} "
                      f"(minor units of {workspace.currency}) and the workspace has "
                      f"{amount(before)} available.")
    settle(emu, study)
