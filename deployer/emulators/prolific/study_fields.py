"""The fields of a study as a researcher writes them (reference §3.1, §3.3), checked all at
once: every problem is reported under its field name before anything is stored.

Fields the emulator does not know are kept and echoed (reference §14.11); features Prolific
gates per workspace (Taskflow, AI Task Builder, credential pools, filter sets, signed URLs,
dynamic and screen-out payments) are refused, since no local workspace has them.
"""

from __future__ import annotations

import math
import re
from typing import Any

from deployer.emulators.prolific import filters
from deployer.emulators.prolific.backend import Backend
from deployer.emulators.prolific.errors import Problems
from deployer.emulators.prolific.schema import GROUPS
from deployer.emulators.prolific.wire import whole

REQUIRED = ("name", "description", "external_study_url", "prolific_id_option",
            "total_available_places", "estimated_completion_time", "reward")
ID_OPTIONS = ("question", "url_parameters", "not_required")
DEVICES = ("desktop", "tablet", "mobile")
PERIPHERALS = ("audio", "camera", "download", "microphone")
LABELS = ("survey", "writing_task", "annotation", "decision_making_task", "interview", "other",
          "ai_annotation", "ai_evaluation", "ai_reasoning", "ai_fact_checking", "ai_safety",
          "ai_data_creation_text", "ai_data_creation_audio", "ai_data_creation_video",
          "ai_data_creation_images", "ai_other")
WARNINGS = ("sensitive", "explicit")
ACTIONS = ("AUTOMATICALLY_APPROVE", "MANUALLY_REVIEW", "ADD_TO_PARTICIPANT_GROUP",
           "REMOVE_FROM_PARTICIPANT_GROUP", "REQUEST_RETURN")
GATED_ACTIONS = ("DYNAMIC_PAYMENT", "FIXED_SCREEN_OUT_PAYMENT")
GATED = ("access_details", "data_collection_method", "data_collection_id",
         "data_collection_metadata", "credential_pool_id", "filter_set_id")
# Computed by the service: ignored when sent, never echoed over the real value.
READ_ONLY = ("id", "status", "places_taken", "number_of_submissions", "total_cost",
             "date_created", "published_at", "started_publishing_at", "workspace",
             "is_ready_to_publish", "currency_code", "researcher", "_links")
ALLOWED_TAGS = ("b", "i", "em", "strong", "s", "u", "h1", "h2", "ol", "ul", "li", "p")
TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)[^>]*>")
URL = re.compile(r"https?://[^\s/?#]+[^\s]*")


def minimum_time(estimated: int) -> int:
    """The floor on maximum_allowed_time, minutes: 2 + 2X + 2*sqrt(X) (2026 spec), rounded up."""
    return math.ceil(2 + 2 * estimated + 2 * math.sqrt(estimated))


def sanitise(description: str) -> str:
    """Keeps the tags Prolific keeps (without attributes) and drops the markup of others."""
    def keep(match: re.Match[str]) -> str:
        closing, tag = match.group(1), match.group(2).lower()
        return f"<{closing}{tag}>" if tag in ALLOWED_TAGS else ""

    return TAG.sub(keep, description)


def checked(emu: Backend, workspace_id: str, project_id: str, fields: dict[str, Any],
            problems: Problems) -> dict[str, Any]:
    """`fields` checked and completed with defaults; problems are added, not raised."""
    out = {k: v for k, v in fields.items() if k not in READ_ONLY}
    for name in REQUIRED:
        if out.get(name) is None:
            problems.add(name, "This field is required.")
    _texts(out, problems)
    _numbers(out, problems)
    _lists(out, problems)
    _gated(out, problems)
    out["completion_codes"] = _codes(emu, workspace_id, out.get("completion_codes"), problems)
    filters.check(emu, workspace_id, project_id, out.get("filters"), problems)
    out.setdefault("filters", [])
    out["submissions_config"] = submissions_config(out.get("submissions_config"), problems)
    return out


def _texts(out: dict[str, Any], problems: Problems) -> None:
    for name in ("name", "description"):
        value = out.get(name)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            problems.add(name, "This field may not be blank." if isinstance(value, str)
                         else "Not a valid string.")
    if isinstance(out.get("description"), str):
        out["description"] = sanitise(out["description"])
    for name in ("internal_name", "content_warning_details", "metadata"):
        if out.get(name) is not None and not isinstance(out[name], str):
            problems.add(name, "Not a valid string.")
    url = out.get("external_study_url")
    if url is not None and (not isinstance(url, str) or not URL.fullmatch(url)):
        problems.add("external_study_url", "Enter a valid URL (http or https).")
    option = out.get("prolific_id_option")
    if option is not None and option not in ID_OPTIONS:
        problems.add("prolific_id_option", f'"{option}" is not a valid choice.')


def _numbers(out: dict[str, Any], problems: Problems) -> None:
    for name, lowest in (("total_available_places", 1), ("estimated_completion_time", 1),
                         ("reward", 0)):
        value = out.get(name)
        if value is None:
            continue
        if not whole(value) or value < lowest:
            problems.add(name, f"A whole number of at least {lowest} is required.")
        else:
            out[name] = int(value)
    estimated = out.get("estimated_completion_time")
    floor = minimum_time(estimated) if isinstance(estimated, int) and estimated > 0 else None
    allowed = out.get("maximum_allowed_time")
    if allowed is None:
        if floor is not None:
            out["maximum_allowed_time"] = floor
    elif not whole(allowed):
        problems.add("maximum_allowed_time", "A whole number of minutes is required.")
    elif floor is not None and allowed < floor:
        problems.add("maximum_allowed_time", f"Ensure this value is at least {floor} minutes "
                     f"(2 + 2X + 2*sqrt(X) for an estimated time of {estimated} minutes).")
    else:
        out["maximum_allowed_time"] = int(allowed)
    rate = out.get("naivety_distribution_rate")
    if rate is not None and (isinstance(rate, bool) or not isinstance(rate, (int, float))
                             or not 0 <= rate <= 1):
        problems.add("naivety_distribution_rate", "A number from 0 to 1 is required.")


