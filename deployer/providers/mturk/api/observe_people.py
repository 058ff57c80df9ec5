"""Observing who may work: the types deploy manages (recorded, or found by title), who holds
them, the account's blocks, and whether the custom type IDs studies name exist here."""

from __future__ import annotations

from collections.abc import Iterable

from deployer.core.records import EnvLock
from deployer.core.review import Desired
from deployer.providers.mturk.api.client import MTurk
from deployer.providers.mturk.api.wire import observed_type
from deployer.providers.mturk.observed import ObservedQualificationType, Participants
from deployer.providers.mturk.plan.participants import Wanted, wanted_types
from deployer.providers.mturk.records import RecordedBlock, RecordedQualificationType
from deployer.providers.mturk.study import (
    ADULT_TYPE,
    LOCALE_TYPE,
    MANAGED,
    MASTERS,
    MASTERS_IDS,
    NAMED,
    NUMBER_HITS_APPROVED_TYPE,
    PERCENT_APPROVED_TYPE,
    Study,
)

SYSTEM = {ADULT_TYPE, LOCALE_TYPE, NUMBER_HITS_APPROVED_TYPE, PERCENT_APPROVED_TYPE, MASTERS,
          *MASTERS_IDS.values()}


def wanted_here(env: EnvLock, desired: Desired) -> list[Wanted]:
    studies = [s for s in desired.studies if isinstance(s, Study)]
    return wanted_types(env.lineage, studies, desired.qualifications, bool(desired.compensation))


def observe_people(mturk: MTurk, env: EnvLock, desired: Desired) -> Participants:
    records = {r.name: r for r in env.of(RecordedQualificationType)}
    types: dict[str, ObservedQualificationType] = {}
    titles: dict[str, str] = {}
    ids: dict[str, str] = {}
    for want in wanted_here(env, desired):
        record = records.get(want.name)
        if record is not None and record.status == "live" and record.type_id:
            raw = mturk.qualification_type(record.type_id)
        else:
            raw = mturk.qualification_type_titled(want.spec.title)
            if raw is not None:
                titles[want.spec.title] = raw["QualificationTypeId"]
        if raw is not None:
            types[raw["QualificationTypeId"]] = observed_type(raw)
            ids[want.name] = raw["QualificationTypeId"]
    grants = {type_id: mturk.workers_with(type_id)
              for name, type_id in ids.items() if _granted(name, desired)}
    blocks = mturk.blocks() if desired.blocks is not None or env.of(RecordedBlock) else None
    return Participants(types, titles, grants, blocks, frozenset(_unknown(mturk, desired)))


def _granted(name: str, desired: Desired) -> bool:
    """Whether deploy manages who holds the type (not so for a declared type without CSV)."""
    if name.startswith(NAMED):
        spec = desired.qualifications.get(name[len(NAMED):])
        return spec is not None and spec.grants is not None
    return True


def _unknown(mturk: MTurk, desired: Desired) -> Iterable[str]:
    custom = {q.type_id for s in desired.studies if isinstance(s, Study)
              for q in s.qualifications
              if q.type_id not in SYSTEM and not q.type_id.startswith(MANAGED)}
    return [type_id for type_id in sorted(custom) if mturk.qualification_type(type_id) is None]
