"""CreateHIT, CreateHITType, CreateHITWithHITType, GetHIT and validation
(§2.1-2.4, §4, §5)."""

from __future__ import annotations

import re

import pytest

from .conftest import EXTERNAL, Env
from .helpers import error_of, request_error, validation_error

ID = re.compile(r"^3[0-9A-Z]{29}$")
HTML_NS = (
    "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2011-11-11/HTMLQuestion.xsd"
)
FORM_NS = (
    "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2017-11-06/QuestionForm.xsd"
)


def _html(content: str) -> str:
    return (f'<HTMLQuestion xmlns="{HTML_NS}"><HTMLContent><![CDATA[{content}]]></HTMLContent>'
            "<FrameHeight>0</FrameHeight></HTMLQuestion>")


def test_create_hit_returns_the_full_hit(env: Env) -> None:
    hit = env.hit(Keywords="", RequesterAnnotation="emotion/b1")
    assert ID.match(hit["HITId"]) and ID.match(hit["HITTypeId"]) and ID.match(hit["HITGroupId"])
    assert hit["HITGroupId"] != hit["HITTypeId"]
    assert hit["HITStatus"] == "Assignable"
    assert hit["HITReviewStatus"] == "NotReviewed"
    assert (hit["NumberOfAssignmentsAvailable"], hit["NumberOfAssignmentsPending"],
            hit["NumberOfAssignmentsCompleted"]) == (3, 0, 0)
    assert hit["Keywords"] == ""
    assert hit["RequesterAnnotation"] == "emotion/b1"
    assert hit["AutoApprovalDelayInSeconds"] == 2_592_000
    assert (hit["Expiration"] - hit["CreationTime"]).total_seconds() == 3600
    assert env.client.get_hit(HITId=hit["HITId"])["HIT"] == hit


def test_defaults_max_assignments_to_one(env: Env) -> None:
    hit = env.client.create_hit(
        Title="t", Description="d", Reward="0", LifetimeInSeconds=30,
        AssignmentDurationInSeconds=30, Question=EXTERNAL)["HIT"]
    assert hit["MaxAssignments"] == 1
    assert hit["Reward"] == "0"


def test_same_seven_properties_share_a_type_and_group(env: Env) -> None:
    first, second = env.hit(), env.hit(MaxAssignments=5, LifetimeInSeconds=60)
    assert (first["HITTypeId"], first["HITGroupId"]) == (second["HITTypeId"], second["HITGroupId"])
    other = env.hit(Reward="0.5")  # exact match: "0.5" is not "0.50"
    assert other["HITTypeId"] != first["HITTypeId"]
    assert other["HITGroupId"] != first["HITGroupId"]


def test_create_hit_type_is_idempotent_by_content(env: Env) -> None:
    args = {"Title": "t", "Description": "d", "Reward": "0.10",
            "AssignmentDurationInSeconds": 300}
    first = env.client.create_hit_type(**args)["HITTypeId"]
    assert env.client.create_hit_type(**args)["HITTypeId"] == first
    hit = env.client.create_hit_with_hit_type(HITTypeId=first, LifetimeInSeconds=600,
                                              Question=EXTERNAL)["HIT"]
    assert hit["HITTypeId"] == first
    assert hit["MaxAssignments"] == 1
    assert hit["Title"] == "t"


def test_create_with_unknown_type(env: Env) -> None:
    request_error(lambda: env.client.create_hit_with_hit_type(
        HITTypeId="3" * 30, LifetimeInSeconds=600, Question=EXTERNAL),
        "AWS.MechanicalTurk.HITTypeDoesNotExist")


@pytest.mark.parametrize("operation", ["create_hit", "create_hit_with_hit_type"])
def test_unique_request_token_replay_names_the_original_hit(env: Env, operation: str) -> None:
    first = env.hit(UniqueRequestToken="emotion-b1-g1")

    def again() -> object:
        if operation == "create_hit":
            return env.hit(UniqueRequestToken="emotion-b1-g1")
        return env.client.create_hit_with_hit_type(
            HITTypeId=first["HITTypeId"], LifetimeInSeconds=60, Question=EXTERNAL,
            UniqueRequestToken="emotion-b1-g1")

    message = request_error(again, "AWS.MechanicalTurk.HitAlreadyExists")
    assert re.findall(r"\b3[0-9A-Z]{29}\b", message) == [first["HITId"]]
    assert env.client.list_hits()["NumResults"] == 1


