"""Submissions (reference §6, §14.3, §14.8): lists and detail with their different field
names, counts, review transitions, return requests, bulk approval and auto-approval."""

from __future__ import annotations

from typing import Any

import pytest

from deployer.emulators.prolific import Config

from .conftest import REASON, Env, MakeEnv

DAY = 86_400


def _transition(env: Env, submission: str, action: str, **extra: Any) -> Any:
    return env.api.post(f"submissions/{submission}/transition/", {"action": action, **extra})


def _reject(env: Env, submission: str, **overrides: Any) -> Any:
    body = {"rejection_category": "LOW_EFFORT", "message": REASON, **overrides}
    return _transition(env, submission, "REJECT", **body)


def test_the_list_names_participant_id_and_study_code(env: Env) -> None:
    """§6.2: SubmissionShort has participant_id and study_code (no participant, no
    entered_code); the per-study list carries the reward in minor units."""
    study = env.published()
    person = env.emu.participants.create()
    submission = env.submit(study["id"], participant_id=person)
    items = env.api.get(f"studies/{study['id']}/submissions/").body["results"]
    assert len(items) == 1
    item = items[0]
    assert item["id"] == submission
    assert item["participant_id"] == person
    assert item["study_code"] == "C7K2Q9"
    assert item["status"] == "AWAITING REVIEW"
    assert item["reward"] == 150
    assert "participant" not in item and "entered_code" not in item
    assert item["has_siblings"] is False
    assert item["is_complete"] is True


def test_the_detail_names_participant_and_entered_code(env: Env) -> None:
    """§6.2: SubmissionDetail has participant and entered_code, bonus_payments in minor
    units."""
    study = env.published()
    person = env.emu.participants.create()
    submission = env.submit(study["id"], participant_id=person)
    detail = env.submission(submission)
    assert set(detail) == {"id", "study_id", "participant", "status", "started_at",
                           "completed_at", "entered_code", "parent_study_id", "bonus_payments",
                           "return_requested"}
    assert (detail["participant"], detail["entered_code"]) == (person, "C7K2Q9")
    assert detail["study_id"] == study["id"]
    assert detail["bonus_payments"] == []


def test_submissions_across_studies_need_the_study(env: Env) -> None:
    """§6.2: GET /submissions/?study= (required); filters by status and booleans."""
    study = env.published(total_available_places=3)
    approved, waiting = env.submit(study["id"]), env.submit(study["id"])
    _transition(env, approved, "APPROVE")
    assert env.api.get("submissions/").status == 400

    def ids(query: str) -> list[str]:
        reply = env.api.get(f"submissions/?study={study['id']}&{query}")
        assert reply.status == 200, reply
        return [s["id"] for s in reply.body["results"]]

    assert ids("") == [approved, waiting]
    assert ids("status=awaiting_review") == [waiting]
    assert ids("status=APPROVED") == [approved]
    assert ids("approved=true") == [approved]
    assert ids("approved=f") == [waiting]
    assert ids("completed=1") == [approved, waiting]
    assert env.api.get(f"submissions/?study={study['id']}&status=DONE").status == 400
    item = env.api.get(f"submissions/?study={study['id']}").body["results"][0]
    assert "reward" not in item  # its unit on Prolific is disputed (§1.6)


def test_lists_order_by_request(env: Env) -> None:
    """§6.2: `ordering` with the fields the spec lists, '-' for descending."""
    study = env.published(total_available_places=3)
    first = env.submit(study["id"])
    env.emu.advance(5)
    second = env.submit(study["id"])
    reply = env.api.get(f"studies/{study['id']}/submissions/?ordering=-started_at")
    assert [s["id"] for s in reply.body["results"]] == [second, first]
    assert env.api.get(f"studies/{study['id']}/submissions/?ordering=ip").status == 400


def test_counts_by_status(env: Env) -> None:
    """§4.6: every status and TOTAL."""
    study = env.published(total_available_places=3)
    _transition(env, env.submit(study["id"]), "APPROVE")
    env.submit(study["id"])
    person = env.emu.participants.create()
    env.emu.participants.reserve(person, study["id"])
    counts = env.api.get(f"studies/{study['id']}/submissions/counts/").body
    assert counts == {"ACTIVE": 0, "APPROVED": 1, "AWAITING REVIEW": 1, "REJECTED": 0,
                      "RESERVED": 1, "RETURNED": 0, "TIMED-OUT": 0, "PARTIALLY APPROVED": 0,
                      "SCREENED OUT": 0, "TOTAL": 3}


