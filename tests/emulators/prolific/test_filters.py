"""Filters as allow and block lists, evaluated when a simulated participant tries to reserve
a place (reference §8.2, §14.10), and completion-code actions (§3.3)."""

from __future__ import annotations

from typing import Any

import pytest

from deployer.emulators.prolific import SimulationError

from .conftest import Env, study_body


def _eligible(env: Env, study_id: str, participant_id: str) -> bool:
    try:
        env.emu.participants.reserve(participant_id, study_id)
    except SimulationError as error:
        assert error.reason == "not_eligible", error
        return False
    return True


def _group(env: Env, members: list[str]) -> str:
    reply = env.api.post("participant-groups/", {"name": "g", "workspace_id": env.workspace,
                                                 "participant_ids": members})
    found: str = reply.body["id"]
    return found


def _study(env: Env, *filters: dict[str, Any], **fields: Any) -> str:
    found: str = env.published(total_available_places=20, filters=list(filters),
                               **fields)["id"]
    return found


def test_group_allowlist_and_blocklist_read_membership_live(env: Env) -> None:
    """§8.2: participant_group_allowlist/blocklist; membership changes apply while the study
    runs (§8.1)."""
    inside, outside = env.emu.participants.create(), env.emu.participants.create()
    group = _group(env, [inside])
    allow = _study(env, {"filter_id": "participant_group_allowlist", "selected_values": [group]})
    block = _study(env, {"filter_id": "participant_group_blocklist", "selected_values": [group]})
    assert _eligible(env, allow, inside) and not _eligible(env, allow, outside)
    assert not _eligible(env, block, inside) and _eligible(env, block, outside)
    late = env.emu.participants.create()
    assert not _eligible(env, allow, late)
    env.api.post(f"participant-groups/{group}/participants/", {"participant_ids": [late]})
    assert _eligible(env, allow, late)


def test_a_deleted_group_still_counts_for_running_studies(env: Env) -> None:
    """§8.1: deletion is soft; a study that names the group keeps reading its members, but
    new studies cannot name it."""
    member = env.emu.participants.create()
    group = _group(env, [member])
    study = _study(env, {"filter_id": "participant_group_allowlist", "selected_values": [group]})
    env.api.delete(f"participant-groups/{group}/")
    assert _eligible(env, study, member)
    reply = env.api.post("studies/", study_body(filters=[
        {"filter_id": "participant_group_allowlist", "selected_values": [group]}]))
    assert reply.status == 400


def test_allowlists_are_any_of_their_values(env: Env) -> None:
    """§8.2: several groups in one allowlist: a member of either may take part."""
    first, second = env.emu.participants.create(), env.emu.participants.create()
    groups = [_group(env, [first]), _group(env, [second])]
    study = _study(env, {"filter_id": "participant_group_allowlist", "selected_values": groups})
    assert _eligible(env, study, first) and _eligible(env, study, second)


def test_custom_allowlist_and_blocklist(env: Env) -> None:
    """§8.2: participant IDs listed on the study itself."""
    listed, other = env.emu.participants.create(), env.emu.participants.create()
    allow = _study(env, {"filter_id": "custom_allowlist", "selected_values": [listed]})
    block = _study(env, {"filter_id": "custom_blocklist", "selected_values": [listed]})
    assert _eligible(env, allow, listed) and not _eligible(env, allow, other)
    assert not _eligible(env, block, listed) and _eligible(env, block, other)


def test_previous_studies_lists_are_frozen_at_publish(env: Env) -> None:
    """§8.2: previous_studies_blocklist/allowlist take who took part when the study is
    published; later participants of the old study are not added."""
    old = env.published(total_available_places=5)["id"]
    before, after = env.emu.participants.create(), env.emu.participants.create()
    env.submit(old, participant_id=before)
    block = _study(env, {"filter_id": "previous_studies_blocklist", "selected_values": [old]})
    allow = _study(env, {"filter_id": "previous_studies_allowlist", "selected_values": [old]})
    env.submit(old, participant_id=after)
    assert not _eligible(env, block, before) and _eligible(env, block, after)
    assert _eligible(env, allow, before) and not _eligible(env, allow, after)


def test_previous_studies_must_be_in_the_same_project(env: Env) -> None:
    """§8.2: a study of another project is refused when the study is written."""
    other = env.api.post(f"workspaces/{env.workspace}/projects/", {"title": "Other"}).body
    elsewhere = env.draft(project=other["id"])["id"]
    reply = env.api.post("studies/", study_body(filters=[
        {"filter_id": "previous_studies_blocklist", "selected_values": [elsewhere]}]))
    assert reply.status == 400
    assert "same project" in reply.detail["filters"][0]


@pytest.mark.parametrize(("item", "profile", "expected"), [
    ({"filter_id": "approval_rate", "selected_range": {"lower": 98, "upper": 100}},
     {"approval_rate": 97.5}, False),
    ({"filter_id": "approval_rate", "selected_range": {"lower": 98, "upper": 100}},
     {"approval_rate": 99}, True),
    ({"filter_id": "age", "selected_range": {"lower": 18, "upper": 30}}, {"age": 31}, False),
    ({"filter_id": "age", "selected_range": {"upper": 30}}, {"age": 30}, True),
    ({"filter_id": "current-country-of-residence", "selected_values": ["1"]},
     {"country": "US"}, True),
    ({"filter_id": "current-country-of-residence", "selected_values": ["1", "2"]},
     {"country": "FR"}, False),
    ({"filter_id": "fluent-languages", "selected_values": ["19"]},
     {"attributes": {"fluent-languages": ["19", "7"]}}, True),
    ({"filter_id": "fluent-languages", "selected_values": ["19"]}, {}, False),
    ({"filter_id": "hours-of-sleep", "selected_range": {"lower": 7}},
     {"attributes": {"hours-of-sleep": 8}}, True),
    ({"filter_id": "or", "selected_filters": [
        {"filter_id": "age", "selected_range": {"upper": 25}},
        {"filter_id": "current-country-of-residence", "selected_values": ["2"]}]},
     {"age": 40, "country": "GB"}, True),
    ({"filter_id": "and", "selected_filters": [
        {"filter_id": "age", "selected_range": {"upper": 25}},
        {"filter_id": "current-country-of-residence", "selected_values": ["2"]}]},
     {"age": 40, "country": "GB"}, False),
])
def test_demographic_filters(env: Env, item: dict[str, Any], profile: dict[str, Any],
                             expected: bool) -> None:
    """§8.2: approval_rate and age ranges, country (select), other prescreeners read from
    the participant's attributes (no answer: not eligible), and/or composites."""
    study = _study(env, item)
    assert _eligible(env, study, env.emu.participants.create(**profile)) is expected


