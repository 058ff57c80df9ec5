"""How a batch is named on MTurk: request tokens, annotations, and the desired HIT type.

Pure helpers shared by the planner and apply.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from deployer.core.address import study_of
from deployer.providers.mturk.plan.payloads import HitType
from deployer.providers.mturk.study import (
    MASTERS,
    MASTERS_IDS,
    PARTICIPANTS,
    Requirement,
    Study,
)

ANNOTATION_PREFIX = "deploy:"
_ANNOTATION = re.compile(
    r"^deploy:(?P<lineage>[0-9a-f]{8}):(?P<address>[^#/\s]+/[^#/\s]+)"
    r"#(?P<generation>[1-9][0-9]*):(?P<fingerprint>[0-9a-f]+)$"
)
LINEAGE_MARK = 8  # the lineage's first characters: enough to tell two projects apart
TOKEN_LENGTH = 64  # MTurk's UniqueRequestToken limit
EMPTY: Mapping[str, str] = {}
# The value of a participants type: took part (submitted, or rejected), or approved.
TOOK_PART = 1
APPROVED = 2


def _digest(*parts: object) -> str:
    # The unit separator cannot occur in names, so ("a", "bc") and ("ab", "c") never collide.
    blob = "\x1f".join(str(part) for part in parts).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def request_token(
    lineage: str, environment: str, address: str, generation: int, fingerprint: str
) -> str:
    """The CreateHIT token: the same batch generation always sends the same token."""
    return ("dpl-" + _digest(lineage, environment, address, generation, fingerprint))[:TOKEN_LENGTH]


def assignments_token(
    lineage: str, environment: str, address: str, generation: int, new_total: int
) -> str:
    """The CreateAdditionalAssignmentsForHIT token: one per (HIT, target MaxAssignments)."""
    return ("dpa-" + _digest(lineage, environment, address, generation, new_total))[:TOKEN_LENGTH]


def bonus_token(lineage: str, environment: str, assignment_id: str, target: str) -> str:
    """The SendBonus token: one per (assignment, total), so a repeated apply pays once."""
    return ("dpb-" + _digest(lineage, environment, assignment_id, target))[:TOKEN_LENGTH]


def annotation(lineage: str, address: str, generation: int, fingerprint: str) -> str:
    """The RequesterAnnotation that lets the lock be rebuilt from MTurk.

    It carries a mark of the lockfile's lineage, so two projects sharing one requester account
    (or one study name) never adopt each other's HITs by accident.
    """
    return f"{ANNOTATION_PREFIX}{lineage_mark(lineage)}:{address}#{generation}:{fingerprint}"


def lineage_mark(lineage: str) -> str:
    return hashlib.sha256(lineage.encode("utf-8")).hexdigest()[:LINEAGE_MARK]


@dataclass(frozen=True)
class Tag:
    """A deploy annotation read back from a HIT."""

    mark: str  # lineage_mark of the lockfile that created the HIT
    address: str
    generation: int
    fingerprint: str

    @property
    def study(self) -> str:
        return study_of(self.address)


def parse_annotation(text: str) -> Tag | None:
    """The deploy annotation in `text` (of any lockfile), or None for any other text."""
    match = _ANNOTATION.match(text or "")
    if match is None:
        return None
    return Tag(match["lineage"], match["address"], int(match["generation"]), match["fingerprint"])


def resolve(requirement: Requirement, environment: str,
            types: Mapping[str, str] = EMPTY) -> Requirement:
    """The requirement as MTurk takes it: the environment's Masters ID, and the ID of a type
    deploy manages where it is known (a type this apply creates first stays named)."""
    if requirement.type_id == MASTERS:
        return replace(requirement, type_id=MASTERS_IDS[environment])
    return replace(requirement, type_id=types.get(requirement.type_id, requirement.type_id))


def participant_requirements(study: Study) -> tuple[Requirement, ...]:
    """Who may take the study, by the types that record who took part in which study:
    hidden altogether (DiscoverPreviewAndAccept) from everyone else."""
    hidden = "DiscoverPreviewAndAccept"
    kept_out = ([study.name] if study.repeat_workers == "excluded" else []) + list(study.exclude)
    found = [Requirement(PARTICIPANTS + name, "DoesNotExist", actions_guarded=hidden)
             for name in kept_out]
    found += [Requirement(PARTICIPANTS + name, "GreaterThanOrEqualTo", (APPROVED,),
                          actions_guarded=hidden) if approved
              else Requirement(PARTICIPANTS + name, "Exists", actions_guarded=hidden)
              for name, approved in study.only]
    return tuple(found)


def hit_type(study: Study, environment: str, types: Mapping[str, str] = EMPTY) -> HitType:
    wanted = (*study.qualifications, *participant_requirements(study))
    return HitType(
        title=study.title,
        description=study.description,
        keywords=",".join(study.keywords),
        reward=f"{study.reward:.2f}",
        assignment_duration=study.assignment_duration,
        auto_approval_delay=study.auto_approval_delay,
        qualifications=tuple(resolve(q, environment, types) for q in wanted),
    )


def requires_masters(requirements: tuple[Requirement, ...]) -> bool:
    masters = {MASTERS, *MASTERS_IDS.values()}
    return any(q.type_id in masters for q in requirements)


def desired_expiry(study: Study, created_at: datetime) -> datetime:
    """When a HIT of this study created at `created_at` should expire."""
    if study.closes_at is not None:
        return study.closes_at
    return created_at + timedelta(seconds=study.lifetime or 0)
