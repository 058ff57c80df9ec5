"""What MTurk would have delivered: NotifyWorkers e-mails and SendTestEventNotification events,
recorded and shown on the side channel (`/_emulator/messages`, `/_emulator/events`)."""

from __future__ import annotations

from .conftest import Env
from .helpers import validation_error

SPEC = {"Destination": "https://sqs.us-east-1.amazonaws.com/123456789012/events",
        "Transport": "SQS", "Version": "2006-05-05", "EventTypes": ["AssignmentSubmitted"]}


def test_each_delivered_message_is_recorded_once_per_worker(env: Env) -> None:
    hit_id = env.hit()["HITId"]
    reviewed = [env.work(hit_id), env.work(hit_id)]
    for assignment in reviewed:
        env.client.approve_assignment(AssignmentId=assignment)
    workers = [env.client.get_assignment(AssignmentId=a)["Assignment"]["WorkerId"]
               for a in reviewed]
    idle = env.worker()
    result = env.client.notify_workers(Subject="Part two", MessageText="It opens Monday.",
                                       WorkerIds=[workers[0], workers[0], idle, workers[1]])
    assert [f["WorkerId"] for f in result["NotifyWorkersFailureStatuses"]] == [idle]
    status, reply = env.side("/_emulator/messages")
    assert status == 200
    assert [(m["WorkerId"], m["Subject"], m["MessageText"]) for m in reply["Messages"]] == [
        (workers[0], "Part two", "It opens Monday."), (workers[1], "Part two",
                                                       "It opens Monday.")]
    assert all(isinstance(m["SentAt"], float) for m in reply["Messages"])
    env.client.notify_workers(Subject="Part two", MessageText="Again.", WorkerIds=[workers[1]])
    sent = [(m["WorkerId"], m["Subject"]) for m in env.side("/_emulator/messages")[1]["Messages"]]
    assert sent.count((workers[1], "Part two")) == 2  # a second call is a second e-mail


def test_a_test_event_is_delivered_at_once_in_the_version_asked_for(env: Env) -> None:
    env.client.send_test_event_notification(Notification=SPEC, TestEventType="Ping")
    dallinger = {**SPEC, "Transport": "SNS", "Version": "2014-08-15",
                 "Destination": "arn:aws:sns:us-east-1:123456789012:topic"}
    # Delivered even when the specification does not list the event type.
    env.client.send_test_event_notification(Notification=dallinger,
                                            TestEventType="AssignmentAbandoned")
    events = env.side("/_emulator/events")[1]["Events"]
    assert [(e["Transport"], e["Destination"], e["EventType"]) for e in events] == [
        ("SQS", SPEC["Destination"], "Ping"), ("SNS", dallinger["Destination"],
                                               "AssignmentAbandoned")]
    message = events[1]["Message"]
    assert message["EventDocVersion"] == "2014-08-15"
    assert [e["EventType"] for e in message["Events"]] == ["AssignmentAbandoned"]
    assert message["Events"][0]["EventTimestamp"].endswith("Z")


def test_a_test_event_needs_a_whole_specification(env: Env) -> None:
    validation_error(lambda: env.client.send_test_event_notification(
        Notification={**SPEC, "Version": "2020-01-01"}, TestEventType="Ping"), "Version")
    validation_error(lambda: env.client.send_test_event_notification(
        Notification={**SPEC, "Transport": "REST"}, TestEventType="Ping"), "Transport")
    validation_error(lambda: env.client.send_test_event_notification(
        Notification=SPEC, TestEventType="HITDeleted"), "TestEventType")
    validation_error(lambda: env.client.send_test_event_notification(
        Notification={**SPEC, "EventTypes": ["Nothing"]}, TestEventType="Ping"), "EventTypes")
    assert env.side("/_emulator/events")[1]["Events"] == []
