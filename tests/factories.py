"""Small builders of Study / Lock / Observed values for the pure planner and renderer tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from deployer.core.plan import Change, Plan
from deployer.core.planning import plan_environment
from deployer.core.provider import PlanOptions
from deployer.core.records import EnvLock, Lock, env_key, sort_records
from deployer.core.review import Desired, Review
from deployer.providers.mturk.observed import Observed, ObservedHit
from deployer.providers.mturk.plan.identity import annotation, hit_type, request_token
from deployer.providers.mturk.plan.payloads import Payload, payload_of
from deployer.providers.mturk.provider import MTURK
from deployer.providers.mturk.records import HitStatus, RecordedHit
from deployer.providers.mturk.study import Study

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)
LINEAGE = "lineage-1"
QUESTION = (
    '<ExternalQuestion xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/'
    '2006-07-14/ExternalQuestion.xsd"><ExternalURL>https://emotion.example.org/</ExternalURL>'
    "<FrameHeight>0</FrameHeight></ExternalQuestion>"
)


def study(name: str = "emotion", **changes: Any) -> Study:
    base = Study(
        name=name,
        path=f"studies/{name}.yaml",
        title="Rate the emotion in short videos",
        description="Watch a short clip and rate how the person feels.",
        keywords=("emotion", "rating", "video"),
        reward=Decimal("0.50"),
        assignments=9,
        max_assignments_per_hit=None,
        assignment_duration=3600,
        auto_approval_delay=86400,
        lifetime=7 * 86400,
        closes_at=None,
        question=QUESTION,
        qualifications=(),
        production=False,
        state="open",
        budget=None,
        digest="digest",
    )
    return replace(base, **changes)


def hit_id(address: str, generation: int = 1) -> str:
    """A stable, MTurk-looking HIT ID per (address, generation)."""
    study_name, batch = address.split("/")
    return f"3{study_name.upper()}{batch.upper()}G{generation}".ljust(30, "X")[:30]


def record(
    s: Study,
    batch: int = 1,
    *,
    size: int | None = None,
    created_with: int | None = None,
    generation: int = 1,
    status: HitStatus = "live",
    created_at: datetime = NOW - DAY,
    environment: str = "local",
    fingerprint: str | None = None,
) -> RecordedHit:
    address = f"{s.name}/b{batch}"
    size = s.assignments if size is None else size
    fingerprint = fingerprint or s.fingerprint
    expires = created_at + timedelta(seconds=s.lifetime) if s.lifetime else s.closes_at
    return RecordedHit(
        address=address,
        generation=generation,
        token=request_token(LINEAGE, environment, address, generation, fingerprint),
        fingerprint=fingerprint,
        config_hash=s.config_hash,
        created_with=size if created_with is None else created_with,
        max_assignments=size,
        status=status,
        hit_id=None if status == "pending" else hit_id(address, generation),
        hit_type_id="3TYPE" if status != "pending" else None,
        hit_group_id="3GROUP" if status != "pending" else None,
        created_at=created_at if status != "pending" else None,
        expires_at=expires if status != "pending" else None,
    )


def seen(
    s: Study,
    r: RecordedHit,
    *,
    pending: int = 0,
    submitted: int = 0,
    size: int | None = None,
    expires_at: datetime | None = None,
    environment: str = "local",
    **type_changes: Any,
) -> ObservedHit:
    """What MTurk reports for the recorded HIT `r` (same type as `s` unless overridden)."""
    t = hit_type(s, environment)
    size = r.max_assignments if size is None else size
    fields: dict[str, Any] = {
        "title": t.title,
        "description": t.description,
        "keywords": t.keywords,
        "reward": t.reward,
        "assignment_duration": t.assignment_duration,
        "auto_approval_delay": t.auto_approval_delay,
        "qualifications": t.qualifications,
    }
    fields.update(type_changes)
    return ObservedHit(
        hit_id=r.hit_id or hit_id(r.address, r.generation),
        hit_type_id="3TYPE",
        hit_group_id="3GROUP",
        status="Assignable",
        annotation=annotation(LINEAGE, r.address, r.generation, r.fingerprint),
        question=s.question,
        max_assignments=size,
        available=size - pending - submitted,
        pending=pending,
        completed=0,
        created_at=r.created_at or NOW - DAY,
        expires_at=expires_at or r.expires_at or NOW + DAY,
        **fields,
    )


def lock(*hits: RecordedHit, environment: str = "local",
         applied: tuple[tuple[str, tuple[str, ...]], ...] = (),
         sandbox: EnvLock | None = None) -> Lock:
    envs = {env_key("mturk", environment): EnvLock("mturk", environment, LINEAGE, serial=3,
                                                    records=sort_records(list(hits)),
                                                    applied=applied)}
    if sandbox is not None:
        envs[sandbox.name] = sandbox
    return Lock(envs)


def observed(*hits: ObservedHit, balance: Decimal | None = None) -> Observed:
    return Observed({h.hit_id: h for h in hits}, balance)


def run(
    studies: list[Study],
    the_lock: Lock | None = None,
    the_observed: Observed | None = None,
    *,
    environment: str = "local",
    now: datetime = NOW,
    options: PlanOptions | None = None,
    reviews: dict[str, Review] | None = None,
    saved: dict[str, int] | None = None,
) -> Plan:
    return plan_environment(
        MTURK,
        Desired(tuple(studies), reviews or {}, saved or {}),
        the_lock or lock(environment=environment),
        environment,
        the_observed or observed(),
        now,
        options or PlanOptions(),
    )


def actions(p: Plan) -> tuple[Payload, ...]:
    """The MTurk payloads of a plan's changes, in order."""
    return tuple(payload_of(c) for c in p.changes)


def change_of(p: Plan, payload: object) -> Change:
    """The change of `p` that carries `payload`."""
    return next(c for c in p.changes if c.payload is payload)


def deployed(s: Study, *sizes: int, **seen_changes: Any) -> tuple[Lock, Observed]:
    """The study as it stands after a clean apply: one live HIT per size (default: one HIT)."""
    sizes = sizes or (s.assignments,)
    records = [record(s, i + 1, size=size) for i, size in enumerate(sizes)]
    return lock(*records), observed(*(seen(s, r, **seen_changes) for r in records))
