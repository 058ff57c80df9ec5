"""Pay and review rules: the hourly pay against a floor, and time left to review work.

The floor is the study's `minimum_hourly_pay`, else the one in deploy.yaml, else the US federal
minimum wage. The pay is the reward over `estimated_duration` when the study gives one (what a
worker usually earns), else over `assignment_duration` (the least a worker can earn).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from deployer.providers.mturk.pay import FEDERAL_MINIMUM_WAGE, hourly, reward_for, span
from deployer.providers.mturk.spec.money import usd
from deployer.providers.mturk.spec.settings import Settings
from deployer.spec.document import Document
from deployer.spec.problems import Problem


class Fields(Protocol):
    """The study's schema-valid fields (rules._Usable)."""

    doc: Document

    def has(self, *fields: str) -> bool: ...
    def ok(self, field: str) -> bool: ...
    def get(self, field: str, default: Any = None) -> Any: ...


def minimum_pay(usable: Fields, settings: Settings) -> tuple[Decimal, str]:
    """(the floor, where it comes from)."""
    if usable.has("minimum_hourly_pay"):
        return usd(usable.get("minimum_hourly_pay")), "minimum_hourly_pay"
    if settings.minimum_hourly_pay is not None:
        return settings.minimum_hourly_pay, f"minimum_hourly_pay in {settings.path}"
    return FEDERAL_MINIMUM_WAGE, "the US federal minimum wage"


def check_pay(usable: Fields, durations: dict[str, int | None], floor: Decimal, source: str,
              problems: list[Problem]) -> None:
    allowed, estimated = durations["assignment_duration"], durations["estimated_duration"]
    if allowed is not None and estimated is not None and estimated > allowed:
        problems.append(usable.doc.problem(("estimated_duration",), (
            f"is {span(estimated)}, longer than assignment_duration ({span(allowed)}): workers "
            "would run out of time; raise assignment_duration or check the estimate")))
        return
    seconds, over = (estimated, "estimated_duration") if estimated else \
        (allowed, "assignment_duration")
    if not usable.has("reward") or seconds is None or floor <= 0:
        return
    reward = usd(usable.get("reward"))
    if reward == 0 or reward * 3600 / seconds >= floor:
        return  # a $0.00 reward has its own warning
    advice = f'raise reward to "{reward_for(floor, seconds)}" or more'
    if estimated is None:
        advice += ", or add estimated_duration if the task usually takes less time"
    problems.append(usable.doc.problem(("reward",), (
        f"pays ${hourly(reward, seconds)}/h over {over} ({span(seconds)}), below the minimum "
        f"hourly pay of ${floor:.2f} ({source}); {advice}"), "warning"))


def check_review_time(usable: Fields, durations: dict[str, int | None],
                      problems: list[Problem]) -> None:
    if durations["auto_approval_delay"] == 0 and usable.has("auto_approval_delay"):
        problems.append(usable.doc.problem(("auto_approval_delay",), (
            "is 0: MTurk approves and pays every submission at once, so no work can be "
            "rejected; give yourself time to review, like 3d"), "warning"))
