"""Notifications as code, end to end: the real CLI, MTurk's emulator, and moto's SQS served on
loopback (reached through AWS_ENDPOINT_URL_SQS, as boto3 reads it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from clihelp import all_hits, deploy, write_study

from deployer.emulators.mturk.models import Config, Emulator
from deployer.emulators.mturk.schema import TYPES
from deployer.emulators.mturk.server import EmulatorServer

Capsys = pytest.CaptureFixture[str]


def queue(moto: str, name: str) -> tuple[Any, str, str]:
    sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url=moto)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return sqs, url, arn["Attributes"]["QueueArn"]


def notifications(url: str, *events: str) -> str:
    return f"\n  destination: {url}\n  transport: SQS\n  events: [{', '.join(events)}]"


def settings(emulator: Emulator, hit_type_id: str) -> tuple[Any, bool]:
    with emulator.transaction() as db:
        kind = TYPES.get(db, hit_type_id)
        assert kind is not None
        return kind.notification, kind.notification_active


def test_notifications_are_checked_set_tried_changed_and_switched_off(
        project: Path, served: tuple[str, Emulator], aws: str, capsys: Capsys) -> None:
    url, emulator = served
    sqs, queue_url, arn = queue(aws, "pilot-events")
    write_study(project, notifications=notifications(queue_url, "AssignmentSubmitted"))
    refused = deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url)
    assert refused.code == 1 and all_hits(url) == []
    assert (f"Error: pilot: studies/pilot.yaml: the access policy of SQS queue {queue_url} "
            "does not let MTurk (mturk-requester.amazonaws.com) send messages to it") \
        in refused.out
    assert '"Principal": {"Service": "mturk-requester.amazonaws.com"}, "Action": ' \
           f'"sqs:SendMessage", "Resource": "{arn}"' in refused.out

    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps({
        "Statement": [{"Effect": "Allow", "Principal": {"Service":
                                                        "mturk-requester.amazonaws.com"},
                       "Action": "SQS:SendMessage", "Resource": arn}]})})
    applied = deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url)
    assert applied.code == 0, applied.out + applied.err
    assert f"pilot/notifications: test event sent to {queue_url}" in applied.out
    hit_type = all_hits(url)[0]["HITTypeId"]
    assert settings(emulator, hit_type) == ({
        "Destination": queue_url, "Transport": "SQS", "Version": "2006-05-05",
        "EventTypes": ["AssignmentSubmitted"]}, True)
    assert [(e["Destination"], e["EventType"]) for e in emulator.workers.events()] == [
        (queue_url, "Ping")]
    assert deploy(capsys, "plan", "--detailed-exitcode", "--endpoint-url", url).code == 0

    write_study(project, notifications=notifications(queue_url, "AssignmentSubmitted",
                                                     "HITReviewable"))
    planned = deploy(capsys, "plan", "--endpoint-url", url, "--out", "plan.json")
    assert "~ pilot/notifications" in planned.out
    assert "events:      AssignmentSubmitted, HITReviewable" in planned.out
    changed = deploy(capsys, "apply", "plan.json", "--endpoint-url", url)  # read back, applied
    assert changed.code == 0 and "pilot/notifications: set on 1 HIT type" in changed.out
    assert settings(emulator, hit_type)[0]["EventTypes"] == ["AssignmentSubmitted",
                                                             "HITReviewable"]
    assert len(emulator.workers.events()) == 2

    write_study(project)
    off = deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url)
    assert "pilot/notifications: switched off on 1 HIT type" in off.out
    assert settings(emulator, hit_type)[1] is False and len(emulator.workers.events()) == 2
    assert deploy(capsys, "plan", "--detailed-exitcode", "--endpoint-url", url).code == 0


def test_without_an_aws_endpoint_local_plans_warn_that_the_queue_was_not_checked(
        project: Path, served: tuple[str, Emulator], capsys: Capsys,
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS"):
        monkeypatch.delenv(name, raising=False)
    queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/pilot-events"
    write_study(project, notifications=notifications(queue_url, "HITReviewable"))
    planned = deploy(capsys, "plan", "--endpoint-url", served[0])
    assert planned.code == 0
    assert ("Warning: pilot: the SQS destination of studies/pilot.yaml was not checked: LOCAL "
            "is an emulator and no AWS endpoint is configured for SQS") in planned.out


def test_a_sandbox_plan_checks_an_sns_topic_in_the_paying_account(
        project: Path, aws: str, capsys: Capsys) -> None:
    sns = boto3.client("sns", region_name="us-east-1", endpoint_url=aws)
    topic = sns.create_topic(Name="pilot-events")["TopicArn"]
    write_study(project, notifications=f"\n  destination: {topic}\n  transport: SNS"
                                       "\n  events: [HITReviewable]")
    with EmulatorServer(Emulator(Config(personality="sandbox"))) as server:
        refused = deploy(capsys, "plan", "--env", "sandbox", "--endpoint-url", server.url)
        assert refused.code == 1
        assert refused.out.splitlines()[1].startswith("Paid by account 123456789012")
        assert (f"the access policy of SNS topic {topic} does not let MTurk "
                "(mturk-requester.amazonaws.com) publish to it (sns:Publish)") in refused.out
        assert f'"Action": "sns:Publish", "Resource": "{topic}"' in refused.out
        sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=(
            json.dumps({"Statement": [{"Effect": "Allow", "Principal": {
                "Service": "mturk-requester.amazonaws.com"}, "Action": "SNS:Publish",
                "Resource": topic}]})))
        applied = deploy(capsys, "apply", "--auto-approve", "--env", "sandbox",
                         "--endpoint-url", server.url)
        assert applied.code == 0 and f"test event sent to {topic}" in applied.out
