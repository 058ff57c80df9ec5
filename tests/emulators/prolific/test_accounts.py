"""The researcher, workspaces and projects (reference §1.2, §5.5, §9)."""

from __future__ import annotations

from .conftest import Env


def test_a_new_workspace_has_an_initial_project_and_no_funds(env: Env) -> None:
    """§9: create -> 201 Workspace with "This is your initial project."; §5.5: top-ups are
    web-only, so a new workspace starts at 0."""
    reply = env.api.post("workspaces/", {"title": "Second lab", "currency_code": "USD",
                                         "description": "for the US sample"})
    assert reply.status == 201
    workspace = reply.body
    assert (workspace["title"], workspace["currency_code"]) == ("Second lab", "USD")
    assert [p["description"] for p in workspace["projects"]] == [
        "This is your initial project."]
    assert workspace["users"][0]["roles"] == ["WORKSPACE_ADMIN"]
    balance = env.api.get(f"workspaces/{workspace['id']}/balance/").body
    assert (balance["currency_code"], balance["total_balance"]) == ("USD", 0)
    listed = [w["id"] for w in env.api.get("workspaces/").body["results"]]
    assert listed == [env.workspace, workspace["id"]]


def test_a_study_in_an_empty_workspace_cannot_be_published(env: Env) -> None:
    """§5.4: the new workspace's study needs its own funds (funds never move between
    workspaces)."""
    workspace = env.api.post("workspaces/", {"title": "Empty"}).body
    study = env.draft(project=workspace["projects"][0]["id"])
    assert study["workspace"] == workspace["id"]
    reply = env.transition(study["id"], "PUBLISH")
    assert reply.status == 400
    assert reply.detail.startswith("Insufficient funds")
    env.api.side("POST", f"workspaces/{workspace['id']}/top-up", {"amount": 400})
    assert env.transition(study["id"], "PUBLISH").status == 200


def test_workspace_fields_are_checked_and_patched(env: Env) -> None:
    """§9: title required; GBP or USD; PATCH changes title and naivety rate."""
    assert env.api.post("workspaces/", {}).status == 400
    assert list(env.api.post("workspaces/", {"title": "x", "currency_code": "EUR"})
                .detail) == ["currency_code"]
    reply = env.api.patch(f"workspaces/{env.workspace}/",
                          {"title": "Renamed", "naivety_distribution_rate": 0.5})
    assert (reply.body["title"], reply.body["naivety_distribution_rate"]) == ("Renamed", 0.5)
    assert env.api.patch(f"workspaces/{env.workspace}/", {"title": ""}).status == 400


def test_projects_are_created_read_and_patched(env: Env) -> None:
    """§9: create -> 201 with the caller as PROJECT_EDITOR; GET and PATCH."""
    reply = env.api.post(f"workspaces/{env.workspace}/projects/",
                         {"title": "Pilot", "type": "PUBLIC", "is_longitudinal": True})
    assert reply.status == 201
    project = reply.body
    assert (project["type"], project["is_longitudinal"], project["workspace"]) == (
        "PUBLIC", True, env.workspace)
    assert project["users"][0]["roles"] == ["PROJECT_EDITOR"]
    assert env.api.get(f"projects/{project['id']}/").body == project
    patched = env.api.patch(f"projects/{project['id']}/", {"title": "Main"}).body
    assert patched["title"] == "Main"
    assert env.api.post(f"workspaces/{env.workspace}/projects/",
                        {"title": "x", "type": "SECRET"}).status == 400
    assert env.api.get(f"projects/{'0' * 24}/").status == 404


def test_the_user_is_the_tokens_researcher(env: Env) -> None:
    """§1.2: GET /users/me/ is the token check, with the fields clients read."""
    me = env.api.get("users/me/").body
    for name in ("id", "email", "first_name", "last_name", "name", "username", "user_type",
                 "currency_code", "balance", "available_balance", "fees_percentage",
                 "vat_percentage", "minimum_reward_per_hour", "current_project_id", "on_hold"):
        assert name in me, name
