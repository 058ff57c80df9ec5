"""QualificationRequirement validation, normalisation (reference §4.2) and matching (§4.3)."""

from __future__ import annotations

from typing import Any

from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.exceptions import invalid, turk
from deployer.emulators.mturk.records import WorkerRec
from deployer.emulators.mturk.schema import QUAL_TYPES, QUALS

LOCALE = "00000000000000000071"
PERCENT_APPROVED = "000000000000000000L0"
NUMBER_APPROVED = "00000000000000000040"
ADULT = "00000000000000000060"
SYSTEM_TYPES = {
    PERCENT_APPROVED: "Worker_PercentAssignmentsApproved",
    NUMBER_APPROVED: "Worker_NumberHITsApproved",
    LOCALE: "Worker_Locale",
    ADULT: "Worker_Adult",
}
COMPARATORS = ("LessThan", "LessThanOrEqualTo", "GreaterThan", "GreaterThanOrEqualTo", "EqualTo",
               "NotEqualTo", "Exists", "DoesNotExist", "In", "NotIn")
SCALAR = COMPARATORS[:6]
ACTIONS = ("Accept", "PreviewAndAccept", "DiscoverPreviewAndAccept")
NEW_WORKER_HISTORY = 100  # below this many approved assignments the approval rate reads 100
NAME = "QualificationRequirements"


def normalise(emu: Backend, raw: list[Any]) -> list[dict[str, Any]]:
    if len(raw) > 10:
        raise invalid(NAME, f"{len(raw)} requirements", "At most 10 are allowed.")
    return [_one(emu, item) for item in raw]


def _one(emu: Backend, item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise invalid(NAME, item)
    type_id = item.get("QualificationTypeId")
    comparator = item.get("Comparator")
    if not isinstance(type_id, str) or comparator not in COMPARATORS:
        raise invalid("Comparator" if isinstance(type_id, str) else "QualificationTypeId",
                      comparator if isinstance(type_id, str) else type_id)
    check_requirable(emu, type_id)
    out: dict[str, Any] = {"QualificationTypeId": type_id, "Comparator": comparator}
    if type_id == LOCALE:
        out["LocaleValues"] = _locales(comparator, item)
    else:
        values = _integers(comparator, item)
        if values is not None:
            out["IntegerValues"] = values
    out.update(_actions(item))
    return out


def check_requirable(emu: Backend, type_id: str) -> None:
    """System types, and the requester's types that are neither deleted nor Inactive (a type's
    status decides "if HITs can be created with requirements based on this type")."""
    if type_id in SYSTEM_TYPES or type_id == emu.masters_id:
        return
    kind = QUAL_TYPES.get(emu.db, type_id)
    if kind is None or kind.deleted is not None:
        raise turk("QualificationTypeDoesNotExist",
                   f"QualificationType {type_id} does not exist.")
    if kind.status != "Active":
        raise turk("InvalidQualificationTypeState",
                   f"QualificationType {type_id} is Inactive: new HITs cannot require it.")


def _integers(comparator: str, item: dict[str, Any]) -> list[int] | None:
    values = item.get("IntegerValues")
    if item.get("LocaleValues"):
        raise invalid("LocaleValues", item["LocaleValues"], "Only Worker_Locale takes locales.")
    if comparator in ("Exists", "DoesNotExist"):
        if values:
            raise invalid("IntegerValues", values, f"{comparator} takes no values.")
        return None
    limit = 1 if comparator in SCALAR else 15
    if (not isinstance(values, list) or not 1 <= len(values) <= limit
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in values)):
        raise invalid("IntegerValues", values)
    return list(values)


def _locales(comparator: str, item: dict[str, Any]) -> list[dict[str, str]]:
    values = item.get("LocaleValues")
    if item.get("IntegerValues") or comparator not in ("EqualTo", "NotEqualTo", "In", "NotIn"):
        raise invalid("Comparator", comparator, "Worker_Locale takes locale values only.")
    limit = 1 if comparator in ("EqualTo", "NotEqualTo") else 30
    if not isinstance(values, list) or not 1 <= len(values) <= limit:
        raise invalid("LocaleValues", values)
    return [_locale(v) for v in values]


def _locale(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise invalid("LocaleValues", value)
    country, sub = value.get("Country"), value.get("Subdivision")
    if not isinstance(country, str) or len(country) != 2 or not country.isalpha():
        raise invalid("Country", country)
    out = {"Country": country.upper()}
    if sub is not None:
        if not isinstance(sub, str) or len(sub) != 2:
            raise invalid("Subdivision", sub)
        out["Subdivision"] = sub.upper()
    return out


def _actions(item: dict[str, Any]) -> dict[str, Any]:
    guarded, preview = item.get("ActionsGuarded"), item.get("RequiredToPreview")
    if guarded is not None and preview is not None:
        raise invalid("RequiredToPreview", preview, "Do not combine it with ActionsGuarded.")
    if guarded is None:
        if preview is not None and not isinstance(preview, bool):
            raise invalid("RequiredToPreview", preview)
        guarded = "PreviewAndAccept" if preview else "Accept"
    if guarded not in ACTIONS:
        raise invalid("ActionsGuarded", guarded)
    return {"ActionsGuarded": guarded, "RequiredToPreview": guarded != "Accept"}


# --- matching, for simulated workers ------------------------------------------------------
def worker_value(emu: Backend, worker: WorkerRec, type_id: str) -> int | None:
    if type_id == PERCENT_APPROVED:
        # MTurk shows 100% until a worker has 100 assignments (reference §4.3); the emulator
        # counts a worker's history by NumberHITsApproved.
        if worker.approved_count < NEW_WORKER_HISTORY:
            return 100
        return worker.percent_approved
    if type_id == NUMBER_APPROVED:
        return worker.approved_count
    if type_id == ADULT:
        return 1 if worker.adult else 0
    if type_id == emu.masters_id:
        return 1 if worker.masters else None
    qual = QUALS.get(emu.db, type_id, worker.id)
    return qual.value if qual is not None and qual.status == "Granted" else None


def satisfies(emu: Backend, worker: WorkerRec, req: dict[str, Any]) -> bool:
    comparator = req["Comparator"]
    if req["QualificationTypeId"] == LOCALE:
        return _locale_match(worker, req["LocaleValues"], comparator)
    value = worker_value(emu, worker, req["QualificationTypeId"])
    if comparator == "DoesNotExist":
        return value is None
    if value is None:
        return False
    values: list[int] = req.get("IntegerValues", [])
    return _compare(comparator, value, values)


def _compare(comparator: str, value: int, values: list[int]) -> bool:
    match comparator:
        case "Exists":
            return True
        case "In":
            return value in values
        case "NotIn":
            return value not in values
        case "LessThan":
            return value < values[0]
        case "LessThanOrEqualTo":
            return value <= values[0]
        case "GreaterThan":
            return value > values[0]
        case "GreaterThanOrEqualTo":
            return value >= values[0]
        case "EqualTo":
            return value == values[0]
        case _:
            return value != values[0]


def _locale_match(worker: WorkerRec, locales: list[dict[str, str]], comparator: str) -> bool:
    def hit(locale: dict[str, str]) -> bool:
        if locale["Country"] != worker.country:
            return False
        return "Subdivision" not in locale or locale["Subdivision"] == worker.subdivision

    found = any(hit(locale) for locale in locales)
    return found if comparator in ("EqualTo", "In") else not found
