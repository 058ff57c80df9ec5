"""`aws_account` (study file, then deploy.yaml) and `notifications:` as study fields."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from spec_helpers import BASE, lines, write

from deployer.providers.mturk.spec.rules import build_study
from deployer.providers.mturk.study import Notification, Study
from deployer.spec.loader import load_studies

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/pilot-events"


def loaded(root: Path, text: str, settings: str | None = None) -> tuple[Study | None, list[str]]:
    write(root / "studies", text)
    if settings is not None:
        write(root, settings, "deploy.yaml")
    result = load_studies([root / "studies"], build_study, now=NOW)
    studies = [s for s in result.studies if isinstance(s, Study)]
    return (studies[0] if studies else None), lines(result, root)


def test_the_account_comes_from_the_study_then_deploy_yaml(tmp_path: Path) -> None:
    assert loaded(tmp_path, BASE)[0].aws_account is None  # type: ignore[union-attr]
    own, problems = loaded(tmp_path, BASE + 'aws_account: "111122223333"\n',
                           'aws_account: "444455556666"\n')
    assert problems == [] and own is not None and own.aws_account == "111122223333"
    lab, _ = loaded(tmp_path, BASE, 'aws_account: "444455556666"\n')
    assert lab is not None and lab.aws_account == "444455556666"


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("aws_account: 111122223333", "studies/pilot.yaml:10:14: error: aws_account: write it "
         'in quotes, like "111122223333" (a bare number loses leading zeros)'),
        ('aws_account: "1111-2222-3333"', "studies/pilot.yaml:10:14: error: aws_account: "
         '"1111-2222-3333": write the 12-digit account ID, like "123456789012"'),
    ],
)
def test_a_wrong_account_in_a_study_is_located(tmp_path: Path, field: str,
                                                expected: str) -> None:
    assert loaded(tmp_path, BASE + field + "\n") == (None, [expected])


def test_a_wrong_account_in_deploy_yaml_is_located(tmp_path: Path) -> None:
    assert loaded(tmp_path, BASE, "aws_account: 12345\n")[1] == [
        'deploy.yaml:1:14: error: aws_account: is 12345; write the 12-digit AWS account ID in '
        'quotes, like "123456789012"']


def test_notifications_become_one_specification_with_the_default_version(
        tmp_path: Path) -> None:
    text = BASE + (f"notifications:\n  destination: {QUEUE}\n  transport: SQS\n"
                   "  events: [AssignmentSubmitted, HITReviewable]\n")
    study, problems = loaded(tmp_path, text)
    assert problems == [] and study is not None
    assert study.notifications == Notification(
        QUEUE, "SQS", ("AssignmentSubmitted", "HITReviewable"), "2006-05-05")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (f"  destination: {QUEUE}\n  transport: SNS\n  events: [HITExpired]\n",
         f"studies/pilot.yaml:11:16: error: notifications.destination: is '{QUEUE}', which is "
         "not SNS's kind of destination; give the topic ARN, like "
         "arn:aws:sns:us-east-1:123456789012:NAME"),
        ("  destination: lab@example.org\n  transport: Email\n  events: [Ping]\n",
         "studies/pilot.yaml:13:12: error: notifications.events[0]: is \"Ping\"; must be "
         "AssignmentAccepted, "),
        ("  destination: lab@example.org\n  transport: Email\n  events: [HITExpired]\n"
         "  version: '2017-01-17'\n",
         'studies/pilot.yaml:14:12: error: notifications.version: is "2017-01-17"; must be '
         "2006-05-05 or 2014-08-15"),
    ],
)
def test_bad_notifications_are_located(tmp_path: Path, spec: str, expected: str) -> None:
    study, problems = loaded(tmp_path, BASE + "notifications:\n" + spec)
    assert study is None and len(problems) == 1 and problems[0].startswith(expected)
