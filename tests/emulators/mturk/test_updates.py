"""UpdateExpirationForHIT, CreateAdditionalAssignmentsForHIT, UpdateHITTypeOfHIT,
UpdateHITReviewStatus, DeleteHIT and the post-create settle window (§2.7-2.11, §3.2)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from deployer.emulators.mturk import Config

from .conftest import Env, start
from .helpers import request_error, validation_error


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
    when = datetime(2031, 7, 14, 20, 26, 6, tzinfo=timezone.utc)
    env.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=when)
    message = request_error(lambda: env.client.update_expiration_for_hit(
        HITId=hit["HITId"], ExpireAt=when), None)
    assert message.startswith(
        f'The idempotency token "{hit["HITId"]}Mon Jul 14 20:26:06 UTC 2031" has already '
        "been processed. (")
    env.emu.advance(24 * 3600)
    env.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=when)


def test_extend_an_expired_hit_makes_it_assignable(env: Env) -> None:
    hit = env.hit()
    env.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=0)
    later = datetime.now(timezone.utc) + timedelta(days=2)
    env.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=later)
    assert _status(env, hit["HITId"]) == "Assignable"


def test_shortening_to_a_future_time_is_allowed_by_default(env: Env) -> None:
    hit = env.hit(LifetimeInSeconds=7200)
    sooner = datetime.now(timezone.utc) + timedelta(seconds=1800)
    env.client.update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=sooner)
    expiration = env.client.get_hit(HITId=hit["HITId"])["HIT"]["Expiration"]
    assert abs((expiration - sooner).total_seconds()) < 1


def test_strict_expiration_refuses_shortening(boto_session: boto3.session.Session) -> None:
    server, env = start(boto_session, Config(strict_expiration=True))
    try:
        hit = env.hit(LifetimeInSeconds=7200)
        sooner = datetime.now(timezone.utc) + timedelta(seconds=1800)
        request_error(lambda: env.client.update_expiration_for_hit(
            HITId=hit["HITId"], ExpireAt=sooner), None)
    finally:
        server.stop()


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
