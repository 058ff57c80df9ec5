"""Filters (reference §8.2): checked when a study is written, evaluated when a simulated
participant tries to reserve a place.

All filters of a study must pass (AND); the values of one select filter are any-of. Group
lists are read live (membership may change while a study runs); previous-studies lists are
frozen at publish, as on Prolific. A filter the emulator does not model is read from the
participant's `attributes` (their answers to other prescreeners); a participant with no answer
is not eligible, as on Prolific.
"""

from __future__ import annotations

import re
from typing import Any

from deployer.emulators.prolific.backend import Backend
from deployer.emulators.prolific.errors import Problems
from deployer.emulators.prolific.records import ParticipantRec, StudyRec
from deployer.emulators.prolific.schema import GROUPS, MEMBERS, STUDIES, SUBMISSIONS

OBJECT_ID = re.compile(r"[0-9a-f]{24}")
# `current-country-of-residence` choices. Prolific's real table is not public; only "1" =
# United States is known from clients, the rest is this emulator's own.
COUNTRIES = {"1": ("US", "United States"), "2": ("GB", "United Kingdom"),
             "3": ("CA", "Canada"), "4": ("AU", "Australia"), "5": ("IE", "Ireland"),
             "6": ("DE", "Germany"), "7": ("FR", "France"), "8": ("NL", "Netherlands"),
             "9": ("ES", "Spain"), "10": ("ZA", "South Africa")}
GROUP_LISTS = ("participant_group_allowlist", "participant_group_blocklist")
CUSTOM_LISTS = ("custom_allowlist", "custom_blocklist")
STUDY_LISTS = ("previous_studies_allowlist", "previous_studies_blocklist")
COUNTRY = "current-country-of-residence"
SELECTS = (*GROUP_LISTS, *CUSTOM_LISTS, *STUDY_LISTS, COUNTRY)
RANGES = {"approval_rate": (0, 100), "age": (18, 100)}
COMPOSITES = ("and", "or")


def check(emu: Backend, workspace_id: str, project_id: str, filters: Any,
          problems: Problems) -> None:
    """Adds to `problems` what is wrong with a study's `filters` (null and [] are everyone)."""
    if filters is None:
        return
    if not isinstance(filters, list):
        problems.add("filters", "Expected a list of filters.")
        return
    for number, item in enumerate(filters):
        for message in _check_one(emu, workspace_id, project_id, item):
            problems.add("filters", f"Filter {number}: {message}")


def _check_one(emu: Backend, workspace_id: str, project_id: str, item: Any) -> list[str]:
    if not isinstance(item, dict) or not isinstance(item.get("filter_id"), str):
        return ["each filter is an object with a filter_id."]
    name = item["filter_id"]
    if name in COMPOSITES:
        inner = item.get("selected_filters")
        if not isinstance(inner, list) or not inner:
            return [f"'{name}' needs a non-empty list of selected_filters."]
        return [m for sub in inner for m in _check_one(emu, workspace_id, project_id, sub)]
    values, bounds = item.get("selected_values"), item.get("selected_range")
    if (values is None) == (bounds is None):
        return [f"'{name}' needs either selected_values or selected_range."]
    if values is not None:
        if name in RANGES:
            return [f"'{name}' is a range filter: use selected_range."]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return [f"'{name}': selected_values is a list of strings."]
        return _check_values(emu, workspace_id, project_id, name, values)
    if name in SELECTS:
        return [f"'{name}' is a select filter: use selected_values."]
    return _check_range(name, bounds)


def _check_values(emu: Backend, workspace_id: str, project_id: str, name: str,
                  values: list[str]) -> list[str]:
    if name in GROUP_LISTS:
        bad = [v for v in values if (g := GROUPS.get(emu.db, v)) is None
               or g.workspace_id != workspace_id or g.is_deleted]
        return [f"'{name}': no participant group {v} in this workspace." for v in bad]
    if name in CUSTOM_LISTS:
        return [f"'{name}': {v!r} is not a participant ID." for v in values
                if not OBJECT_ID.fullmatch(v)]
    if name in STUDY_LISTS:
        return [f"'{name}': study {v} is not in the same project as this study."
                for v in values
                if (s := STUDIES.get(emu.db, v)) is None or s.project_id != project_id]
    if name == COUNTRY:
        return [f"'{name}': {v!r} is not one of the choices {sorted(COUNTRIES, key=int)}."
                for v in values if v not in COUNTRIES]
    return []