def _lists(out: dict[str, Any], problems: Problems) -> None:
    for name, choices in (("device_compatibility", DEVICES),
                          ("peripheral_requirements", PERIPHERALS), ("study_labels", LABELS)):
        value = out.setdefault(name, [])
        if not isinstance(value, list) or len(set(map(str, value))) != len(value):
            problems.add(name, "Expected a list of distinct choices.")
            continue
        for item in value:
            if item not in choices:
                problems.add(name, f'"{item}" is not a valid choice.')
    if isinstance(out["study_labels"], list) and len(out["study_labels"]) > 1:
        problems.add("study_labels", "Only one label is allowed at present.")
    warning = out.get("content_warnings")
    listed = warning if isinstance(warning, list) else [warning]
    if warning is not None and not all(w in WARNINGS for w in listed):
        problems.add("content_warnings", f"Choose from {list(WARNINGS)}.")


def _gated(out: dict[str, Any], problems: Problems) -> None:
    for name in GATED:
        if out.get(name) not in (None, [], {}):
            problems.add(name, "This feature is not enabled for this workspace.")
    if out.get("is_external_study_url_secure"):
        problems.add("is_external_study_url_secure",
                     "This feature is not enabled for this workspace.")


def _codes(emu: Backend, workspace_id: str, codes: Any, problems: Problems) -> list[Any]:
    if codes is None:
        return []
    if not isinstance(codes, list):
        problems.add("completion_codes", "Expected a list of completion codes.")
        return []
    normal = [_code(emu, workspace_id, n, code, problems) for n, code in enumerate(codes)]
    named = [c["code"] for c in normal if c.get("code") is not None]
    if len(named) != len(set(named)):
        problems.add("completion_codes", "Each code must be unique within the study.")
    if any(c.get("code") is None for c in normal) and (
            len(normal) != 1 or normal[0]["actor"] != "participant" or normal[0]["actions"]):
        problems.add("completion_codes", "A null code is allowed only as the single, "
                     "participant code with no actions.")
    return normal


def _code(emu: Backend, workspace_id: str, number: int, code: Any,
          problems: Problems) -> dict[str, Any]:
    where = f"Completion code {number}:"
    if not isinstance(code, dict):
        problems.add("completion_codes", f"{where} expected an object.")
        return {}
    out = {**code, "actor": code.get("actor", "participant"), "actions": code.get("actions", [])}
    if out.get("code") is not None and (not isinstance(out["code"], str) or not out["code"]):
        problems.add("completion_codes", f"{where} code is a non-empty string or null.")
    if not isinstance(out.get("code_type"), str) or not out["code_type"]:
        problems.add("completion_codes", f"{where} code_type is required.")
    if out["actor"] not in ("participant", "researcher"):
        problems.add("completion_codes", f"{where} actor is participant or researcher.")
    actions = out["actions"] if isinstance(out["actions"], list) else None
    if actions is None or not all(isinstance(a, dict) for a in actions):
        problems.add("completion_codes", f"{where} actions is a list of objects.")
        return out
    kinds = [a.get("action") for a in actions]
    for action in actions:
        message = _action_problem(emu, workspace_id, action)
        if message:
            problems.add("completion_codes", f"{where} {message}")
    if "AUTOMATICALLY_APPROVE" in kinds and "MANUALLY_REVIEW" in kinds:
        problems.add("completion_codes", f"{where} AUTOMATICALLY_APPROVE and MANUALLY_REVIEW "
                     "cannot be combined.")
    return out


def _action_problem(emu: Backend, workspace_id: str, action: dict[str, Any]) -> str | None:
    kind = action.get("action")
    if kind in GATED_ACTIONS:
        return f"{kind} is not enabled for this workspace."
    if kind not in ACTIONS:
        return f'"{kind}" is not a valid action; choose from {list(ACTIONS)}.'
    if kind in ("ADD_TO_PARTICIPANT_GROUP", "REMOVE_FROM_PARTICIPANT_GROUP"):
        group = GROUPS.get(emu.db, str(action.get("participant_group")))
        if group is None or group.workspace_id != workspace_id or group.is_deleted:
            return f"{kind} names no participant group of this workspace."
    if kind == "REQUEST_RETURN" and not isinstance(action.get("return_reason", ""), str):
        return "return_reason is a string."
    return None


def submissions_config(value: Any, problems: Problems) -> dict[str, Any]:
    """`submissions_config` with its defaults (1 per participant, no concurrency limit)."""
    base: dict[str, Any] = {"max_submissions_per_participant": 1,
                            "max_concurrent_submissions": -1, "auto_rejection_categories": []}
    if value is None:
        return base
    if not isinstance(value, dict):
        problems.add("submissions_config", "Expected an object.")
        return base
    out = {**base, **value}
    for name in ("max_submissions_per_participant", "max_concurrent_submissions"):
        number = out[name]
        if not whole(number) or (number != -1 and number < 1):
            problems.add("submissions_config", f"{name} is -1 (no limit) or at least 1.")
        else:
            out[name] = int(number)
    categories = out["auto_rejection_categories"]
    if not isinstance(categories, list) or not set(categories) <= {"EXCEPTIONALLY_FAST"}:
        problems.add("submissions_config",
                     "auto_rejection_categories is a list drawn from ['EXCEPTIONALLY_FAST'].")
    return out
