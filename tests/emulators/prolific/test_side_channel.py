"""The side channel under /_emulator/ (reference §14.8): simulated participants, the clock,
read-outs; and the same operations in Python on the emulator object."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import URL, Env


def _ok(reply: Any) -> Any:
    assert reply.status == 200, reply
    return reply.body


def test_a_participant_goes_through_a_study_over_http(env: Env) -> None:
    """Create, reserve, start, complete: each answers JSON in snake_case."""
    study = env.published()
    person = _ok(env.api.side("POST", "participants", {"country": "US", "age": 41,
                                                        "approval_rate": 99.5,
                                                        "devices": ["desktop", "mobile"]}))
    assert (person["country"], person["age"], person["approval_rate"]) == ("US", 41, 99.5)
    reserved = _ok(env.api.side("POST", f"studies/{study['id']}/reserve",
                                {"participant_id": person["id"]}))
    assert (reserved["status"], reserved["participant"]) == ("RESERVED", person["id"])
    started = _ok(env.api.side("POST", f"submissions/{reserved['id']}/start"))
    assert started["status"] == "ACTIVE" and started["started_at"]
    done = _ok(env.api.side("POST", f"submissions/{reserved['id']}/complete",
                            {"code": "C7K2Q9"}))
    assert (done["status"], done["entered_code"]) == ("AWAITING REVIEW", "C7K2Q9")
    listed = _ok(env.api.side("GET", "participants"))["results"]
    assert [p["id"] for p in listed] == [person["id"]]


def test_a_participant_can_return(env: Env) -> None:
    """§6.1: RETURNED from RESERVED, ACTIVE or AWAITING REVIEW; the place is free again."""
    study = env.published(total_available_places=1)
    person = env.emu.participants.create()
    reserved = env.emu.participants.reserve(person, study["id"])
    returned = _ok(env.api.side("POST", f"submissions/{reserved}/return"))
    assert returned["status"] == "RETURNED"
    assert env.study(study["id"])["places_taken"] == 0
    again = env.api.side("POST", f"submissions/{reserved}/return")
    assert (again.status, again.body["error"]["reason"]) == (400, "wrong_status")


@pytest.mark.parametrize(("situation", "reason"), [
    ("draft", "not_active"), ("paused", "not_active"), ("full", "full"),
    ("again", "already_took_part"), ("filtered", "not_eligible"),
    ("busy", "full"),
])
def test_a_reservation_is_refused_with_a_reason(env: Env, situation: str, reason: str) -> None:
    """§14.8: not ACTIVE, full, already took part, excluded by a filter, or at the
    concurrency limit: 400, the envelope with `reason`, and nothing reserved."""
    person = env.emu.participants.create(age=60)
    fields: dict[str, Any] = {"total_available_places": 1}
    if situation == "filtered":
        fields["filters"] = [{"filter_id": "age", "selected_range": {"upper": 40}}]
    if situation == "busy":
        fields = {"total_available_places": 5,
                  "submissions_config": {"max_concurrent_submissions": 1}}
    study = env.draft(**fields) if situation == "draft" else env.published(**fields)
    if situation == "paused":
        env.transition(study["id"], "PAUSE")
    if situation in ("full", "busy"):
        env.emu.participants.reserve(env.emu.participants.create(), study["id"])
    if situation == "again":
        env.api.patch(f"studies/{study['id']}/", {"total_available_places": 3})
        env.submit(study["id"], participant_id=person)
    before = env.api.get(f"studies/{study['id']}/submissions/counts/").body["TOTAL"]
    reply = env.api.side("POST", f"studies/{study['id']}/reserve", {"participant_id": person})
    assert reply.status == 400
    assert reply.body["error"]["reason"] == reason
    assert isinstance(reply.body["error"]["detail"], str)
    assert env.api.get(f"studies/{study['id']}/submissions/counts/").body["TOTAL"] == before


def test_unknown_participants_studies_and_submissions_are_404(env: Env) -> None:
    """Side channel errors: 404 with reason "unknown"."""
    study = env.published()
    person = env.emu.participants.create()
    for method, path, body in (
            ("POST", f"studies/{study['id']}/reserve", {"participant_id": "0" * 24}),
            ("POST", f"studies/{'0' * 24}/reserve", {"participant_id": person}),
            ("POST", f"submissions/{'0' * 24}/start", {}),
            ("GET", f"studies/{'0' * 24}/preview", None)):
        reply = env.api.side(method, path, body)
        assert (reply.status, reply.body["error"]["reason"]) == (404, "unknown"), path


def test_bad_side_channel_input_is_400(env: Env) -> None:
    """Members must have the documented JSON types; routes answer their methods only."""
    for body in ({"country": "usa"}, {"age": "30"}, {"age": 12}, {"approval_rate": 101},
                 {"devices": ["watch"]}, {"participant_id": "short"}, {"attributes": []}):
        reply = env.api.side("POST", "participants", body)
        assert (reply.status, reply.body["error"]["reason"]) == (400, "invalid"), body
    assert env.api.request("POST", "/_emulator/participants", raw=b"[1]",
                           token=None).status == 400
    assert env.api.side("DELETE", "participants").status == 405
    assert env.api.side("GET", "nothing").status == 404


def test_a_reservation_not_started_in_10_minutes_times_out(env: Env) -> None:
    """§4.2 (reserved: up to 10 minutes to start), Config.reservation_minutes."""
    study = env.published()
    submission = env.emu.participants.reserve(env.emu.participants.create(), study["id"])
    _ok(env.api.side("POST", "clock/advance", {"seconds": 599}))
    assert env.submission(submission)["status"] == "RESERVED"
    _ok(env.api.side("POST", "clock/advance", {"seconds": 1}))
    assert env.submission(submission)["status"] == "TIMED-OUT"


def test_a_started_submission_times_out_after_the_maximum_time(env: Env) -> None:
    """§3.1, §6.1: maximum_allowed_time (minutes) from the start; completing later fails."""
    study = env.published()
    submission = env.emu.participants.reserve(env.emu.participants.create(), study["id"])
    env.emu.participants.start(submission)
    env.emu.advance(40 * 60 - 1)
    assert env.submission(submission)["status"] == "ACTIVE"
    env.emu.advance(1)
    reply = env.api.side("POST", f"submissions/{submission}/complete", {"code": "C7K2Q9"})
    assert (reply.status, reply.body["error"]["reason"]) == (400, "wrong_status")
    assert env.submission(submission)["status"] == "TIMED-OUT"


def test_the_clock_reads_and_advances(env: Env) -> None:
    """GET /_emulator/clock, POST /_emulator/clock/advance {seconds}; forward only."""
    before = _ok(env.api.side("GET", "clock"))
    after = _ok(env.api.side("POST", "clock/advance", {"seconds": 3600}))
    assert after["offset_seconds"] == before["offset_seconds"] + 3600
    assert after["now"].endswith("Z") and after["now"] > before["now"]
    for bad in ({"seconds": -1}, {"seconds": "1"}, {}, {"seconds": 1e300}):
        assert env.api.side("POST", "clock/advance", bad).status == 400, bad


def test_the_ledger_reads_every_movement(env: Env) -> None:
    """GET /_emulator/ledger[?workspace_id=]: balances and entries, oldest first."""
    study = env.published()
    env.api.post(f"submissions/{env.submit(study['id'])}/transition/", {"action": "APPROVE"})
    ledger = _ok(env.api.side("GET", f"ledger?workspace_id={env.workspace}"))
    assert ledger["workspaces"] == [{"id": env.workspace, "title": "My workspace",
                                     "currency_code": "GBP", "total_balance": 99800,
                                     "available_balance": 99600}]
    (entry,) = ledger["entries"]
    assert (entry["kind"], entry["total"], entry["balance"]) == ("reward", 200, 99800)


def test_accounts_name_each_tokens_workspace(env: Env) -> None:
    """GET /_emulator/accounts: the tokens, their researchers and workspaces."""
    accounts = _ok(env.api.side("GET", "accounts"))
    assert accounts == {"tokens": [{"token": "local-token",
                                    "user_id": env.api.get("users/me/").body["id"],
                                    "workspace_id": env.workspace}]}


def test_the_preview_shows_what_a_participant_sees(env: Env) -> None:
    """GET /_emulator/studies/{id}/preview: name, reward, and the study URL with the
    placeholders filled for a sample participant (or the one named)."""
    study = env.published()
    page = env.api.side("GET", f"studies/{study['id']}/preview")
    assert page.status == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Tone judgements" in page.body and "£1.50" in page.body
    assert f"STUDY_ID={study['id']}" in page.body
    assert "{{%" not in page.body
    person = env.emu.participants.create()
    named = env.api.side("GET", f"studies/{study['id']}/preview?participant_id={person}")
    assert f"PROLIFIC_PID={person}" in named.body
    assert URL.split("?")[0] in named.body


def test_the_python_api_matches(env: Env) -> None:
    """The same operations on the emulator object, each one transaction."""
    study = env.published()
    submission = env.emu.participants.take_part(study["id"], "C7K2Q9", country="US")
    assert env.submission(submission)["status"] == "AWAITING REVIEW"
    env.emu.top_up(env.workspace, 100)
    assert env.emu.ledger()["workspaces"][0]["total_balance"] == 100100
    assert "Tone judgements" in env.emu.preview(study["id"])
    assert env.emu.accounts()["tokens"][0]["token"] == "local-token"
