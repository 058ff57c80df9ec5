"""Workers asking for qualifications: ListQualificationRequests, AcceptQualificationRequest,
RejectQualificationRequest, with simulated workers asking over the side channel."""

from __future__ import annotations

from typing import Any

import pytest
import xmltodict

from .conftest import FORM_NS, Env, question_form
from .helpers import request_error, validation_error

CHOICE = ("<Question><QuestionIdentifier>{}</QuestionIdentifier><QuestionContent><Text>Pick"
          "</Text></QuestionContent><AnswerSpecification><SelectionAnswer><Selections>"
          "<Selection><SelectionIdentifier>a</SelectionIdentifier><Text>A</Text></Selection>"
          "<Selection><SelectionIdentifier>b</SelectionIdentifier><Text>B</Text></Selection>"
          "</Selections></SelectionAnswer></AnswerSpecification></Question>")
QUIZ = question_form(CHOICE.format("q1"), CHOICE.format("q2"))
KEY = ('<AnswerKey xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/'
       '2005-10-01/AnswerKey.xsd">'
       "<Question><QuestionIdentifier>q1</QuestionIdentifier><AnswerOption>"
       "<SelectionIdentifier>a</SelectionIdentifier><AnswerScore>1</AnswerScore></AnswerOption>"
       "</Question><Question><QuestionIdentifier>q2</QuestionIdentifier><AnswerOption>"
       "<SelectionIdentifier>b</SelectionIdentifier><AnswerScore>1</AnswerScore></AnswerOption>"
       "</Question><QualificationValueMapping><PercentageMapping><MaximumSummedScore>2"
       "</MaximumSummedScore></PercentageMapping></QualificationValueMapping></AnswerKey>")


def _type(env: Env, name: str, **kwargs: Any) -> str:
    created = env.client.create_qualification_type(
        Name=name, Description="d", QualificationTypeStatus="Active", **kwargs)
    type_id: str = created["QualificationType"]["QualificationTypeId"]
    return type_id


def _ask(env: Env, worker: str, type_id: str, answers: Any = None) -> tuple[int, Any]:
    body: dict[str, Any] = {"WorkerId": worker, "QualificationTypeId": type_id}
    if answers is not None:
        body["Answers"] = answers
    return env.side("/_emulator/qualification-requests", body)


def _score(env: Env, type_id: str, worker: str) -> int:
    found = env.client.get_qualification_score(QualificationTypeId=type_id, WorkerId=worker)
    value: int = found["Qualification"]["IntegerValue"]
    return value


def test_a_request_without_a_test_waits_and_is_accepted(env: Env) -> None:
    type_id, worker = _type(env, "vetted"), env.worker()
    status, reply = _ask(env, worker, type_id)
    assert (status, reply["Status"]) == (200, "Pending")
    (listed,) = env.client.list_qualification_requests(
        QualificationTypeId=type_id)["QualificationRequests"]
    assert (listed["QualificationRequestId"], listed["WorkerId"]) == (
        reply["QualificationRequestId"], worker)
    assert "Test" not in listed and "Answer" not in listed
    env.client.accept_qualification_request(
        QualificationRequestId=listed["QualificationRequestId"], IntegerValue=5)
    assert _score(env, type_id, worker) == 5
    assert env.client.list_qualification_requests()["QualificationRequests"] == []
    request_error(lambda: env.client.accept_qualification_request(
        QualificationRequestId=listed["QualificationRequestId"]),
        "AWS.MechanicalTurk.InvalidQualificationRequestState")
    request_error(lambda: env.client.reject_qualification_request(
        QualificationRequestId="3" * 30), "AWS.MechanicalTurk.QualificationRequestDoesNotExist")


def test_a_test_without_an_answer_key_keeps_the_answers_for_review(env: Env) -> None:
    type_id, worker = _type(env, "quiz", Test=QUIZ, TestDurationInSeconds=600), env.worker()
    status, reply = _ask(env, worker, type_id, {"q1": "b", "q2": "b"})
    assert (status, reply["Status"]) == (200, "Pending")
    (listed,) = env.client.list_qualification_requests()["QualificationRequests"]
    assert listed["Test"] == QUIZ
    answers = xmltodict.parse(listed["Answer"], force_list=("Answer",))
    picked = {a["QuestionIdentifier"]: a["SelectionIdentifier"]
              for a in answers["QuestionFormAnswers"]["Answer"]}
    assert picked == {"q1": "b", "q2": "b"}
    env.client.reject_qualification_request(
        QualificationRequestId=listed["QualificationRequestId"], Reason="Two wrong answers.")
    request_error(lambda: env.client.get_qualification_score(QualificationTypeId=type_id,
                                                             WorkerId=worker),
                  "AWS.MechanicalTurk.QualificationDoesNotExist")
    status, reply = _ask(env, worker, type_id, {"q1": "a", "q2": "a"})
    assert status == 400 and "allows no retries" in reply["error"]
    status, reply = _ask(env, env.worker(), type_id, {"q1": "c", "q2": "a"})
    assert status == 400 and "'c' is not a choice of 'q1'" in reply["error"]


