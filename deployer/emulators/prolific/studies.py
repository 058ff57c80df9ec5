"""Study endpoints (reference §2, §3, §4): create, read, list, update, delete, clone,
transition, and what a study costs."""

from __future__ import annotations

import copy
from typing import Any

from deployer.emulators.prolific import lifecycle, study_fields, study_views
from deployer.emulators.prolific.backend import Backend, Caller
from deployer.emulators.prolific.errors import ApiError, Problems, bad, invalid, not_found
from deployer.emulators.prolific.records import ProjectRec, StudyRec
from deployer.emulators.prolific.router import Answer, Call
from deployer.emulators.prolific.schema import PROJECTS, STUDIES
from deployer.emulators.prolific.wire import flag, parse_time

STATUSES = ("UNPUBLISHED", "SCHEDULED", "PUBLISHING", "ACTIVE", "AWAITING REVIEW", "PAUSED",
            "COMPLETED")
STATES = (*STATUSES, "UNKNOWN")  # what ?state= accepts; no study is ever UNKNOWN
AFTER_PUBLISH = ("internal_name", "total_available_places", "submissions_config")
ORDERINGS = {"date_created": False, "-date_created": True}


def view(call: Call, study: StudyRec) -> dict[str, Any]:
    return study_views.full(call.emu, study, call.base)


def _project(emu: Backend, who: Caller, given: Any, problems: Problems) -> ProjectRec:
    """The study's project: the one named, else the token's workspace's first project."""
    if given is None:
        return emu.first_project(who.user.workspace_id)
    found = PROJECTS.get(emu.db, given) if isinstance(given, str) else None
    if found is None or found.workspace_id not in who.workspaces:
        problems.add("project", f'Invalid pk "{given}" - object does not exist.')
        return emu.first_project(who.user.workspace_id)
    return found


def _fields(call: Call, project: ProjectRec, given: dict[str, Any],
            problems: Problems) -> dict[str, Any]:
    fields = study_fields.checked(call.emu, project.workspace_id, project.id, given, problems)
    if fields.get("publish_at") is not None:
        try:
            parse_time(fields["publish_at"], "publish_at")
        except ApiError:  # reported with the others
            problems.add("publish_at", "Datetime has wrong format. Use ISO 8601.")
    return fields


def create(call: Call) -> Answer:
    body = call.body()
    problems = Problems()
    project = _project(call.emu, call.who, body.get("project"), problems)
    fields = _fields(call, project, {k: v for k, v in body.items() if k != "project"},
                     problems)
    problems.check()
    study = StudyRec(id=call.emu.new_id("study"), workspace_id=project.workspace_id,
                     project_id=project.id, owner=call.who.user.id, status="UNPUBLISHED",
                     fields=fields, created=call.emu.now())
    STUDIES.put(call.emu.db, study)
    return 201, view(call, study)


def get(call: Call) -> Answer:
    return 200, view(call, call.emu.study(call.who, call.args["study_id"]))


def _listed(call: Call, condition: str, params: list[str]) -> Answer:
    """A page of StudyShort: filtered and ordered in SQL, and only the page's studies read
    (a listing costs the same with 10 studies or 10,000)."""
    statuses = sorted(_wanted(call))
    condition += f" AND status IN ({', '.join('?' for _ in statuses)})"
    ordering = call.param("ordering")
    if ordering is not None and ordering not in ORDERINGS:
        raise invalid("ordering", f"Choose from {list(ORDERINGS)}.")
    order = "created DESC, rowid DESC" if ordering == "-date_created" else "created, rowid"
    ids = [row[0] for row in call.emu.db.execute(
        f"SELECT id FROM studies WHERE {condition} ORDER BY {order}", [*params, *statuses])]
    page = call.page(ids)
    marks = ", ".join("?" for _ in page["results"])
    found = {s.id: s for s in STUDIES.where(call.emu.db, f"id IN ({marks})", page["results"])}
    studies = [found[i] for i in page["results"]]
    counts = call.emu.status_counts([s.id for s in studies])
    page["results"] = [study_views.short(call.emu, s, counts[s.id]) for s in studies]
    return 200, page


def _wanted(call: Call) -> set[str]:
    """The statuses asked for: ?state= (spec), ?status= (seen in clients), and the CLI's
    ?published= / ?active= / ?completed= flags."""
    allowed = set(STATUSES)
    for name in ("state", "status"):
        wanted = call.param(name)
        if wanted is not None:
            states = {s.strip().upper().replace("_", " ") for s in wanted.split(",")}
            unknown = sorted(states - set(STATES))
            if unknown:
                raise invalid(name, f'"{unknown[0]}" is not one of {list(STATES)}.')
            allowed &= states
    for name, chosen in (("published", set(STATUSES) - {"UNPUBLISHED"}),
                         ("active", {"ACTIVE"}), ("completed", {"COMPLETED"})):
        text = call.param(name)
        if text is not None:
            allowed &= chosen if flag(text, name) else set(STATUSES) - chosen
    return allowed