def test_places_taken_excludes_timed_out_returned_and_rejected(env: Env) -> None:
    """§3.2, §6.1: places_taken counts started submissions, not timed-out or returned ones
    (nor rejected ones, whose place is refilled); number_of_submissions counts all."""
    study = env.published(total_available_places=5)
    env.emu.participants.give_back(env.submit(study["id"]))
    _reject(env, env.submit(study["id"]))
    env.submit(study["id"])
    person = env.emu.participants.create()
    timed = env.emu.participants.reserve(person, study["id"])
    env.emu.advance(10 * 60)  # a reservation not started within 10 minutes times out
    assert env.submission(timed)["status"] == "TIMED-OUT"
    shown = env.study(study["id"])
    assert (shown["places_taken"], shown["number_of_submissions"]) == (1, 4)


def test_approve_answers_200_and_is_idempotent(env: Env) -> None:
    """§6.3: repeating the same request is ignored: paid once."""
    study = env.published()
    submission = env.submit(study["id"])
    for _ in range(2):
        reply = _transition(env, submission, "APPROVE")
        assert (reply.status, reply.body["status"]) == (200, "APPROVED")
    rewards = [e for e in env.emu.ledger()["entries"] if e["kind"] == "reward"]
    assert len(rewards) == 1


def test_approve_before_the_participant_submitted_fails(env: Env) -> None:
    """§6.3: approving an ACTIVE submission is a 400; nothing is paid."""
    study = env.published()
    person = env.emu.participants.create()
    submission = env.emu.participants.reserve(person, study["id"])
    env.emu.participants.start(submission)
    reply = _transition(env, submission, "APPROVE")
    assert reply.status == 400
    assert reply.detail == "Cannot APPROVE a submission whose status is ACTIVE."
    assert env.emu.ledger()["entries"] == []


@pytest.mark.parametrize(("overrides", "field"), [
    ({"rejection_category": "RUDE"}, "rejection_category"),
    ({"rejection_category": None}, "rejection_category"),
    ({"message": "Too short."}, "message"),
    ({"message": " " * 120}, "message"),
])
def test_reject_needs_a_category_and_a_message_of_100_characters(
        env: Env, overrides: dict[str, Any], field: str) -> None:
    """§6.3: rejection_category from the enum; message of at least 100 characters."""
    study = env.published()
    submission = env.submit(study["id"])
    reply = _reject(env, submission, **overrides)
    assert reply.status == 400
    assert list(reply.detail) == [field]
    assert env.submission(submission)["status"] == "AWAITING REVIEW"


def test_reject_is_final_idempotent_and_tells_the_participant(env: Env) -> None:
    """§6.3: REJECTED twice is ignored; APPROVE after REJECT is refused; the message is
    sent to the participant."""
    study = env.published(total_available_places=1)
    person = env.emu.participants.create()
    submission = env.submit(study["id"], participant_id=person)
    assert _reject(env, submission).body["status"] == "REJECTED"
    assert _reject(env, submission).status == 200
    assert _transition(env, submission, "APPROVE").status == 400
    sent = [m for m in env.emu.messages() if m["channel"] == "rejection"]
    assert [(m["recipient_id"], m["body"]) for m in sent] == [(person, REASON)]


def test_complete_applies_a_researcher_code(env: Env) -> None:
    """§3.3, §6.3: COMPLETE needs a researcher-actor code; its actions run."""
    codes = [{"code": "C7K2Q9", "code_type": "COMPLETED"},
             {"code": "OK-BY-HAND", "code_type": "OTHER", "actor": "researcher",
              "actions": [{"action": "AUTOMATICALLY_APPROVE"}]}]
    study = env.published(completion_codes=codes)
    submission = env.submit(study["id"], code=None)
    assert env.submission(submission)["entered_code"] == "NOCODE"
    assert _transition(env, submission, "COMPLETE", completion_code="C7K2Q9").status == 400
    reply = _transition(env, submission, "COMPLETE", completion_code="OK-BY-HAND")
    assert reply.body["status"] == "APPROVED"


