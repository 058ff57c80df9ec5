"""The study state machine (reference §4.2, §4.3, §14.5)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deployer.emulators.prolific import Config

from .conftest import REASON, Env, MakeEnv


def _reject(env: Env, submission: str) -> None:
    reply = env.api.post(f"submissions/{submission}/transition/", {
        "action": "REJECT", "rejection_category": "FAILED_CHECK", "message": REASON})
    assert reply.status == 200, reply


def test_publish_answers_200_and_the_study_is_active(env: Env) -> None:
    """§4.2: PUBLISH -> 200 Study; with the default PUBLISHING duration of 0, ACTIVE."""
    study = env.draft()
    reply = env.transition(study["id"], "PUBLISH")
    assert reply.status == 200
    assert reply.body["status"] == "ACTIVE"
    assert reply.body["published_at"] is not None


def test_publishing_is_transient_for_a_configured_time(make_env: MakeEnv) -> None:
    """§4.2, §14.5: PUBLISHING for Config.publishing_seconds, then ACTIVE by itself."""
    env = make_env(Config(seed="t", publishing_seconds=30))
    study = env.draft()
    assert env.transition(study["id"], "PUBLISH").body["status"] == "PUBLISHING"
    assert env.study(study["id"])["status"] == "PUBLISHING"
    env.emu.advance(29)
    assert env.study(study["id"])["status"] == "PUBLISHING"
    env.emu.advance(1)
    assert env.study(study["id"])["status"] == "ACTIVE"


def test_pause_and_start(env: Env) -> None:
    """§4.2: ACTIVE -PAUSE-> PAUSED -START-> ACTIVE; a paused study takes no reservations."""
    study = env.published()
    assert env.transition(study["id"], "PAUSE").body["status"] == "PAUSED"
    person = env.emu.participants.create()
    reply = env.api.side("POST", f"studies/{study['id']}/reserve", {"participant_id": person})
    assert reply.status == 400
    assert reply.body["error"]["reason"] == "not_active"
    assert env.transition(study["id"], "START").body["status"] == "ACTIVE"


def test_a_paused_study_lets_those_inside_finish(env: Env) -> None:
    """§4.2: participants who reserved or started before the pause can still finish."""
    study = env.published()
    person = env.emu.participants.create()
    submission = env.emu.participants.reserve(person, study["id"])
    env.transition(study["id"], "PAUSE")
    env.emu.participants.start(submission)
    env.emu.participants.complete(submission, "C7K2Q9")
    assert env.submission(submission)["status"] == "AWAITING REVIEW"


def test_stop_with_nothing_to_review_completes(env: Env) -> None:
    """§4.2: STOP -> COMPLETED when no submissions await review."""
    study = env.published()
    assert env.transition(study["id"], "STOP").body["status"] == "COMPLETED"


def test_stop_with_submissions_to_review_awaits_review(env: Env) -> None:
    """§4.2 (help centre): STOP -> AWAITING REVIEW, then COMPLETED once reviewed."""
    study = env.published()
    submission = env.submit(study["id"])
    assert env.transition(study["id"], "STOP").body["status"] == "AWAITING REVIEW"
    env.api.post(f"submissions/{submission}/transition/", {"action": "APPROVE"})
    assert env.study(study["id"])["status"] == "COMPLETED"


def test_a_stopped_study_is_final(env: Env) -> None:
    """§4.2: STOP is final; START, PAUSE and STOP again are illegal."""
    study = env.published()
    env.transition(study["id"], "STOP")
    for action in ("START", "PAUSE", "STOP", "PUBLISH"):
        assert env.transition(study["id"], action).status == 400


@pytest.mark.parametrize(("setup", "action"), [
    ([], "PAUSE"), ([], "START"), ([], "STOP"), ([], "CANCEL_PUBLISH"),
    (["PUBLISH"], "PUBLISH"), (["PUBLISH"], "START"), (["PUBLISH", "PAUSE"], "PAUSE"),
])
def test_illegal_transitions_are_400_naming_status_and_action(
        env: Env, setup: list[str], action: str) -> None:
    """§4.2, §14.5: 400, detail a string naming the current status and the action."""
    study = env.draft()
    for step in setup:
        env.transition(study["id"], step)
    before = env.study(study["id"])["status"]
    reply = env.transition(study["id"], action)
    assert reply.status == 400
    assert reply.detail == f"Cannot {action} a study whose status is {before}."
    assert env.study(study["id"])["status"] == before


def test_an_unknown_action_is_a_field_error(env: Env) -> None:
    """§4.2: the action enum."""
    reply = env.transition(env.draft()["id"], "EXPIRE")
    assert reply.status == 400
    assert list(reply.detail) == ["action"]


def test_schedule_and_cancel(env: Env) -> None:
    """§4.2: SCHEDULE_PUBLISH needs a future publish_at; CANCEL_PUBLISH returns to draft."""
    study = env.draft()
    assert env.transition(study["id"], "SCHEDULE_PUBLISH").status == 400
    assert env.transition(study["id"], "SCHEDULE_PUBLISH",
                          publish_at="2001-01-01T00:00:00Z").status == 400
    reply = env.transition(study["id"], "SCHEDULE_PUBLISH", publish_at="2999-01-01T10:00:00Z")
    assert reply.body["status"] == "SCHEDULED"
    assert reply.body["publish_at"] == "2999-01-01T10:00:00.000000Z"
    assert env.transition(study["id"], "CANCEL_PUBLISH").body["status"] == "UNPUBLISHED"


def test_a_scheduled_study_publishes_at_its_time(env: Env) -> None:
    """§4.3: SCHEDULED -> ACTIVE at publish_at (the study's own publish_at counts too)."""
    stamp = (env.emu.clock.now() + timedelta(hours=1)).isoformat()  # "+00:00", not "Z"
    study = env.draft(publish_at=stamp)
    assert env.transition(study["id"], "SCHEDULE_PUBLISH").body["status"] == "SCHEDULED"
    env.emu.advance(3599)
    assert env.study(study["id"])["status"] == "SCHEDULED"
    env.emu.advance(2)
    assert env.study(study["id"])["status"] == "ACTIVE"


def test_a_full_study_awaits_review_then_completes(env: Env) -> None:
    """§4.3: ACTIVE -> AWAITING REVIEW when every place came back; COMPLETED when all are
    approved."""
    study = env.published()
    first = env.submit(study["id"])
    assert env.study(study["id"])["status"] == "ACTIVE"
    second = env.submit(study["id"])
    assert env.study(study["id"])["status"] == "AWAITING REVIEW"
    env.api.post(f"submissions/{first}/transition/", {"action": "APPROVE"})
    assert env.study(study["id"])["status"] == "AWAITING REVIEW"
    env.api.post(f"submissions/{second}/transition/", {"action": "APPROVE"})
    assert env.study(study["id"])["status"] == "COMPLETED"


def test_a_full_study_with_someone_still_working_stays_active(env: Env) -> None:
    """§4.3: all places taken but one still in progress: ACTIVE, and no new reservations."""
    study = env.published(total_available_places=1)
    person = env.emu.participants.create()
    submission = env.emu.participants.reserve(person, study["id"])
    assert env.study(study["id"])["status"] == "ACTIVE"
    reply = env.api.side("POST", f"studies/{study['id']}/reserve",
                         {"participant_id": env.emu.participants.create()})
    assert reply.body["error"]["reason"] == "full"
    env.emu.participants.start(submission)
    env.emu.participants.complete(submission, "C7K2Q9")
    assert env.study(study["id"])["status"] == "AWAITING REVIEW"


def test_a_rejection_in_a_full_study_pauses_it(env: Env) -> None:
    """§4.3 (help centre), §14.5: the study pauses; START recruits a replacement."""
    study = env.published(total_available_places=1)
    submission = env.submit(study["id"])
    _reject(env, submission)
    assert env.study(study["id"])["status"] == "PAUSED"
    assert env.study(study["id"])["places_taken"] == 0
    assert env.transition(study["id"], "START").body["status"] == "ACTIVE"
    env.submit(study["id"])
    assert env.study(study["id"])["status"] == "AWAITING REVIEW"


def test_a_return_in_a_full_study_pauses_it(env: Env) -> None:
    """§4.3: a participant returning an AWAITING REVIEW submission of a full study."""
    study = env.published(total_available_places=1)
    submission = env.submit(study["id"])
    env.emu.participants.give_back(submission)
    assert env.study(study["id"])["status"] == "PAUSED"


def test_without_auto_pause_the_study_recruits_again(make_env: MakeEnv) -> None:
    """§4.3 (staff, 2022), switch off: the study goes back to ACTIVE instead."""
    env = make_env(Config(seed="t", auto_pause_on_refill=False))
    study = env.published(total_available_places=1)
    _reject(env, env.submit(study["id"]))
    assert env.study(study["id"])["status"] == "ACTIVE"


def test_a_time_out_frees_the_place_without_pausing(env: Env) -> None:
    """§4.3, §6.1: TIMED-OUT submissions are replaced: the study keeps recruiting."""
    study = env.published(total_available_places=1)
    person = env.emu.participants.create()
    submission = env.emu.participants.reserve(person, study["id"])
    env.emu.participants.start(submission)
    env.emu.advance(40 * 60)  # maximum_allowed_time is 40 minutes
    assert env.submission(submission)["status"] == "TIMED-OUT"
    assert env.study(study["id"])["status"] == "ACTIVE"
    assert env.study(study["id"])["places_taken"] == 0
