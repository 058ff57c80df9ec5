"""Assignments, answers, approval, the clock-driven rules and money (§2.12-2.18, §3, §5.4, §6)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import xmltodict

from deployer.emulators.mturk.workers import SimulationError

from .conftest import Env
from .helpers import request_error, validation_error

ANSWERS_NS = (
    "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/"
    "QuestionFormAnswers.xsd"
)


def _assignments(env: Env, hit_id: str, **kwargs: object) -> list[dict]:
    result: list[dict] = env.client.list_assignments_for_hit(HITId=hit_id, **kwargs)["Assignments"]
    return result


def test_answer_xml_is_exactly_the_mturk_form(env: Env) -> None:
    hit = env.hit()
    assignment = env.emu.workers.accept(env.worker(), hit["HITId"])
    env.emu.workers.submit(assignment, {"assignmentId": assignment, "comment": "café <ok> & 1",
                                        "rating": "4"})
    answer = _assignments(env, hit["HITId"])[0]["Answer"]
    assert answer == (
        f'<?xml version="1.0" encoding="ASCII"?><QuestionFormAnswers xmlns="{ANSWERS_NS}">'
        "<Answer><QuestionIdentifier>comment</QuestionIdentifier>"
        "<FreeText>caf&#233; &lt;ok&gt; &amp; 1</FreeText></Answer>"
        "<Answer><QuestionIdentifier>rating</QuestionIdentifier><FreeText>4</FreeText></Answer>"
        "</QuestionFormAnswers>")
    parsed = xmltodict.parse(answer, force_list=("Answer",))["QuestionFormAnswers"]["Answer"]
    assert parsed[0]["FreeText"] == "café <ok> & 1"


def test_counters_follow_the_guide_example(env: Env) -> None:
    hit_id = env.hit(MaxAssignments=5)["HITId"]
    workers = env.emu.workers

    def counters() -> tuple[str, int, int]:
        h = env.client.get_hit(HITId=hit_id)["HIT"]
        return h["HITStatus"], h["NumberOfAssignmentsAvailable"], h["NumberOfAssignmentsPending"]

    held = [workers.accept(env.worker(), hit_id) for _ in range(3)]
    assert counters() == ("Assignable", 2, 3)
    held += [workers.accept(env.worker(), hit_id) for _ in range(2)]
    workers.submit(held[0], {})
    workers.submit(held[1], {})
    assert counters() == ("Unassignable", 0, 3)
    workers.return_assignment(held[2])
    assert counters() == ("Assignable", 1, 2)
    held[2] = workers.accept(env.worker(), hit_id)
    for assignment in held[2:]:
        workers.submit(assignment, {})
    assert counters() == ("Reviewable", 0, 0)
    assert env.client.get_hit(HITId=hit_id)["HIT"]["NumberOfAssignmentsCompleted"] == 0
    for assignment in held:
        env.client.approve_assignment(AssignmentId=assignment)
    assert counters() == ("Reviewable", 0, 0)
    assert env.client.get_hit(HITId=hit_id)["HIT"]["NumberOfAssignmentsCompleted"] == 5


def test_one_assignment_per_worker_and_only_while_assignable(env: Env) -> None:
    hit_id = env.hit()["HITId"]
    worker = env.worker()
    env.emu.workers.accept(worker, hit_id)
    with pytest.raises(SimulationError):
        env.emu.workers.accept(worker, hit_id)
    env.client.update_expiration_for_hit(HITId=hit_id, ExpireAt=0)
    with pytest.raises(SimulationError):
        env.emu.workers.accept(env.worker(), hit_id)


def test_blocked_workers_cannot_accept(env: Env) -> None:
    hit_id = env.hit()["HITId"]
    worker = env.worker()
    env.client.create_worker_block(WorkerId=worker, Reason="spam")
    with pytest.raises(SimulationError):
        env.emu.workers.accept(worker, hit_id)
    env.client.delete_worker_block(WorkerId=worker)
    env.emu.workers.accept(worker, hit_id)


def test_only_submitted_work_is_visible(env: Env) -> None:
    hit_id = env.hit()["HITId"]
    in_progress = env.emu.workers.accept(env.worker(), hit_id)
    assert _assignments(env, hit_id) == []
    request_error(lambda: env.client.get_assignment(AssignmentId=in_progress),
                  "AWS.MechanicalTurk.InvalidAssignmentState")
    env.emu.workers.submit(in_progress, {"a": "b"})
    got = env.client.get_assignment(AssignmentId=in_progress)
    assert got["Assignment"]["AssignmentStatus"] == "Submitted"
    assert got["HIT"]["HITId"] == hit_id
    a = got["Assignment"]
    assert (a["AutoApprovalTime"] - a["SubmitTime"]).total_seconds() == 2_592_000
    assert (a["Deadline"] - a["AcceptTime"]).total_seconds() == 600
    request_error(lambda: env.client.get_assignment(AssignmentId="3" * 30),
                  "AWS.MechanicalTurk.AssignmentDoesNotExist")


def test_approve_reject_and_override(env: Env) -> None:
    hit_id = env.hit()["HITId"]
    good, bad = env.work(hit_id), env.work(hit_id)
    env.client.approve_assignment(AssignmentId=good, RequesterFeedback="thanks")
    message = request_error(lambda: env.client.approve_assignment(AssignmentId=good),
                            "AWS.MechanicalTurk.InvalidAssignmentState")
    assert message.startswith("This operation can be called with a status of: Submitted (")
    env.client.reject_assignment(AssignmentId=bad, RequesterFeedback="empty answers")
    request_error(lambda: env.client.approve_assignment(AssignmentId=bad),
                  "AWS.MechanicalTurk.InvalidAssignmentState")
    env.client.approve_assignment(AssignmentId=bad, OverrideRejection=True)
    statuses = {a["AssignmentId"]: a["AssignmentStatus"] for a in _assignments(env, hit_id)}
    assert statuses == {good: "Approved", bad: "Approved"}
    assert _assignments(env, hit_id, AssignmentStatuses=["Rejected"]) == []
    validation_error(lambda: _assignments(env, hit_id, AssignmentStatuses=["Bogus"]),
                     "AssignmentStatuses")


def test_override_only_within_thirty_days(env: Env) -> None:
    hit_id = env.hit()["HITId"]
    bad = env.work(hit_id)
    env.client.reject_assignment(AssignmentId=bad, RequesterFeedback="no")
    env.emu.advance(31 * 86_400)
    request_error(lambda: env.client.approve_assignment(AssignmentId=bad, OverrideRejection=True),
                  "AWS.MechanicalTurk.InvalidAssignmentState")


def test_feedback_limits(env: Env) -> None:
    hit_id = env.hit()["HITId"]
    assignment = env.work(hit_id)
    validation_error(lambda: env.client.reject_assignment(
        AssignmentId=assignment, RequesterFeedback="x" * 1025), "RequesterFeedback")
    validation_error(lambda: env.client.approve_assignment(
        AssignmentId=assignment, RequesterFeedback="bell\x07"), "RequesterFeedback")


def test_auto_approval_by_the_clock(env: Env) -> None:
    hit_id = env.hit(AutoApprovalDelayInSeconds=3600)["HITId"]
    assignment = env.work(hit_id)
    env.emu.advance(3599)
    assert _assignments(env, hit_id)[0]["AssignmentStatus"] == "Submitted"
    env.emu.advance(1)
    approved = _assignments(env, hit_id)[0]
    assert approved["AssignmentStatus"] == "Approved"
    assert approved["ApprovalTime"] == approved["AutoApprovalTime"]
    assert "RequesterFeedback" not in approved
    assert env.emu.workers.ledger()["Entries"][0]["AssignmentId"] == assignment


def test_zero_auto_approval_delay_approves_on_submit(env: Env) -> None:
    hit_id = env.hit(AutoApprovalDelayInSeconds=0)["HITId"]
    env.work(hit_id)
    assert _assignments(env, hit_id)[0]["AssignmentStatus"] == "Approved"


def test_abandon_when_the_deadline_passes(env: Env) -> None:
    hit_id = env.hit(MaxAssignments=1, AssignmentDurationInSeconds=300)["HITId"]
    assignment = env.emu.workers.accept(env.worker(), hit_id)
    env.emu.advance(300)
    hit = env.client.get_hit(HITId=hit_id)["HIT"]
    assert (hit["HITStatus"], hit["NumberOfAssignmentsAvailable"]) == ("Assignable", 1)
    with pytest.raises(SimulationError):
        env.emu.workers.submit(assignment, {})
    assert _assignments(env, hit_id) == []


def test_disposal_after_120_days_from_creation(env: Env) -> None:
    hit_id = env.hit()["HITId"]
    env.emu.advance(120 * 86_400 - 1)
    env.client.get_hit(HITId=hit_id)
    env.emu.advance(1)
    request_error(lambda: env.client.get_hit(HITId=hit_id), "AWS.MechanicalTurk.HITDoesNotExist")
    assert env.client.list_hits()["NumResults"] == 0


def test_sandbox_balance_never_moves(env: Env) -> None:
    hit_id = env.hit(Reward="100.00")["HITId"]
    env.client.approve_assignment(AssignmentId=env.work(hit_id))
    assert env.client.get_account_balance()["AvailableBalance"] == "10000.00"
    assert env.emu.workers.ledger()["Entries"][0]["Fee"] == "20.00"


def test_production_charges_reward_plus_fee_on_approval(prod: Env) -> None:
    hit_id = prod.hit(Reward="1.00", MaxAssignments=3)["HITId"]
    first, second = prod.work(hit_id), prod.work(hit_id)
    assert prod.client.get_account_balance()["AvailableBalance"] == "5.00"  # not at creation
    prod.client.approve_assignment(AssignmentId=first)
    assert prod.client.get_account_balance()["AvailableBalance"] == "3.80"
    prod.client.reject_assignment(AssignmentId=second, RequesterFeedback="no")
    assert prod.client.get_account_balance()["AvailableBalance"] == "3.80"


def test_production_fee_rules(prod: Env) -> None:
    big = prod.hit(Reward="0.10", MaxAssignments=10)["HITId"]
    small = prod.hit(Reward="0.04", MaxAssignments=1)["HITId"]
    prod.client.approve_assignment(AssignmentId=prod.work(big))
    prod.client.approve_assignment(AssignmentId=prod.work(small))
    fees = [(e["Amount"], e["Fee"]) for e in prod.emu.workers.ledger()["Entries"]]
    assert fees == [("0.10", "0.04"), ("0.04", "0.01")]  # 40% for 10+; $0.01 minimum
    assert prod.client.get_account_balance()["AvailableBalance"] == "4.81"


def test_production_masters_fee(prod: Env) -> None:
    masters = "2F1QJWKUDD8XADTFD2Q0G6UTO95ALH"
    hit_id = prod.hit(Reward="1.00", QualificationRequirements=[
        {"QualificationTypeId": masters, "Comparator": "Exists"}])["HITId"]
    worker = prod.worker(masters=True)
    assignment = prod.emu.workers.accept(worker, hit_id)
    prod.emu.workers.submit(assignment, {})
    prod.client.approve_assignment(AssignmentId=assignment)
    assert prod.emu.workers.ledger()["Entries"][0]["Fee"] == "0.25"


def test_insufficient_funds_at_creation(prod: Env) -> None:
    message = request_error(lambda: prod.hit(Reward="4.50", MaxAssignments=1),
                            "AWS.MechanicalTurk.InsufficientFunds")
    assert "insufficient funds" in message
    hit_id = prod.hit(Reward="1.00", MaxAssignments=2)["HITId"]  # 2 x 1.20 fits in 5.00
    request_error(lambda: prod.client.create_additional_assignments_for_hit(
        HITId=hit_id, NumberOfAdditionalAssignments=5), "AWS.MechanicalTurk.InsufficientFunds")
    assert prod.client.list_hits()["NumResults"] == 1


def test_insufficient_funds_at_approval(prod: Env) -> None:
    hit_id = prod.hit(Reward="2.00", MaxAssignments=2)["HITId"]
    first, second = prod.work(hit_id), prod.work(hit_id)
    prod.client.approve_assignment(AssignmentId=first)
    worker = prod.client.get_assignment(AssignmentId=first)["Assignment"]["WorkerId"]
    prod.client.send_bonus(WorkerId=worker, BonusAmount="2", AssignmentId=first, Reason="r")
    assert prod.client.get_account_balance()["AvailableBalance"] == "0.20"
    request_error(lambda: prod.client.approve_assignment(AssignmentId=second),
                  "AWS.MechanicalTurk.InsufficientFunds")
    assert prod.client.get_assignment(AssignmentId=second)["Assignment"][
        "AssignmentStatus"] == "Submitted"


def test_bonus_charges_twenty_percent_and_lists(prod: Env) -> None:
    hit_id = prod.hit(Reward="0.10")["HITId"]
    assignment = prod.work(hit_id)
    worker = prod.client.get_assignment(AssignmentId=assignment)["Assignment"]["WorkerId"]
    first = prod.client.send_bonus(WorkerId=worker, BonusAmount="1", AssignmentId=assignment,
                                   Reason="great", UniqueRequestToken="bonus-1")
    assert prod.client.get_account_balance()["AvailableBalance"] == "3.80"
    message = request_error(lambda: prod.client.send_bonus(
        WorkerId=worker, BonusAmount="1", AssignmentId=assignment, Reason="great",
        UniqueRequestToken="bonus-1"), "AWS.MechanicalTurk.DuplicateRequest")
    assert first["ResponseMetadata"]["RequestId"] in message
    payments = prod.client.list_bonus_payments(HITId=hit_id)["BonusPayments"]
    assert [(p["WorkerId"], p["BonusAmount"], p["Reason"]) for p in payments] == [
        (worker, "1.00", "great")]
    by_assignment = prod.client.list_bonus_payments(AssignmentId=assignment)
    assert by_assignment["NumResults"] == 1
    request_error(lambda: prod.client.send_bonus(
        WorkerId=worker, BonusAmount="4", AssignmentId=assignment, Reason="more"),
        "AWS.MechanicalTurk.InsufficientFunds")
    assert Decimal(prod.client.get_account_balance()["AvailableBalance"]) == Decimal("3.80")


def test_bonus_validation(env: Env) -> None:
    hit_id = env.hit()["HITId"]
    assignment = env.work(hit_id)
    worker = env.client.get_assignment(AssignmentId=assignment)["Assignment"]["WorkerId"]
    validation_error(lambda: env.client.send_bonus(
        WorkerId="AUNKNOWNWORKER1", BonusAmount="1", AssignmentId=assignment, Reason="r"),
        "WorkerId")
    validation_error(lambda: env.client.send_bonus(
        WorkerId=worker, BonusAmount="$1", AssignmentId=assignment, Reason="r"), "BonusAmount")
    other = env.worker()
    request_error(lambda: env.client.send_bonus(
        WorkerId=other, BonusAmount="1", AssignmentId=assignment, Reason="r"), None)
    validation_error(lambda: env.client.list_bonus_payments(), "HITId")
