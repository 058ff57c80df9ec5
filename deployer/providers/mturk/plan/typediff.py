"""Compare the HIT type a study wants with the one MTurk reports, as `field: old -> new`."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation

from deployer.providers.mturk.observed import ObservedHit
from deployer.providers.mturk.plan.payloads import Edit, HitType
from deployer.providers.mturk.study import (
    ADULT_TYPE,
    LOCALE_TYPE,
    MASTERS,
    MASTERS_IDS,
    NUMBER_HITS_APPROVED_TYPE,
    PERCENT_APPROVED_TYPE,
    Requirement,
)

SYSTEM_NAMES = {
    LOCALE_TYPE: "Locale",
    NUMBER_HITS_APPROVED_TYPE: "NumberHITsApproved",
    ADULT_TYPE: "Adult",
    PERCENT_APPROVED_TYPE: "PercentAssignmentsApproved",
}


def describe(requirement: Requirement) -> str:
    """One requirement in a line: `Masters Exists`, `Locale In US,CA-WA`."""
    name = SYSTEM_NAMES.get(requirement.type_id, requirement.type_id)
    if name == MASTERS or name in MASTERS_IDS.values():
        name = "Masters"
    values = [str(v) for v in requirement.integer_values]
    values += [loc.country + (f"-{loc.subdivision}" if loc.subdivision else "")
               for loc in requirement.locale_values]
    text = f"{name} {requirement.comparator}"
    if values:
        text += " " + ",".join(values)
    if requirement.actions_guarded != "Accept":
        text += f" ({requirement.actions_guarded})"
    return text


def describe_all(requirements: tuple[Requirement, ...]) -> str:
    return "[" + "; ".join(sorted(describe(r) for r in requirements)) + "]"


def _keywords(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(",") if word.strip())


def _money(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


# MTurk treats a Locale EqualTo/NotEqualTo one place as In/NotIn that place; a study file
# states only the second, so a HIT posted with the first (by a notebook) is not a change.
_SAME_LOCALE = {"EqualTo": "In", "NotEqualTo": "NotIn"}


def _requirements_key(requirements: tuple[Requirement, ...]) -> list[str]:
    # MTurk does not promise to echo requirements in the order they were sent.
    return sorted(repr(_plain(r)) for r in requirements)


def _plain(requirement: Requirement) -> Requirement:
    if requirement.type_id == LOCALE_TYPE and requirement.comparator in _SAME_LOCALE:
        return replace(requirement, comparator=_SAME_LOCALE[requirement.comparator])
    return requirement


def type_changes(want: HitType, hit: ObservedHit) -> tuple[Edit, ...]:
    """Every HIT-type property that differs, compared after MTurk's normalisation."""
    changes: list[Edit] = []
    if want.title != hit.title:
        changes.append(Edit("title", hit.title, want.title))
    if want.description != hit.description:
        changes.append(Edit("description", hit.description, want.description))
    if _keywords(want.keywords) != _keywords(hit.keywords):
        changes.append(Edit("keywords", hit.keywords, want.keywords))
    if _money(want.reward) != _money(hit.reward):
        changes.append(Edit("reward", hit.reward, want.reward))
    if want.assignment_duration != hit.assignment_duration:
        changes.append(Edit("assignment_duration", str(hit.assignment_duration),
                              str(want.assignment_duration)))
    if want.auto_approval_delay != hit.auto_approval_delay:
        changes.append(Edit("auto_approval_delay", str(hit.auto_approval_delay),
                              str(want.auto_approval_delay)))
    if _requirements_key(want.qualifications) != _requirements_key(hit.qualifications):
        changes.append(Edit("qualifications", describe_all(hit.qualifications),
                              describe_all(want.qualifications),
                              detail=requirement_changes(hit.qualifications,
                                                         want.qualifications)))
    return tuple(changes)


def requirement_changes(old: tuple[Requirement, ...],
                        new: tuple[Requirement, ...]) -> tuple[str, ...]:
    """`- Locale In US`, `+ Locale In US,CA`: each requirement removed or added, whole."""
    before = sorted(describe(r) for r in old)
    after = sorted(describe(r) for r in new)
    removed = [f"- {text}" for text in before if text not in after]
    added = [f"+ {text}" for text in after if text not in before]
    return (*removed, *added)