def listing(call: Call) -> Answer:
    marks = ", ".join("?" for _ in call.who.workspaces)
    return _listed(call, f"workspace_id IN ({marks})", sorted(call.who.workspaces))


def of_project(call: Call) -> Answer:
    project = call.emu.project(call.who, call.args["project_id"])
    return _listed(call, "project_id = ?", [project.id])


def update(call: Call) -> Answer:
    study = call.emu.study(call.who, call.args["study_id"])
    body = {k: v for k, v in call.body().items() if k not in study_fields.READ_ONLY}
    if study.status == "UNPUBLISHED":
        _update_draft(call, study, body)
    else:
        _update_published(call.emu, study, body)
    return 200, view(call, study)


def _update_draft(call: Call, study: StudyRec, body: dict[str, Any]) -> None:
    problems = Problems()
    project = PROJECTS.get(call.emu.db, study.project_id)
    assert project is not None
    if "project" in body:
        project = _project(call.emu, call.who, body["project"], problems)
        if project.workspace_id != study.workspace_id:
            problems.add("project", "A study cannot move to another workspace.")
    merged = {**study.fields, **{k: v for k, v in body.items() if k != "project"}}
    fields = _fields(call, project, merged, problems)
    problems.check()
    study.fields, study.project_id = fields, project.id
    STUDIES.put(call.emu.db, study)


def _update_published(emu: Backend, study: StudyRec, body: dict[str, Any]) -> None:
    """After publish only internal_name, submissions_config and more places (reference §4.4);
    anything else, even sent unchanged, is refused."""
    problems = Problems()
    for name in body:
        if name not in AFTER_PUBLISH:
            problems.add(name, "This field cannot be changed after the study is published.")
    if body.get("internal_name") is not None and not isinstance(body["internal_name"], str):
        problems.add("internal_name", "Not a valid string.")
    given = body.get("submissions_config", {})  # merged into the current settings
    config = study_fields.submissions_config(
        {**study.fields["submissions_config"], **given} if isinstance(given, dict) else given,
        problems)
    places = body.get("total_available_places", study.places)
    if not isinstance(places, int) or isinstance(places, bool):
        problems.add("total_available_places", "A whole number is required.")
    elif places < study.places:
        problems.add("total_available_places", f"The number of places can only be increased "
                     f"(it is {study.places}; send the new total, not a difference).")
    problems.check()
    if "internal_name" in body:
        study.fields["internal_name"] = body["internal_name"]
    study.fields["submissions_config"] = config
    STUDIES.put(emu.db, study)
    if places > study.places:
        lifecycle.add_places(emu, study, places)


def _deletable(study: StudyRec) -> None:
    if study.status != "UNPUBLISHED":
        raise bad("Published studies cannot be deleted. Stop the study instead.")


def delete(call: Call) -> Answer:
    study = call.emu.study(call.who, call.args["study_id"])
    _deletable(study)
    STUDIES.delete(call.emu.db, study.id)
    return 200, {}


def delete_in_project(call: Call) -> Answer:
    project = call.emu.project(call.who, call.args["project_id"])
    study = call.emu.study(call.who, call.args["study_id"])
    if study.project_id != project.id:
        raise not_found()
    _deletable(study)
    STUDIES.delete(call.emu.db, study.id)
    return 204, None


def clone(call: Call) -> Answer:
    """A new draft with the same settings; unless told otherwise, those who took part in the
    original are blocked from the copy (reference §4.5)."""
    original = call.emu.study(call.who, call.args["study_id"])
    block = call.body().get("block_previous_participants", True)
    if not isinstance(block, bool):
        raise invalid("block_previous_participants", "Must be a valid boolean.")
    fields = copy.deepcopy(original.fields)
    if block:
        fields["filters"] = _blocking(fields.get("filters") or [], original.id)
    study = StudyRec(id=call.emu.new_id("study"), workspace_id=original.workspace_id,
                     project_id=original.project_id, owner=call.who.user.id,
                     status="UNPUBLISHED", fields=fields, created=call.emu.now())
    STUDIES.put(call.emu.db, study)
    return 200, view(call, study)


def _blocking(filters: list[Any], study_id: str) -> list[Any]:
    for item in filters:
        if item.get("filter_id") == "previous_studies_blocklist":
            values = item.setdefault("selected_values", [])
            if study_id not in values:
                values.append(study_id)
            return filters
    return [*filters, {"filter_id": "previous_studies_blocklist",
                       "selected_values": [study_id]}]


def transition(call: Call) -> Answer:
    study = call.emu.study(call.who, call.args["study_id"])
    body = call.body()
    lifecycle.transition(call.emu, study, body.get("action"), body.get("publish_at"))
    return 200, view(call, call.emu.study_record(study.id))
