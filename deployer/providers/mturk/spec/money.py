"""Money rules: free work, the 40% fee step and the budget, each stating the dollars at stake.

Amounts are computed by deployer.cost; this module only decides what to tell the user.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from deployer.providers.mturk import fees
from deployer.spec.document import Document
from deployer.spec.problems import Problem


class Fields(Protocol):
    """The study's schema-valid fields (spec_rules._Usable)."""

    doc: Document

    def has(self, *fields: str) -> bool: ...
    def ok(self, field: str) -> bool: ...
    def get(self, field: str, default: Any = None) -> Any: ...


def check_money(usable: Fields, problems: list[Problem]) -> None:
    if not usable.has("reward"):
        return
    reward = usd(usable.get("reward"))
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
        message = _over_budget(reward, assignments, per_hit, masters, usd(usable.get("budget")))
        if message:
            problems.append(usable.doc.problem(("budget",), message))


def _wants_masters(entries: Any) -> bool:
    """Read from the raw entries, so fees are estimated even when another entry is broken."""
    return isinstance(entries, list) and any(
        isinstance(e, dict) and e.get("masters") is True for e in entries
    )


def _free_work() -> str:
    fee = fees.fee_per_assignment(Decimal("0.00"), 1, masters=False)
    return f'is "0.00": workers would be paid nothing, and MTurk still charges its ' \
        f"{_money(fee)} minimum fee per assignment"


def _fee_warning(reward: Decimal, assignments: int, per_hit: int | None, masters: bool) -> str:
    if max(fees.batch_sizes(assignments, per_hit)) < fees.LARGE_HIT:
        return ""
    saving = fees.batching_saving(reward, assignments, per_hit, masters)
    if saving <= 0:
        return ""
    large = _percent(fees.fee_rate(fees.LARGE_HIT, masters))
    small = _percent(fees.fee_rate(fees.SMALL_BATCH, masters))
    why = f"HITs of 10 or more assignments pay a {large} fee instead of {small}"
    if per_hit is None:
        return f"is {assignments} in a single HIT; {why}; " \
            f"add max_assignments_per_hit: 9 to save {_money(saving)}"
    return f"is {per_hit}; {why}; batches of 9 would save {_money(saving)}"


def _over_budget(
    reward: Decimal, assignments: int, per_hit: int | None, masters: bool, budget: Decimal
) -> str:
    total = fees.study_cost(reward, assignments, per_hit, masters)
    if total <= budget:
        return ""
    rewards = (reward * assignments).quantize(fees.CENT)
    return (
        f"is {_money(budget)} but the study would cost {_money(total)} "
        f"({_money(rewards)} in rewards + {_money(total - rewards)} in MTurk fees); "
        "raise the budget or lower reward or assignments"
    )


def usd(text: str) -> Decimal:
    """A schema-valid amount ("1.5", "12.00") as dollars and cents."""
    return Decimal(text).quantize(fees.CENT)


def _money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def _percent(rate: Decimal) -> str:
    return f"{rate * 100:.0f}%"
