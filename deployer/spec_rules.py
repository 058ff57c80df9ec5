"""One study document -> a Study value, applying the rules the schema cannot state.

Every rule runs on every field the schema found usable, so one pass reports all problems.
Money warnings state the dollars at stake, computed by deployer.cost.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from deployer import cost
from deployer.problems import Problem
from deployer.spec_quals import requirements
from deployer.spec_question import Rendered, render_question
from deployer.spec_schema import schema_problems
from deployer.spec_yaml import Document
from deployer.study import Requirement, Study

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
DAY = 86_400
LIMITS = {  # seconds, as MTurk enforces them (reference §4.1)
    "assignment_duration": (30, 365 * DAY),
    "lifetime": (30, 365 * DAY),
    "auto_approval_delay": (0, 30 * DAY),
}
DEFAULT_AUTO_APPROVAL = "3d"
MAX_KEYWORDS = 1000


def build_study(
    doc: Document, file: Path, name: str, raw: bytes
) -> tuple[Study | None, list[Problem]]:
    """The Study a document describes, or None, with every problem found on the way."""
    problems = [*doc.problems, *schema_problems(doc)]
    usable = _Usable(doc, {_top_field(p.field) for p in problems})
    durations = {f: _duration(usable, f, problems) for f in LIMITS}
    closes_at = _closes_at(usable, problems)
    _check_keywords(usable, problems)
    question = _question(usable, file, problems)
    quals = _qualifications(usable, problems)
    _check_money(usable, problems)
    if any(p.severity == "error" for p in problems) or question is None or quals is None:
        return None, problems
    data = doc.data
    study = Study(
        name=name,
        path=doc.path,
        title=data["title"],
        description=data["description"],
        keywords=tuple(data.get("keywords", ())),
        reward=_usd(data["reward"]),
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
        budget=_usd(data["budget"]) if "budget" in data else None,
        digest=_digest(raw, question.files),
    )
    return study, problems


class _Usable:
    """The document's fields that passed the schema, so rules can rely on their shape."""

    def __init__(self, doc: Document, broken: set[str]) -> None:
        self.doc = doc
        self.broken = broken

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


def _span(seconds: int) -> str:
    if seconds and seconds % DAY == 0:
        return f"{seconds // DAY} days"
    return f"{seconds} seconds"


def _closes_at(usable: _Usable, problems: list[Problem]) -> datetime | None:
    if not usable.has("closes_at"):
        return None
    text = str(usable.get("closes_at")).upper().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        problems.append(usable.doc.problem(("closes_at",), "is not a real date and time"))
        return None
    if moment.tzinfo is None:  # the schema's pattern requires a zone; keep the guarantee
        problems.append(usable.doc.problem(("closes_at",), "add a time zone, like Z or +02:00"))
        return None
    return moment.astimezone(timezone.utc)


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


def _check_money(usable: _Usable, problems: list[Problem]) -> None:
    if not usable.has("reward"):
        return
    reward = _usd(usable.get("reward"))
    if reward == 0:
        problems.append(usable.doc.problem(("reward",), _free_work(), "warning"))
    if not usable.has("assignments") or not usable.ok("max_assignments_per_hit"):
        return
    masters = _wants_masters(usable.get("qualifications"))
    assignments, per_hit = usable.get("assignments"), usable.get("max_assignments_per_hit")
    warning = _fee_warning(reward, assignments, per_hit, masters)
    if warning:
        field = "assignments" if per_hit is None else "max_assignments_per_hit"
        problems.append(usable.doc.problem((field,), warning, "warning"))
    if usable.has("budget"):
        message = _over_budget(reward, assignments, per_hit, masters, _usd(usable.get("budget")))
        if message:
            problems.append(usable.doc.problem(("budget",), message))


def _wants_masters(entries: Any) -> bool:
    """Read from the raw entries, so fees are estimated even when another entry is broken."""
    return isinstance(entries, list) and any(
        isinstance(e, dict) and e.get("masters") is True for e in entries
    )


def _free_work() -> str:
    fee = cost.fee_per_assignment(Decimal("0.00"), 1, masters=False)
    return f'is "0.00": workers would be paid nothing, and MTurk still charges its ' \
        f"{_money(fee)} minimum fee per assignment"


def _fee_warning(reward: Decimal, assignments: int, per_hit: int | None, masters: bool) -> str:
    if max(cost.batch_sizes(assignments, per_hit)) < cost.LARGE_HIT:
        return ""
    saving = cost.batching_saving(reward, assignments, per_hit, masters)
    if saving <= 0:
        return ""
    large = _percent(cost.fee_rate(cost.LARGE_HIT, masters))
    small = _percent(cost.fee_rate(cost.SMALL_BATCH, masters))
    why = f"HITs of 10 or more assignments pay a {large} fee instead of {small}"
    if per_hit is None:
        return f"is {assignments} in a single HIT; {why}; " \
            f"add max_assignments_per_hit: 9 to save {_money(saving)}"
    return f"is {per_hit}; {why}; batches of 9 would save {_money(saving)}"


def _over_budget(
    reward: Decimal, assignments: int, per_hit: int | None, masters: bool, budget: Decimal
) -> str:
    total = cost.study_cost(reward, assignments, per_hit, masters)
    if total <= budget:
        return ""
    rewards = (reward * assignments).quantize(cost.CENT)
    return (
        f"is {_money(budget)} but the study would cost {_money(total)} "
        f"({_money(rewards)} in rewards + {_money(total - rewards)} in MTurk fees); "
        "raise the budget or lower reward or assignments"
    )


def _usd(text: str) -> Decimal:
    return Decimal(text).quantize(cost.CENT)


def _money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def _percent(rate: Decimal) -> str:
    return f"{rate * 100:.0f}%"


def _digest(study: bytes, files: tuple[bytes, ...]) -> str:
    """sha256 over the study file and every file it references, each length-prefixed."""
    digest = hashlib.sha256()
    for blob in (study, *files):
        digest.update(len(blob).to_bytes(8, "big"))
        digest.update(blob)
    return digest.hexdigest()
