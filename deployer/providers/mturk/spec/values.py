"""MTurk's readings of study values: how far ahead closes_at may be, and the template's
placeholders, which `deploy init` writes and `deploy validate` notices when left in."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from deployer.providers.mturk.study import MAX_LIFETIME_DAYS
from deployer.spec.values import moment_problem

# What `deploy init` writes; a study that still says this was not finished.
PLACEHOLDERS = {
    ("title",): "A short title workers see in the HIT list",
    ("description",): "One or two sentences on what the task involves and how long it takes.",
    ("question", "external_url"): "https://example.org/your-study?source=mturk",
}
PLACEHOLDER_HINTS = {
    ("title",): "describe your study",
    ("description",): "say what the task involves and how long it takes",
    ("question", "external_url"): "give your study's https address",
}


def closes_at_problem(text: str, now: datetime) -> tuple[datetime | None, str]:
    """(the moment in UTC, "") or (None, what is wrong with it), within MTurk's reach."""
    moment, problem = moment_problem(text)
    if moment is None:
        return None, problem
    try:
        away = moment - now
    except OverflowError:
        return None, "is out of range"
    if away > timedelta(days=MAX_LIFETIME_DAYS):
        days = math.ceil(away / timedelta(days=1))
        return None, f"is {days:,} days away; MTurk keeps a HIT open at most " \
            f"{MAX_LIFETIME_DAYS} days"
    return moment, ""
