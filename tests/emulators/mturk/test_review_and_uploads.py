"""ListReviewPolicyResultsForHIT (review policies are recorded, never run) and GetFileUploadURL
(answers for FileUploadAnswer questions only, links valid for 60 seconds)."""

from __future__ import annotations

import urllib.error
import urllib.request

from .conftest import QUESTION, Env
from .helpers import request_error, validation_error

OLD_FORM_NS = ("http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/"
               "QuestionForm.xsd")
NEW_FORM_NS = ("http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2017-11-06/"
               "QuestionForm.xsd")
UPLOAD = ("<Question><QuestionIdentifier>photo</QuestionIdentifier><QuestionContent><Text>"
          "Upload</Text></QuestionContent><AnswerSpecification><FileUploadAnswer>"
          "<MaxFileSizeInBytes>1000</MaxFileSizeInBytes><MinFileSizeInBytes>1"
          "</MinFileSizeInBytes></FileUploadAnswer></AnswerSpecification></Question>")


def _form(namespace: str) -> str:
    return f'<QuestionForm xmlns="{namespace}">{UPLOAD}{QUESTION.format("why")}</QuestionForm>'


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_review_policies_are_recorded_and_their_reports_empty(env: Env) -> None:
    known = {"PolicyName": "ScoreMyKnownAnswers/2011-09-01", "Parameters": [
        {"Key": "AnswerKey", "MapEntries": [{"Key": "q1", "Values": ["a"]}]},
        {"Key": "ApproveIfKnownAnswerScoreIsAtLeast", "Values": ["100"]}]}
    plurality = {"PolicyName": "SimplePlurality/2011-09-01",
                 "Parameters": [{"Key": "QuestionIds", "Values": ["q1"]}]}
    hit = env.hit(AssignmentReviewPolicy=known, HITReviewPolicy=plurality)
    found = env.client.list_review_policy_results_for_hit(
        HITId=hit["HITId"], RetrieveActions=True, RetrieveResults=True)
    assert found["HITId"] == hit["HITId"]
    assert found["AssignmentReviewPolicy"] == {"PolicyName": "ScoreMyKnownAnswers/2011-09-01"}
    assert found["HITReviewPolicy"] == {"PolicyName": "SimplePlurality/2011-09-01"}
    assert found["AssignmentReviewReport"] == {"ReviewResults": [], "ReviewActions": []}
    only_hit = env.client.list_review_policy_results_for_hit(HITId=hit["HITId"],
                                                             PolicyLevels=["HIT"])
    assert "AssignmentReviewPolicy" not in only_hit and "HITReviewPolicy" in only_hit
    plain = env.client.list_review_policy_results_for_hit(HITId=env.hit()["HITId"])
    assert set(plain) - {"ResponseMetadata"} == {"HITId"}
    validation_error(lambda: env.hit(HITReviewPolicy=known), "HITReviewPolicy")
    validation_error(lambda: env.client.list_review_policy_results_for_hit(
        HITId=hit["HITId"], PolicyLevels=["Worker"]), "PolicyLevels")
    request_error(lambda: env.client.list_review_policy_results_for_hit(HITId="3" * 30),
                  "AWS.MechanicalTurk.HITDoesNotExist")


def test_an_uploaded_file_is_fetched_through_a_link_valid_60_seconds(env: Env) -> None:
    hit_id = env.hit(Question=_form(OLD_FORM_NS))["HITId"]
    assignment = env.emu.workers.accept(env.worker(), hit_id)
    answer = env.emu.workers.submit(assignment, {"photo": "PNG bytes, more or less",
                                                 "why": "because"})
    assert "<UploadedFileSizeInBytes>23</UploadedFileSizeInBytes><UploadedFileKey>" in answer
    url = env.client.get_file_upload_url(AssignmentId=assignment,
                                         QuestionIdentifier="photo")["FileUploadURL"]
    assert url.startswith(env.url + "/_emulator/uploads/")
    assert _fetch(url) == (200, b"PNG bytes, more or less")
    env.emu.advance(61)
    assert _fetch(url)[0] == 403
    validation_error(lambda: env.client.get_file_upload_url(
        AssignmentId=assignment, QuestionIdentifier="why"), "QuestionIdentifier")
    request_error(lambda: env.client.get_file_upload_url(
        AssignmentId="3" * 30, QuestionIdentifier="photo"),
        "AWS.MechanicalTurk.AssignmentDoesNotExist")


def test_uploads_need_a_submitted_assignment_and_go_with_the_hit(env: Env) -> None:
    hit_id = env.hit(Question=_form(OLD_FORM_NS), MaxAssignments=1)["HITId"]
    assignment = env.emu.workers.accept(env.worker(), hit_id)
    request_error(lambda: env.client.get_file_upload_url(
        AssignmentId=assignment, QuestionIdentifier="photo"),
        "AWS.MechanicalTurk.InvalidAssignmentState")
    env.emu.workers.submit(assignment)  # made-up answers upload a made-up file
    url = env.client.get_file_upload_url(AssignmentId=assignment,
                                         QuestionIdentifier="photo")["FileUploadURL"]
    env.client.approve_assignment(AssignmentId=assignment)
    env.client.delete_hit(HITId=hit_id)
    assert _fetch(url)[0] == 404


def test_the_2017_schema_has_no_file_upload_answer(env: Env) -> None:
    """FileUploadAnswer left the QuestionForm schema on 12 December 2017 (reference §5.3)."""
    validation_error(lambda: env.hit(Question=_form(NEW_FORM_NS)), "AnswerSpecification")
