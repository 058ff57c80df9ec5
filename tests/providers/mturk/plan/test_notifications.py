"""Notifications as code, planned purely: against what the lockfile says was applied."""

from __future__ import annotations

from dataclasses import replace

from factories import actions, deployed, lock, run, study

from deployer.core.plan import Plan
from deployer.core.records import sort_records
from deployer.providers.mturk.observed import DestinationCheck
from deployer.providers.mturk.plan.payloads import Create, SetNotifications
from deployer.providers.mturk.records import RecordedNotification, notification_record
from deployer.providers.mturk.study import Notification

QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/emotion-events"
SPEC = Notification(QUEUE, "SQS", ("AssignmentSubmitted",))
CHECKED = {QUEUE: DestinationCheck(True, "arn:aws:sqs:us-east-1:123456789012:emotion-events")}


def with_notifications(records: tuple[RecordedNotification, ...], spec: Notification | None,
                       checks: dict[str, DestinationCheck] | None = None) -> Plan:
    """The plan of a deployed study asking for `spec`, its lock holding `records`."""
    s = study(notifications=spec)
    the_lock, seen = deployed(s)
    env = the_lock.env("mturk", "local")
    assert env is not None
    env = replace(env, records=sort_records([*env.records, *records]))
    return run([s], replace(the_lock, environments={env.name: env}),
               replace(seen, destinations=CHECKED if checks is None else checks))


def test_a_new_study_carries_its_notifications_and_tries_them_once() -> None:
    plan = run([study(notifications=SPEC)], lock(), replace(
        deployed(study())[1], hits={}, destinations=CHECKED))
    create, notify = actions(plan)
    assert isinstance(create, Create) and create.hit.notification == SPEC
    assert notify == SetNotifications("emotion/notifications", SPEC, (), True)
    shown = plan.changes[1]
    assert (shown.verb, shown.kind, shown.stage) == ("update", "notifications", 2)
    assert [(a.field, a.new) for a in shown.attributes] == [
        ("destination", QUEUE), ("transport", "SQS"), ("events", "AssignmentSubmitted"),
        ("version", "2006-05-05"), ("test_event", "Ping, sent once the settings are made")]
    assert plan.errors == () and plan.warnings == ()


def test_settings_applied_before_are_left_alone() -> None:
    done = (notification_record("3TYPE", "emotion", SPEC),)
    assert with_notifications(done, SPEC).changes == ()


def test_changed_settings_are_set_on_the_recorded_types_and_tried() -> None:
    done = (notification_record("3TYPE", "emotion", SPEC),)
    more = replace(SPEC, events=("AssignmentSubmitted", "HITReviewable"))
    assert actions(with_notifications(done, more)) == (
        SetNotifications("emotion/notifications", more, ("3TYPE",), True),)


def test_removed_settings_are_switched_off_without_a_test_event() -> None:
    done = (notification_record("3TYPE", "emotion", SPEC),)
    plan = with_notifications(done, None)
    assert actions(plan) == (SetNotifications("emotion/notifications", None, ("3TYPE",), False),)
    assert [(a.field, a.new) for a in plan.changes[0].attributes] == [
        ("notifications", "off"), ("hit_types", "3TYPE")]
    switched_off = (notification_record("3TYPE", "emotion", None),)
    assert with_notifications(switched_off, None).changes == ()


def test_a_queue_mturk_may_not_send_to_is_an_error_with_the_policy_that_fixes_it() -> None:
    closed = {QUEUE: DestinationCheck(True, "arn:aws:sqs:us-east-1:123456789012:emotion-events",
                                      "its policy does not let MTurk send")}
    plan = with_notifications((notification_record("3TYPE", "emotion", SPEC),), SPEC, closed)
    assert [(e.address, e.message) for e in plan.errors] == [
        ("emotion", "studies/emotion.yaml: its policy does not let MTurk send")]
    assert plan.errors[0].hint == (
        'add this statement to its access policy: {"Effect": "Allow", "Principal": '
        '{"Service": "mturk-requester.amazonaws.com"}, "Action": "sqs:SendMessage", '
        '"Resource": "arn:aws:sqs:us-east-1:123456789012:emotion-events"}')
    missing = with_notifications((), SPEC, {QUEUE: DestinationCheck(False, "", "no queue")})
    assert missing.errors[0].hint == "create the queue, or correct notifications.destination"


def test_an_unchecked_destination_is_a_warning_and_email_needs_no_check() -> None:
    done = (notification_record("3TYPE", "emotion", SPEC),)
    plan = with_notifications(done, SPEC, {})
    assert [w.message for w in plan.warnings] == [
        "the SQS destination of studies/emotion.yaml was not checked: LOCAL is an emulator and "
        "no AWS endpoint is configured for SQS"]
    mail = Notification("lab@example.org", "Email", ("HITReviewable",))
    assert with_notifications((notification_record("3TYPE", "emotion", mail),), mail,
                              {}).warnings == ()
