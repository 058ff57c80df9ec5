"""The wire (reference §1, §14.1-§14.4): token authentication, both slash forms without
redirects, JSON bodies on DELETE, and the error envelope on every error."""

from __future__ import annotations

import pytest

from deployer.emulators.prolific import Config

from .conftest import Api, Env, MakeEnv, study_body


def test_a_missing_token_is_401_in_the_envelope(env: Env) -> None:
    """§1.2: no Authorization header -> 401, with the §1.4 envelope and a Token challenge."""
    reply = env.api.get("users/me/", token=None)
    assert reply.status == 401
    assert reply.body["error"]["status"] == 401
    assert reply.body["error"]["title"] == "Unauthorized"
    assert reply.detail == "Authentication credentials were not provided."
    assert reply.headers["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("header", ["Token nope", "Bearer local-token", "Token", "local-token"])
def test_an_unknown_or_malformed_token_is_401(env: Env, header: str) -> None:
    """§1.2: `Authorization: Token <t>` with a token the emulator knows, nothing else."""
    reply = env.api.request("GET", "/api/v1/users/me/", token=None,
                            headers={"Authorization": header})
    assert reply.status == 401, reply
    assert isinstance(reply.detail, str)


def test_the_default_token_reaches_a_new_account(env: Env) -> None:
    """§9, §14.1: one workspace with its initial project, as a new Prolific account has."""
    me = env.api.get("users/me/").body
    assert me["user_type"] == "researcher"
    assert me["currency_code"] == "GBP"
    workspaces = env.api.get("workspaces/").body["results"]
    assert [w["id"] for w in workspaces] == [me["current_workspace_id"]]
    projects = env.api.get(f"workspaces/{me['current_workspace_id']}/projects/").body["results"]
    assert [p["description"] for p in projects] == ["This is your initial project."]
    assert projects[0]["id"] == me["current_project_id"]


def test_each_token_is_bound_to_its_workspace(make_env: MakeEnv) -> None:
    """§1.2, §14.1: a token never sees another workspace's studies, projects or balance."""
    env: Env = make_env(Config(seed="t", tokens={"a": "Lab A", "b": "Lab B"}))
    a, b = Api(env.server.url, "a"), Api(env.server.url, "b")
    study = a.post("studies/", study_body()).body
    workspace_a = a.get("users/me/").body["current_workspace_id"]
    assert b.get("users/me/").body["current_workspace_id"] != workspace_a
    assert b.get(f"studies/{study['id']}/").status == 404
    assert b.get(f"workspaces/{workspace_a}/balance/").status == 404
    assert b.get(f"projects/{study['project']}/").status == 404
    assert b.get("studies/").body["results"] == []
    assert a.get(f"studies/{study['id']}/").status == 200


def test_tokens_naming_one_title_share_the_workspace(make_env: MakeEnv) -> None:
    """§1.2: Config.tokens maps token -> workspace title; one title, one workspace."""
    env: Env = make_env(Config(seed="t", tokens={"a": "Lab", "b": "Lab"}))
    a, b = Api(env.server.url, "a"), Api(env.server.url, "b")
    study = a.post("studies/", study_body()).body
    assert b.get(f"studies/{study['id']}/").status == 200
    assert a.get("users/me/").body["id"] != b.get("users/me/").body["id"]


@pytest.mark.parametrize("path", [
    "users/me", "workspaces", "studies", "filters", "participant-groups?workspace_id={ws}",
    "workspaces/{ws}", "workspaces/{ws}/balance", "workspaces/{ws}/projects",
    "studies/{study}", "studies/{study}/submissions", "studies/{study}/submissions/counts",
    "studies/{study}/cost", "submissions?study={study}", "projects/{project}",
    "projects/{project}/studies", "messages?user_id={user}",
])
def test_every_route_answers_with_and_without_its_trailing_slash(env: Env, path: str) -> None:
    """§1.1, §14.2: both forms answer 200 directly; never a redirect."""
    study = env.draft()
    me = env.api.get("users/me/").body
    filled = path.format(ws=me["current_workspace_id"], study=study["id"],
                         project=study["project"], user=me["id"])
    base, _, query = filled.partition("?")
    suffix = f"?{query}" if query else ""
    with_slash = env.api.get(f"{base}/{suffix}")
    without = env.api.get(f"{base}{suffix}")
    assert with_slash.status == without.status == 200, (with_slash, without)
    assert with_slash.body == without.body  # links name the canonical, slashed form


def test_writes_answer_without_a_slash_too(env: Env) -> None:
    """§1.1: a 301 on POST or PATCH would lose the body, so none is sent."""
    created = env.api.post("studies", study_body())
    assert created.status == 201
    patched = env.api.patch(f"studies/{created.body['id']}", {"internal_name": "renamed"})
    assert patched.status == 200
    assert patched.body["internal_name"] == "renamed"
    assert env.api.delete(f"studies/{created.body['id']}").status == 200


def test_delete_carries_a_json_body(env: Env) -> None:
    """§1.1: removing group members is a DELETE with {"participant_ids": [...]}."""
    keep, drop = "a" * 24, "b" * 24
    group = env.api.post("participant-groups/", {"name": "g", "workspace_id": env.workspace,
                                                 "participant_ids": [keep, drop]}).body
    reply = env.api.delete(f"participant-groups/{group['id']}/participants/",
                           {"participant_ids": [drop]})
    assert reply.status == 200
    assert [m["participant_id"] for m in reply.body["results"]] == [keep]


def test_unknown_paths_and_ids_are_404_in_the_envelope(env: Env) -> None:
    """§1.4, §14.4: 404 for unknown routes and IDs, `detail` "Not found."."""
    for path in ("nothing-here/", "studies/0123456789abcdef01234567/",
                 "submissions/0123456789abcdef01234567/"):
        reply = env.api.get(path)
        assert reply.status == 404
        assert reply.body == {"error": {"status": 404, "error_code": 140404,
                                        "title": "Not Found", "detail": "Not found.",
                                        "additional_information": "", "interactive": False}}
    assert env.api.request("GET", "/elsewhere").status == 404
    assert env.api.get("nothing-here/", token=None).status == 404  # the route comes first


def test_a_known_path_with_the_wrong_method_is_405(env: Env) -> None:
    """§1.4: the envelope, with Allow naming what the route answers."""
    reply = env.api.request("PUT", "/api/v1/studies/")
    assert reply.status == 405
    assert reply.headers["Allow"] == "GET, POST"
    assert reply.body["error"]["status"] == 405


def test_a_body_that_is_not_json_is_a_400(env: Env) -> None:
    """§1.4: a string detail, nothing created."""
    reply = env.api.request("POST", "/api/v1/studies/", raw=b"{not json")
    assert reply.status == 400
    assert reply.detail.startswith("JSON parse error")
    reply = env.api.post("studies/", [1, 2])
    assert reply.status == 400
    for path in ("studies", "participant-groups"):  # a group's name is an SQLite TEXT
        raw = b'{"name": "\\ud800", "workspace_id": "%s"}' % env.workspace.encode()
        reply = env.api.request("POST", f"/api/v1/{path}/", raw=raw)
        assert reply.status == 400
        assert "lone surrogate" in reply.detail
    assert env.api.get("studies/").body["results"] == []


def test_validation_errors_map_fields_to_lists_of_messages(env: Env) -> None:
    """§1.4: `detail` is {field: [message, ...]} and names every problem at once."""
    reply = env.api.post("studies/", {"name": "x", "reward": -1, "prolific_id_option": "nope"})
    assert reply.status == 400
    detail = reply.detail
    assert set(detail) >= {"description", "external_study_url", "total_available_places",
                           "estimated_completion_time", "reward", "prolific_id_option"}
    assert all(isinstance(v, list) and all(isinstance(m, str) for m in v)
               for v in detail.values())