@pytest.mark.parametrize("action", ["START", "SCREEN_OUT", "UNREJECT", "UNRETURN", "RETURN"])
def test_actions_the_emulator_does_not_model_say_so(env: Env, action: str) -> None:
    """§6.3 lists them; their rules are unknown, so the emulator refuses them plainly."""
    study = env.published()
    reply = _transition(env, env.submit(study["id"]), action)
    assert reply.status == 400
    assert "not available in this emulator" in reply.detail
    assert _transition(env, env.submit(study["id"]), "PAY").status == 400


def test_request_return_marks_the_submission(env: Env) -> None:
    """§6.4: {id, status, participant, return_requested}."""
    study = env.published()
    submission = env.submit(study["id"])
    reply = env.api.post(f"submissions/{submission}/request-return/",
                         {"request_return_reasons": ["Did not finish the task."]})
    assert reply.status == 200
    assert set(reply.body) == {"id", "status", "participant", "return_requested"}
    assert reply.body["return_requested"] is not None
    assert env.api.post(f"submissions/{submission}/request-return/", {}).status == 400


def test_bulk_approve_answers_200_with_a_json_string(env: Env) -> None:
    """§6.4, §14.3: by submission IDs; applied at once by default."""
    study = env.published()
    first, second = env.submit(study["id"]), env.submit(study["id"])
    reply = env.api.post("submissions/bulk-approve/", {"submission_ids": [first, second]})
    assert reply.status == 200
    assert isinstance(reply.body, str)
    assert {env.submission(s)["status"] for s in (first, second)} == {"APPROVED"}
    assert env.study(study["id"])["status"] == "COMPLETED"


def test_bulk_approve_by_study_and_participants(env: Env) -> None:
    """§6.4: {"study_id", "participant_ids"}; submissions not awaiting review are left."""
    study = env.published(total_available_places=3)
    person, other = env.emu.participants.create(), env.emu.participants.create()
    mine, theirs = (env.submit(study["id"], participant_id=p) for p in (person, other))
    reply = env.api.post("submissions/bulk-approve/",
                         {"study_id": study["id"], "participant_ids": [person]})
    assert reply.status == 200
    assert env.submission(mine)["status"] == "APPROVED"
    assert env.submission(theirs)["status"] == "AWAITING REVIEW"
    assert env.api.post("submissions/bulk-approve/", {}).status == 400
    no_study = env.api.post("submissions/bulk-approve/", {"participant_ids": [person]})
    assert list(no_study.detail) == ["study_id"]
    assert env.api.post("submissions/bulk-approve/",
                        {"submission_ids": ["x"] * 1001}).status == 400


def test_bulk_approve_can_be_asynchronous(make_env: MakeEnv) -> None:
    """§6.4: "processed asynchronously": Config.bulk_approve_seconds delays it."""
    env = make_env(Config(seed="t", bulk_approve_seconds=60))
    study = env.published()
    submission = env.submit(study["id"])
    env.api.post("submissions/bulk-approve/", {"submission_ids": [submission]})
    assert env.submission(submission)["status"] == "AWAITING REVIEW"
    env.emu.advance(60)
    assert env.submission(submission)["status"] == "APPROVED"


def test_unreviewed_submissions_are_approved_after_21_days(env: Env) -> None:
    """§5.4, §14.8: auto-approval through the clock, paid like any approval."""
    study = env.published()
    submission = env.submit(study["id"])
    env.emu.advance(21 * DAY - 1)
    assert env.submission(submission)["status"] == "AWAITING REVIEW"
    env.emu.advance(1)
    assert env.submission(submission)["status"] == "APPROVED"
    assert env.balance()["total_balance"] == 100000 - 200


def test_another_workspaces_submission_is_404(make_env: MakeEnv) -> None:
    """§1.2: submissions are reached through their study's workspace only."""
    env = make_env(Config(seed="t", tokens={"local-token": "A", "other": "B"}))
    study = env.published()
    submission = env.submit(study["id"])
    other = env.api.request("GET", f"/api/v1/submissions/{submission}/", token="other")
    assert other.status == 404
    approve = env.api.request("POST", f"/api/v1/submissions/{submission}/transition/",
                              {"action": "APPROVE"}, token="other")
    assert approve.status == 404
    env.api.request("POST", "/api/v1/submissions/bulk-approve/",
                    {"submission_ids": [submission]}, token="other")
    assert env.submission(submission)["status"] == "AWAITING REVIEW"