def _check_range(name: str, bounds: Any) -> list[str]:
    if not isinstance(bounds, dict):
        return [f"'{name}': selected_range is an object with lower and upper."]
    lower, upper = bounds.get("lower"), bounds.get("upper")
    numbers = [v for v in (lower, upper) if v is not None]
    if not numbers or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                              for v in numbers):
        return [f"'{name}': lower and upper are numbers (at least one of them)."]
    low, high = RANGES.get(name, (float("-inf"), float("inf")))
    if not all(low <= v <= high for v in numbers):
        return [f"'{name}': the range must lie within {low}-{high}."]
    if lower is not None and upper is not None and lower > upper:
        return [f"'{name}': lower is more than upper."]
    return []


def study_ids(filters: Any) -> set[str]:
    """Every study named by a previous-studies filter, composites included."""
    found: set[str] = set()
    for item in filters or []:
        if item.get("filter_id") in COMPOSITES:
            found |= study_ids(item.get("selected_filters"))
        elif item.get("filter_id") in STUDY_LISTS:
            found |= set(item.get("selected_values") or [])
    return found


def freeze(emu: Backend, study: StudyRec) -> None:
    """Records, at publish, who took part in the studies the filters name."""
    frozen: dict[str, list[str]] = {}
    for study_id in sorted(study_ids(study.fields.get("filters"))):
        rows = emu.db.execute("SELECT DISTINCT participant_id FROM submissions "
                              "WHERE study_id = ?", (study_id,)).fetchall()
        frozen[study_id] = sorted(row[0] for row in rows)
    study.frozen = frozen


def exclusion(emu: Backend, study: StudyRec, person: ParticipantRec) -> str | None:
    """Why `person` may not take part in `study`, or None."""
    devices = study.fields.get("device_compatibility") or []
    if devices and not set(devices) & set(person.devices):
        return (f"the study needs one of the devices {devices}; the participant has "
                f"{person.devices}")
    for item in study.fields.get("filters") or []:
        if not _passes(emu, study, person, item):
            return f"the participant does not pass the filter {item.get('filter_id')!r}"
    return None


def _passes(emu: Backend, study: StudyRec, person: ParticipantRec, item: dict[str, Any]) -> bool:
    name: str = item["filter_id"]
    if name in COMPOSITES:
        results = (_passes(emu, study, person, sub) for sub in item["selected_filters"])
        return all(results) if name == "and" else any(results)
    if "selected_range" in item and item["selected_range"] is not None:
        return _in_range(_attribute(person, name), item["selected_range"])
    chosen: set[str] = set(item.get("selected_values") or [])
    if name in GROUP_LISTS:
        member = any(MEMBERS.get(emu.db, g, person.id) is not None for g in chosen)
        return member == (name == "participant_group_allowlist")
    if name in CUSTOM_LISTS:
        return (person.id in chosen) == (name == "custom_allowlist")
    if name in STUDY_LISTS:
        took_part = any(person.id in study.frozen.get(s, []) for s in chosen)
        return took_part == (name == "previous_studies_allowlist")
    if name == COUNTRY:
        return any(COUNTRIES[c][0] == person.country for c in chosen if c in COUNTRIES)
    answer = person.attributes.get(name)
    answers = set(answer) if isinstance(answer, list) else {answer}
    return bool({str(a) for a in answers if a is not None} & chosen)


def _attribute(person: ParticipantRec, name: str) -> Any:
    builtin = {"approval_rate": person.approval_rate, "age": person.age}
    return builtin[name] if name in builtin else person.attributes.get(name)


def _in_range(value: Any, bounds: dict[str, Any]) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    lower, upper = bounds.get("lower"), bounds.get("upper")
    return (lower is None or value >= lower) and (upper is None or value <= upper)


def took_part(emu: Backend, study_id: str, participant_id: str) -> bool:
    return bool(SUBMISSIONS.where(emu.db, "study_id = ? AND participant_id = ?",
                                  (study_id, participant_id), limit=1))


def catalogue() -> list[dict[str, Any]]:
    """GET /filters/: the filters this emulator models."""
    selects = [{"filter_id": name, "title": name.replace("_", " ").capitalize(),
                "type": "select", "data_type": _data_type(name), "choices": {}}
               for name in (*GROUP_LISTS, *CUSTOM_LISTS, *STUDY_LISTS)]
    country = {"filter_id": COUNTRY, "title": "Current Country of Residence", "type": "select",
               "data_type": "ChoiceID", "choices": {k: v[1] for k, v in COUNTRIES.items()}}
    ranges = [{"filter_id": name, "title": name.replace("_", " ").capitalize(), "type": "range",
               "data_type": "integer", "min": low, "max": high}
              for name, (low, high) in RANGES.items()]
    return [*selects, country, *ranges]


def _data_type(name: str) -> str:
    if name in GROUP_LISTS:
        return "ParticipantGroupID"
    return "ParticipantID" if name in CUSTOM_LISTS else "StudyID"
