"""MTurk's lockfile records: one RecordedHit per HIT deploy created or adopted.

engine/ writes them in the `hits` list of each MTurk environment; the planner reads them;
the api steps produce new ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import ClassVar, Literal

from deployer.core.address import study_of
from deployer.providers.mturk.observed import ObservedHit
from deployer.providers.mturk.study import Notification

HitStatus = Literal["pending", "live", "expired", "gone"]
# pending: intent written (token known), outcome of CreateHIT not yet recorded
# live:    created and not expired by us
# expired: expired by deploy (study closed, file removed, or replaced); kept for results
# gone:    MTurk no longer knows the HIT (deleted, or disposed after 120 days)


@dataclass(frozen=True)
class RecordedHit:
    table: ClassVar[str] = "hits"

    address: str  # "<study>/<batch>", e.g. "emotion/b1"
    generation: int  # 1 for the first HIT of a batch, +1 on every replacement
    token: str  # the UniqueRequestToken sent with CreateHIT
    fingerprint: str  # Study.fingerprint at creation
    config_hash: str  # Study.config_hash at the last change
    created_with: int  # MaxAssignments at creation: <10 can never grow to >=10
    max_assignments: int  # MaxAssignments now (after extensions)
    status: HitStatus
    hit_id: str | None = None
    hit_type_id: str | None = None
    hit_group_id: str | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None

    @property
    def key(self) -> tuple[str | int, ...]:
        return (self.address, self.generation)

    @property
    def study(self) -> str:
        return study_of(self.address)


def newest(hits: Iterable[RecordedHit]) -> dict[str, RecordedHit]:
    """The newest generation of every address."""
    found: dict[str, RecordedHit] = {}
    for hit in hits:
        if hit.address not in found or hit.generation > found[hit.address].generation:
            found[hit.address] = hit
    return found


def live(record: RecordedHit, seen: ObservedHit) -> RecordedHit:
    """The record once MTurk holds the HIT: its IDs and times as MTurk reports them."""
    return replace(record, status="live", hit_id=seen.hit_id, hit_type_id=seen.hit_type_id,
                   hit_group_id=seen.hit_group_id, created_at=seen.created_at,
                   expires_at=seen.expires_at)


def adopted_record(
    address: str, generation: int, token: str, fingerprint: str, config_hash: str,
    hit: ObservedHit,
) -> RecordedHit:
    """The record of a HIT found on MTurk rather than created by this apply."""
    # A HIT with >= 10 now was created with >= 10: MTurk never lets one cross the line.
    found = RecordedHit(address, generation, token, fingerprint, config_hash,
                        created_with=hit.max_assignments, max_assignments=hit.max_assignments,
                        status="pending")
    return live(found, hit)


BonusStatus = Literal["pending", "sent"]
# pending: intent written (token known) before SendBonus; the outcome is not yet recorded
# sent:    MTurk accepted it (or answered that the token was already used)


@dataclass(frozen=True)
class RecordedBonus:
    """A bonus deploy asked MTurk to pay: the step from what was paid to `target` in total."""

    table: ClassVar[str] = "bonuses"

    address: str  # "<study>/<batch>/<assignment_id>"
    assignment_id: str
    target: str  # the review file's total for the assignment, "1.50"
    amount: str  # what this SendBonus pays, "0.50"
    token: str  # its UniqueRequestToken
    status: BonusStatus
    requested_at: datetime | None = None

    @property
    def key(self) -> tuple[str | int, ...]:
        return (self.assignment_id, self.target)

    @property
    def study(self) -> str:
        return study_of(self.address)


QualificationStatus = Literal["pending", "live", "disposed"]
# pending:  about to be created (CreateQualificationType has no token: found again by title)
# live:     MTurk holds it as type_id
# disposed: deleted by deploy (its file was removed)


@dataclass(frozen=True)
class RecordedQualificationType:
    """A qualification type deploy manages in this environment."""

    table: ClassVar[str] = "qualifications"

    name: str  # what deploy calls it: "participants:pilot", "qualification:native", ...
    title: str  # its Name on MTurk, unique on the account
    status: QualificationStatus
    type_id: str | None = None
    created_at: datetime | None = None

    @property
    def key(self) -> tuple[str | int, ...]:
        return (self.name,)


@dataclass(frozen=True)
class RecordedBlock:
    """A worker deploy blocked, by pseudonym: only blocks deploy made are ever lifted."""

    table: ClassVar[str] = "blocks"

    worker: str  # pseudonym
    status: Literal["blocked", "lifted"] = "blocked"

    @property
    def key(self) -> tuple[str | int, ...]:
        return (self.worker,)


@dataclass(frozen=True)
class RecordedMessage:
    """One group of at most 100 workers a message went to (NotifyWorkers has no token)."""

    table: ClassVar[str] = "messages"

    message: str  # Message.ident
    group: int
    study: str
    recipients: tuple[str, ...]  # pseudonyms
    status: Literal["pending", "sent"]  # pending: the call may or may not have gone out
    failed: tuple[str, ...] = ()  # pseudonyms MTurk could not notify

    @property
    def key(self) -> tuple[str | int, ...]:
        return (self.message, self.group)


@dataclass(frozen=True)
class RecordedNotification:
    """The notification specification deploy set on a HIT type. MTurk has no call that reads
    one back, so what was applied is compared with what the study asks for."""

    table: ClassVar[str] = "notifications"

    hit_type_id: str
    study: str
    status: Literal["on", "off"]  # off: switched off (the other fields are then empty)
    destination: str = ""
    transport: str = ""
    version: str = ""
    events: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str | int, ...]:
        return (self.hit_type_id,)

    @property
    def spec(self) -> Notification | None:
        if self.status == "off" or self.transport not in ("SQS", "SNS", "Email"):
            return None
        return Notification(self.destination, self.transport,  # type: ignore[arg-type]
                            self.events, self.version)


def notification_record(hit_type_id: str, study: str,
                        spec: Notification | None) -> RecordedNotification:
    if spec is None:
        return RecordedNotification(hit_type_id, study, "off")
    return RecordedNotification(hit_type_id, study, "on", spec.destination, spec.transport,
                                spec.version, spec.events)
