"""Carrying out MTurk changes: intent before each call, outcome after, each safe to repeat.

Apply never looks at live state to change its mind: it executes what the plan says. Every
create writes its intent (address + token) before the call and the HIT ID right after it, so a
killed apply can be rerun and converges without a duplicate HIT.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from deployer.core.address import study_of
from deployer.core.errors import DeployError
from deployer.core.provider import Clock, Recorder, Report
from deployer.core.text import plural
from deployer.providers.mturk.api.client import INVALID_ASSIGNMENT_STATE, MTurk, MTurkError
from deployer.providers.mturk.api.people import PeopleSteps, resolved, resolved_type
from deployer.providers.mturk.observed import ObservedHit
from deployer.providers.mturk.plan.payloads import (
    Adopt,
    Approve,
    Create,
    Expire,
    Extend,
    Forget,
    NewHit,
    Pay,
    Payload,
    Reject,
    Replace,
    SetNotifications,
    UpdateType,
)
from deployer.providers.mturk.records import (
    RecordedBonus,
    RecordedHit,
    RecordedNotification,
    adopted_record,
    live,
    notification_record,
)
from deployer.providers.mturk.study import Notification


class Steps:
    def __init__(self, mturk: MTurk, recorder: Recorder, clock: Clock, report: Report) -> None:
        self.mturk = mturk
        self.recorder = recorder
        self.clock = clock
        self.report = report

    def run(self, payload: Payload) -> None:
        match payload:
            case Create(hit=hit):
                self.create(hit)
            case Replace(old_hit_id=old, hit=hit):
                self.replace(old, hit)
            case Extend():
                self.extend(payload)
            case UpdateType(hit_id=hit_id, hit_type=hit_type, config_hash=config_hash):
                seen = self.mturk.update_type(hit_id, resolved_type(hit_type, self.recorder))
                self.mark(payload.address, payload.generation, hit_type_id=seen.hit_type_id,
                          hit_group_id=seen.hit_group_id, config_hash=config_hash)
                self.report(f"{payload.address}: HIT type of {hit_id} updated")
                self.notifications_of(seen.hit_type_id, payload.address, payload.notification)
            case SetNotifications():
                self.set_notifications(payload)
            case Expire(address=address, hit_id=hit_id, generation=generation):
                self.expire(address, generation, hit_id)
            case Adopt(address=address, observed=seen):
                self.recorder.put(adopted_record(
                    address, payload.generation, payload.token, payload.fingerprint,
                    payload.config_hash, seen))
                self.report(f"{address}: adopted {seen.hit_id} into the lockfile")
            case Forget(address=address, hit_id=hit_id, generation=generation):
                self.mark(address, generation, status="gone")
                self.report(f"{address}: {hit_id} no longer exists on MTurk; recorded as gone")
            case Approve():
                self.approve(payload)
            case Reject():
                self.reject(payload)
            case Pay():
                self.pay(payload)
            case _:
                PeopleSteps(self.mturk, self.recorder, self.clock, self.report).run(payload)

    def mark(self, address: str, generation: int, **changes: object) -> None:
        self.recorder.update(RecordedHit, (address, generation), **changes)

    def create(self, hit: NewHit) -> None:
        planned = intent(hit)
        self.recorder.put(planned)
        seen = self.mturk.create_hit(resolved(hit, self.recorder), self.clock())
        self.recorder.put(live(planned, seen))
        self.notifications_of(seen.hit_type_id, hit.address, hit.notification)
        url = self.mturk.endpoint.preview_url(seen.hit_group_id)
        size = hit.max_assignments
        noun = "assignment" if size == 1 else "assignments"
        self.report(f"{hit.address}: created {seen.hit_id} ({size} {noun})")
        if url:
            self.report.link(url)

    def extend(self, action: Extend) -> None:
        if action.add_assignments:
            # Recorded first, like a create's intent: a kill right after MTurk added them must
            # not leave the lockfile behind (the token makes the retry safe).
            self.mark(action.address, action.generation,
                      max_assignments=action.new_max_assignments)
            self.mturk.add_assignments(
                action.hit_id, action.add_assignments, action.assignments_token
            )
            self.report(f"{action.address}: +{action.add_assignments} assignments")
        if action.expires_at is None:
            self.mark(action.address, action.generation, config_hash=action.config_hash)
            return
        self.mturk.set_expiry(action.hit_id, action.expires_at)
        self.mark(action.address, action.generation, expires_at=action.expires_at,
                  status="live", config_hash=action.config_hash)
        self.report(f"{action.address}: expiry moved to {action.expires_at:%Y-%m-%d %H:%M} UTC")

    def expire(self, address: str, generation: int, hit_id: str) -> ObservedHit | None:
        now = self.clock()
        seen = self.mturk.expire(hit_id, now)
        self.mark(address, generation, status="expired", expires_at=now)
        self.report(f"{address}: expired {hit_id}")
        return seen

    def replace(self, old: str, hit: NewHit) -> None:
        """Expire, then carry what is still unstarted now: workers may have accepted more of
        the old HIT since the plan was made, and that work must not be paid twice."""
        # A replacement is the next generation of its batch (plan/batches.py).
        seen = self.expire(hit.address, hit.generation - 1, old)
        left = hit.max_assignments if seen is None else min(hit.max_assignments, seen.available)
        if left == 0:
            self.report(f"{hit.address}: nothing left to carry to a new HIT; all of {old} "
                        "was taken meanwhile")
            return
        self.create(replace(hit, max_assignments=left))

    def notifications_of(self, hit_type_id: str, address: str,
                         spec: Notification | None) -> None:
        """Give a HIT type the study's notification settings, unless the lockfile says it has
        them (batches share a type: it is set once)."""
        done = self.recorder.find(RecordedNotification, lambda r: r.hit_type_id == hit_type_id)
        if (done.spec if done else None) == spec:
            return
        self.mturk.set_notification(hit_type_id, spec)
        self.recorder.put(notification_record(hit_type_id, study_of(address), spec))

    def set_notifications(self, payload: SetNotifications) -> None:
        """The settings first, then the test event: a retry after a kill sets them again (the
        same specification replaces itself) and sends one more test event at most."""
        for hit_type_id in payload.hit_type_ids:
            self.mturk.set_notification(hit_type_id, payload.spec)
            self.recorder.put(notification_record(hit_type_id, study_of(payload.address),
                                                  payload.spec))
        what = "switched off" if payload.spec is None else "set"
        if payload.hit_type_ids:
            self.report(f"{payload.address}: {what} on "
                        f"{plural(len(payload.hit_type_ids), 'HIT type')}")
        if payload.test and payload.spec is not None:
            self.mturk.send_test_event(payload.spec)
            self.report(f"{payload.address}: test event sent to {payload.spec.destination}")

    def approve(self, payload: Approve) -> None:
        try:
            self.mturk.approve(payload.assignment_id, payload.feedback, payload.override)
        except MTurkError as error:
            # Approved meanwhile (MTurk's auto-approval, or our own first attempt): done.
            if self._status(payload.assignment_id, error) != "Approved":
                raise
        self.report(f"{payload.address}: approved")

    def reject(self, payload: Reject) -> None:
        try:
            self.mturk.reject(payload.assignment_id, payload.feedback)
        except MTurkError as error:
            status = self._status(payload.assignment_id, error)
            if status == "Approved":
                raise DeployError(f"assignment {payload.assignment_id} was approved (MTurk's "
                                  "auto-approval came first) and can no longer be rejected; "
                                  "clear its decision in the review file") from None
            if status != "Rejected":
                raise
        self.report(f"{payload.address}: rejected")

    def pay(self, payload: Pay) -> None:
        """The intent is on disk before SendBonus; its token makes a repeat a no-op."""
        intent = RecordedBonus(payload.address, payload.assignment_id, payload.target,
                               payload.amount, payload.token, "pending", self.clock())
        self.recorder.put(intent)
        worker = self.mturk.assignment(payload.assignment_id)["WorkerId"]
        self.mturk.send_bonus(worker, Decimal(payload.amount), payload.assignment_id,
                              payload.reason, payload.token)
        self.recorder.put(replace(intent, status="sent"))
        self.report(f"{payload.address}: bonus of ${payload.amount} paid "
                    f"(${payload.target} in total)")

    def _status(self, assignment_id: str, error: MTurkError) -> str:
        if error.turk_code != INVALID_ASSIGNMENT_STATE:
            raise error
        return str(self.mturk.assignment(assignment_id)["AssignmentStatus"])


def intent(hit: NewHit) -> RecordedHit:
    """The record written before CreateHIT: address and token, outcome unknown."""
    return RecordedHit(
        address=hit.address,
        generation=hit.generation,
        token=hit.token,
        fingerprint=hit.fingerprint,
        config_hash=hit.config_hash,
        created_with=hit.max_assignments,
        max_assignments=hit.max_assignments,
        status="pending",
    )
