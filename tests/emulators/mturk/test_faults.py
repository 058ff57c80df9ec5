"""Fault injection seen through boto3's own retry logic (§1.7, §8)."""

from __future__ import annotations

import boto3
import pytest

from deployer.emulators.core.faults import Faults
from deployer.emulators.mturk import FaultConfig

from .conftest import EXTERNAL, Env, start
from .helpers import error_of, request_error

HIT_ARGS = {"Title": "t", "Description": "d", "Reward": "0.10", "LifetimeInSeconds": 600,
            "AssignmentDurationInSeconds": 60, "Question": EXTERNAL}


def test_throttling_exception_shape(boto_session: boto3.session.Session) -> None:
    server, env = start(boto_session, faults=FaultConfig(throttle_rate=0.01, throttle_burst=1),
                        attempts=0)
    try:
        env.client.get_account_balance()
        response = error_of(env.client.get_account_balance)
        assert response["Error"] == {"Code": "ThrottlingException", "Message": "Rate exceeded"}
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    finally:
        server.stop()


def test_boto3_retries_through_throttling(boto_session: boto3.session.Session) -> None:
    server, env = start(boto_session, faults=FaultConfig(throttle_rate=20, throttle_burst=1),
                        attempts=10)
    try:
        env.client.get_account_balance()
        second = env.client.get_account_balance()
        assert second["ResponseMetadata"]["RetryAttempts"] >= 1
    finally:
        server.stop()


def test_service_fault_before_leaves_no_trace(boto_session: boto3.session.Session) -> None:
    server, env = start(boto_session, faults=FaultConfig(fault_rate=1.0), attempts=2)
    try:
        response = error_of(lambda: env.client.create_hit(**HIT_ARGS))
        assert response["Error"]["Code"] == "ServiceFault"
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert response["ResponseMetadata"]["RetryAttempts"] == 2  # max_attempts counts retries
        assert env.emu.to_json()["state"]["hits"] == {}
    finally:
        server.stop()


def test_fault_after_the_work_is_caught_by_the_token(boto_session: boto3.session.Session) -> None:
    server, env = start(boto_session, faults=FaultConfig(fault_rate=1.0, fault_phase="after"),
                        attempts=3)
    try:
        message = request_error(lambda: env.client.create_hit(**HIT_ARGS, UniqueRequestToken="t1"),
                                "AWS.MechanicalTurk.HitAlreadyExists")
        (only,) = env.emu.to_json()["state"]["hits"]
        assert only in message
    finally:
        server.stop()


def test_faults_are_seeded() -> None:
    def draws(seed: int) -> list[bool]:
        faults = Faults(FaultConfig(fault_rate=0.5, seed=seed))
        return [faults.fault("before") for _ in range(32)]

    assert draws(7) == draws(7)
    assert draws(7) != draws(8)


def test_invalid_fault_settings() -> None:
    with pytest.raises(ValueError):
        FaultConfig(fault_phase="during")
    with pytest.raises(ValueError):
        FaultConfig(fault_rate=2)


def test_faults_over_the_side_channel(env: Env) -> None:
    status, config = env.side("/_emulator/faults", {"FaultRate": 1.0, "LatencyMs": 1})
    assert (status, config["FaultRate"], config["LatencyMs"]) == (200, 1.0, 1)
    assert error_of(env.client.get_account_balance)["Error"]["Code"] == "ServiceFault"
    assert env.side("/_emulator/faults/reset", {}) == (200, {
        "ThrottleRate": None, "ThrottleBurst": 10, "FaultRate": 0.0, "FaultPhase": "before",
        "LatencyMs": 0, "Seed": 0})
    assert env.client.get_account_balance()["AvailableBalance"] == "10000.00"
    status, reply = env.side("/_emulator/faults", {"FaultPhase": "sometimes"})
    assert status == 400 and "FaultPhase" in reply["error"]