def test_a_test_with_an_answer_key_is_scored_and_granted_at_once(env: Env) -> None:
    type_id = _type(env, "scored", Test=QUIZ, TestDurationInSeconds=600, AnswerKey=KEY,
                    RetryDelayInSeconds=3600)
    half, full = env.worker(), env.worker()
    assert _ask(env, half, type_id, {"q1": "a", "q2": "a"})[1]["IntegerValue"] == 50
    assert _ask(env, full, type_id, {"q1": "a", "q2": "b"})[1]["Status"] == "Granted"
    assert (_score(env, type_id, half), _score(env, type_id, full)) == (50, 100)
    assert env.client.list_qualification_requests()["QualificationRequests"] == []
    # Retries: not before RetryDelayInSeconds has passed.
    status, reply = _ask(env, half, type_id, {"q1": "a", "q2": "b"})
    assert status == 400 and "again 3600 seconds from now" in reply["error"]
    env.emu.advance(3600)
    assert _ask(env, half, type_id, {"q1": "a", "q2": "b"})[1]["IntegerValue"] == 100


def test_auto_granted_types_grant_at_once_and_retries_need_a_delay(env: Env) -> None:
    type_id, worker = _type(env, "open", AutoGranted=True, AutoGrantedValue=3), env.worker()
    assert _ask(env, worker, type_id)[1] == {
        "QualificationRequestId": _ask_id(env, type_id), "Status": "Granted", "IntegerValue": 3}
    assert _score(env, type_id, worker) == 3
    status, reply = _ask(env, worker, type_id)
    assert status == 400 and "allows no retries" in reply["error"]


def _ask_id(env: Env, type_id: str) -> str:
    """The id of the latest request for the type, as the state file holds it."""
    requests = env.emu.to_json()["state"]["qual_requests"]
    found: str = [r["id"] for r in requests.values() if r["type_id"] == type_id][-1]
    return found


def test_inactive_deleted_and_unknown_types_cannot_be_asked_for(env: Env) -> None:
    worker = env.worker()
    inactive = env.client.create_qualification_type(
        Name="off", Description="d", QualificationTypeStatus="Inactive")["QualificationType"]
    assert "Inactive" in _ask(env, worker, inactive["QualificationTypeId"])[1]["error"]
    assert "does not exist" in _ask(env, worker, "000000000000000000L0")[1]["error"]
    assert "unknown worker" in _ask(env, "ANOBODY", _type(env, "on"))[1]["error"]


def test_deleting_a_type_rejects_its_pending_requests(env: Env) -> None:
    type_id, worker = _type(env, "soon gone"), env.worker()
    request_id = _ask(env, worker, type_id)[1]["QualificationRequestId"]
    env.client.delete_qualification_type(QualificationTypeId=type_id)
    assert env.client.list_qualification_requests()["QualificationRequests"] == []
    request_error(lambda: env.client.accept_qualification_request(
        QualificationRequestId=request_id), "AWS.MechanicalTurk.InvalidQualificationRequestState")
    request_error(lambda: env.client.list_qualification_requests(QualificationTypeId=type_id),
                  "AWS.MechanicalTurk.QualificationTypeDoesNotExist")


@pytest.mark.parametrize("size", [1, 2])
def test_requests_page_like_every_listing(env: Env, size: int) -> None:
    type_id = _type(env, "many")
    workers = [env.worker() for _ in range(3)]
    for worker in workers:
        _ask(env, worker, type_id)
    seen: list[str] = []
    params: dict[str, Any] = {"MaxResults": size}
    while True:
        page = env.client.list_qualification_requests(**params)
        seen += [r["WorkerId"] for r in page["QualificationRequests"]]
        if not page["QualificationRequests"]:
            assert "NextToken" not in page
            break
        params["NextToken"] = page["NextToken"]
    assert seen == workers
    validation_error(lambda: env.client.list_qualification_requests(MaxResults=101),
                     "MaxResults")


def test_made_up_test_answers_pick_real_choices(env: Env) -> None:
    type_id, worker = _type(env, "guess", Test=QUIZ, TestDurationInSeconds=60), env.worker()
    assert _ask(env, worker, type_id)[0] == 200
    (listed,) = env.client.list_qualification_requests()["QualificationRequests"]
    answers = xmltodict.parse(listed["Answer"], force_list=("Answer",))["QuestionFormAnswers"]
    assert answers["@xmlns"] != FORM_NS
    assert {a["QuestionIdentifier"]: a["SelectionIdentifier"] in ("a", "b")
            for a in answers["Answer"]} == {"q1": True, "q2": True}
