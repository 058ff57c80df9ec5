"""Messages to participants (reference §10). Each one is recorded (GET /_emulator/messages),
so that tests can check who was told what. A participant can only be written to about a study
they took part in (for a group message, the study is optional)."""

from __future__ import annotations

from typing import Any

from deployer.emulators.prolific.errors import Problems, invalid
from deployer.emulators.prolific.filters import took_part
from deployer.emulators.prolific.records import MessageRec, StudyRec
from deployer.emulators.prolific.router import Answer, Call
from deployer.emulators.prolific.schema import MEMBERS, MESSAGES
from deployer.emulators.prolific.study_fields import sanitise
from deployer.emulators.prolific.wire import iso, parse_time


def _text(body: dict[str, Any], problems: Problems) -> str:
    text = body.get("body")
    if not isinstance(text, str) or not text.strip():
        problems.add("body", "This field is required.")
        return ""
    return sanitise(text)


def _record(call: Call, workspace_id: str, recipients: list[str], study_id: str | None,
            text: str, channel: str, group_id: str | None = None) -> Answer:
    for recipient in recipients:
        MESSAGES.put(call.emu.db, MessageRec(
            id=call.emu.new_id("message"), workspace_id=workspace_id,
            sender_id=call.who.user.id, recipient_id=recipient, study_id=study_id, body=text,
            channel=channel, group_id=group_id, sent_at=call.emu.now()))
    return 204, None


def _study(call: Call, body: dict[str, Any], problems: Problems) -> StudyRec | None:
    study_id = body.get("study_id")
    if not isinstance(study_id, str):
        problems.add("study_id", "This field is required.")
        return None
    return call.emu.study(call.who, study_id)


def _took_part(call: Call, study: StudyRec | None, ids: list[str], field: str,
               problems: Problems) -> None:
    if study is None:
        return
    strangers = [i for i in ids if not took_part(call.emu, study.id, i)]
    if strangers:
        problems.add(field, f"These participants did not take part in study {study.id}: "
                            f"{', '.join(strangers)}.")


def send(call: Call) -> Answer:
    body = call.body()
    problems = Problems()
    text, study = _text(body, problems), _study(call, body, problems)
    recipient = body.get("recipient_id")
    if not isinstance(recipient, str):
        problems.add("recipient_id", "This field is required.")
    else:
        _took_part(call, study, [recipient], "recipient_id", problems)
    problems.check()
    assert study is not None and isinstance(recipient, str)
    return _record(call, study.workspace_id, [recipient], study.id, text, "direct")


def bulk(call: Call) -> Answer:
    body = call.body()
    problems = Problems()
    text, study = _text(body, problems), _study(call, body, problems)
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        problems.add("ids", "A non-empty list of participant IDs is required.")
    else:
        _took_part(call, study, ids, "ids", problems)
    problems.check()
    assert study is not None and isinstance(ids, list)
    return _record(call, study.workspace_id, list(dict.fromkeys(ids)), study.id, text, "bulk")


def to_group(call: Call) -> Answer:
    body = call.body()
    problems = Problems()
    text = _text(body, problems)
    group_id = body.get("participant_group_id")
    if not isinstance(group_id, str):
        problems.add("participant_group_id", "This field is required.")
    study = _study(call, body, problems) if body.get("study_id") is not None else None
    problems.check()
    group = call.emu.group(call.who, str(group_id))
    members = [m.participant_id for m in MEMBERS.where(call.emu.db, "group_id = ?", (group.id,))]
    return _record(call, group.workspace_id, members, None if study is None else study.id,
                   text, "participant-group", group.id)


def listing(call: Call) -> Answer:
    """GET /messages/?user_id= or ?created_after=: messages to or from that user."""
    user_id, after = call.param("user_id"), call.param("created_after")
    if user_id is None and after is None:
        raise invalid("user_id", "Give user_id or created_after.")
    since = parse_time(after, "created_after") if after is not None else None
    marks = ", ".join("?" for _ in call.who.workspaces)
    found = MESSAGES.where(call.emu.db, f"workspace_id IN ({marks})",
                           sorted(call.who.workspaces), order="sent_at, rowid")
    kept = [m for m in found if (user_id is None or user_id in (m.sender_id, m.recipient_id))
            and (since is None or m.sent_at > since)]
    page = call.page(kept)
    page["results"] = [{"id": m.id, "sender_id": m.sender_id, "recipient_id": m.recipient_id,
                        "body": m.body, "sent_at": iso(m.sent_at), "type": "message",
                        "channel_id": m.group_id or m.recipient_id,
                        "data": {"study_id": m.study_id, "category": None}}
                       for m in page["results"]]
    return 200, page
