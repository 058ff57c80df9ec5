"""One study document -> a Study value, applying the rules the schema cannot state.

Every rule runs on every field the schema found usable, so one pass reports all problems.
Money warnings state the dollars at stake, computed by deployer.cost.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from deployer.providers.mturk.spec.links import link_problems
from deployer.providers.mturk.spec.money import check_money, usd
from deployer.providers.mturk.spec.notifications import notification
from deployer.providers.mturk.spec.pay import check_pay, check_review_time, minimum_pay
from deployer.providers.mturk.spec.qualifications import requirements
from deployer.providers.mturk.spec.question import Rendered, render_question
from deployer.providers.mturk.spec.settings import read_settings
from deployer.providers.mturk.spec.values import PLACEHOLDER_HINTS, PLACEHOLDERS, closes_at_problem
from deployer.providers.mturk.study import MAX_LIFETIME_DAYS, Requirement, Study
from deployer.spec.document import Document
from deployer.spec.problems import Problem, has_errors
from deployer.spec.schema import schema_problems
from deployer.spec.values import UNITS, whole_numbers

DAY = 86_400
LIMITS = {  # seconds, as MTurk enforces them (reference §4.1)
    "assignment_duration": (30, MAX_LIFETIME_DAYS * DAY),
    "estimated_duration": (30, MAX_LIFETIME_DAYS * DAY),  # ours: never sent to MTurk
    "lifetime": (30, MAX_LIFETIME_DAYS * DAY),
    "auto_approval_delay": (0, 30 * DAY),
}
DEFAULT_AUTO_APPROVAL = "3d"
MAX_KEYWORDS = 1000
# Planning, costing and applying grow with a study's HITs; this bound keeps a typo such as
# `assignments: 1000000000` with batches of 1 from stalling validate, plan or CI.
MAX_HITS = 10_000


# Lists whose entries may all be commented out, leaving `keywords:` with nothing after it.
EMPTY_AS_NONE = ("keywords", "qualifications")


def build_study(
    doc: Document, file: Path, name: str, raw: bytes, now: datetime
) -> tuple[Study | None, list[Problem]]:
    """The Study a document describes, or None, with every problem found on the way.

    `now` (aware) is when the study is checked: closes_at must be within MTurk's reach.
    """
    doc = _without_empty_lists(doc)
    problems = [*doc.problems, *schema_problems(doc)]
    # The schema takes 9.0 as an integer; from here on it is one (boto3 refuses floats).
    doc = replace(doc, data=whole_numbers(doc.data))
    usable = _Usable(doc, {_top_field(p.field) for p in problems})
    durations = {f: _duration(usable, f, problems) for f in LIMITS}
    closes_at = _closes_at(usable, problems, now)
    _check_keywords(usable, problems)
    _check_placeholders(usable, problems)
    if usable.ok("exclude") and usable.ok("only") and usable.ok("qualifications"):
        problems.extend(link_problems(doc, file, name))
    question = _question(usable, file, problems)
    quals = _qualifications(usable, problems)
    notifications = notification(usable, problems)
    if _batches_bounded(usable, problems):
        check_money(usable, problems)
    settings, found = read_settings(file.parent)
    problems.extend(found)
    floor, source = minimum_pay(usable, settings)
    check_pay(usable, durations, floor, source, problems)
    check_review_time(usable, durations, problems)
    if has_errors(problems) or question is None or quals is None:
        return None, problems
    data = doc.data
    study = Study(
        name=name,
        path=doc.path,
        title=data["title"],
        description=data["description"],
        keywords=tuple(data.get("keywords", ())),
        reward=usd(data["reward"]),
        assignments=data["assignments"],
        max_assignments_per_hit=data.get("max_assignments_per_hit"),
        assignment_duration=durations["assignment_duration"] or 0,
        auto_approval_delay=durations["auto_approval_delay"] or 0,
        lifetime=durations["lifetime"],
        closes_at=closes_at,
        question=question.xml,
        qualifications=quals,
        production=data.get("production", False),
        state=data.get("state", "open"),
        review=data.get("review", "manual"),
        repeat_workers=data.get("repeat_workers") or _repeat_default(data),
        exclude=tuple(data.get("exclude", ())),
        only=tuple((o, False) if isinstance(o, str) else (o["study"], o.get("approved", False))
                   for o in data.get("only", ())),
        budget=usd(data["budget"]) if "budget" in data else None,
        digest=_digest(raw, question.files),
        estimated_duration=durations["estimated_duration"],
        question_file=_question_file(data["question"]),
        minimum_hourly_pay=floor,
        aws_account=data.get("aws_account", settings.aws_account),
        notifications=notifications,
    )
    return study, problems


def _repeat_default(data: dict[str, Any]) -> Literal["allowed", "excluded"]:
    """One response per person is the default once a study spans more than one HIT."""
    per_hit = data.get("max_assignments_per_hit")
    return "excluded" if per_hit is not None and data["assignments"] > per_hit else "allowed"


def _question_file(spec: dict[str, Any]) -> str:
    return str(spec.get("html_file") or spec.get("xml_file") or "")


def _without_empty_lists(doc: Document) -> Document:
    """`qualifications:` with nothing after it means none, as when every entry is commented out."""
    empty = [f for f in EMPTY_AS_NONE if f in doc.data and doc.data[f] is None]
    if not empty:
        return doc
    return replace(doc, data={**doc.data, **{f: [] for f in empty}})


class _Usable:
    """The document's fields that passed the schema, so rules can rely on their shape."""

    def __init__(self, doc: Document, broken: set[str]) -> None:
        self.doc = doc
        # An empty field is never valid; its error may be worded on another key (a
        # `question:` whose fields were not indented), so it is excluded here as well.
        self.broken = broken | {key for key, value in doc.data.items() if value is None}

    def has(self, *fields: str) -> bool:
        return all(f in self.doc.data and f not in self.broken for f in fields)

    def ok(self, field: str) -> bool:
        """Absent (so defaulted) or valid."""
        return field not in self.broken

    def get(self, field: str, default: Any = None) -> Any:
        return self.doc.data.get(field, default)


