"""What can change, when (reference §4.4, §14.6): drafts anything; after publish only
internal_name, submissions_config and more places."""

from __future__ import annotations

from typing import Any

import pytest

from deployer.emulators.prolific import SimulationError

from .conftest import Env


def test_a_draft_can_change_anything(env: Env) -> None:
    """§4.4: UNPUBLISHED studies take any field, checked as on create."""
    study = env.draft()
    changes = {"name": "New", "reward": 300, "total_available_places": 1,
               "completion_codes": [{"code": "NEW1", "code_type": "COMPLETED"}],
               "filters": [{"filter_id": "age", "selected_range": {"lower": 20}}]}
    reply = env.api.patch(f"studies/{study['id']}/", changes)
    assert reply.status == 200
    for name, value in changes.items():
        if name != "completion_codes":
            assert reply.body[name] == value
    assert reply.body["completion_codes"][0]["code"] == "NEW1"
    assert env.study(study["id"])["reward"] == 300


def test_a_draft_patch_is_checked_like_a_create(env: Env) -> None:
    """§4.4: a bad value is a 400 naming the field, and changes nothing."""
    study = env.draft()
    reply = env.api.patch(f"studies/{study['id']}/", {"name": "Kept?", "reward": -5})
    assert reply.status == 400
    assert list(reply.detail) == ["reward"]
    assert env.study(study["id"])["name"] == "Tone judgements"


def test_a_draft_patch_checks_the_merged_study(env: Env) -> None:
    """§3.1: a longer estimated time needs a longer maximum time (floor 2 + 2X + 2*sqrt(X))."""
    study = env.draft(maximum_allowed_time=40)
    reply = env.api.patch(f"studies/{study['id']}/", {"estimated_completion_time": 30})
    assert reply.status == 400
    assert list(reply.detail) == ["maximum_allowed_time"]


@pytest.mark.parametrize(("field", "value"), [
    ("reward", 300), ("name", "Other"), ("description", "x"), ("filters", []),
    ("estimated_completion_time", 5), ("completion_codes", []),
    ("external_study_url", "https://other.example.org/"), ("device_compatibility", []),
    ("metadata", "{}"), ("unknown_field", 1),
])
def test_after_publish_other_fields_are_refused(env: Env, field: str, value: Any) -> None:
    """§4.4: 400 with detail {field: [...]}, even when sent unchanged; nothing changes."""
    study = env.published()
    reply = env.api.patch(f"studies/{study['id']}/", {field: value, "internal_name": "x"})
    assert reply.status == 400
    assert list(reply.detail) == [field]
    assert "after the study is published" in reply.detail[field][0]
    assert env.study(study["id"])["internal_name"] == study["internal_name"]


def test_after_publish_the_whitelist_applies(env: Env) -> None:
    """§4.4: internal_name and submissions_config change on a published study."""
    study = env.published()
    reply = env.api.patch(f"studies/{study['id']}/", {
        "internal_name": "renamed", "submissions_config": {"max_concurrent_submissions": 5}})
    assert reply.status == 200
    assert reply.body["internal_name"] == "renamed"
    assert reply.body["submissions_config"]["max_concurrent_submissions"] == 5
    assert reply.body["submissions_config"]["max_submissions_per_participant"] == 1


def test_places_only_increase_and_the_value_is_the_new_total(env: Env) -> None:
    """§4.4: decreasing is a 400; the same number is accepted; more places hold more funds."""
    study = env.published()  # 2 places
    held = env.balance()["available_balance"]
    reply = env.api.patch(f"studies/{study['id']}/", {"total_available_places": 1})
    assert reply.status == 400
    assert "only be increased" in reply.detail["total_available_places"][0]
    assert env.api.patch(f"studies/{study['id']}/", {"total_available_places": 2}).status == 200
    reply = env.api.patch(f"studies/{study['id']}/", {"total_available_places": 5})
    assert reply.status == 200
    assert reply.body["total_available_places"] == 5
    assert env.balance()["available_balance"] == held - 3 * 200


def test_more_places_reopen_a_completed_study(env: Env) -> None:
    """§4.2, §4.4: a COMPLETED study becomes ACTIVE again when places are added."""
    study = env.published(total_available_places=1)
    submission = env.submit(study["id"])
    env.api.post(f"submissions/{submission}/transition/", {"action": "APPROVE"})
    assert env.study(study["id"])["status"] == "COMPLETED"
    reply = env.api.patch(f"studies/{study['id']}/", {"total_available_places": 2})
    assert reply.body["status"] == "ACTIVE"
    env.submit(study["id"])
    assert env.study(study["id"])["places_taken"] == 2


def test_more_places_reopen_a_stopped_study(env: Env) -> None:
    """§4.2: "to make it active again you will need to increase the number of places"."""
    study = env.published()
    assert env.transition(study["id"], "STOP").body["status"] == "COMPLETED"
    reply = env.api.patch(f"studies/{study['id']}/", {"total_available_places": 3})
    assert reply.body["status"] == "ACTIVE"


def test_more_places_fill_an_awaiting_review_study_again(env: Env) -> None:
    """§4.3: a full study awaiting review recruits again once places are added."""
    study = env.published(total_available_places=1)
    env.submit(study["id"])
    assert env.study(study["id"])["status"] == "AWAITING REVIEW"
    assert env.api.patch(f"studies/{study['id']}/",
                         {"total_available_places": 2}).body["status"] == "ACTIVE"


def test_more_places_than_the_funds_cover_are_refused(env: Env) -> None:
    """§4.4, §5.4: insufficient funds on increase -> 400; places and balance unchanged."""
    study = env.published()
    before = env.balance()
    reply = env.api.patch(f"studies/{study['id']}/", {"total_available_places": 10_000})
    assert reply.status == 400
    assert "Insufficient funds" in reply.detail["total_available_places"][0]
    assert env.study(study["id"])["total_available_places"] == 2
    assert env.balance() == before


def test_a_paused_study_can_take_more_places(env: Env) -> None:
    """§15 (unknown): places may be added to a PAUSED study; it stays PAUSED."""
    study = env.published()
    env.transition(study["id"], "PAUSE")
    reply = env.api.patch(f"studies/{study['id']}/", {"total_available_places": 4})
    assert (reply.status, reply.body["status"]) == (200, "PAUSED")


def test_a_scheduled_study_follows_the_published_rules(env: Env) -> None:
    """§15 (unknown): SCHEDULED studies hold funds, so they follow the published whitelist."""
    study = env.draft()
    env.transition(study["id"], "SCHEDULE_PUBLISH", publish_at="2999-01-01T00:00:00Z")
    assert env.api.patch(f"studies/{study['id']}/", {"reward": 300}).status == 400
    assert env.api.patch(f"studies/{study['id']}/", {"internal_name": "s"}).status == 200


def test_lowering_max_submissions_keeps_existing_ones(env: Env) -> None:
    """§4.4: "lowering max submissions does not affect existing ones"; new ones obey it."""
    study = env.published(submissions_config={"max_submissions_per_participant": 2},
                          total_available_places=5)
    person = env.emu.participants.create()
    first = env.submit(study["id"], participant_id=person)
    env.api.patch(f"studies/{study['id']}/",
                  {"submissions_config": {"max_submissions_per_participant": 1}})
    assert env.submission(first)["status"] == "AWAITING REVIEW"
    with pytest.raises(SimulationError) as refused:
        env.emu.participants.reserve(person, study["id"])
    assert refused.value.reason == "already_took_part"
