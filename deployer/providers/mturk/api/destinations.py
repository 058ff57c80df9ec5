"""Where notifications go, checked before MTurk is asked to send there: the SQS queue or SNS
topic exists, and its access policy lets MTurk (the service principal
mturk-requester.amazonaws.com) send to it, the setup step most often missed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from fnmatch import fnmatchcase
from typing import Any

import botocore.exceptions

from deployer.providers.mturk.api.aws import REGION, Aws, call
from deployer.providers.mturk.observed import DestinationCheck
from deployer.providers.mturk.study import Notification

MTURK = "mturk-requester.amazonaws.com"
MISSING = {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", "NotFound"}
SQS_REGION = re.compile(r"https://(?:sqs\.([a-z0-9-]+)|([a-z0-9-]+)\.queue)\.amazonaws\.com")


def check_destinations(aws: Aws, specs: Iterable[Notification]) -> dict[str, DestinationCheck]:
    """What AWS says of each queue and topic; those left out could not be asked (an emulator
    for MTurk, and no AWS endpoint configured for the service)."""
    found: dict[str, DestinationCheck] = {}
    for spec in specs:
        if spec.transport == "Email" or spec.destination in found:
            continue
        client = aws.client(spec.transport.lower(), region_of(spec))
        if client is None:
            continue
        environment = aws.endpoint.environment
        try:
            found[spec.destination] = (_queue(client, spec.destination, environment)
                                       if spec.transport == "SQS"
                                       else _topic(client, spec.destination, environment))
        except botocore.exceptions.ClientError as error:
            found[spec.destination] = _refused(spec, error)
    return found


def region_of(spec: Notification) -> str:
    if spec.transport == "SNS":
        return spec.destination.split(":")[3]
    match = SQS_REGION.match(spec.destination)
    return next((r for r in match.groups() if r), REGION) if match else REGION


def _queue(client: Any, url: str, environment: str) -> DestinationCheck:
    found = call(client, "get_queue_attributes", environment, QueueUrl=url,
                 AttributeNames=["Policy", "QueueArn"])["Attributes"]
    arn = found.get("QueueArn", "")
    if allows_mturk(found.get("Policy", ""), "sqs:SendMessage"):
        return DestinationCheck(True, arn)
    return DestinationCheck(True, arn, f"the access policy of SQS queue {url} does not let "
                            f"MTurk ({MTURK}) send messages to it (sqs:SendMessage)")


def _topic(client: Any, arn: str, environment: str) -> DestinationCheck:
    found = call(client, "get_topic_attributes", environment, TopicArn=arn)["Attributes"]
    if allows_mturk(found.get("Policy", ""), "sns:Publish"):
        return DestinationCheck(True, arn)
    return DestinationCheck(True, arn, f"the access policy of SNS topic {arn} does not let "
                            f"MTurk ({MTURK}) publish to it (sns:Publish)")


def _refused(spec: Notification, error: botocore.exceptions.ClientError) -> DestinationCheck:
    code = error.response.get("Error", {}).get("Code", "")
    what = "queue" if spec.transport == "SQS" else "topic"
    if code in MISSING:
        return DestinationCheck(False, "", f"{spec.transport} {what} {spec.destination} does "
                                "not exist (or not in this account and region)")
    message = error.response.get("Error", {}).get("Message", str(error))
    return DestinationCheck(True, "", doubt=f"{spec.transport} {what} {spec.destination} could "
                            f"not be checked ({code}: {message})")


def allows_mturk(policy: str, action: str) -> bool:
    """Some statement of the resource policy allows MTurk `action`: one naming MTurk's service
    principal (its conditions are not evaluated), or one open to everyone without conditions
    (a new SNS topic's default statement is open to everyone on condition of being its owner,
    which MTurk is not)."""
    try:
        document = json.loads(policy) if policy else {}
    except json.JSONDecodeError:
        return False
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    statements = [statements] if isinstance(statements, dict) else statements
    return any(isinstance(s, dict) and s.get("Effect") == "Allow"
               and _grants(s.get("Action"), action)
               and (_names_mturk(s.get("Principal"))
                    or (_anyone(s.get("Principal")) and not s.get("Condition")))
               for s in statements)


def _names_mturk(principal: Any) -> bool:
    if not isinstance(principal, dict):
        return False
    services = principal.get("Service", [])
    return MTURK in ([services] if isinstance(services, str) else services)


def _anyone(principal: Any) -> bool:
    return principal == "*" or (isinstance(principal, dict) and principal.get("AWS") == "*")


def _grants(actions: Any, action: str) -> bool:
    listed = [actions] if isinstance(actions, str) else actions or []
    return any(isinstance(a, str) and fnmatchcase(action.lower(), a.lower()) for a in listed)
