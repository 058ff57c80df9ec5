"""The emulator's records. Mutable on purpose: this is the service's database, not a value.

Every field is JSON-native (times are epoch seconds, money is a decimal string) so the whole
state round-trips through `to_json` / `from_json` without custom encoders.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class HitTypeRec:
    id: str
    group_id: str
    title: str
    description: str
    keywords: str | None
    reward: str
    assignment_duration: int
    auto_approval_delay: int
    requirements: list[dict[str, Any]]
    creation: float
    notification: dict[str, Any] | None = None
    notification_active: bool = False


@dataclass
class HitRec:
    id: str
    type_id: str
    creation: float
    expiration: float
    max_assignments: int
    created_with: int
    question: str
    annotation: str | None
    reviewing: bool = False
    ever_accepted: bool = False


@dataclass
class AssignmentRec:
    id: str
    hit_id: str
    worker_id: str
    accept_time: float
    deadline: float
    status: str = "Accepted"  # Accepted | Submitted | Approved | Rejected
    submit_time: float | None = None
    auto_approval_time: float | None = None
    approval_time: float | None = None
    rejection_time: float | None = None
    answer: str | None = None
    feedback: str | None = None


@dataclass
class WorkerRec:
    id: str
    country: str = "US"
    subdivision: str | None = None
    adult: bool = False
    masters: bool = False
    approved_count: int = 0
    percent_approved: int = 100


@dataclass
class QualTypeRec:
    id: str
    name: str
    description: str
    keywords: str | None
    status: str
    creation: float
    retry_delay: int | None = None
    test: str | None = None
    answer_key: str | None = None
    test_duration: int | None = None
    auto_granted: bool = False
    auto_granted_value: int | None = None


@dataclass
class QualRec:
    type_id: str
    worker_id: str
    grant_time: float
    value: int
    status: str = "Granted"


@dataclass
class BonusRec:
    worker_id: str
    amount: str
    assignment_id: str
    hit_id: str
    reason: str
    grant_time: float


@dataclass
class LedgerEntry:
    time: float
    kind: str  # reward | bonus
    assignment_id: str
    worker_id: str
    amount: str
    fee: str
    balance: str


@dataclass
class State:
    hits: dict[str, HitRec] = field(default_factory=dict)
    types: dict[str, HitTypeRec] = field(default_factory=dict)
    assignments: dict[str, AssignmentRec] = field(default_factory=dict)
    workers: dict[str, WorkerRec] = field(default_factory=dict)
    qual_types: dict[str, QualTypeRec] = field(default_factory=dict)
    quals: dict[str, QualRec] = field(default_factory=dict)  # key "<type>:<worker>"
    blocks: dict[str, str] = field(default_factory=dict)  # worker -> reason
    bonuses: list[BonusRec] = field(default_factory=list)
    ledger: list[LedgerEntry] = field(default_factory=list)
    tokens: dict[str, list[Any]] = field(default_factory=dict)  # key -> [time, result], by time
    balance: str = "10000.00"
    counter: int = 0


_MAPS = {
    "hits": HitRec,
    "types": HitTypeRec,
    "assignments": AssignmentRec,
    "workers": WorkerRec,
    "qual_types": QualTypeRec,
    "quals": QualRec,
}
_LISTS = {"bonuses": BonusRec, "ledger": LedgerEntry}


def to_json(state: State) -> dict[str, Any]:
    return asdict(state)


def from_json(data: dict[str, Any]) -> State:
    state = State()
    for name, cls in _MAPS.items():
        setattr(state, name, {k: cls(**v) for k, v in data.get(name, {}).items()})
    for name, item_cls in _LISTS.items():
        setattr(state, name, [item_cls(**v) for v in data.get(name, [])])
    simple = {f.name for f in fields(State)} - set(_MAPS) - set(_LISTS)
    for name in simple:
        if name in data:
            setattr(state, name, data[name])
    # The file is written with sorted keys; expiry reads the token store oldest first.
    state.tokens = dict(sorted(state.tokens.items(), key=lambda item: float(item[1][0])))
    return state
