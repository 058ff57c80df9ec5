"""UpdateQualificationType and DeleteQualificationType, and what a deleted or Inactive type
still allows (reference §2.19; the model's documentation of both operations)."""

from __future__ import annotations

from typing import Any

import pytest

from deployer.emulators.mturk.exceptions import SimulationError

from .conftest import QUESTION, Env, question_form
from .helpers import request_error, validation_error

TEST_FORM = question_form(QUESTION.format("q1"))
KEY = ('<AnswerKey xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/'
       '2005-10-01/AnswerKey.xsd"><Question><QuestionIdentifier>q1</QuestionIdentifier>'
       "<AnswerOption><SelectionIdentifier>a</SelectionIdentifier><AnswerScore>1</AnswerScore>"
       "</AnswerOption></Question></AnswerKey>")


def _type(env: Env, name: str = "screened", **kwargs: Any) -> str:
    created = env.client.create_qualification_type(
        Name=name, Description="passed our screening", Keywords="screening",
        QualificationTypeStatus="Active", **kwargs)
    type_id: str = created["QualificationType"]["QualificationTypeId"]
    return type_id


def _requiring(type_id: str) -> list[dict[str, Any]]:
    return [{"QualificationTypeId": type_id, "Comparator": "Exists"}]


def test_update_changes_what_the_model_lets_change(env: Env) -> None:
    type_id = _type(env)
    updated = env.client.update_qualification_type(
        QualificationTypeId=type_id, Description="new words", RetryDelayInSeconds=3600,
        AutoGranted=True, AutoGrantedValue=7)["QualificationType"]
    assert (updated["Description"], updated["RetryDelayInSeconds"], updated["AutoGranted"],
            updated["AutoGrantedValue"]) == ("new words", 3600, True, 7)
    assert (updated["Name"], updated["Keywords"]) == ("screened", "screening")  # never change
    got = env.client.get_qualification_type(QualificationTypeId=type_id)["QualificationType"]
    assert got == updated
    inactive = env.client.update_qualification_type(
        QualificationTypeId=type_id, QualificationTypeStatus="Inactive")["QualificationType"]
    assert (inactive["QualificationTypeStatus"], inactive["IsRequestable"]) == ("Inactive", False)


def test_a_test_is_replaced_whole_and_never_made_auto_granted(env: Env) -> None:
    type_id = _type(env, Test=TEST_FORM, TestDurationInSeconds=60, AnswerKey=KEY)
    validation_error(lambda: env.client.update_qualification_type(
        QualificationTypeId=type_id, TestDurationInSeconds=120), "TestDurationInSeconds")
    validation_error(lambda: env.client.update_qualification_type(
        QualificationTypeId=type_id, AnswerKey=KEY), "AnswerKey")
    validation_error(lambda: env.client.update_qualification_type(
        QualificationTypeId=type_id, Test=TEST_FORM), "TestDurationInSeconds")
    validation_error(lambda: env.client.update_qualification_type(
        QualificationTypeId=type_id, AutoGranted=True), "AutoGranted")
    # A new test without an AnswerKey has none: requests for it are granted by hand.
    updated = env.client.update_qualification_type(
        QualificationTypeId=type_id, Test=TEST_FORM, TestDurationInSeconds=120)
    assert "AnswerKey" not in updated["QualificationType"]
    assert updated["QualificationType"]["TestDurationInSeconds"] == 120
    validation_error(lambda: env.client.update_qualification_type(
        QualificationTypeId=type_id, Test="<QuestionForm/>", TestDurationInSeconds=5), "Test")


def test_update_refuses_types_it_does_not_own(env: Env) -> None:
    for type_id in ("000000000000000000L0", "3" * 30):
        request_error(lambda type_id=type_id: env.client.update_qualification_type(
            QualificationTypeId=type_id, Description="x"),
            "AWS.MechanicalTurk.QualificationTypeDoesNotExist")
    validation_error(lambda: env.client.update_qualification_type(
        QualificationTypeId=_type(env), QualificationTypeStatus="Gone"), "QualificationTypeStatus")


def test_a_deleted_type_leaves_get_and_list_but_its_hits_keep_working(env: Env) -> None:
    type_id = _type(env)
    keeper = env.worker(qualifications={type_id: 1})
    stranger = env.worker()
    hit = env.hit(QualificationRequirements=_requiring(type_id))
    env.client.delete_qualification_type(QualificationTypeId=type_id)

    request_error(lambda: env.client.get_qualification_type(QualificationTypeId=type_id),
                  "AWS.MechanicalTurk.QualificationTypeDoesNotExist")
    listed = env.client.list_qualification_types(MustBeRequestable=False,
                                                 MustBeOwnedByCaller=True)
    assert listed["QualificationTypes"] == []
    request_error(lambda: env.client.delete_qualification_type(QualificationTypeId=type_id),
                  "AWS.MechanicalTurk.QualificationTypeDoesNotExist")
    # The HIT that requires it still works, with the grants workers hold.
    assert env.client.get_hit(HITId=hit["HITId"])["HIT"]["HITStatus"] == "Assignable"
    assert env.emu.workers.accept(keeper, hit["HITId"])
    with pytest.raises(SimulationError, match='"screened" Exists \\(the worker has none\\)'):
        env.emu.workers.accept(stranger, hit["HITId"])
    # New HITs and HIT types cannot require it any more.
    request_error(lambda: env.hit(QualificationRequirements=_requiring(type_id)),
                  "AWS.MechanicalTurk.QualificationTypeDoesNotExist")
    request_error(lambda: env.client.create_hit_with_hit_type(
        HITTypeId=hit["HITTypeId"], LifetimeInSeconds=60, Question=hit["Question"]),
        "AWS.MechanicalTurk.HITTypeDoesNotExist")
    request_error(lambda: env.client.associate_qualification_with_worker(
        QualificationTypeId=type_id, WorkerId=stranger),
        "AWS.MechanicalTurk.QualificationTypeDoesNotExist")
    with pytest.raises(SimulationError, match=f"qualification type {type_id} does not exist"):
        env.worker(qualifications={type_id: 1})


def test_a_deleted_types_name_is_free_only_after_the_hold(env: Env) -> None:
    type_id = _type(env)
    env.client.delete_qualification_type(QualificationTypeId=type_id)
    request_error(lambda: _type(env), "AWS.MechanicalTurk.QualificationTypeAlreadyExists")
    env.emu.advance(48 * 3600 - 5)
    request_error(lambda: _type(env), "AWS.MechanicalTurk.QualificationTypeAlreadyExists")
    env.emu.advance(10)
    assert _type(env) != type_id


def test_new_hits_cannot_require_an_inactive_type(env: Env) -> None:
    type_id = _type(env, "paused")
    live = env.hit(QualificationRequirements=_requiring(type_id))
    env.client.update_qualification_type(QualificationTypeId=type_id,
                                         QualificationTypeStatus="Inactive")
    request_error(lambda: env.hit(QualificationRequirements=_requiring(type_id), Title="new"),
                  "AWS.MechanicalTurk.InvalidQualificationTypeState")
    request_error(lambda: env.client.create_hit_with_hit_type(
        HITTypeId=live["HITTypeId"], LifetimeInSeconds=60, Question=live["Question"]),
        "AWS.MechanicalTurk.InvalidQualificationTypeState")
    assert env.client.get_hit(HITId=live["HITId"])["HIT"]["HITStatus"] == "Assignable"
    env.client.update_qualification_type(QualificationTypeId=type_id,
                                         QualificationTypeStatus="Active")
    assert env.hit(QualificationRequirements=_requiring(type_id), Title="new")
