"""QuestionFormAnswers XML -> answer values and CSV cells (reference §5.4)."""

from __future__ import annotations

import pytest

from deployer.core.errors import DeployError
from deployer.providers.mturk.api.answers import cell, parse_answers

NS = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/" \
    "QuestionFormAnswers.xsd"


def xml(*answers: str) -> str:
    return (f'<?xml version="1.0" encoding="ASCII"?><QuestionFormAnswers xmlns="{NS}">'
            + "".join(f"<Answer>{a}</Answer>" for a in answers) + "</QuestionFormAnswers>")


def q(name: str) -> str:
    return f"<QuestionIdentifier>{name}</QuestionIdentifier>"


def test_one_free_text_answer_is_not_mistaken_for_a_list() -> None:
    assert parse_answers(xml(q("rating") + "<FreeText>4</FreeText>"), "A1") == {"rating": "4"}


def test_several_answers_keep_their_order_and_empty_text_stays_empty() -> None:
    answers = parse_answers(xml(q("b") + "<FreeText>x</FreeText>", q("a") + "<FreeText/>",
                                q("c") + "<FreeText></FreeText>"), "A1")
    assert list(answers.items()) == [("b", "x"), ("a", ""), ("c", "")]


def test_character_references_become_text() -> None:
    answers = parse_answers(xml(q("comment") + "<FreeText>caf&#233; &amp; &lt;tea&gt;</FreeText>"),
                            "A1")
    assert answers == {"comment": "café & <tea>"}


def test_selections_one_or_many_and_other_text() -> None:
    answers = parse_answers(xml(
        q("one") + "<SelectionIdentifier>yes</SelectionIdentifier>",
        q("many") + "<SelectionIdentifier>red</SelectionIdentifier>"
        "<SelectionIdentifier>blue</SelectionIdentifier>",
        q("other") + "<SelectionIdentifier>cat</SelectionIdentifier>"
        "<OtherSelectionText>a ferret</OtherSelectionText>",
        q("only_other") + "<OtherSelectionText>none of these</OtherSelectionText>",
    ), "A1")
    assert answers == {
        "one": ["yes"],
        "many": ["red", "blue"],
        "other": {"selections": ["cat"], "other": "a ferret"},
        "only_other": {"selections": [], "other": "none of these"},
    }
    assert [cell(v) for v in answers.values()] == ["yes", "red|blue", "cat|a ferret",
                                                   "none of these"]


def test_uploaded_file_keeps_key_and_size() -> None:
    answers = parse_answers(xml(q("photo") + "<UploadedFileSizeInBytes>2048"
                                "</UploadedFileSizeInBytes><UploadedFileKey>uploads/k1"
                                "</UploadedFileKey>"), "A1")
    assert answers == {"photo": {"file_key": "uploads/k1", "size": 2048}}
    assert cell(answers["photo"]) == "uploads/k1"


@pytest.mark.parametrize("empty", ["", "  ", xml()])
def test_no_answer_at_all_is_an_empty_mapping(empty: str) -> None:
    assert parse_answers(empty, "A1") == {}


def test_broken_xml_names_the_assignment_and_what_to_do() -> None:
    with pytest.raises(DeployError, match=r"assignment A9: MTurk returned an answer that is not "
                       r"XML .*deploy results --refresh"):
        parse_answers("<QuestionFormAnswers><Answer>", "A9")
