"""Readable qualification entries -> normalised Requirement values (reference §4.2-4.4).

The study says `percent_approved: {at_least: 95}`; MTurk wants a type ID, a comparator and
integer or locale values. The mapping lives here, with the rules the schema cannot state.
"""

from __future__ import annotations

import re
from typing import Any

from deployer.providers.mturk.study import (
    ADULT_TYPE,
    LOCALE_TYPE,
    MASTERS,
    MASTERS_IDS,
    NAMED,
    NUMBER_HITS_APPROVED_TYPE,
    PERCENT_APPROVED_TYPE,
    Locale,
    Requirement,
)
from deployer.spec.countries import COMMON_MISTAKES, COUNTRIES, US_SUBDIVISIONS
from deployer.spec.document import Document
from deployer.spec.problems import Problem

BOUNDS = {
    "at_least": "GreaterThanOrEqualTo",
    "at_most": "LessThanOrEqualTo",
    "more_than": "GreaterThan",
    "less_than": "LessThan",
}
COMPARATORS = {
    "exists": "Exists",
    "does_not_exist": "DoesNotExist",
    "equal_to": "EqualTo",
    "not_equal_to": "NotEqualTo",
    "less_than": "LessThan",
    "less_than_or_equal_to": "LessThanOrEqualTo",
    "greater_than": "GreaterThan",
    "greater_than_or_equal_to": "GreaterThanOrEqualTo",
    "in": "In",
    "not_in": "NotIn",
}
ACTIONS = {
    "accept": "Accept",
    "preview_and_accept": "PreviewAndAccept",
    "discover_preview_and_accept": "DiscoverPreviewAndAccept",
}
_CODE = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{2})?$")  # the schema's pattern for a locale code
_SYSTEM_FORMS = {
    LOCALE_TYPE: "locale",
    PERCENT_APPROVED_TYPE: "percent_approved",
    NUMBER_HITS_APPROVED_TYPE: "hits_approved",
    ADULT_TYPE: "adult",
}


def requirements(
    doc: Document, skip: set[int]
) -> tuple[tuple[Requirement, ...], list[Problem]]:
    """The requirements of the schema-valid `qualifications` entries (all but those in
    `skip`), and any rule they break. The skipped entries' well-formed country codes are
    still checked, so one bad code does not hide another in the same list."""
    found: list[Requirement] = []
    problems: list[Problem] = []
    for index, item in enumerate(doc.data.get("qualifications", [])):
        if index in skip:
            problems.extend(_broken_locale_codes(doc, index, item))
            continue
        requirement, wrong = _requirement(doc, index, item)
        found.append(requirement)
        problems.extend(wrong)
    return tuple(found), problems


def _requirement(
    doc: Document, index: int, item: dict[str, Any]
) -> tuple[Requirement, list[Problem]]:
    guarded = ACTIONS[item.get("actions_guarded", "accept")]
    if "locale" in item:
        return _locale(doc, index, item["locale"], guarded)
    if "percent_approved" in item:
        return _bound(PERCENT_APPROVED_TYPE, item["percent_approved"], guarded), []
    if "hits_approved" in item:
        return _bound(NUMBER_HITS_APPROVED_TYPE, item["hits_approved"], guarded), []
    if "adult" in item:
        return Requirement(ADULT_TYPE, "EqualTo", (1,), actions_guarded=guarded), []
    if "masters" in item:
        return Requirement(MASTERS, "Exists", actions_guarded=guarded), []
    if "qualification" in item:
        return _named(item["qualification"], guarded), []
    return _custom(doc, index, item["custom"], guarded)


def _named(condition: dict[str, Any], guarded: str) -> Requirement:
    """`{name: native-speaker, at_least: 1}`: the type's ID is found per environment."""
    [(how, value)] = [(k, v) for k, v in condition.items() if k != "name"]
    type_id = NAMED + condition["name"]
    if how in ("exists", "does_not_exist"):
        return Requirement(type_id, COMPARATORS[how], actions_guarded=guarded)
    comparator = BOUNDS.get(how) or COMPARATORS[how]
    return Requirement(type_id, comparator, (value,), actions_guarded=guarded)


def _bound(type_id: str, condition: dict[str, int], guarded: str) -> Requirement:
    [(bound, value)] = condition.items()
    return Requirement(type_id, BOUNDS[bound], (value,), actions_guarded=guarded)


def _locale(
    doc: Document, index: int, condition: dict[str, list[str]], guarded: str
) -> tuple[Requirement, list[Problem]]:
    [(how, codes)] = condition.items()
    problems = _code_problems(doc, index, how, codes)
    locales = tuple(
        Locale(*code.split("-", 1)) if "-" in code else Locale(code) for code in codes
    )
    comparator = "In" if how == "in" else "NotIn"
    return Requirement(LOCALE_TYPE, comparator, locale_values=locales,
                       actions_guarded=guarded), problems


def _broken_locale_codes(doc: Document, index: int, item: Any) -> list[Problem]:
    condition = item.get("locale") if isinstance(item, dict) else None
    if not isinstance(condition, dict):
        return []
    problems: list[Problem] = []
    for how, codes in condition.items():
        if how in ("in", "not_in") and isinstance(codes, list):
            problems.extend(_code_problems(doc, index, how, codes))
    return problems


def _code_problems(doc: Document, index: int, how: str, codes: list[Any]) -> list[Problem]:
    """Problems with the codes that have the schema's shape (the schema reports the rest)."""
    return [
        doc.problem(("qualifications", index, "locale", how, position), message)
        for position, code in enumerate(codes)
        if isinstance(code, str) and _CODE.match(code) and (message := _code_problem(code))
    ]


def _code_problem(code: str) -> str:
    country, _, part = code.partition("-")
    if country not in COUNTRIES or not part:
        return _country_problem(country)
    if country == "US" and part not in US_SUBDIVISIONS:
        return f"{code} is not a US state or subdivision code (like US-WA, US-NY)"
    return ""


def _country_problem(country: str) -> str:
    if country in COUNTRIES:
        return ""
    if country in COMMON_MISTAKES:
        return f"{country} is not an ISO country code; write {COMMON_MISTAKES[country]}"
    return f"{country} is not an ISO 3166-1 country code (like US, GB, DE, IN)"


def _custom(
    doc: Document, index: int, custom: dict[str, Any], guarded: str
) -> tuple[Requirement, list[Problem]]:
    type_id, name = custom["id"], custom["comparator"]
    values = tuple(custom.get("values", ()))
    requirement = Requirement(type_id, COMPARATORS[name], values, actions_guarded=guarded)
    at = ("qualifications", index, "custom")
    if type_id in MASTERS_IDS.values():
        return requirement, [doc.problem((*at, "id"), "is a Masters ID; write `masters: true` "
                                         "instead (the ID differs between sandbox and production)")]
    if type_id in _SYSTEM_FORMS:
        form = _SYSTEM_FORMS[type_id]
        return requirement, [doc.problem((*at, "id"), f"is MTurk's {form} type; write the "
                                         f"`{form}:` form instead")]
    message = _values_problem(name, values)
    return requirement, [doc.problem((*at, "values") if "values" in custom else at, message)] \
        if message else []


def _values_problem(comparator: str, values: tuple[int, ...]) -> str:
    if comparator in ("exists", "does_not_exist"):
        return f"{comparator} takes no values; remove values" if values else ""
    if comparator in ("in", "not_in"):
        return "" if values else f"{comparator} needs 1 to 15 values, like values: [1, 2]"
    if len(values) != 1:
        return f"{comparator} takes exactly one value, like values: [1] (found {len(values)})"
    return ""
