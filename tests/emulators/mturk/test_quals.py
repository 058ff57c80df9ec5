"""Qualification types and scores, worker blocks, notifications (§2.19-2.27)."""

from __future__ import annotations

from .conftest import QUESTION, Env, question_form
from .helpers import request_error, validation_error

TEST_FORM = question_form(QUESTION.format("q1"))


def _qual(env: Env, name: str = "took-part", **kwargs: object) -> str:
    created = env.client.create_qualification_type(
        Name=name, Description="already took part", QualificationTypeStatus="Active", **kwargs)
    qual_id: str = created["QualificationType"]["QualificationTypeId"]
    return qual_id


def test_create_get_and_duplicate_name(env: Env) -> None:
    qual_id = _qual(env, Keywords="exclusion")
    got = env.client.get_qualification_type(QualificationTypeId=qual_id)["QualificationType"]
    # Workers may ask for any Active type of the requester's (the model: IsRequestable is
    # "False for Qualifications assigned automatically by the system").
    assert (got["Name"], got["QualificationTypeStatus"], got["IsRequestable"]) == (
        "took-part", "Active", True)
    message = request_error(lambda: _qual(env), "AWS.MechanicalTurk.QualificationTypeAlreadyExists")
    assert message.startswith("You have already created a QualificationType with this name.")
    request_error(lambda: env.client.get_qualification_type(QualificationTypeId="3" * 30),
                  "AWS.MechanicalTurk.QualificationTypeDoesNotExist")


def test_system_types_are_readable(env: Env) -> None:
    got = env.client.get_qualification_type(QualificationTypeId="000000000000000000L0")
    assert got["QualificationType"]["Name"] == "Worker_PercentAssignmentsApproved"
    assert got["QualificationType"]["IsRequestable"] is False


def test_create_validation(env: Env) -> None:
    validation_error(lambda: _qual(env, Keywords="k" * 1001), "Keywords")
    validation_error(lambda: env.client.create_qualification_type(
        Name="n", Description="d", QualificationTypeStatus="Paused"), "QualificationTypeStatus")
    validation_error(lambda: _qual(env, "t", Test=TEST_FORM), "TestDurationInSeconds")


def test_list_qualification_types(env: Env) -> None:
    _qual(env, "alpha")
    _qual(env, "beta", AutoGranted=True)
    owned = env.client.list_qualification_types(MustBeRequestable=False, MustBeOwnedByCaller=True)
    assert [q["Name"] for q in owned["QualificationTypes"]] == ["alpha", "beta"]
    requestable = env.client.list_qualification_types(MustBeRequestable=True, Query="bet")
    assert [q["Name"] for q in requestable["QualificationTypes"]] == ["beta"]
    assert requestable["QualificationTypes"][0]["AutoGrantedValue"] == 1


def test_associate_score_revoke_and_list(env: Env) -> None:
    qual_id, worker = _qual(env), env.worker()
    env.client.associate_qualification_with_worker(
        QualificationTypeId=qual_id, WorkerId=worker, IntegerValue=3, SendNotification=False)
    score = env.client.get_qualification_score(QualificationTypeId=qual_id, WorkerId=worker)
    assert (score["Qualification"]["IntegerValue"], score["Qualification"]["Status"]) == (
        3, "Granted")
    env.client.associate_qualification_with_worker(QualificationTypeId=qual_id, WorkerId=worker,
                                                   IntegerValue=5)
    listed = env.client.list_workers_with_qualification_type(QualificationTypeId=qual_id)
    assert [(q["WorkerId"], q["IntegerValue"]) for q in listed["Qualifications"]] == [(worker, 5)]
    env.client.disassociate_qualification_from_worker(QualificationTypeId=qual_id,
                                                      WorkerId=worker, Reason="reset")
    message = request_error(lambda: env.client.get_qualification_score(
        QualificationTypeId=qual_id, WorkerId=worker),
        "AWS.MechanicalTurk.InvalidQualificationState")
    assert "with a status of: Granted" in message
    revoked = env.client.list_workers_with_qualification_type(QualificationTypeId=qual_id,
                                                              Status="Revoked")
    assert revoked["NumResults"] == 1


def test_score_for_a_worker_without_it(env: Env) -> None:
    qual_id, worker = _qual(env), env.worker()
    message = request_error(lambda: env.client.get_qualification_score(
        QualificationTypeId=qual_id, WorkerId=worker),
        "AWS.MechanicalTurk.QualificationDoesNotExist")
    assert message.startswith("You requested a Qualification that does not exist. (")
    validation_error(lambda: env.client.associate_qualification_with_worker(
        QualificationTypeId=qual_id, WorkerId="ANOTHERENVWORKER"), "WorkerId")


def test_worker_blocks(env: Env) -> None:
    first, second = env.worker(), env.worker()
    env.client.create_worker_block(WorkerId=first, Reason="spam")
    env.client.create_worker_block(WorkerId=second, Reason="bots")
    env.client.delete_worker_block(WorkerId=second)
    env.client.delete_worker_block(WorkerId=second)  # not blocked: still fine
    blocks = env.client.get_paginator("list_worker_blocks").paginate()
    assert [b for p in blocks for b in p["WorkerBlocks"]] == [{"WorkerId": first,
                                                               "Reason": "spam"}]
    validation_error(lambda: env.client.create_worker_block(WorkerId="AZZZZUNKNOWN",
                                                            Reason="x"), "WorkerId")
    validation_error(lambda: env.client.create_worker_block(WorkerId="bad", Reason="x"),
                     "WorkerId")


def test_notify_workers_reports_failures_without_raising(env: Env) -> None:
    hit_id = env.hit()["HITId"]
    assignment = env.work(hit_id)
    env.client.approve_assignment(AssignmentId=assignment)
    worked = env.client.get_assignment(AssignmentId=assignment)["Assignment"]["WorkerId"]
    idle = env.worker()
    result = env.client.notify_workers(Subject="Hi", MessageText="Thanks",
                                       WorkerIds=[worked, idle, "ANOSUCHWORKER"])
    codes = {f["WorkerId"]: f["NotifyWorkersFailureCode"]
             for f in result["NotifyWorkersFailureStatuses"]}
    assert codes == {idle: "SoftFailure", "ANOSUCHWORKER": "HardFailure"}
    validation_error(lambda: env.client.notify_workers(Subject="x" * 201, MessageText="m",
                                                       WorkerIds=[worked]), "Subject")


def test_update_notification_settings(env: Env) -> None:
    type_id = env.hit()["HITTypeId"]
    request_error(lambda: env.client.update_notification_settings(HITTypeId=type_id,
                                                                  Active=True), None)
    spec = {"Destination": "me@example.org", "Transport": "Email", "Version": "2006-05-05",
            "EventTypes": ["AssignmentSubmitted"]}
    env.client.update_notification_settings(HITTypeId=type_id, Notification=spec, Active=True)
    validation_error(lambda: env.client.update_notification_settings(
        HITTypeId=type_id, Notification={**spec, "EventTypes": ["Ping"]}), "EventTypes")
    validation_error(lambda: env.client.update_notification_settings(
        HITTypeId=type_id, Notification={**spec, "Transport": "REST"}), "Transport")