def test_unique_request_token_is_forgotten_after_24_hours(env: Env) -> None:
    env.hit(UniqueRequestToken="tok", LifetimeInSeconds=200_000)
    env.emu.advance(24 * 3600)
    env.hit(UniqueRequestToken="tok")
    assert env.client.list_hits()["NumResults"] == 2


def test_missing_question_and_layout(env: Env) -> None:
    validation_error(lambda: env.client.create_hit(
        Title="t", Description="d", Reward="1", LifetimeInSeconds=60,
        AssignmentDurationInSeconds=60), "Question")


@pytest.mark.parametrize(("member", "value"), [
    ("Title", "x" * 129), ("Description", "x" * 2001), ("Keywords", "k," * 501),
    ("Reward", "$0.50"), ("Reward", "1.234"), ("Reward", ".5"), ("Reward", "-1"),
    ("LifetimeInSeconds", 29), ("LifetimeInSeconds", 31_536_001),
    ("AssignmentDurationInSeconds", 29), ("AutoApprovalDelayInSeconds", 2_592_001),
    ("AutoApprovalDelayInSeconds", -1), ("MaxAssignments", 1_000_000_001),
    ("RequesterAnnotation", "x" * 256), ("UniqueRequestToken", "x" * 65),
])
def test_server_side_limits(env: Env, member: str, value: object) -> None:
    validation_error(lambda: env.hit(**{member: value}), member)


def test_limits_at_their_edges_pass(env: Env) -> None:
    hit = env.hit(Title="x" * 128, Description="x" * 2000, Keywords="k" * 1000, Reward="1.",
                  LifetimeInSeconds=31_536_000, AutoApprovalDelayInSeconds=0,
                  RequesterAnnotation="x" * 255, UniqueRequestToken="x" * 64)
    assert hit["Reward"] == "1."


def test_external_url_must_be_https(env: Env) -> None:
    question = EXTERNAL.replace("https://", "http://")
    message = validation_error(lambda: env.hit(Question=question), "ExternalURL")
    assert message.startswith('The value "http://example.org/task?a=1&b=2" is not valid')
    assert "This URL must use the HTTPS protocol.. (" in message


def test_question_namespace_must_match_a_schema(env: Env) -> None:
    wrong = EXTERNAL.replace("2006-07-14", "2005-10-01")
    validation_error(lambda: env.hit(Question=wrong), "Question")
    validation_error(lambda: env.hit(Question="<ExternalQuestion><ExternalURL>https://a"
                                              "</ExternalURL></ExternalQuestion>"), "Question")


def test_question_must_be_xml_and_at_most_65535_bytes(env: Env) -> None:
    validation_error(lambda: env.hit(Question="<oops"), "Question")
    padding = "<!--" + "x" * 65_535 + "-->"
    validation_error(lambda: env.hit(Question=EXTERNAL + padding), "Question")


def test_html_question_must_be_well_formed_html5(env: Env) -> None:
    good = "<!DOCTYPE html><html><head><title>x</title></head><body><p>hi<br><p>there</body></html>"
    assert env.hit(Question=_html(good))["Question"] == _html(good)
    for bad in ("<html><body><div>no doctype</div></body></html>",
                "<!DOCTYPE html><html><body><div>unclosed</body></html>",
                "<!DOCTYPE html><html><body></span></body></html>"):
        response = error_of(lambda bad=bad: env.hit(Question=_html(bad)))
        assert response["Error"]["Code"] == "ParameterValidationError"
        assert response["Error"]["Message"].startswith(
            "There was an error parsing the HTML5 data in your request.")


def test_question_form_is_accepted(env: Env) -> None:
    form = (f'<QuestionForm xmlns="{FORM_NS}"><Question><QuestionIdentifier>q1'
            "</QuestionIdentifier><QuestionContent><Text>Why?</Text></QuestionContent>"
            "<AnswerSpecification><FreeTextAnswer/></AnswerSpecification></Question>"
            "</QuestionForm>")
    assert env.hit(Question=form)["HITStatus"] == "Assignable"


def test_unknown_hit_and_bad_ids(env: Env) -> None:
    message = request_error(lambda: env.client.get_hit(HITId="3" * 30),
                            "AWS.MechanicalTurk.HITDoesNotExist")
    assert message.startswith(f"Hit {'3' * 30} does not exist. (")
    validation_error(lambda: env.client.get_hit(HITId="3abc"), "HITId")
    validation_error(lambda: env.client.get_hit(HITId="3" * 65), "HITId")
