"""What third-party MTurk clients send, and real MTurk accepted (issue 9, items 1-5).

Each test replays, through boto3, a request that psiTurk, Dallinger or Mephisto makes, and
names the evidence of how the real service answered it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .conftest import Env
from .helpers import error_of, request_error, validation_error

HTML_NS = ("http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2011-11-11/"
           "HTMLQuestion.xsd")


def _html_question(body: str) -> str:
    return (f'<HTMLQuestion xmlns="{HTML_NS}"><HTMLContent><![CDATA[<!DOCTYPE html><html><head>'
            f"<title>t</title></head><body>{body}</body></html>]]></HTMLContent>"
            "<FrameHeight>600</FrameHeight></HTMLQuestion>")


def test_notification_version_2014_08_15_is_accepted_and_stored(env: Env) -> None:
    """Dallinger has sent Version 2014-08-15 with SNS on every create_hit since 2019 (commit
    f41f2dc, PR #1841), and its PR #6220 quotes a notification live MTurk delivered in 2025 with
    "EventDocVersion":"2014-08-15". The model's documentation names only 2006-05-05."""
    type_id = env.hit()["HITTypeId"]
    spec = {"Destination": "arn:aws:sns:us-east-1:123456789012:dallinger", "Transport": "SNS",
            "Version": "2014-08-15",
            "EventTypes": ["AssignmentAccepted", "AssignmentSubmitted", "HITExpired"]}
    env.client.update_notification_settings(HITTypeId=type_id, Notification=spec, Active=True)
    stored = env.emu.to_json()["state"]["types"][type_id]["notification"]
    assert stored["Version"] == "2014-08-15"
    env.client.update_notification_settings(
        HITTypeId=type_id, Notification={**spec, "Version": "2006-05-05"})
    assert env.emu.to_json()["state"]["types"][type_id]["notification"]["Version"] == (
        "2006-05-05")
    validation_error(lambda: env.client.update_notification_settings(
        HITTypeId=type_id, Notification={**spec, "Version": "2017-01-17"}), "Version")


def test_a_stray_end_tag_of_p_or_br_is_not_an_html5_error(env: Env) -> None:
    """Dallinger's compensation HTMLQuestion ends "...</p></form>" with no <p> open, and real
    MTurk created and completed that HIT in sandbox and production (Dallinger issues #2028,
    #2438): an HTML5 parser makes an element of a stray </p> (and of </br>)."""
    form = ('<form name="mturk_form" method="post" id="mturk_form" '
            'action="https://www.mturk.com/mturk/externalSubmit">'
            '<input type="hidden" value="" name="assignmentId" id="assignmentId"/>'
            "<h1>Compensation</h1><p>Sorry for the trouble.</p>"
            '<input type="hidden" name="some-input-required" value="anything" ></input>'
            '<input type="submit" id="submitButton" value="Submit" /></p></br></form>')
    hit = env.hit(Question=_html_question(form))
    assert hit["HITStatus"] == "Assignable"
    # What MTurk is known to refuse is still refused: an element left open.
    message = error_of(lambda: env.hit(Question=_html_question("<div><span>x</div>")))
    assert "Unclosed element" in message["Error"]["Message"]


def test_expiring_an_expired_hit_again_succeeds(env: Env) -> None:
    """Dallinger sends ExpireAt=0 and Mephisto a fixed 2015-01-01 on every expiry, both re-run
    expiry on HITs already expired by design; the only sighting of the "idempotency token ...
    has already been processed" error was for a future date (Dallinger #3109)."""
    hit_id = env.hit()["HITId"]
    for _ in range(2):
        env.client.update_expiration_for_hit(HITId=hit_id, ExpireAt=0)
    mephisto = datetime(2015, 1, 1, tzinfo=timezone.utc)
    for _ in range(2):
        env.client.update_expiration_for_hit(HITId=hit_id, ExpireAt=mephisto)
    assert env.client.get_hit(HITId=hit_id)["HIT"]["HITStatus"] == "Reviewable"
    future = (datetime.now(timezone.utc) + timedelta(days=3)).replace(microsecond=0)
    env.client.update_expiration_for_hit(HITId=hit_id, ExpireAt=future)
    request_error(lambda: env.client.update_expiration_for_hit(HITId=hit_id, ExpireAt=future),
                  None)


def test_an_expiry_increment_under_60_seconds_or_negative_is_refused(env: Env) -> None:
    """Real MTurk answered ParameterValidationError "The value N is invalid for
    ExpirationIncrementInSeconds. Valid values range from 60 to 31536000." for N=11
    (aws-sdk-java #1817) and for a negative N (aws-sdk-ruby #2065)."""
    hit = env.hit(LifetimeInSeconds=3600)
    current = env.client.get_hit(HITId=hit["HITId"])["HIT"]["Expiration"]
    for seconds in (11, -600):
        response = error_of(lambda seconds=seconds: env.client.update_expiration_for_hit(
            HITId=hit["HITId"], ExpireAt=current + timedelta(seconds=seconds)))
        assert response["Error"]["Code"] == "ParameterValidationError"
        assert response["Error"]["Message"].startswith(
            f"The value {seconds} is invalid for ExpirationIncrementInSeconds. Valid values "
            "range from 60 to 31536000.")
    assert env.client.get_hit(HITId=hit["HITId"])["HIT"]["Expiration"] == current


def test_dallingers_dispose_qualification_type_deletes_it(env: Env) -> None:
    """Dallinger 12.4's MTurkService.dispose_qualification_type calls DeleteQualificationType,
    which the emulator answered with UnknownOperation: 8 of the model's 39 operations were
    missing. Dallinger checks the reply is a 200; the type then leaves Get and List."""
    created = env.client.create_qualification_type(
        Name="Dallinger experiment qualification", Description="took part",
        QualificationTypeStatus="Active")["QualificationType"]
    reply = env.client.delete_qualification_type(
        QualificationTypeId=created["QualificationTypeId"])
    assert reply["ResponseMetadata"]["HTTPStatusCode"] == 200
    request_error(lambda: env.client.get_qualification_type(
        QualificationTypeId=created["QualificationTypeId"]),
        "AWS.MechanicalTurk.QualificationTypeDoesNotExist")
