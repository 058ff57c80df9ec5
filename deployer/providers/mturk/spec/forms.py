"""MTurk's values -> the study file's own forms: the inverse of qualifications.py and of the
duration rules, for `deploy import`.

Each function gives the form that builds back to exactly the value MTurk reports, so that the
imported study plans no change; a value no form can state is a DeployError naming the HIT.
"""

from __future__ import annotations

from typing import Any

from deployer.core.errors import DeployError
from deployer.providers.mturk.spec.qualifications import ACTIONS, BOUNDS, COMPARATORS
from deployer.providers.mturk.study import (
    ADULT_TYPE,
    LOCALE_TYPE,
    MANAGED,
    MASTERS_IDS,
    NUMBER_HITS_APPROVED_TYPE,
    PERCENT_APPROVED_TYPE,
    Requirement,
)
from deployer.spec.values import UNITS

_LARGEST_FIRST = sorted(UNITS.items(), key=lambda unit: -unit[1])
_BOUND_NAMES = {comparator: name for name, comparator in BOUNDS.items()}
_COMPARATOR_NAMES = {comparator: name for name, comparator in COMPARATORS.items()}
_ACTION_NAMES = {action: name for name, action in ACTIONS.items()}
_LOCALE = {"In": "in", "NotIn": "not_in", "EqualTo": "in", "NotEqualTo": "not_in"}
_COUNTS = {PERCENT_APPROVED_TYPE: "percent_approved", NUMBER_HITS_APPROVED_TYPE: "hits_approved"}


def duration(seconds: int) -> str:
    """`45m`, `1h`, `3d`: the largest unit that states the seconds exactly (`90s` at worst)."""
    for unit, size in _LARGEST_FIRST:
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def qualification(requirement: Requirement, environment: str, hit_id: str) -> dict[str, Any]:
    """The `qualifications` entry for one requirement of HIT `hit_id`."""
    entry = _entry(requirement, environment)
    if entry is None:
        raise DeployError(f"HIT {hit_id} requires `{_shown(requirement)}`, which no "
                          "qualification form of a study file states; deploy cannot import it "
                          "(manage this HIT by hand, or expire it and post it again with deploy)")
    if requirement.actions_guarded != "Accept":
        entry["actions_guarded"] = _ACTION_NAMES[requirement.actions_guarded]
    return entry


def _entry(requirement: Requirement, environment: str) -> dict[str, Any] | None:
    type_id, comparator, values = (requirement.type_id, requirement.comparator,
                                   requirement.integer_values)
    if type_id == LOCALE_TYPE:
        return _locale(requirement)
    if type_id in _COUNTS:
        if comparator not in _BOUND_NAMES or len(values) != 1:
            return None
        return {_COUNTS[type_id]: {_BOUND_NAMES[comparator]: values[0]}}
    if type_id == ADULT_TYPE:
        return {"adult": True} if (comparator, values) == ("EqualTo", (1,)) else None
    if type_id in MASTERS_IDS.values():
        right = type_id == MASTERS_IDS[environment] and comparator == "Exists"
        return {"masters": True} if right else None
    if type_id.startswith(MANAGED) or comparator not in _COMPARATOR_NAMES:
        return None
    custom: dict[str, Any] = {"id": type_id, "comparator": _COMPARATOR_NAMES[comparator]}
    if values:
        custom["values"] = list(values)
    return {"custom": custom}


def _locale(requirement: Requirement) -> dict[str, Any] | None:
    how = _LOCALE.get(requirement.comparator)
    places = requirement.locale_values
    if how is None or not places or requirement.integer_values:
        return None
    if requirement.comparator in ("EqualTo", "NotEqualTo") and len(places) != 1:
        return None
    codes = [p.country + (f"-{p.subdivision}" if p.subdivision else "") for p in places]
    return {"locale": {how: codes}}



def _shown(requirement: Requirement) -> str:
    """The requirement as MTurk states it: `0000000000000000000L0 EqualTo 95`."""
    values = [str(v) for v in requirement.integer_values] + [
        p.country + (f"-{p.subdivision}" if p.subdivision else "")
        for p in requirement.locale_values]
    return " ".join([requirement.type_id, requirement.comparator, ",".join(values)]).strip()
