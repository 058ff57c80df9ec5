"""The plan as a value: generic changes, each with its reason, cost and the provider's payload.

Like Terraform's plan entries, a Change carries what every reader needs (address, verb, reason,
cost, the attribute lines a reviewer reads, before/after data for machines) and an opaque payload
that only its provider reads when it carries the change out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from deployer.core.address import study_of

ZERO = Decimal("0.00")

Verb = Literal["create", "update", "replace", "expire", "pause", "adopt", "forget", "approve",
               "reject", "pay", "dispose", "grant", "revoke", "block", "unblock", "stop",
               "publish", "start"]


@dataclass(frozen=True)
class Attribute:
    """One line under a change: `field: new`, or `field: old -> new` when `old` is given."""

    field: str
    new: str
    old: str | None = None
    forces_replacement: bool = False
    quoted: bool = False  # free text: shown in quotes, cut when long
    # Lines shown under the attribute instead of `old -> new`, each starting with a diff mark
    # ("+ ", "- ", "  " or "@@"): added and removed requirements, a question's short diff.
    detail: tuple[str, ...] = ()
    identity: bool = False  # names the object (its ID): left out where like changes are grouped


@dataclass(frozen=True)
class Change:
    address: str
    verb: Verb
    kind: str  # the provider's name for it, e.g. "extend" or "update_type"
    reason: str
    cost: Decimal  # what the change adds to the money committed (may be negative)
    attributes: tuple[Attribute, ...] = ()
    before: Mapping[str, Any] | None = None  # JSON-ready, for machines
    after: Mapping[str, Any] | None = None
    config: str | None = None  # the study configuration the change brings about
    payload: object = None  # the provider's own data: only the provider reads it
    # Changes run stage by stage (what others need first, such as a qualification type the
    # HITs require, has a lower stage); within a stage, addresses run concurrently.
    stage: int = 1

    @property
    def study(self) -> str:
        return study_of(self.address)


@dataclass(frozen=True)
class Note:
    """A drift report, warning or error tied to an address (or a study name, or nothing)."""

    address: str
    message: str
    hint: str = ""


@dataclass(frozen=True)
class StudyCost:
    study: str
    added: Decimal  # what this plan adds
    committed: Decimal  # what the study commits in total once the plan is applied
    budget: Decimal | None
    saving: Decimal = ZERO  # what the platform's advice (Platform.saving) would save


@dataclass(frozen=True)
class Platform:
    """How plans speak of a platform: its name, its title, and its money."""

    name: str  # "mturk"
    title: str  # "MTurk"
    unit: str  # what a study asks the platform for, in advice: "assignments"
    thing: str  # what the lockfile records one of: "HIT"
    object_column: str = "hit_id"  # results' column for what `thing` is
    submission_column: str = "assignment_id"  # results' and reviews' column for a submission
    saving: str = ""  # the cost table's heading for StudyCost.saving ("" when never offered)
    size: str = ""  # the attribute giving one object's size: grouped changes read "300 HITs of 9"
    symbol: str = "$"  # of the currency its money is in
    review_columns: tuple[str, ...] = ()  # what a review file asks beyond the decision's
    currency: str = "USD"  # ISO 4217, of all its money


@dataclass(frozen=True)
class Payer:
    """Whose platform account a plan spends from, as the credentials in use say (MTurk: the
    AWS account and the caller's ARN). Plans of an emulator have none."""

    account: str  # the account that pays
    identity: str  # who acts for it, as shown to the reviewer
    # What must stay the same for a saved plan to be applied: the identity without what
    # changes from one login to the next (an assumed role's session name).
    principal: str = ""

    def same_as(self, other: Payer | None) -> bool:
        return other is not None and (self.account, self.principal or self.identity) == (
            other.account, other.principal or other.identity)


@dataclass(frozen=True)
class Plan:
    platform: Platform
    environment: str
    created_at: datetime
    changes: tuple[Change, ...]
    drift: tuple[Note, ...]
    warnings: tuple[Note, ...]
    errors: tuple[Note, ...]
    costs: tuple[StudyCost, ...]
    balance: Decimal | None
    payer: Payer | None = None

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    @property
    def added_cost(self) -> Decimal:
        return sum((c.added for c in self.costs), ZERO)
