"""A study's `notifications:`: where MTurk sends events about its HITs.

The schema checks the shape; here the destination is checked against its transport, since a
queue URL given as an SNS topic is the kind of slip MTurk only reports at apply time.
"""

from __future__ import annotations

import re

from deployer.providers.mturk.spec.pay import Fields
from deployer.providers.mturk.study import Notification
from deployer.spec.problems import Problem

DEFAULT_VERSION = "2006-05-05"
# A queue URL's path is /ACCOUNT/NAME; its host is SQS's (or, in tests, moto's).
QUEUE_URL = re.compile(r"https?://[^/\s]+/[0-9]{12}/[A-Za-z0-9_-]{1,80}")
TOPIC_ARN = re.compile(r"arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
FORMS = {
    "SQS": (QUEUE_URL, "the queue URL, like https://sqs.us-east-1.amazonaws.com/123456789012/"
                       "NAME (the SQS console shows it as URL)"),
    "SNS": (TOPIC_ARN, "the topic ARN, like arn:aws:sns:us-east-1:123456789012:NAME"),
    "Email": (EMAIL, "an e-mail address"),
}


def notification(usable: Fields, problems: list[Problem]) -> Notification | None:
    if not usable.has("notifications"):
        return None
    raw = usable.get("notifications")
    transport, destination = raw["transport"], raw["destination"]
    form, wanted = FORMS[transport]
    if not form.fullmatch(destination):
        problems.append(usable.doc.problem(
            ("notifications", "destination"),
            f"is {destination!r}, which is not {transport}'s kind of destination; give "
            f"{wanted}"))
        return None
    return Notification(destination, transport, tuple(raw["events"]),
                        raw.get("version", DEFAULT_VERSION))