def test_device_compatibility(env: Env) -> None:
    """§3.1: device_compatibility lists the devices allowed; [] allows all."""
    phone = env.emu.participants.create(devices=["mobile"])
    assert not _eligible(env, _study(env, device_compatibility=["desktop"]), phone)
    assert _eligible(env, _study(env, device_compatibility=["desktop", "mobile"]), phone)
    assert _eligible(env, _study(env, device_compatibility=[]), phone)


def test_filters_are_checked_when_written(env: Env) -> None:
    """§8.2: unknown groups, malformed IDs, out-of-range bounds, wrong kinds are 400s."""
    for item in ({"filter_id": "participant_group_allowlist", "selected_values": ["0" * 24]},
                 {"filter_id": "custom_blocklist", "selected_values": ["not-an-id"]},
                 {"filter_id": "approval_rate", "selected_range": {"lower": 90, "upper": 101}},
                 {"filter_id": "age", "selected_values": ["30"]},
                 {"filter_id": "custom_allowlist", "selected_range": {"lower": 1}},
                 {"filter_id": "current-country-of-residence", "selected_values": ["999"]},
                 {"filter_id": "age", "selected_range": {"lower": 40, "upper": 30}},
                 {"filter_id": "and", "selected_filters": []},
                 {"selected_values": []}):
        reply = env.api.post("studies/", study_body(filters=[item]))
        assert reply.status == 400, item
        assert list(reply.detail) == ["filters"]


def test_the_filter_catalogue_lists_what_is_modelled(env: Env) -> None:
    """§8.2: GET /filters/ with the country choices of the emulator's table."""
    listed = {f["filter_id"]: f for f in env.api.get("filters/").body["results"]}
    assert {"participant_group_allowlist", "custom_blocklist", "previous_studies_blocklist",
            "approval_rate", "age", "current-country-of-residence"} <= set(listed)
    assert listed["current-country-of-residence"]["choices"]["1"] == "United States"


def test_codes_add_to_and_remove_from_groups(env: Env) -> None:
    """§3.3, §8.1: ADD_TO_PARTICIPANT_GROUP and REMOVE_FROM_PARTICIPANT_GROUP run when a
    participant comes back with the code."""
    person = env.emu.participants.create()
    joined, left = _group(env, []), _group(env, [person])
    study = env.published(completion_codes=[{"code": "DONE", "code_type": "COMPLETED",
        "actions": [{"action": "ADD_TO_PARTICIPANT_GROUP", "participant_group": joined},
                    {"action": "REMOVE_FROM_PARTICIPANT_GROUP", "participant_group": left},
                    {"action": "MANUALLY_REVIEW"}]}])
    env.submit(study["id"], code="DONE", participant_id=person)

    def members(group: str) -> list[str]:
        reply = env.api.get(f"participant-groups/{group}/participants/")
        return [m["participant_id"] for m in reply.body["results"]]

    assert (members(joined), members(left)) == ([person], [])


def test_a_code_can_approve_at_once(env: Env) -> None:
    """§3.3: AUTOMATICALLY_APPROVE pays immediately."""
    study = env.published(completion_codes=[{"code": "AUTO", "code_type": "COMPLETED",
                                             "actions": [{"action": "AUTOMATICALLY_APPROVE"}]}])
    submission = env.submit(study["id"], code="AUTO")
    assert env.submission(submission)["status"] == "APPROVED"
    assert env.balance()["total_balance"] == 100000 - 200


def test_a_code_can_ask_for_a_return(env: Env) -> None:
    """§3.3: REQUEST_RETURN {return_reason}: the submission awaits review, return asked."""
    study = env.published(completion_codes=[{
        "code": "NOCONSENT", "code_type": "NO_CONSENT",
        "actions": [{"action": "REQUEST_RETURN", "return_reason": "No consent"}]}])
    submission = env.submit(study["id"], code="NOCONSENT")
    detail = env.submission(submission)
    assert detail["status"] == "AWAITING REVIEW"
    assert detail["return_requested"] is not None


def test_an_unknown_code_is_like_no_code(env: Env) -> None:
    """§6.1 (NOCODE): no action runs, the submission awaits review with what was typed."""
    study = env.published(completion_codes=[{"code": "AUTO", "code_type": "COMPLETED",
                                             "actions": [{"action": "AUTOMATICALLY_APPROVE"}]}])
    typed = env.submit(study["id"], code="AUTO?")
    none = env.submit(study["id"], code=None)
    assert (env.submission(typed)["status"], env.submission(typed)["entered_code"]) == (
        "AWAITING REVIEW", "AUTO?")
    assert env.submission(none)["entered_code"] == "NOCODE"
    assert env.balance()["total_balance"] == 100000
