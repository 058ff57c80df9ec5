"""The JSON 1.1 wire itself (reference §1): targets, headers, timestamps, signing."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime, timezone

from .conftest import Env

SIGNED = ("AWS4-HMAC-SHA256 Credential=x/20261130/us-east-1/mturk-requester/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=0123abcd")


def _post(
    env: Env, target: str | None, body: bytes = b"{}", authorization: str | None = SIGNED
) -> tuple[int, dict[str, str], dict]:
    headers = {"Content-Type": "application/x-amz-json-1.1",
               "Host": "mturk-requester.us-east-1.amazonaws.com"}
    if authorization is not None:
        headers["Authorization"] = authorization
    if target:
        headers["X-Amz-Target"] = target
    request = urllib.request.Request(env.url + "/", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request) as reply:
            return reply.status, dict(reply.headers), json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_unknown_operation_is_a_400_like_aws_json_services(env: Env) -> None:
    status, _, body = _post(env, "MTurkRequesterServiceV20170117.DeleteEverything")
    assert status == 400
    assert body["__type"] == "UnknownOperationException"


def test_foreign_target_prefix_is_unknown(env: Env) -> None:
    status, _, body = _post(env, "DynamoDB_20120810.ListTables")
    assert (status, body["__type"]) == (400, "UnknownOperationException")


def test_reply_headers_and_any_signature_and_host(env: Env) -> None:
    status, headers, body = _post(env, "MTurkRequesterServiceV20170117.GetAccountBalance")
    assert status == 200
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    assert headers["x-amzn-RequestId"]
    assert body == {"AvailableBalance": "10000.00"}


def test_malformed_json_body(env: Env) -> None:
    status, _, body = _post(env, "MTurkRequesterServiceV20170117.GetHIT", b"{nope")
    assert status == 400
    assert body["__type"] == "SerializationException"


def test_timestamps_are_epoch_numbers_on_the_wire(env: Env) -> None:
    hit = env.hit()
    status, _, body = _post(env, "MTurkRequesterServiceV20170117.GetHIT",
                            json.dumps({"HITId": hit["HITId"]}).encode())
    assert status == 200
    assert isinstance(body["HIT"]["CreationTime"], (int, float))
    assert body["HIT"]["Expiration"] - body["HIT"]["CreationTime"] == 3600


def test_boto3_parses_timestamps_into_aware_datetimes(env: Env) -> None:
    hit = env.hit()
    assert hit["CreationTime"].tzinfo is not None
    assert abs(hit["CreationTime"] - datetime.now(timezone.utc)).total_seconds() < 60


def test_request_id_reaches_boto3(env: Env) -> None:
    meta = env.client.get_account_balance()["ResponseMetadata"]
    assert len(meta["RequestId"]) == 36


def test_iso_timestamp_strings_are_accepted_defensively(env: Env) -> None:
    hit = env.hit()
    status, _, _ = _post(env, "MTurkRequesterServiceV20170117.UpdateExpirationForHIT",
                         json.dumps({"HITId": hit["HITId"],
                                     "ExpireAt": "2020-01-01T00:00:00Z"}).encode())
    assert status == 200
    assert env.client.get_hit(HITId=hit["HITId"])["HIT"]["HITStatus"] == "Reviewable"


def test_signature_must_be_present_and_well_formed(env: Env) -> None:
    target = "MTurkRequesterServiceV20170117.GetAccountBalance"
    status, _, body = _post(env, target, authorization=None)
    assert (status, body["__type"]) == (403, "MissingAuthenticationTokenException")
    status, _, body = _post(env, target, authorization="Basic eDp4")
    assert (status, body["__type"]) == (403, "IncompleteSignatureException")
    other_region = SIGNED.replace("us-east-1", "sandbox")
    assert _post(env, target, authorization=other_region)[0] == 200
