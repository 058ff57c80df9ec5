"""Messages (reference §10, §14.3): 204 on every send, recorded for tests to read."""

from __future__ import annotations

from .conftest import Env


def test_send_answers_204_and_is_recorded(env: Env) -> None:
    """§10: POST /messages/ {recipient_id, body, study_id} -> 204."""
    study = env.published()
    person = env.emu.participants.create()
    env.submit(study["id"], participant_id=person)
    reply = env.api.post("messages/", {"recipient_id": person, "body": "Thank you!",
                                       "study_id": study["id"]})
    assert (reply.status, reply.body) == (204, None)
    (sent,) = env.api.side("GET", "messages").body["results"]
    assert (sent["recipient_id"], sent["body"], sent["study_id"], sent["channel"]) == (
        person, "Thank you!", study["id"], "direct")


def test_bulk_answers_204_with_one_message_each(env: Env) -> None:
    """§10: POST /messages/bulk/ {ids, body, study_id} -> 204."""
    study = env.published()
    people = [env.emu.participants.create() for _ in range(2)]
    for person in people:
        env.submit(study["id"], participant_id=person)
    reply = env.api.post("messages/bulk/", {"ids": people, "body": "Bonus coming",
                                            "study_id": study["id"]})
    assert reply.status == 204
    assert [m["recipient_id"] for m in env.emu.messages()] == people


def test_a_group_message_reaches_every_member(env: Env) -> None:
    """§10: POST /messages/participant-group/ {participant_group_id, body} -> 204."""
    members = ["a" * 24, "b" * 24]
    group = env.api.post("participant-groups/", {"name": "g", "workspace_id": env.workspace,
                                                 "participant_ids": members}).body
    reply = env.api.post("messages/participant-group/",
                         {"participant_group_id": group["id"], "body": "Part 2 is open"})
    assert reply.status == 204
    sent = env.emu.messages()
    assert [(m["recipient_id"], m["group_id"]) for m in sent] == [(p, group["id"])
                                                                   for p in members]


def test_only_participants_of_the_study_can_be_written_to(env: Env) -> None:
    """§10: 400 naming who did not take part; nothing is sent."""
    study = env.published()
    stranger = env.emu.participants.create()
    reply = env.api.post("messages/", {"recipient_id": stranger, "body": "Hi",
                                       "study_id": study["id"]})
    assert reply.status == 400
    assert stranger in reply.detail["recipient_id"][0]
    reply = env.api.post("messages/bulk/", {"ids": [], "body": "", "study_id": study["id"]})
    assert set(reply.detail) == {"ids", "body"}
    assert env.emu.messages() == []


def test_the_message_list_needs_a_user_or_a_time(env: Env) -> None:
    """§10: GET /messages/?user_id= or ?created_after= (one is required)."""
    study = env.published()
    person = env.emu.participants.create()
    env.submit(study["id"], participant_id=person)
    env.api.post("messages/", {"recipient_id": person, "body": "Hello", "study_id": study["id"]})
    assert env.api.get("messages/").status == 400
    listed = env.api.get(f"messages/?user_id={person}").body["results"]
    assert [(m["body"], m["data"]["study_id"]) for m in listed] == [("Hello", study["id"])]
    later = env.api.get("messages/?created_after=2999-01-01T00:00:00Z").body["results"]
    assert later == []
