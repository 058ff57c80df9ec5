"""Studies as the wire shows them (reference §3.2): the full Study, a superset of the spec's
fields as real responses carry them, and StudyShort for lists, which has no `metadata` and no
`external_study_url` (so a list can only be matched on `internal_name`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from deployer.emulators.prolific import filters, money
from deployer.emulators.prolific.backend import Backend
from deployer.emulators.prolific.lifecycle import FILLING
from deployer.emulators.prolific.records import StudyRec
from deployer.emulators.prolific.schema import PARTICIPANTS, USERS, WORKSPACES
from deployer.emulators.prolific.wire import amount, iso

REVIEWED = ("AWAITING REVIEW", "APPROVED", "REJECTED")


def counts_of(emu: Backend, study: StudyRec) -> dict[str, int]:
    return emu.status_counts([study.id])[study.id]


def short(emu: Backend, study: StudyRec, counts: dict[str, int]) -> dict[str, Any]:
    f = study.fields
    return {
        "id": study.id, "name": f["name"], "internal_name": f.get("internal_name"),
        "status": study.status, "study_type": "SINGLE",
        "estimated_completion_time": f["estimated_completion_time"],
        "total_available_places": study.places,
        "places_taken": sum(counts.get(s, 0) for s in FILLING),
        "number_of_submissions": sum(counts.values()), "reward": study.reward,
        "total_cost": amount(money.study_cost(emu.config, study.reward, study.places).total),
        "published_at": iso(study.published_at), "publish_at": _publish_at(study),
        "date_created": iso(study.created), "credential_pool_id": None,
        "is_ready_to_publish": ready(study),
    }


def ready(study: StudyRec) -> bool:
    """Field completeness only, not funds (reference §3.1): here, having a completion code."""
    return bool(study.fields.get("completion_codes"))


def _publish_at(study: StudyRec) -> Any:
    return iso(study.publish_at) if study.publish_at is not None else study.fields.get(
        "publish_at")


def full(emu: Backend, study: StudyRec, base: str) -> dict[str, Any]:
    """GET /studies/{id}/: every field the researcher set (unknown ones too), then the
    service's own."""
    counts = counts_of(emu, study)
    workspace = WORKSPACES.get(emu.db, study.workspace_id)
    assert workspace is not None
    view = {**study.fields, **short(emu, study, counts)}
    view.update(_money(emu, study, workspace.currency))
    view.update(_pace(emu, study, workspace.currency))
    view.update({
        "project": study.project_id, "workspace": study.workspace_id,
        "completion_code": _first_code(study), "eligibility_requirements":
            study.fields.get("eligibility_requirements", []),
        "filter_set_id": None, "filter_set_version": None,
        "started_publishing_at": iso(study.started_publishing_at),
        "researcher": _researcher(emu, study.owner), "is_reallocated": False,
        "can_be_reallocated": False, "reallocated_places": 0, "is_custom_screening": False,
        "has_had_adjustment": False, "metadata": study.fields.get("metadata"),
        "progress_percentage": round(100 * view["places_taken"] / study.places, 2),
        "eligible_participant_count": _eligible(emu, study),
        "total_participant_pool": PARTICIPANTS.count(emu.db),
        "_links": {"self": {"href": f"{base}studies/{study.id}/", "title": "Current"},
                   "related": {"href": f"{base}studies/{study.id}/submissions/",
                               "title": "Submissions"}},
    })
    return view


def _money(emu: Backend, study: StudyRec, currency: str) -> dict[str, Any]:
    one = money.cost_of(emu.config, Decimal(study.reward))
    fee, vat = emu.config.fee, emu.config.vat
    return {
        "currency_code": currency, "presentment_currency_code": currency,
        "fees_per_submission": amount(one.fees), "fees_percentage": money.percentage(fee),
        # Prolific's share of what a study costs: fee / (1 + fee), as a string, as seen.
        "service_margin_percentage": f"{float(fee / (1 + fee)):.17f}",
        "vat_percentage": money.percentage(vat), "discount_from_coupons": 0,
        "representative_sample_fee": 0,
    }


def _pace(emu: Backend, study: StudyRec, currency: str) -> dict[str, Any]:
    """Pay per hour: as estimated, and as measured on the submissions that came back."""
    minimum = emu.config.minimum_reward_per_hour[currency]
    estimated = study.reward * 60 / study.fields["estimated_completion_time"]
    taken = [s.completed_at - s.started_at for s in emu.submissions_of(study.id, REVIEWED)
             if s.completed_at is not None and s.started_at is not None]
    seconds = sum(taken) / len(taken) if taken else None
    average = (study.reward * 3600 / seconds if seconds else None)
    return {
        "estimated_reward_per_hour": round(estimated, 2),
        "average_time_taken": None if seconds is None else round(seconds / 60, 2),
        "average_time_taken_seconds": None if seconds is None else round(seconds),
        "average_reward_per_hour": None if average is None else round(average, 2),
        "average_reward_per_hour_without_adjustment":
            None if average is None else round(average, 2),
        "minimum_reward_per_hour": float(minimum),
        "is_underpaying": None if average is None else average < minimum,
        "reward_level": {"below_prolific_min": estimated < minimum,
                         "below_original_estimate": average is not None and average < estimated},
    }


def _first_code(study: StudyRec) -> str | None:
    for entry in study.fields.get("completion_codes") or []:
        if entry.get("actor", "participant") == "participant":
            code: str | None = entry.get("code")
            return code
    return None


def _researcher(emu: Backend, user_id: str) -> dict[str, Any]:
    user = USERS.get(emu.db, user_id)
    assert user is not None
    return {"id": user.id, "name": user.name, "email": user.email, "country": "GB",
            "institution": {"name": None, "logo": None, "link": ""}}


def _eligible(emu: Backend, study: StudyRec) -> int:
    return sum(1 for person in PARTICIPANTS.where(emu.db)
               if filters.exclusion(emu, study, person) is None)
