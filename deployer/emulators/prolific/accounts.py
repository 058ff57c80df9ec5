"""The researcher, workspaces and projects (reference §1.2, §5.5, §9). A new workspace, like a
new Prolific account, comes with an initial project and no funds: top-ups happen outside the
API (here: the side channel)."""

from __future__ import annotations

from typing import Any

from deployer.emulators.prolific import money
from deployer.emulators.prolific.config import CURRENCIES
from deployer.emulators.prolific.errors import Problems
from deployer.emulators.prolific.records import ProjectRec, WorkspaceRec
from deployer.emulators.prolific.router import Answer, Call
from deployer.emulators.prolific.schema import PROJECTS, USERS, WORKSPACES
from deployer.emulators.prolific.wire import amount


def me(call: Call) -> Answer:
    user = call.who.user
    workspace = call.emu.workspace(call.who, user.workspace_id)
    first, *rest = user.name.split(" ", 1)
    return 200, {
        "id": user.id, "email": user.email, "first_name": first,
        "last_name": rest[0] if rest else "", "name": user.name, "username": user.email,
        "user_type": "researcher", "currency_code": workspace.currency,
        "balance": amount(workspace.balance),
        "available_balance": amount(money.available(call.emu, workspace)),
        "fees_percentage": money.percentage(call.emu.config.fee),
        "fees_per_submission": 0,  # no fixed fee per submission: only the percentage
        "vat_percentage": money.percentage(call.emu.config.vat),
        "minimum_reward_per_hour":
            call.emu.config.minimum_reward_per_hour[workspace.currency],
        "current_project_id": call.emu.first_project(workspace.id).id,
        "current_workspace_id": workspace.id, "on_hold": False,
    }


def _users(call: Call, ids: list[str], role: str) -> list[dict[str, Any]]:
    found = [USERS.get(call.emu.db, user_id) for user_id in ids]
    return [{"id": u.id, "name": u.name, "email": u.email, "roles": [role]}
            for u in found if u is not None]


def workspace_short(workspace: WorkspaceRec) -> dict[str, Any]:
    return {"id": workspace.id, "title": workspace.title,
            "description": workspace.description, "owner": workspace.owner,
            "currency_code": workspace.currency,
            "naivety_distribution_rate": workspace.naivety_distribution_rate}


def workspace_view(call: Call, workspace: WorkspaceRec) -> dict[str, Any]:
    projects = PROJECTS.where(call.emu.db, "workspace_id = ?", (workspace.id,))
    return {**workspace_short(workspace),
            "users": _users(call, workspace.members, "WORKSPACE_ADMIN"),
            "projects": [project_short(p) for p in projects], "wallet": workspace.id,
            "product": "human", "is_trial_workspace": False}


def project_short(project: ProjectRec) -> dict[str, Any]:
    return {"id": project.id, "title": project.title, "description": project.description,
            "owner": project.owner,
            "naivety_distribution_rate": project.naivety_distribution_rate}


def project_view(call: Call, project: ProjectRec) -> dict[str, Any]:
    return {**project_short(project), "type": project.type,
            "users": _users(call, [project.owner], "PROJECT_EDITOR"),
            "workspace": project.workspace_id, "is_longitudinal": project.is_longitudinal,
            "longitudinal": None, "public_details": None}


def _common(body: dict[str, Any], problems: Problems, creating: bool) -> None:
    title = body.get("title")
    if (creating or "title" in body) and (not isinstance(title, str) or not title.strip()):
        problems.add("title", "This field is required.")
    if body.get("description") is not None and not isinstance(body["description"], str):
        problems.add("description", "Not a valid string.")
    rate = body.get("naivety_distribution_rate")
    if rate is not None and (isinstance(rate, bool) or not isinstance(rate, (int, float))
                             or not 0 <= rate <= 1):
        problems.add("naivety_distribution_rate", "A number from 0 to 1 is required.")


def workspaces(call: Call) -> Answer:
    found = [WORKSPACES.get(call.emu.db, w) for w in sorted(call.who.workspaces)]
    ordered = sorted((w for w in found if w is not None), key=lambda w: w.created)
    page = call.page(ordered)
    page["results"] = [workspace_short(w) for w in page["results"]]
    return 200, page


def create_workspace(call: Call) -> Answer:
    body = call.body()
    problems = Problems()
    _common(body, problems, True)
    currency = body.get("currency_code", call.emu.config.currency)
    if currency not in CURRENCIES:
        problems.add("currency_code", f"Choose from {list(CURRENCIES)}.")
    problems.check()
    workspace = call.emu.new_workspace(call.who.user.id, body["title"],
                                       body.get("description") or "", currency,
                                       body.get("naivety_distribution_rate"))
    return 201, workspace_view(call, workspace)


def workspace(call: Call) -> Answer:
    return 200, workspace_view(call, call.emu.workspace(call.who, call.args["workspace_id"]))


def update_workspace(call: Call) -> Answer:
    found = call.emu.workspace(call.who, call.args["workspace_id"])
    body = call.body()
    problems = Problems()
    _common(body, problems, False)
    problems.check()
    found.title = body.get("title", found.title)
    found.description = body.get("description", found.description) or ""
    found.naivety_distribution_rate = body.get("naivety_distribution_rate",
                                               found.naivety_distribution_rate)
    WORKSPACES.put(call.emu.db, found)
    return 200, workspace_view(call, found)


def balance(call: Call) -> Answer:
    found = call.emu.workspace(call.who, call.args["workspace_id"])
    return 200, money.balance_view(call.emu, found)


def projects(call: Call) -> Answer:
    found = call.emu.workspace(call.who, call.args["workspace_id"])
    page = call.page(PROJECTS.where(call.emu.db, "workspace_id = ?", (found.id,)))
    page["results"] = [project_short(p) for p in page["results"]]
    return 200, page


def create_project(call: Call) -> Answer:
    found = call.emu.workspace(call.who, call.args["workspace_id"])
    body = call.body()
    problems = Problems()
    _common(body, problems, True)
    kind = body.get("type", "PRIVATE")
    if kind not in ("PRIVATE", "PUBLIC"):
        problems.add("type", "Choose PRIVATE or PUBLIC.")
    if not isinstance(body.get("is_longitudinal", False), bool):
        problems.add("is_longitudinal", "Must be a valid boolean.")
    problems.check()
    project = call.emu.new_project(found.id, call.who.user.id, body["title"],
                                   body.get("description") or "", kind,
                                   body.get("naivety_distribution_rate"),
                                   body.get("is_longitudinal", False))
    return 201, project_view(call, project)


def project(call: Call) -> Answer:
    return 200, project_view(call, call.emu.project(call.who, call.args["project_id"]))


def update_project(call: Call) -> Answer:
    found = call.emu.project(call.who, call.args["project_id"])
    body = call.body()
    problems = Problems()
    _common(body, problems, False)
    problems.check()
    found.title = body.get("title", found.title)
    found.description = body.get("description", found.description) or ""
    found.naivety_distribution_rate = body.get("naivety_distribution_rate",
                                               found.naivety_distribution_rate)
    PROJECTS.put(call.emu.db, found)
    return 200, project_view(call, found)
