"""Participant groups (reference §8.1, §14.3, §14.10): create 201, list, patch (replace),
members add/remove/list, soft delete 204."""

from __future__ import annotations

from .conftest import Env

A, B, C = "a" * 24, "b" * 24, "c" * 24


def _group(env: Env, **body: object) -> dict[str, object]:
    reply = env.api.post("participant-groups/", {"name": "Pilot", "workspace_id": env.workspace,
                                                 **body})
    assert reply.status == 201, reply
    found: dict[str, object] = reply.body
    return found


def _members(env: Env, group: object) -> list[str]:
    reply = env.api.get(f"participant-groups/{group}/participants/")
    return [m["participant_id"] for m in reply.body["results"]]


def test_create_answers_201_with_the_group(env: Env) -> None:
    """§8.1: the ParticipantGroup shape; members from participant_ids."""
    group = _group(env, description="first run", participant_ids=[A, B])
    assert {k: group[k] for k in ("name", "workspace_id", "description", "participant_count",
                                  "is_deleted", "feeder_studies", "organisation_id")} == {
        "name": "Pilot", "workspace_id": env.workspace, "description": "first run",
        "participant_count": 2, "is_deleted": False, "feeder_studies": [],
        "organisation_id": None}
    assert env.api.get(f"participant-groups/{group['id']}/").body == group


def test_create_by_project_as_older_clients_do(env: Env) -> None:
    """§8.1: Mephisto creates with project_id; the group lands in its workspace."""
    project = env.api.get("users/me/").body["current_project_id"]
    reply = env.api.post("participant-groups/", {"name": "p", "project_id": project})
    assert reply.status == 201
    assert reply.body["workspace_id"] == env.workspace
    assert reply.body["project_id"] == project


def test_create_checks_its_body(env: Env) -> None:
    """§8.1: name required; one of workspace_id/project_id; participant IDs well-formed."""
    assert env.api.post("participant-groups/", {"workspace_id": env.workspace}).status == 400
    assert env.api.post("participant-groups/", {"name": "x"}).status == 400
    reply = env.api.post("participant-groups/", {"name": "x", "workspace_id": env.workspace,
                                                 "participant_ids": ["nope"]})
    assert list(reply.detail) == ["participant_ids"]
    assert env.api.post("participant-groups/", {"name": "x",
                                                "workspace_id": "0" * 24}).status == 404


def test_list_needs_a_workspace_or_project_and_filters_active(env: Env) -> None:
    """§8.1: ?workspace_id or ?project_id is required; ?active=true|false."""
    kept, gone = _group(env), _group(env)
    env.api.delete(f"participant-groups/{gone['id']}/")
    assert env.api.get("participant-groups/").status == 400

    def ids(query: str) -> list[object]:
        return [g["id"] for g in env.api.get(f"participant-groups/?{query}").body["results"]]

    assert ids(f"workspace_id={env.workspace}") == [kept["id"], gone["id"]]
    assert ids(f"workspace_id={env.workspace}&active=true") == [kept["id"]]
    assert ids(f"workspace_id={env.workspace}&active=false") == [gone["id"]]


def test_patch_replaces_the_membership(env: Env) -> None:
    """§8.1: `participant_ids` on PATCH replaces; name and description change."""
    group = _group(env, participant_ids=[A, B])
    reply = env.api.patch(f"participant-groups/{group['id']}/",
                          {"name": "Renamed", "participant_ids": [B, C]})
    assert reply.status == 200
    assert (reply.body["name"], reply.body["participant_count"]) == ("Renamed", 2)
    assert _members(env, group["id"]) == [B, C]


def test_members_are_added_and_removed_leniently(env: Env) -> None:
    """§8.1: add ignores members, remove ignores non-members; both answer the membership."""
    group = _group(env, participant_ids=[A])
    added = env.api.post(f"participant-groups/{group['id']}/participants/",
                         {"participant_ids": [A, B]})
    assert added.status == 200
    assert [m["participant_id"] for m in added.body["results"]] == [A, B]
    assert all(m["datetime_created"].endswith("Z") for m in added.body["results"])
    removed = env.api.delete(f"participant-groups/{group['id']}/participants/",
                             {"participant_ids": [A, C]})
    assert [m["participant_id"] for m in removed.body["results"]] == [B]
    listed = env.api.get(f"participant-groups/{group['id']}/participants/").body
    assert listed["meta"] == {"count": 1}


def test_delete_is_soft_and_answers_204(env: Env) -> None:
    """§8.1: 204; still readable with is_deleted true; it can no longer change."""
    group = _group(env, participant_ids=[A])
    reply = env.api.delete(f"participant-groups/{group['id']}/")
    assert (reply.status, reply.body) == (204, None)
    shown = env.api.get(f"participant-groups/{group['id']}/").body
    assert (shown["is_deleted"], shown["participant_count"]) == (True, 1)
    assert env.api.patch(f"participant-groups/{group['id']}/", {"name": "x"}).status == 400
    assert env.api.post(f"participant-groups/{group['id']}/participants/",
                        {"participant_ids": [B]}).status == 400


def test_feeder_studies_are_those_whose_codes_add_to_the_group(env: Env) -> None:
    """§8.1: feeder_studies lists studies with ADD_TO/REMOVE_FROM_PARTICIPANT_GROUP codes."""
    group = _group(env)
    study = env.draft(completion_codes=[{
        "code": "DONE", "code_type": "COMPLETED",
        "actions": [{"action": "ADD_TO_PARTICIPANT_GROUP", "participant_group": group["id"]}]}])
    feeders = env.api.get(f"participant-groups/{group['id']}/").body["feeder_studies"]
    assert feeders == [{"id": study["id"], "name": study["name"],
                        "internal_name": study["internal_name"], "status": "UNPUBLISHED",
                        "feeder_completion_codes": [{"code": "DONE", "code_type": "COMPLETED",
                                                     "action": "ADD_TO_PARTICIPANT_GROUP"}]}]
