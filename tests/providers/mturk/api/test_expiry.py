"""UpdateExpirationForHIT's "already processed" answer is checked, never taken on trust."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3

from deployer.emulators.mturk.models import Emulator
from deployer.providers.mturk.api.client import MTurk
from deployer.providers.mturk.api.endpoint import Endpoint

QUESTION = (
    '<ExternalQuestion xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/'
    '2006-07-14/ExternalQuestion.xsd"><ExternalURL>https://example.org/</ExternalURL>'
    "<FrameHeight>0</FrameHeight></ExternalQuestion>"
)


def adapter(url: str, calls: list[str]) -> tuple[MTurk, str]:
    raw = boto3.client("mturk", region_name="us-east-1", endpoint_url=url,
                       aws_access_key_id="x", aws_secret_access_key="x")
    hit = raw.create_hit(Title="t", Description="d", Reward="0.50", MaxAssignments=1,
                         LifetimeInSeconds=3600, AssignmentDurationInSeconds=600,
                         Question=QUESTION)["HIT"]
    raw.meta.events.register("before-call.mturk.*", lambda model, **_: calls.append(model.name))
    return MTurk(raw, Endpoint("local", url)), hit["HITId"]


def whole(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def test_reopening_to_an_expiry_sent_before_moves_it_a_second_later(
    served: tuple[str, Emulator]
) -> None:
    calls: list[str] = []
    mturk, hit_id = adapter(served[0], calls)
    now = datetime.now(timezone.utc)
    later = whole(now + timedelta(days=2))
    assert mturk.set_expiry(hit_id, later) == later
    mturk.expire(hit_id, datetime.now(timezone.utc))

    held = mturk.set_expiry(hit_id, later)

    seen = mturk.get_hit(hit_id)
    assert seen is not None and seen.expires_at == held == later + timedelta(seconds=1)
    assert seen.status == "Assignable"


def test_a_repeat_of_our_own_extension_is_success_without_another_change(
    served: tuple[str, Emulator]
) -> None:
    calls: list[str] = []
    mturk, hit_id = adapter(served[0], calls)
    later = whole(datetime.now(timezone.utc) + timedelta(days=2))
    mturk.set_expiry(hit_id, later)
    calls.clear()

    assert mturk.set_expiry(hit_id, later) == later  # a retry after a lost response

    assert calls == ["UpdateExpirationForHIT", "GetHIT"]
    seen = mturk.get_hit(hit_id)
    assert seen is not None and seen.expires_at == later
