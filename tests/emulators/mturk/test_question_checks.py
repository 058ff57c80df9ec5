"""QuestionForm structure, FrameHeight, qualification tests, and well-formed Answer XML."""

from __future__ import annotations

import xmltodict

from .conftest import EXTERNAL, QUESTION, Env, question_form
from .helpers import validation_error


def test_question_identifiers_must_be_unique(env: Env) -> None:
    form = question_form(QUESTION.format("q"), QUESTION.format("q"))
    validation_error(lambda: env.hit(Question=form), "QuestionIdentifier")
    assert env.hit(Question=question_form(QUESTION.format("q"), QUESTION.format("r")))


def test_a_question_needs_content_and_an_answer_specification(env: Env) -> None:
    whole = QUESTION.format("q")
    no_content = whole.replace("<QuestionContent><Text>Why?</Text></QuestionContent>", "")
    no_answer = whole.replace(
        "<AnswerSpecification><FreeTextAnswer/></AnswerSpecification>", "")
    validation_error(lambda: env.hit(Question=question_form(no_content)), "QuestionContent")
    validation_error(lambda: env.hit(Question=question_form(no_answer)), "AnswerSpecification")


def test_frame_height_is_ascii_digits(env: Env) -> None:
    for height in ("\u0663", "\u00b2", "-1", "1.5"):
        question = EXTERNAL.replace("<FrameHeight>0", f"<FrameHeight>{height}")
        validation_error(lambda question=question: env.hit(Question=question), "FrameHeight")
    assert env.hit(Question=EXTERNAL.replace("<FrameHeight>0", "<FrameHeight>600"))


def test_a_qualification_test_must_be_a_question_form(env: Env) -> None:
    def create(test: str) -> object:
        return env.client.create_qualification_type(
            Name="quiz", Description="d", QualificationTypeStatus="Active", Test=test,
            TestDurationInSeconds=60)

    validation_error(lambda: create("not xml at all"), "Test")
    validation_error(lambda: create(EXTERNAL), "Test")
    form = question_form(QUESTION.format("q"), QUESTION.format("q"))
    validation_error(lambda: create(form), "QuestionIdentifier")
    created = create(question_form(QUESTION.format("q")))
    assert isinstance(created, dict) and created["QualificationType"]["IsRequestable"]


def test_answer_xml_drops_what_xml_cannot_carry(env: Env) -> None:
    hit_id = env.hit()["HITId"]
    worker = env.side("/_emulator/workers", {})[1]["WorkerId"]
    assignment = env.side("/_emulator/accept", {"WorkerId": worker,
                                                "HITId": hit_id})[1]["AssignmentId"]
    status, reply = env.side("/_emulator/submit", {"AssignmentId": assignment, "Answers": {
        "text": "a\x01b\x0bc\x1fd\te\u00e9", "na\x02me": "x"}})
    assert status == 200
    answer = env.client.get_assignment(AssignmentId=assignment)["Assignment"]["Answer"]
    assert answer == reply["Answer"]
    parsed = xmltodict.parse(answer, force_list=("Answer",))["QuestionFormAnswers"]["Answer"]
    assert [(a["QuestionIdentifier"], a["FreeText"]) for a in parsed] == [
        ("text", "abcd\te\u00e9"), ("name", "x")]


def test_answer_xml_from_python_drops_lone_surrogates(env: Env) -> None:
    hit_id = env.hit()["HITId"]
    assignment = env.emu.workers.accept(env.worker(), hit_id)
    answer = env.emu.workers.submit(assignment, {"text": "a\ud800b"})
    assert xmltodict.parse(answer)["QuestionFormAnswers"]["Answer"]["FreeText"] == "ab"
