"""Notification destinations checked through real boto3 clients against moto's SQS and SNS."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from deployer.providers.mturk.api.aws import Aws
from deployer.providers.mturk.api.destinations import allows_mturk, check_destinations
from deployer.providers.mturk.api.endpoint import ENDPOINTS, Endpoint
from deployer.providers.mturk.observed import DestinationCheck
from deployer.providers.mturk.study import Notification

SANDBOX = Aws(Endpoint("sandbox", ENDPOINTS["sandbox"]))
MTURK = {"Service": "mturk-requester.amazonaws.com"}


def policy(action: str, resource: str, principal: object = None) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": principal or MTURK, "Action": action,
         "Resource": resource}]})


@pytest.fixture
def mocked_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS",
                 "AWS_ENDPOINT_URL_SNS"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        yield


def queue(name: str, region: str = "us-east-1") -> tuple[str, str]:
    sqs = boto3.client("sqs", region_name=region)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return url, arn["QueueArn"]


def test_an_sqs_queue_must_exist_and_let_mturk_send(mocked_aws: None) -> None:
    url, arn = queue("events")
    spec = Notification(url, "SQS", ("AssignmentSubmitted",))
    closed = check_destinations(SANDBOX, [spec])[url]
    assert closed.exists and closed.resource == arn
    assert closed.problem == (f"the access policy of SQS queue {url} does not let MTurk "
                              "(mturk-requester.amazonaws.com) send messages to it "
                              "(sqs:SendMessage)")
    boto3.client("sqs", region_name="us-east-1").set_queue_attributes(
        QueueUrl=url, Attributes={"Policy": policy("SQS:SendMessage", arn)})
    assert check_destinations(SANDBOX, [spec]) == {url: DestinationCheck(True, arn)}
    gone = url.replace("events", "nothing-here")
    missing = check_destinations(SANDBOX, [Notification(gone, "SQS", ("HITExpired",))])[gone]
    assert not missing.exists and "does not exist" in missing.problem


def test_a_queue_is_asked_in_its_own_region(mocked_aws: None) -> None:
    url, arn = queue("far", "eu-west-1")
    boto3.client("sqs", region_name="eu-west-1").set_queue_attributes(
        QueueUrl=url, Attributes={"Policy": policy("sqs:*", arn)})
    assert check_destinations(SANDBOX, [Notification(url, "SQS", ("HITExpired",))]) == {
        url: DestinationCheck(True, arn)}


def test_an_sns_topic_must_let_mturk_publish(mocked_aws: None) -> None:
    sns = boto3.client("sns", region_name="us-east-1")
    arn = sns.create_topic(Name="events")["TopicArn"]
    spec = Notification(arn, "SNS", ("HITReviewable",))
    # A new topic's default policy lets only its own account publish.
    assert "does not let MTurk" in check_destinations(SANDBOX, [spec])[arn].problem
    sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy",
                             AttributeValue=policy("sns:Publish", arn))
    assert check_destinations(SANDBOX, [spec]) == {arn: DestinationCheck(True, arn)}
    other = arn.replace("events", "missing")
    assert not check_destinations(SANDBOX, [replace_dest(spec, other)])[other].exists


def test_an_emulator_never_asks_real_aws_and_email_is_not_checked(mocked_aws: None) -> None:
    emulated = Aws(Endpoint("local", "http://127.0.0.1:9", embedded=True))
    url, _ = queue("events")
    assert check_destinations(emulated, [Notification(url, "SQS", ("HITExpired",))]) == {}
    mail = Notification("lab@example.org", "Email", ("HITExpired",))
    assert check_destinations(SANDBOX, [mail]) == {}


@pytest.mark.parametrize(
    ("statement", "allowed"),
    [
        ({"Effect": "Allow", "Principal": MTURK, "Action": ["sqs:SendMessage"]}, True),
        ({"Effect": "Allow", "Principal": "*", "Action": "*"}, True),
        ({"Effect": "Allow", "Principal": {"Service": ["sns.amazonaws.com",
                                                        "mturk-requester.amazonaws.com"]},
          "Action": "sqs:Send*"}, True),
        ({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sqs:SendMessage",
          "Condition": {"StringEquals": {"AWS:SourceOwner": "123456789012"}}}, False),
        ({"Effect": "Deny", "Principal": MTURK, "Action": "sqs:SendMessage"}, False),
        ({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"},
          "Action": "sqs:SendMessage"}, False),
        ({"Effect": "Allow", "Principal": MTURK, "Action": "sqs:ReceiveMessage"}, False),
    ],
)
def test_which_policies_let_mturk_send(statement: dict[str, object], allowed: bool) -> None:
    assert allows_mturk(json.dumps({"Statement": [statement]}), "sqs:SendMessage") is allowed
    assert not allows_mturk("", "sqs:SendMessage") and not allows_mturk("{", "sqs:SendMessage")


def replace_dest(spec: Notification, destination: str) -> Notification:
    return Notification(destination, spec.transport, spec.events, spec.version)
