"""UpdateExpirationForHIT, CreateAdditionalAssignmentsForHIT, UpdateHITTypeOfHIT,
UpdateHITReviewStatus, DeleteHIT and the post-create settle window (§2.7-2.11, §3.2)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest

from deployer.emulators.mturk import Config

from .conftest import Env, start
from .helpers import error_of, request_error, validation_error


def validation_error_text(call: Callable[[], Any]) -> str:
    """An unmodeled ParameterValidationError (it names no parameter): its message."""
    response = error_of(call)
    assert response["Error"]["Code"] == "ParameterValidationError", response["Error"]
    message: str = response["Error"]["Message"]
    return message


def _status(env: Env, hit_id: str) -> str:
    status: str = env.client.get_hit(HITId=hit_id)["HIT"]["HITStatus"]
    return status


def test_expire_now_with_zero_or_past(env: Env) -> None:
    hit = env.hit()
    before = datetime.now(timezone.utc)
    env.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=0)
    after = env.client.get_hit(HITId=hit["HITId"])["HIT"]
    assert after["HITStatus"] == "Reviewable"
    assert after["Expiration"] >= before - timedelta(seconds=1)  # server now, not 1970
    assert after["NumberOfAssignmentsAvailable"] == 3  # unchanged, as on the wire


def test_duplicate_expiration_is_an_idempotency_error(env: Env) -> None:
    hit = env.hit()
    when = (datetime.now(timezone.utc) + timedelta(days=30)).replace(microsecond=0)
    env.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=when)
    message = request_error(lambda: env.client.update_expiration_for_hit(
        HITId=hit["HITId"], ExpireAt=when), None)
    java = when.strftime("%a %b %d %H:%M:%S UTC %Y")  # as in Dallinger #3109
    assert message.startswith(
        f'The idempotency token "{hit["HITId"]}{java}" has already been processed. (')
    env.emu.advance(24 * 3600)
    env.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=when + timedelta(days=1))


def test_extend_an_expired_hit_makes_it_assignable(env: Env) -> None:
    hit = env.hit()
    env.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=0)
    later = datetime.now(timezone.utc) + timedelta(days=2)
    env.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=later)
    assert _status(env, hit["HITId"]) == "Assignable"


def test_a_future_expiry_moves_the_expiration_by_60_seconds_to_365_days(env: Env) -> None:
    hit = env.hit(LifetimeInSeconds=7200)
    current = env.client.get_hit(HITId=hit["HITId"])["HIT"]["Expiration"]
    for seconds in (59, -1800, 31_536_001):
        message = validation_error_text(
            lambda seconds=seconds: env.client.update_expiration_for_hit(
                HITId=hit["HITId"], ExpireAt=current + timedelta(seconds=seconds)))
        assert message.startswith(f"The value {seconds} is invalid for "
                                  "ExpirationIncrementInSeconds. Valid values range from 60 to "
                                  "31536000. ("), message
    for seconds in (60, 31_536_000 - 60):
        current += timedelta(seconds=seconds)
        env.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=current)
    expiration = env.client.get_hit(HITId=hit["HITId"])["HIT"]["Expiration"]
    assert abs((expiration - current).total_seconds()) < 1


def test_an_expired_hit_is_extended_from_now(env: Env) -> None:
    hit = env.hit(LifetimeInSeconds=60)
    env.emu.advance(3600)
    now = datetime.fromtimestamp(env.emu.now(), timezone.utc)
    validation_error_text(lambda: env.client.update_expiration_for_hit(
        HITId=hit["HITId"], ExpireAt=now + timedelta(seconds=30)))
    env.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=now + timedelta(minutes=2))
    assert _status(env, hit["HITId"]) == "Assignable"


def test_hit_expires_by_the_clock(env: Env) -> None:
    hit = env.hit(LifetimeInSeconds=60)
    env.emu.advance(61)
    assert _status(env, hit["HITId"]) == "Reviewable"


def test_additional_assignments_below_ten(env: Env) -> None:
    hit = env.hit(MaxAssignments=3)
    env.client.create_additional_assignments_for_hit(HITId=hit["HITId"],
                                                     NumberOfAdditionalAssignments=6)
    after = env.client.get_hit(HITId=hit["HITId"])["HIT"]
    assert (after["MaxAssignments"], after["NumberOfAssignmentsAvailable"]) == (9, 9)
    request_error(lambda: env.client.create_additional_assignments_for_hit(
        HITId=hit["HITId"], NumberOfAdditionalAssignments=1),
        "AWS.MechanicalTurk.InvalidMaximumAssignmentsIncrease")


def test_hits_created_with_ten_or_more_extend_freely(env: Env) -> None:
    hit = env.hit(MaxAssignments=10)
    env.client.create_additional_assignments_for_hit(HITId=hit["HITId"],
                                                     NumberOfAdditionalAssignments=100)
    assert env.client.get_hit(HITId=hit["HITId"])["HIT"]["MaxAssignments"] == 110


def test_additional_assignments_token_replay_names_the_request(env: Env) -> None:
    hit = env.hit(MaxAssignments=2)
    first = env.client.create_additional_assignments_for_hit(
        HITId=hit["HITId"], NumberOfAdditionalAssignments=1, UniqueRequestToken="more-1")
    message = request_error(lambda: env.client.create_additional_assignments_for_hit(
        HITId=hit["HITId"], NumberOfAdditionalAssignments=1, UniqueRequestToken="more-1"),
        "AWS.MechanicalTurk.DuplicateRequest")
    assert first["ResponseMetadata"]["RequestId"] in message
    assert env.client.get_hit(HITId=hit["HITId"])["HIT"]["MaxAssignments"] == 3


def test_additional_assignments_range(env: Env) -> None:
    hit = env.hit()
    validation_error(lambda: env.client.create_additional_assignments_for_hit(
        HITId=hit["HITId"], NumberOfAdditionalAssignments=0), "NumberOfAdditionalAssignments")


def test_update_type_before_and_after_an_accept(env: Env) -> None:
    hit = env.hit()
    new_type = env.client.create_hit_type(
        Title="New title", Description="d", Reward="0.75",
        AssignmentDurationInSeconds=600)["HITTypeId"]
    env.client.update_hit_type_of_hit(HITId=hit["HITId"], HITTypeId=new_type)
    after = env.client.get_hit(HITId=hit["HITId"])["HIT"]
    assert (after["HITTypeId"], after["Title"], after["Reward"]) == (new_type, "New title", "0.75")
    assert after["HITGroupId"] != hit["HITGroupId"]
    assignment = env.emu.workers.accept(env.worker(), hit["HITId"])
    env.emu.workers.return_assignment(assignment)  # even returned work counts as accepted
    request_error(lambda: env.client.update_hit_type_of_hit(
        HITId=hit["HITId"], HITTypeId=hit["HITTypeId"]), "AWS.MechanicalTurk.InvalidHITState")


def test_delete_preconditions(env: Env) -> None:
    hit = env.hit(MaxAssignments=2)
    hit_id = hit["HITId"]
    message = request_error(lambda: env.client.delete_hit(HITId=hit_id),
                            "AWS.MechanicalTurk.InvalidHITState")
    assert message.startswith("This HIT is currently in the state 'Assignable'.  This operation "
                              "can be called with a status of: Reviewing, Reviewable (")
    assignment = env.work(hit_id)
    env.client.update_expiration_for_hit(HITId=hit_id, ExpireAt=0)
    assert _status(env, hit_id) == "Reviewable"
    request_error(lambda: env.client.delete_hit(HITId=hit_id),
                  "AWS.MechanicalTurk.InvalidHITState")  # a Submitted assignment is unreviewed
    env.client.approve_assignment(AssignmentId=assignment)
    env.client.delete_hit(HITId=hit_id)
    for call in (lambda: env.client.get_hit(HITId=hit_id),
                 lambda: env.client.delete_hit(HITId=hit_id),
                 lambda: env.client.list_assignments_for_hit(HITId=hit_id)):
        request_error(call, "AWS.MechanicalTurk.HITDoesNotExist")
    assert env.client.list_hits()["NumResults"] == 0


def test_expired_hit_with_work_in_progress_is_unassignable(env: Env) -> None:
    hit = env.hit()
    env.emu.workers.accept(env.worker(), hit["HITId"])
    env.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=0)
    assert _status(env, hit["HITId"]) == "Unassignable"
    request_error(lambda: env.client.delete_hit(HITId=hit["HITId"]),
                  "AWS.MechanicalTurk.InvalidHITState")


def test_review_status_round_trip(env: Env) -> None:
    hit = env.hit()
    request_error(lambda: env.client.update_hit_review_status(HITId=hit["HITId"]),
                  "AWS.MechanicalTurk.InvalidHITState")
    env.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=0)
    env.client.update_hit_review_status(HITId=hit["HITId"], Revert=False)
    assert _status(env, hit["HITId"]) == "Reviewing"
    reviewing = env.client.list_reviewable_hits(Status="Reviewing")["HITs"]
    assert reviewing == [{"HITId": hit["HITId"]}]
    env.client.delete_hit(HITId=hit["HITId"])


def test_revert_from_reviewing(env: Env) -> None:
    hit = env.hit()
    env.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=0)
    env.client.update_hit_review_status(HITId=hit["HITId"])
    env.client.update_hit_review_status(HITId=hit["HITId"], Revert=True)
    assert _status(env, hit["HITId"]) == "Reviewable"


@pytest.fixture
def settling(boto_session: boto3.session.Session) -> Iterator[Env]:
    server, env = start(boto_session, Config(settle_seconds=5, indexing_delay=15))
    yield env
    server.stop()


def test_settle_window_after_create(settling: Env) -> None:
    env = settling
    hit = env.hit()
    later = datetime.now(timezone.utc) + timedelta(days=1)
    other_type = env.client.create_hit_type(Title="x", Description="d", Reward="1",
                                            AssignmentDurationInSeconds=60)["HITTypeId"]
    for call in (
        lambda: env.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=later),
        lambda: env.client.create_additional_assignments_for_hit(
            HITId=hit["HITId"], NumberOfAdditionalAssignments=1),
        lambda: env.client.update_hit_type_of_hit(HITId=hit["HITId"], HITTypeId=other_type),
    ):
        assert re.match("This HIT is still being created", request_error(call, None))
    env.emu.advance(5)
    env.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=later)


def test_expire_now_works_while_settling(settling: Env) -> None:
    hit = settling.hit()
    settling.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=0)
    assert _status(settling, hit["HITId"]) == "Reviewable"


def test_list_hits_indexing_delay(settling: Env) -> None:
    hit = settling.hit()
    assert settling.client.list_hits()["HITs"] == []
    settling.client.get_hit(HITId=hit["HITId"])  # GetHIT sees it at once
    settling.emu.advance(15)
    assert [h["HITId"] for h in settling.client.list_hits()["HITs"]] == [hit["HITId"]]
