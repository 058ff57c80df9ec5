"""Limits and lookups as the model states them: no stricter, no looser."""

from __future__ import annotations

from typing import Any

from deployer.emulators.mturk.workers import SimulationError

from .conftest import Env
from .helpers import validation_error

PERCENT = "000000000000000000L0"
SYSTEM = ("000000000000000000L0", "00000000000000000040", "00000000000000000071",
          "00000000000000000060")


def test_hits_for_system_qualification_types(env: Env) -> None:
    guarded = env.hit(QualificationRequirements=[
        {"QualificationTypeId": PERCENT, "Comparator": "GreaterThan", "IntegerValues": [90]}])
    env.hit(Title="open to all")
    for type_id in SYSTEM:
        listed = env.client.list_hits_for_qualification_type(QualificationTypeId=type_id)
        expected = [guarded["HITId"]] if type_id == PERCENT else []
        assert [h["HITId"] for h in listed["HITs"]] == expected


def _accepts(env: Env, **worker: Any) -> bool:
    hit = env.hit(QualificationRequirements=[{
        "QualificationTypeId": PERCENT, "Comparator": "GreaterThanOrEqualTo",
        "IntegerValues": [95]}])
    try:
        env.emu.workers.accept(env.worker(**worker), hit["HITId"])
    except SimulationError:
        return False
    return True


def test_approval_rate_reads_100_below_100_assignments(env: Env) -> None:
    assert _accepts(env, approved_count=5, percent_approved=50)
    assert _accepts(env, approved_count=99, percent_approved=0)
    assert not _accepts(env, approved_count=100, percent_approved=94)


def test_notify_workers_checks_the_worker_id_pattern(env: Env) -> None:
    for bad in ("Abc-x", "A", "B123", "A" * 65, "A1\n"):
        validation_error(lambda bad=bad: env.client.notify_workers(
            Subject="s", MessageText="m", WorkerIds=[bad]), "WorkerIds")
    result = env.client.notify_workers(Subject="s", MessageText="m", WorkerIds=["A" + "1" * 63])
    assert [f["NotifyWorkersFailureCode"] for f in result["NotifyWorkersFailureStatuses"]] == [
        "HardFailure"]


def test_free_text_without_a_model_limit_is_not_cut_short(env: Env) -> None:
    long = "x" * 5000
    hit = env.hit()
    assignment = env.work(hit["HITId"])
    worker = env.client.get_assignment(AssignmentId=assignment)["Assignment"]["WorkerId"]
    env.client.send_bonus(WorkerId=worker, BonusAmount="1", AssignmentId=assignment, Reason=long)
    env.client.create_worker_block(WorkerId=worker, Reason=long)
    env.client.delete_worker_block(WorkerId=worker, Reason=long)
    qual = env.client.create_qualification_type(
        Name=long, Description="d", QualificationTypeStatus="Active")["QualificationType"]
    env.client.associate_qualification_with_worker(
        QualificationTypeId=qual["QualificationTypeId"], WorkerId=worker, IntegerValue=1)
    env.client.disassociate_qualification_from_worker(
        QualificationTypeId=qual["QualificationTypeId"], WorkerId=worker, Reason=long)
    found = env.client.list_qualification_types(MustBeRequestable=False, Query=long)
    assert [q["Name"] for q in found["QualificationTypes"]] == [long]
    env.client.update_notification_settings(HITTypeId=hit["HITTypeId"], Notification={
        "Destination": long, "Transport": "Email", "Version": "2006-05-05",
        "EventTypes": ["HITExpired"]})
    statuses = ["Submitted", "Submitted", "Approved", "Rejected"]
    listed = env.client.list_assignments_for_hit(HITId=hit["HITId"],
                                                 AssignmentStatuses=statuses)
    assert [a["AssignmentId"] for a in listed["Assignments"]] == [assignment]


def test_amounts_longer_than_20_characters_are_refused(env: Env) -> None:
    validation_error(lambda: env.hit(Reward="1" * 21), "Reward")
    assert env.hit(Reward="1" * 17 + ".00")["Reward"] == "1" * 17 + ".00"
