"""Hostile or broken requests get an MTurk-shaped answer, never a dropped connection."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import boto3
import pytest

from deployer.emulators.mturk import Emulator, EmulatorServer

from .conftest import EXTERNAL, SIGV4, Env, make_client
from .helpers import MS_S_SUFFIX, request_error, validation_error

HIT = {"Title": "t", "Description": "d", "Reward": "0.50", "LifetimeInSeconds": 600,
       "AssignmentDurationInSeconds": 60}
TEST_FORM_MEMBERS = {"Name": "n", "Description": "d", "QualificationTypeStatus": "Active",
                     "TestDurationInSeconds": 60}


def _parameter_error(reply: tuple[int, Any], parameter: str) -> None:
    status, body = reply
    assert status == 400, body
    assert body["__type"] == "ParameterValidationError"
    assert f"is not valid for the parameter {parameter}." in body["Message"]
    assert MS_S_SUFFIX.search(body["Message"])


@pytest.mark.parametrize("expire_at", [b"NaN", b"Infinity", b"-Infinity", b"1e300", b"1e12",
                                       b"-1e12", b"253402300800", b"1" + b"0" * 400])
def test_timestamps_outside_year_0_to_9999_are_refused(env: Env, expire_at: bytes) -> None:
    hit_id = env.hit()["HITId"]
    body = b'{"HITId": "%s", "ExpireAt": %s}' % (hit_id.encode(), expire_at)
    _parameter_error(env.wire("UpdateExpirationForHIT", body), "ExpireAt")
    assert env.client.get_hit(HITId=hit_id)["HIT"]["HITStatus"] == "Assignable"


def test_the_last_second_of_year_9999_is_a_valid_expiration(env: Env) -> None:
    # An expiration moves by at most 365 days: first the clock goes to the year's last months.
    env.emu.advance(253402300799 - 200 * 86400 - env.emu.now())
    hit_id = env.hit()["HITId"]
    status, _ = env.wire("UpdateExpirationForHIT", {"HITId": hit_id, "ExpireAt": 253402300799})
    assert status == 200
    assert env.client.get_hit(HITId=hit_id)["HIT"]["Expiration"].year == 9999


def test_lone_surrogates_are_refused(env: Env) -> None:
    hit = {"Title": "t", "Description": "d", "Reward": "0.50", "LifetimeInSeconds": 60,
           "AssignmentDurationInSeconds": 60, "Question": "\ud800"}
    _parameter_error(env.wire("CreateHIT", hit), "Question")
    _parameter_error(env.wire("CreateQualificationType", {**TEST_FORM_MEMBERS, "Test": "\ud800"}),
                     "Test")
    nested = {**hit, "Question": "x", "QualificationRequirements": [
        {"QualificationTypeId": "\udfff", "Comparator": "Exists"}]}
    _parameter_error(env.wire("CreateHIT", nested), "QualificationRequirements")
    assert env.client.list_hits()["NumResults"] == 0


@pytest.mark.parametrize("side", [False, True])
def test_deeply_nested_json_is_a_bad_body(env: Env, side: bool) -> None:
    body = b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    if side:
        status, reply = _post(env, "/_emulator/workers", body)
        assert status == 400 and "not JSON" in reply["error"]
    else:
        status, reply = env.wire("ListHITs", body)
        assert (status, reply["__type"]) == (400, "SerializationException")
    assert env.client.list_hits()["NumResults"] == 0  # still serving


def _post(env: Env, path: str, body: bytes) -> tuple[int, Any]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(env.url + path, data=body, method="POST")
    try:
        with urllib.request.urlopen(request) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize("length", [b"abc", b"-1", b"1e3", b" "])
def test_bad_content_length_is_a_400_not_a_hang(env: Env, length: bytes) -> None:
    port = int(env.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.settimeout(10)  # only a hang would reach it
        connection.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\n"
            b"X-Amz-Target: MTurkRequesterServiceV20170117.ListHITs\r\n"
            b"Authorization: " + SIGV4.encode() + b"\r\n"
            b"Content-Length: " + length + b"\r\n\r\n{}")
        answer = b""
        while chunk := connection.recv(4096):
            answer += chunk  # the server closes: the body's end is unknown
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert b"Connection: close" in head
    assert json.loads(body)["__type"] == "SerializationException"


@pytest.mark.parametrize("path", ["/", "/_emulator/workers"])
def test_a_huge_content_length_is_a_400_never_read(
    env: Env, capfd: pytest.CaptureFixture[str], path: str
) -> None:
    port = int(env.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.settimeout(10)  # only a server waiting for the body would reach it
        connection.sendall(
            b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n"
            b"X-Amz-Target: MTurkRequesterServiceV20170117.CreateHIT\r\n"
            b"Authorization: " + SIGV4.encode() + b"\r\n"
            b"Content-Length: 100000000000\r\n\r\n{}")
        answer = b""
        while chunk := connection.recv(4096):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert b"Connection: close" in head and b"x-amzn-RequestId: " in head
    reply = json.loads(body)
    text = reply["error"] if path != "/" else reply["message"]
    assert text.startswith("Content-Length 100000000000 is more than the 16777216 bytes")
    assert path != "/" or reply["__type"] == "SerializationException"
    assert capfd.readouterr().err == ""  # no traceback: nothing went wrong in the server
    assert env.client.list_hits()["NumResults"] == 0


def test_a_bug_answers_service_fault_and_the_server_lives_on(
    env: Env, capfd: pytest.CaptureFixture[str]
) -> None:
    hit = env.hit()
    with env.emu.transaction() as db:
        db.execute("UPDATE hit_types SET requirements = '[no json'")  # a corrupted state
    status, reply = env.wire("GetHIT", {"HITId": hit["HITId"]})
    assert status == 500
    assert reply["__type"] == "ServiceFault"
    assert reply["TurkErrorCode"] == "AWS.MechanicalTurk.ServiceFault"
    assert "Traceback" in capfd.readouterr().err
    status, page = env.side(f"/_emulator/preview?groupId={hit['HITGroupId']}")
    assert status == 500 and "internal error" in page["error"]
    assert env.client.get_account_balance()["AvailableBalance"] == "10000.00"


def test_patterns_match_the_whole_value(env: Env) -> None:
    validation_error(lambda: env.hit(Reward="0.50\n"), "Reward")
    hit_id = env.hit()["HITId"]
    validation_error(lambda: env.client.get_hit(HITId=hit_id + "\n"), "HITId")
    assignment = env.work(hit_id)
    worker = env.client.get_assignment(AssignmentId=assignment)["Assignment"]["WorkerId"]
    validation_error(lambda: env.client.send_bonus(
        WorkerId=worker, BonusAmount="1\n", AssignmentId=assignment, Reason="r"), "BonusAmount")
    validation_error(lambda: env.client.send_bonus(
        WorkerId=worker + "\n", BonusAmount="1", AssignmentId=assignment, Reason="r"), "WorkerId")


def test_a_change_that_cannot_be_stored_is_a_500_and_leaves_nothing(
    tmp_path: Path, boto_session: boto3.session.Session, capfd: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "emulator.sqlite3"
    with EmulatorServer(Emulator(), state_file=state) as server:
        env = Env(server.emulator, server, make_client(boto_session, server.url, attempts=1))
        assignment = env.emu.workers.accept(env.worker(), env.hit()["HITId"])
        with env.emu.transaction() as db:  # the disk is full: the file cannot grow any more
            pages = db.execute("PRAGMA page_count").fetchone()[0]
            db.execute(f"PRAGMA max_page_count = {pages}")
        big = "x" * 60_000  # needs new pages
        status, reply = env.wire("CreateHIT", {**HIT, "RequesterAnnotation": "a",
                                               "Question": f"{EXTERNAL}<!-- {big} -->"})
        assert (status, reply["__type"]) == (500, "ServiceFault")
        status, reply = env.side("/_emulator/submit", {"AssignmentId": assignment,
                                                       "Answers": {"essay": big}})
        assert status == 500 and "cannot be written: database or disk is full" in reply["error"]
        assert "database or disk is full" in capfd.readouterr().err
        with env.emu.transaction() as db:
            db.execute("PRAGMA max_page_count = 1073741823")
        assert env.client.list_hits()["NumResults"] == 1  # no half-made HIT
        assert env.emu.to_json()["state"]["assignments"][assignment]["status"] == "Accepted"
        assert env.client.get_account_balance()["AvailableBalance"] == "10000.00"


def test_a_refused_request_leaves_no_partial_change(env: Env) -> None:
    type_id = env.hit()["HITTypeId"]
    spec = {"Destination": "me@example.org", "Transport": "Email", "Version": "2006-05-05",
            "EventTypes": ["AssignmentSubmitted"]}
    # The notification is valid, Active is not: the request is refused as a whole.
    status, reply = env.wire("UpdateNotificationSettings",
                             {"HITTypeId": type_id, "Notification": spec, "Active": "yes"})
    assert (status, reply["__type"]) == (400, "ParameterValidationError")
    request_error(lambda: env.client.update_notification_settings(HITTypeId=type_id, Active=True),
                  None)  # "There is no notification specification for this HIT type."
    assert env.emu.to_json()["state"]["types"][type_id]["notification"] is None


def test_a_hit_refused_for_funds_leaves_no_hit_type_behind(prod: Env) -> None:
    types = set(prod.emu.to_json()["state"]["types"])
    request_error(lambda: prod.hit(Reward="100.00", Title="too dear"),
                  "AWS.MechanicalTurk.InsufficientFunds")
    assert set(prod.emu.to_json()["state"]["types"]) == types
