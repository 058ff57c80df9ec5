"""The `/_emulator/...` routes over plain HTTP (no boto3: they are not MTurk operations)."""

from __future__ import annotations

from .conftest import Env


def test_worker_life_cycle_over_http(env: Env) -> None:
    hit = env.hit(AutoApprovalDelayInSeconds=60)
    status, reply = env.side("/_emulator/workers", {"WorkerId": "AWORKER0000001",
                                                    "Country": "GB", "Masters": True})
    assert (status, reply) == (200, {"WorkerId": "AWORKER0000001"})
    status, reply = env.side("/_emulator/accept", {"WorkerId": "AWORKER0000001",
                                                   "HITId": hit["HITId"]})
    assert status == 200
    assignment = reply["AssignmentId"]
    status, reply = env.side("/_emulator/submit", {"AssignmentId": assignment,
                                                   "Answers": {"rating": "5"}})
    assert status == 200 and "<FreeText>5</FreeText>" in reply["Answer"]
    listed = env.client.list_assignments_for_hit(HITId=hit["HITId"])["Assignments"]
    assert [(a["WorkerId"], a["AssignmentStatus"]) for a in listed] == [
        ("AWORKER0000001", "Submitted")]
    status, clock = env.side("/_emulator/clock/advance", {"Seconds": 60})
    assert status == 200 and clock["Offset"] == 60
    status, ledger = env.side("/_emulator/ledger")
    assert [(e["AssignmentId"], e["Kind"]) for e in ledger["Entries"]] == [(assignment,
                                                                            "reward")]
    status, workers = env.side("/_emulator/workers")
    assert [w["WorkerId"] for w in workers["Workers"]] == ["AWORKER0000001"]


def test_return_and_abandon_over_http(env: Env) -> None:
    hit = env.hit(MaxAssignments=1)
    _, worker = env.side("/_emulator/workers", {})
    for route in ("/_emulator/return", "/_emulator/abandon"):
        _, reply = env.side("/_emulator/accept", {"WorkerId": worker["WorkerId"],
                                                  "HITId": hit["HITId"]})
        assert env.client.get_hit(HITId=hit["HITId"])["HIT"]["HITStatus"] == "Unassignable"
        assert env.side(route, {"AssignmentId": reply["AssignmentId"]})[0] == 200
        assert env.client.get_hit(HITId=hit["HITId"])["HIT"]["HITStatus"] == "Assignable"


def test_side_channel_errors_are_400_with_a_message(env: Env) -> None:
    status, reply = env.side("/_emulator/accept", {"WorkerId": "ANOBODY", "HITId": "3" * 30})
    assert (status, reply) == (400, {"error": "worker ANOBODY does not exist"})
    status, reply = env.side("/_emulator/submit", {})
    assert status == 400 and "AssignmentId" in reply["error"]
    assert env.side("/_emulator/nothing", {})[0] == 404
    status, reply = env.side("/_emulator/workers", {"WorkerId": "lowercase"})
    assert status == 400


def test_state_dump(env: Env) -> None:
    hit = env.hit()
    status, state = env.side("/_emulator/state")
    assert status == 200 and hit["HITId"] in state["state"]["hits"]
