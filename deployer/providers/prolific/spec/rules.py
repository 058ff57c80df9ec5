"""One Prolific study document -> a Study value, with the rules the schema cannot state: the
time limit Prolific allows, the reward per hour, unique completion codes, the participant ID in
the URL, the names of other studies, and the budget."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from deployer.core.study import Study as StudyEnvelope
from deployer.providers.prolific import platform
from deployer.providers.prolific.fees import study_cost
from deployer.providers.prolific.spec import template
from deployer.providers.prolific.spec.settings import read_settings
from deployer.providers.prolific.study import CompletionCode, Eligibility, Study
from deployer.spec.document import Document
from deployer.spec.problems import Problem, has_errors
from deployer.spec.schema import schema_problems
from deployer.spec.wording import closest

SCHEMA = "prolific-study.schema.json"
PARTICIPANT = "{{%PROLIFIC_PID%}}"
CENT = Decimal("0.01")


def build_study(doc: Document, file: Path, name: str, raw: bytes,
                now: datetime) -> tuple[StudyEnvelope | None, list[Problem]]:
    problems = [*doc.problems, *schema_problems(doc, SCHEMA)]
    if has_errors(problems):
        return None, problems
    data = doc.data
    settings, found = read_settings(file.parent)
    problems += found
    estimated = minutes(data["estimated_time"])
    floor = shortest_allowed(estimated)
    maximum = minutes(data["maximum_time"]) if "maximum_time" in data else floor
    if maximum < floor:
        problems.append(doc.problem(("maximum_time",), f"is {maximum} minutes; Prolific allows "
                                    f"at least {floor} for an estimated {estimated} (2 + 2T + "
                                    "2 sqrt(T) minutes): raise it, or leave it out"))
    reward = Decimal(data["reward"]).quantize(CENT)
    problems += _pay(doc, reward, estimated, settings.currency)
    problems += _codes(doc)
    problems += _names(doc, file, name)
    problems += _placeholders(doc)
    if PARTICIPANT not in data["external_url"]:
        problems.append(doc.problem(("external_url",), f"does not pass the participant ID: add "
                                    f"PROLIFIC_PID={PARTICIPANT} to know who did what",
                                    "warning"))
    study = Study(
        name=name, path=doc.path, title=data["title"], description=data["description"],
        external_url=data["external_url"], estimated_minutes=estimated,
        maximum_minutes=maximum, reward=reward, places=data["places"],
        completion_codes=tuple(_code(c) for c in data["completion_codes"]),
        eligibility=_eligibility(data.get("eligibility") or {}),
        devices=tuple(data.get("devices") or ("desktop", "tablet", "mobile")),
        production=data.get("production", False), state=data.get("state", "open"),
        budget=Decimal(data["budget"]).quantize(CENT) if "budget" in data else None,
        digest=hashlib.sha256(raw).hexdigest(), review=data.get("review", "manual"),
        project=data.get("project") or settings.project, currency=settings.currency,
        fee=settings.fee, vat=settings.vat)
    problems += _budget(doc, study, settings)
    return (None if has_errors(problems) else study), problems


def _placeholders(doc: Document) -> list[Problem]:
    """What `deploy init --platform prolific` wrote and nobody has replaced yet."""
    found = []
    if " ".join(doc.data["description"].split()) == template.DESCRIPTION:
        found.append(doc.problem(("description",), "is still the template's: say what "
                                 "participants will do", "warning"))
    if doc.data["external_url"].startswith(template.URL):
        found.append(doc.problem(("external_url",), "is still the template's example.org "
                                 "address: put your study's page here", "warning"))
    return found


def minutes(value: int | str) -> int:
    """Whole minutes from 45, "45m" or "2h"."""
    if isinstance(value, int):
        return value
    return int(value[:-1]) * (60 if value[-1] == "h" else 1)


def shortest_allowed(estimated: int) -> int:
    """Prolific's floor for the time limit, 2 + 2T + 2 sqrt(T) minutes (reference §3.1)."""
    return math.ceil(2 + 2 * estimated + 2 * math.sqrt(estimated))


def hourly(reward: Decimal, estimated: int) -> Decimal:
    return (reward * 60 / estimated).quantize(CENT, rounding=ROUND_HALF_UP)


def _pay(doc: Document, reward: Decimal, estimated: int, currency: str) -> list[Problem]:
    rate = hourly(reward, estimated)
    floor = platform.MINIMUM_HOURLY.get(currency, Decimal(0))
    sym = platform.SYMBOLS.get(currency, "")
    if rate >= floor:
        return []
    needed = (floor * estimated / 60).quantize(CENT, rounding="ROUND_UP")
    return [doc.problem(("reward",), f"is {sym}{reward} for an estimated {estimated} minutes, "
                        f"{sym}{rate} per hour; Prolific refuses to publish below {sym}{floor} "
                        f"per hour: pay at least \"{needed}\"")]


def _codes(doc: Document) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for index, entry in enumerate(doc.data["completion_codes"]):
        code = entry["code"]
        if code in seen:
            problems.append(doc.problem(("completion_codes", index, "code"), f"{code} is also "
                                        f"completion_codes[{seen[code]}]; each code must differ"))
        seen.setdefault(code, index)
    kinds = [entry.get("type", "completed") for entry in doc.data["completion_codes"]]
    if "completed" not in kinds:
        problems.append(doc.problem(("completion_codes",), "has no code of type completed: "
                                    "participants who finish could not say so", "warning"))
    return problems


def _names(doc: Document, file: Path, name: str) -> list[Problem]:
    eligibility = doc.data.get("eligibility") or {}
    known = sorted({f.stem for f in file.parent.glob("*.y*ml")} - {name})
    problems = []
    for key in ("exclude", "only"):
        for index, target in enumerate(eligibility.get(key) or ()):
            if target == name:
                problems.append(doc.problem(("eligibility", key, index), "is this study "
                                            "itself; Prolific lets each participant take a "
                                            "study once anyway"))
            elif target not in known:
                guess = closest(target, known)
                hint = f"; did you mean {guess}?" if guess else ""
                problems.append(doc.problem(("eligibility", key, index),
                                            f"there is no study named {target}{hint}"))
    age = eligibility.get("age") or {}
    if age.get("at_least", 0) > age.get("at_most", 100):
        problems.append(doc.problem(("eligibility", "age"), "at_least is above at_most"))
    return problems


def _budget(doc: Document, study: Study, settings: Any) -> list[Problem]:
    if study.budget is None:
        return []
    total = study_cost(study.reward, study.places, settings.fee, settings.vat)
    if total <= study.budget:
        return []
    sym = platform.SYMBOLS.get(settings.currency, "")
    return [doc.problem(("budget",), f"is {sym}{study.budget} but the study would cost "
                        f"{sym}{total} (rewards plus Prolific's fee and VAT); raise the budget "
                        "or lower reward or places")]


def _code(entry: dict[str, Any]) -> CompletionCode:
    return CompletionCode(entry["code"], entry.get("type", "completed").upper(),
                          entry.get("action", "manually_review").upper())


def _eligibility(data: dict[str, Any]) -> Eligibility:
    age = data.get("age")
    return Eligibility(
        countries=tuple(data.get("countries") or ()),
        approval_rate=(data.get("approval_rate") or {}).get("at_least"),
        age=(age.get("at_least"), age.get("at_most")) if age else None,
        exclude=tuple(data.get("exclude") or ()), only=tuple(data.get("only") or ()))
