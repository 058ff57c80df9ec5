"""Prolific's JSON <-> deploy's values: money in minor units, times in ISO 8601, and the
create body of a study."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from deployer.providers.prolific.observed import ObservedStudy, ObservedSubmission
from deployer.providers.prolific.plan.payloads import NewStudy

HUNDRED = Decimal(100)
COUNTRY = "current-country-of-residence"


def major(minor: Any) -> Decimal:
    """Pence or cents (Prolific's unit for rewards and balances) as pounds or dollars."""
    return (Decimal(str(minor or 0)) / HUNDRED).quantize(Decimal("0.01"))


def minor(amount: Decimal) -> int:
    return int((amount * HUNDRED).to_integral_value())


def when(text: Any) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def study(data: Mapping[str, Any]) -> ObservedStudy:
    return ObservedStudy(
        study_id=str(data["id"]), internal_name=str(data.get("internal_name") or ""),
        status=str(data.get("status", "")),
        places=int(data.get("total_available_places") or 0),
        places_taken=int(data.get("places_taken") or 0), reward=major(data.get("reward")),
        published_at=when(data.get("published_at")))


def has_bonuses(data: Mapping[str, Any]) -> bool:
    """Whether a submission as listed says what bonuses it was paid (the detail always does)."""
    return "bonus_payments" in data


def submission(data: Mapping[str, Any], study_id: str) -> ObservedSubmission:
    paid = sum((Decimal(str(p)) for p in data.get("bonus_payments") or ()), Decimal(0))
    return ObservedSubmission(
        submission_id=str(data["id"]), study_id=study_id,
        participant=str(data.get("participant_id") or data.get("participant") or ""),
        status=str(data.get("status", "")), bonuses=major(paid),
        started_at=when(data.get("started_at")), completed_at=when(data.get("completed_at")),
        code=str(data.get("study_code") or data.get("entered_code") or ""))


def create_body(new: NewStudy, project_id: str, lists: Lists) -> dict[str, Any]:
    """What POST /studies/ sends for `new`."""
    return {
        "name": new.title, "internal_name": new.internal_name,
        "description": new.description, "external_study_url": new.external_url,
        "prolific_id_option": "url_parameters",
        "completion_codes": [{"code": c.code, "code_type": c.kind,
                              "actions": [{"action": c.action}]} for c in new.codes],
        "total_available_places": new.places,
        "estimated_completion_time": new.estimated_minutes,
        "maximum_allowed_time": new.maximum_minutes, "reward": minor(new.reward),
        "device_compatibility": list(new.devices), "peripheral_requirements": [],
        "filters": filters(new, lists), "project": project_id,
        "submissions_config": {"max_submissions_per_participant": 1},
        "metadata": f'{{"deploy": "{new.address}", "generation": {new.generation}}}',
    }


@dataclass(frozen=True)
class Lists:
    """What the study's filters name by Prolific's IDs, looked up when it is created."""

    countries: tuple[str, ...] = ()  # the country filter's choice IDs
    excluded: tuple[str, ...] = ()  # study IDs whose participants may not take part
    only: tuple[str, ...] = ()  # study IDs whose participants alone may


def filters(new: NewStudy, lists: Lists) -> list[dict[str, Any]]:
    rules = new.eligibility
    found: list[dict[str, Any]] = []
    if lists.countries:
        found.append({"filter_id": COUNTRY, "selected_values": list(lists.countries)})
    if rules.approval_rate is not None:
        found.append({"filter_id": "approval_rate",
                      "selected_range": {"lower": rules.approval_rate, "upper": 100}})
    if rules.age is not None:
        low, high = rules.age
        found.append({"filter_id": "age", "selected_range": {"lower": low or 18,
                                                             "upper": high or 100}})
    blocked = [*new.earlier, *lists.excluded]
    if blocked:
        found.append({"filter_id": "previous_studies_blocklist",
                      "selected_values": sorted(set(blocked))})
    if lists.only:
        found.append({"filter_id": "previous_studies_allowlist",
                      "selected_values": sorted(set(lists.only))})
    return found