def _top_field(field: str) -> str:
    match = re.match(r"[^.\[]+", field)
    return match.group(0) if match else ""


def parse_duration(value: int | str) -> int:
    """Seconds in a schema-valid duration: 90, "90s", "45m", "2h", "7d" or "1w"."""
    if isinstance(value, int):
        return value
    return int(value[:-1]) * UNITS[value[-1]]


def _duration(usable: _Usable, field: str, problems: list[Problem]) -> int | None:
    default = DEFAULT_AUTO_APPROVAL if field == "auto_approval_delay" else None
    value = usable.get(field, default)
    if value is None or not usable.ok(field):
        return None
    seconds = parse_duration(value)
    low, high = LIMITS[field]
    if not low <= seconds <= high:  # integers were range-checked by the schema already
        side, limit = ("minimum", low) if seconds < low else ("maximum", high)
        problems.append(usable.doc.problem(
            (field,), f"is {value} ({seconds:,} seconds); the {side} is {_span(limit)}"
        ))
        return None
    return seconds


def _batches_bounded(usable: _Usable, problems: list[Problem]) -> bool:
    """Whether the study splits into at most MAX_HITS HITs (or cannot be counted yet)."""
    if not usable.has("assignments", "max_assignments_per_hit"):
        return True
    assignments, per_hit = usable.get("assignments"), usable.get("max_assignments_per_hit")
    hits = -(-assignments // per_hit)
    if hits <= MAX_HITS:
        return True
    problems.append(usable.doc.problem(
        ("max_assignments_per_hit",), f"is {per_hit:,}, which makes {hits:,} HITs of the "
        f"{assignments:,} assignments; deploy handles at most {MAX_HITS:,} HITs per study: "
        "raise max_assignments_per_hit, or split the study into several files"))
    return False


def _span(seconds: int) -> str:
    if seconds and seconds % DAY == 0:
        return f"{seconds // DAY} days"
    return f"{seconds} seconds"


def _closes_at(usable: _Usable, problems: list[Problem], now: datetime) -> datetime | None:
    if not usable.has("closes_at"):
        return None
    moment, message = closes_at_problem(str(usable.get("closes_at")), now)
    if message:
        problems.append(usable.doc.problem(("closes_at",), message))
    elif moment is not None and moment <= now and usable.get("state", "open") != "closed":
        problems.append(usable.doc.problem(("closes_at",), (
            f"is {moment:%Y-%m-%dT%H:%M:%SZ}, which has passed: no HIT of this study can be "
            "created, and `deploy apply` expires the open ones; move it later, or set "
            "`state: closed`"), "warning"))
    return moment


def _check_placeholders(usable: _Usable, problems: list[Problem]) -> None:
    """The template's example text left in: valid, but surely not what workers should see."""
    for path, text in PLACEHOLDERS.items():
        if usable.ok(path[0]) and _value_at(usable.doc.data, path) == text:
            problems.append(usable.doc.problem(
                path, f"still the template's placeholder; {PLACEHOLDER_HINTS[path]}", "warning"
            ))


def _value_at(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _check_keywords(usable: _Usable, problems: list[Problem]) -> None:
    if not usable.has("keywords"):
        return
    joined = ",".join(usable.get("keywords"))
    if len(joined) > MAX_KEYWORDS:
        problems.append(usable.doc.problem(
            ("keywords",), f"are {len(joined):,} characters joined with commas; "
            f"MTurk accepts at most {MAX_KEYWORDS:,}",
        ))


def _question(usable: _Usable, file: Path, problems: list[Problem]) -> Rendered | None:
    if not usable.has("question"):
        return None
    rendered, found = render_question(usable.doc, file)
    problems.extend(found)
    return rendered


def _qualifications(usable: _Usable, problems: list[Problem]) -> tuple[Requirement, ...] | None:
    """The requirements, or None when some entry is broken (its good siblings still get
    checked, so a misspelt form does not hide a wrong country code next to it)."""
    if not usable.ok("qualifications"):
        broken = {p.field for p in problems if p.field.startswith("qualifications")}
        if "qualifications" not in broken:
            skip = {int(m.group(1)) for f in broken
                    if (m := re.match(r"qualifications\[(\d+)\]", f))}
            problems.extend(requirements(usable.doc, skip)[1])
        return None
    found, wrong = requirements(usable.doc, set())
    problems.extend(wrong)
    return found


def _digest(study: bytes, files: tuple[bytes, ...]) -> str:
    """sha256 over the study file and every file it references, each length-prefixed."""
    digest = hashlib.sha256()
    for blob in (study, *files):
        digest.update(len(blob).to_bytes(8, "big"))
        digest.update(blob)
    return digest.hexdigest()
