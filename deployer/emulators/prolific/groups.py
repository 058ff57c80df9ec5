"""Participant groups (reference §8.1): mutable sets of participants in a workspace, used as
allow and block lists that take effect on running studies. Deletion is soft: a deleted group is
still readable (`is_deleted: true`, left out by `?active=true`) but can no longer change."""

from __future__ import annotations

from typing import Any

from deployer.emulators.prolific.errors import Problems, bad, invalid
from deployer.emulators.prolific.filters import OBJECT_ID
from deployer.emulators.prolific.records import GroupRec, MemberRec
from deployer.emulators.prolific.router import Answer, Call
from deployer.emulators.prolific.schema import GROUPS, MEMBERS, STUDIES
from deployer.emulators.prolific.wire import flag, iso

GROUP_ACTIONS = ("ADD_TO_PARTICIPANT_GROUP", "REMOVE_FROM_PARTICIPANT_GROUP")


def view(call: Call, group: GroupRec) -> dict[str, Any]:
    return {"id": group.id, "name": group.name, "project_id": group.project_id,
            "workspace_id": group.workspace_id, "organisation_id": None,
            "description": group.description,
            "participant_count": MEMBERS.count(call.emu.db, "group_id = ?", (group.id,)),
            "is_deleted": group.is_deleted, "feeder_studies": _feeders(call, group)}


def _feeders(call: Call, group: GroupRec) -> list[dict[str, Any]]:
    """The studies whose completion codes add participants to, or remove them from, it."""
    found = []
    for study in STUDIES.where(call.emu.db, "workspace_id = ?", (group.workspace_id,)):
        codes = [{"code": c.get("code"), "code_type": c.get("code_type"), "action": a["action"]}
                 for c in study.fields.get("completion_codes") or []
                 for a in c.get("actions", [])
                 if a.get("action") in GROUP_ACTIONS and a.get("participant_group") == group.id]
        if codes:
            found.append({"id": study.id, "name": study.fields.get("name"),
                          "internal_name": study.fields.get("internal_name"),
                          "status": study.status, "feeder_completion_codes": codes})
    return found


def _ids(value: Any, field: str = "participant_ids") -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and OBJECT_ID.fullmatch(v)
                                              for v in value):
        raise invalid(field, "A list of participant IDs (24 hexadecimal characters) is "
                             "required.")
    return list(dict.fromkeys(value))


def _members(call: Call, group: GroupRec) -> list[dict[str, Any]]:
    return [{"participant_id": m.participant_id, "datetime_created": iso(m.added)}
            for m in MEMBERS.where(call.emu.db, "group_id = ?", (group.id,))]


def _add(call: Call, group: GroupRec, ids: list[str]) -> None:
    for participant_id in ids:
        if MEMBERS.get(call.emu.db, group.id, participant_id) is None:
            MEMBERS.put(call.emu.db, MemberRec(group.id, participant_id, call.emu.now()))


def create(call: Call) -> Answer:
    body = call.body()
    problems = Problems()
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.add("name", "This field is required.")
    if body.get("description") is not None and not isinstance(body["description"], str):
        problems.add("description", "Not a valid string.")
    if ("workspace_id" in body) == ("project_id" in body):
        problems.add("workspace_id", "Give either workspace_id or project_id.")
    problems.check()
    project_id = body.get("project_id")
    workspace_id = (call.emu.project(call.who, str(project_id)).workspace_id
                    if project_id is not None
                    else call.emu.workspace(call.who, str(body["workspace_id"])).id)
    ids = _ids(body.get("participant_ids", []))
    group = GroupRec(id=call.emu.new_id("group"), workspace_id=workspace_id,
                     project_id=project_id, name=str(name), description=body.get("description"),
                     is_deleted=False, created=call.emu.now())
    GROUPS.put(call.emu.db, group)
    _add(call, group, ids)
    return 201, view(call, group)


def listing(call: Call) -> Answer:
    workspace_id, project_id = call.param("workspace_id"), call.param("project_id")
    if workspace_id is None and project_id is None:
        raise invalid("workspace_id", "Give workspace_id or project_id.")
    if project_id is not None:
        workspace_id = call.emu.project(call.who, project_id).workspace_id
    workspace = call.emu.workspace(call.who, str(workspace_id))
    groups = GROUPS.where(call.emu.db, "workspace_id = ?", (workspace.id,))
    active = call.param("active")
    if active is not None:
        wanted = flag(active, "active")
        groups = [g for g in groups if g.is_deleted != wanted]
    page = call.page(groups)
    page["results"] = [view(call, g) for g in page["results"]]
    return 200, page


def get(call: Call) -> Answer:
    return 200, view(call, call.emu.group(call.who, call.args["group_id"]))


def _changeable(call: Call) -> GroupRec:
    group = call.emu.group(call.who, call.args["group_id"])
    if group.is_deleted:
        raise bad("This participant group has been deleted and cannot change.")
    return group


def update(call: Call) -> Answer:
    """`participant_ids`, when given, replaces the membership."""
    group = _changeable(call)
    body = call.body()
    for name in ("name", "description"):
        if name in body:
            if not isinstance(body[name], str) or (name == "name" and not body[name].strip()):
                raise invalid(name, "Not a valid string.")
            setattr(group, name, body[name])
    if "participant_ids" in body:
        ids = _ids(body["participant_ids"])
        kept = set(ids)
        for member in MEMBERS.where(call.emu.db, "group_id = ?", (group.id,)):
            if member.participant_id not in kept:
                MEMBERS.delete(call.emu.db, group.id, member.participant_id)
        _add(call, group, ids)
    GROUPS.put(call.emu.db, group)
    return 200, view(call, group)


def delete(call: Call) -> Answer:
    group = call.emu.group(call.who, call.args["group_id"])
    group.is_deleted = True
    GROUPS.put(call.emu.db, group)
    return 204, None


def members(call: Call) -> Answer:
    group = call.emu.group(call.who, call.args["group_id"])
    return 200, call.page(_members(call, group))


def add_members(call: Call) -> Answer:
    """Existing members are left as they are."""
    group = _changeable(call)
    _add(call, group, _ids(call.body().get("participant_ids")))
    return 200, {"results": _members(call, group)}


def remove_members(call: Call) -> Answer:
    """Participants who are not members are ignored."""
    group = _changeable(call)
    for participant_id in _ids(call.body().get("participant_ids")):
        MEMBERS.delete(call.emu.db, group.id, participant_id)
    return 200, {"results": _members(call, group)}
