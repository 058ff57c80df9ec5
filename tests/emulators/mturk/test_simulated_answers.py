"""Simulated workers' answers: made up from the question's fields when none are given, checked
against a QuestionForm, and the reasons a worker may not accept, in words."""

from __future__ import annotations

from typing import Any

import pytest
import xmltodict

from deployer.emulators.mturk.exceptions import SimulationError

from .conftest import EXTERNAL, Env, question_form

HTML_NS = ("http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2011-11-11/"
           "HTMLQuestion.xsd")
PAGE = """<!DOCTYPE html><html><head><title>t</title></head><body>
<form method="post" action="https://www.mturk.com/mturk/externalSubmit">
<input type="hidden" name="assignmentId" value="">
<input type="hidden" name="condition" value="B">
<input type="text" name="nickname">
<textarea name="comment"></textarea>
<input type="radio" name="mood" value="calm"><input type="radio" name="mood" value="tense">
<input type="number" name="age" min="18" max="99">
<select name="country"><option value="us">US</option><option>GB</option></select>
<input type="checkbox" name="agree" value="yes" required>
<input type="submit" name="go" value="Submit">
</form></body></html>"""
HTML_QUESTION = (f'<HTMLQuestion xmlns="{HTML_NS}"><HTMLContent><![CDATA[{PAGE}]]>'
                 "</HTMLContent><FrameHeight>0</FrameHeight></HTMLQuestion>")
CHOICES = ("<Question><QuestionIdentifier>{}</QuestionIdentifier><IsRequired>true</IsRequired>"
           "<QuestionContent><Text>Pick</Text></QuestionContent><AnswerSpecification>"
           "<SelectionAnswer><MinSelectionCount>1</MinSelectionCount><MaxSelectionCount>2"
           "</MaxSelectionCount><StyleSuggestion>checkbox</StyleSuggestion><Selections>"
           "<Selection><SelectionIdentifier>red</SelectionIdentifier><Text>Red</Text>"
           "</Selection><Selection><SelectionIdentifier>blue</SelectionIdentifier><Text>Blue"
           "</Text></Selection></Selections></SelectionAnswer></AnswerSpecification></Question>")
NUMBER = ("<Question><QuestionIdentifier>score</QuestionIdentifier><QuestionContent><Text>How "
          "many?</Text></QuestionContent><AnswerSpecification><FreeTextAnswer><Constraints>"
          '<IsNumeric minValue="1" maxValue="7"/></Constraints></FreeTextAnswer>'
          "</AnswerSpecification></Question>")
FORM = question_form(CHOICES.format("colours"), NUMBER)


def _answers(xml: str) -> dict[str, Any]:
    parsed = xmltodict.parse(xml, force_list=("Answer", "SelectionIdentifier"))
    found: dict[str, Any] = {}
    for answer in parsed["QuestionFormAnswers"].get("Answer") or []:
        found[answer["QuestionIdentifier"]] = answer.get("FreeText",
                                                         answer.get("SelectionIdentifier"))
    return found


def _submit(env: Env, question: str, answers: dict[str, Any] | None = None) -> dict[str, Any]:
    hit_id = env.hit(Question=question)["HITId"]
    assignment = env.emu.workers.accept(env.worker(), hit_id)
    return _answers(env.emu.workers.submit(assignment, answers))


def test_made_up_answers_fill_every_field_of_an_html_page(env: Env) -> None:
    answers = _submit(env, HTML_QUESTION)
    assert set(answers) == {"condition", "nickname", "comment", "mood", "age", "country",
                            "agree"}  # never assignmentId, never the submit button
    assert answers["condition"] == "B" and answers["agree"] == "yes"
    assert answers["mood"] in ("calm", "tense") and answers["country"] in ("us", "GB")
    assert 18 <= int(answers["age"]) <= 99 and answers["nickname"] and answers["comment"]


def test_a_page_takes_the_answers_a_browser_would_post(env: Env) -> None:
    assert _submit(env, HTML_QUESTION, {"mood": "calm", "extra": "added by a script"}) == {
        "mood": "calm", "extra": "added by a script"}
    assert _submit(env, EXTERNAL) == {}  # an external page's fields are unknown
    assert _submit(env, EXTERNAL, {"rating": "4"}) == {"rating": "4"}


