"""Messages and notifications: NotifyWorkers, UpdateNotificationSettings,
SendTestEventNotification (reference §2.26-2.27).

Nothing leaves the machine: what MTurk would have delivered is recorded instead (messages per
worker and subject, test events per destination) and shown on the side channel, so a test can
check that nobody was sent a message twice.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.exceptions import RequestError, invalid, turk
from deployer.emulators.mturk.records import EventRec, MessageRec
from deployer.emulators.mturk.schema import EVENTS, MESSAGES, TYPES, WORKERS
from deployer.emulators.mturk.validation import WORKER, Params

Body = dict[str, Any]
EVENT_TYPES = ("AssignmentAccepted", "AssignmentAbandoned", "AssignmentReturned",
               "AssignmentSubmitted", "AssignmentRejected", "AssignmentApproved", "HITCreated",
               "HITExpired", "HITReviewable", "HITExtended", "HITDisposed")
PING = "Ping"  # only for SendTestEventNotification
# The model's documentation names only 2006-05-05, but MTurk also took 2014-08-15 (the README's
# table of choices gives the evidence); what was sent is stored and echoed in deliveries.
NOTIFICATION_VERSIONS = ("2006-05-05", "2014-08-15")
TRANSPORTS = ("Email", "SQS", "SNS")


def notify_workers(emu: Backend, p: Params) -> Body:
    subject = p.text("Subject", 200, 1)
    text = p.text("MessageText", 4096, 1)
    worker_ids = p.items("WorkerIds", 100, 1)
    for worker_id in worker_ids:
        if (not isinstance(worker_id, str) or not WORKER.fullmatch(worker_id)
                or len(worker_id) > 64):
            raise invalid("WorkerIds", worker_id)
    failures = []
    for worker_id in dict.fromkeys(worker_ids):  # a repeated id is one e-mail
        failure = _failure_of(emu, worker_id)
        if failure is None:
            MESSAGES.put(emu.db, MessageRec(worker_id, subject, text, emu.now()))
        else:
            failures.append(failure)
    return {"NotifyWorkersFailureStatuses": failures}


def _failure_of(emu: Backend, worker_id: str) -> dict[str, str] | None:
    if WORKERS.get(emu.db, worker_id) is None:
        return _failure(worker_id, "HardFailure", "Worker not found.")
    reviewed = emu.db.execute(
        "SELECT 1 FROM assignments WHERE worker_id = ? AND status IN ('Approved', 'Rejected')"
        " LIMIT 1", (worker_id,)).fetchone() is not None
    if not reviewed:
        return _failure(worker_id, "SoftFailure",
                        "You may only notify workers whose work you reviewed.")
    return None


def _failure(worker_id: str, code: str, message: str) -> dict[str, str]:
    return {"NotifyWorkersFailureCode": code, "NotifyWorkersFailureMessage": message,
            "WorkerId": worker_id}


def update_notification_settings(emu: Backend, p: Params) -> Body:
    kind = TYPES.get(emu.db, p.entity("HITTypeId"))
    if kind is None:
        raise turk("HITTypeDoesNotExist", f"HITType {p.raw['HITTypeId']} does not exist.")
    spec = p.raw.get("Notification")
    if spec is None and not p.has("Active"):
        raise invalid("Notification", None, "Give Notification, Active or both.")
    if spec is not None:
        kind.notification = _notification(spec, EVENT_TYPES)
    if p.has("Active"):
        if kind.notification is None:
            raise RequestError("There is no notification specification for this HIT type.")
        kind.notification_active = p.boolean("Active", False)
    TYPES.put(emu.db, kind)
    return {}


def send_test_event_notification(emu: Backend, p: Params) -> Body:
    """Delivers one event of `TestEventType` to the specification's destination at once, even
    when the specification does not list that event type."""
    spec = _notification(p.raw.get("Notification"), (*EVENT_TYPES, PING))
    event = p.enum("TestEventType", (*EVENT_TYPES, PING))
    moment = datetime.fromtimestamp(emu.now(), timezone.utc)
    message = {
        "Events": [{"EventType": event,
                    "EventTimestamp": moment.strftime("%Y-%m-%dT%H:%M:%SZ")}],
        "EventDocId": emu.new_id("event"),
        "EventDocVersion": spec["Version"],
    }
    EVENTS.put(emu.db, EventRec(emu.now(), spec["Destination"], spec["Transport"],
                                spec["Version"], event, message))
    return {}


def _notification(raw: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise invalid("Notification", raw)
    p = Params(raw)
    events = p.items("EventTypes", len(allowed), 1)
    for event in events:
        if event not in allowed:
            raise invalid("EventTypes", event)
    return {"Destination": p.text("Destination", None, 1),
            "Transport": p.enum("Transport", TRANSPORTS),
            "Version": p.enum("Version", NOTIFICATION_VERSIONS), "EventTypes": list(events)}