def test_a_question_form_gets_selections_and_checks_given_answers(env: Env) -> None:
    made_up = _submit(env, FORM)
    assert 1 <= len(made_up["colours"]) <= 2 and set(made_up["colours"]) <= {"red", "blue"}
    assert 1 <= int(made_up["score"]) <= 7
    given = _submit(env, FORM, {"colours": ["blue", "red"], "score": "3"})
    assert given == {"colours": ["blue", "red"], "score": "3"}
    hit_id = env.hit(Question=FORM, MaxAssignments=5)["HITId"]
    for wrong, why in (({"colours": "green"}, "'green' is not a choice of 'colours'"),
                       ({"colour": "red"}, "the form has no question 'colour'"),
                       ({"score": "3"}, "question 'colours' is required")):
        assignment = env.emu.workers.accept(env.worker(), hit_id)
        with pytest.raises(SimulationError, match=why):
            env.emu.workers.submit(assignment, wrong)


def _refusal(env: Env, worker: str, hit_id: str) -> str:
    with pytest.raises(SimulationError) as refused:
        env.emu.workers.accept(worker, hit_id)
    return str(refused.value)


def test_a_refused_accept_says_which_requirement_and_the_workers_value(env: Env) -> None:
    hit = env.hit(QualificationRequirements=[
        {"QualificationTypeId": "00000000000000000071", "Comparator": "In",
         "LocaleValues": [{"Country": "US", "Subdivision": "WA"}, {"Country": "GB"}]},
        {"QualificationTypeId": "000000000000000000L0", "Comparator": "GreaterThanOrEqualTo",
         "IntegerValues": [95]}])
    worker = env.worker(country="DE", approved_count=500, percent_approved=90)
    assert _refusal(env, worker, hit["HITId"]) == (
        f"worker {worker} does not meet the requirements of HIT {hit['HITId']}: Worker_Locale "
        "In US-WA, GB (the worker is in DE); Worker_PercentAssignmentsApproved "
        "GreaterThanOrEqualTo 95 (the worker has 90)")


def test_a_refused_accept_says_why_the_hit_cannot_be_taken(env: Env) -> None:
    hit_id = env.hit(MaxAssignments=1)["HITId"]
    first, second = env.worker(), env.worker()
    env.emu.workers.accept(first, hit_id)
    assert "already took HIT" in _refusal(env, first, hit_id)
    assert "has no assignment left to accept" in _refusal(env, second, hit_id)
    env.client.update_expiration_for_hit(HITId=hit_id, ExpireAt=0)
    assert f"HIT {hit_id} has expired" in _refusal(env, second, hit_id)
    env.client.create_worker_block(WorkerId=second, Reason="spam")
    assert "is blocked" in _refusal(env, second, env.hit()["HITId"])


def test_submit_return_and_abandon_by_worker_and_hit(env: Env) -> None:
    hit_id = env.hit(MaxAssignments=2)["HITId"]
    worker = env.side("/_emulator/workers", {})[1]["WorkerId"]
    for route in ("/_emulator/return", "/_emulator/abandon"):
        env.side("/_emulator/accept", {"WorkerId": worker, "HITId": hit_id})
        status, reply = env.side(route, {"WorkerId": worker, "HITId": hit_id})
        assert status == 200 and reply["AssignmentId"]
    accepted = env.side("/_emulator/accept", {"WorkerId": worker, "HITId": hit_id})[1]
    assert accepted["Deadline"] > env.emu.now()
    status, reply = env.side("/_emulator/submit", {"WorkerId": worker, "HITId": hit_id})
    assert status == 200 and reply["AssignmentId"] == accepted["AssignmentId"]
    assert reply["AssignmentStatus"] == "Submitted" and reply["AutoApprovalTime"] > 0
    status, reply = env.side("/_emulator/submit", {"WorkerId": worker, "HITId": hit_id})
    assert status == 400 and "is not working on HIT" in reply["error"]
