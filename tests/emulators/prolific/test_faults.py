"""Fault injection (reference §1.5, §14.4): 429 throttling, 500 before (nothing done) and
after (done, reply lost), latency; the side channel is never faulted."""

from __future__ import annotations

import time

from deployer.emulators.prolific import FaultConfig

from .conftest import Env, MakeEnv, study_body


def test_throttling_answers_429_in_the_envelope(make_env: MakeEnv) -> None:
    """§1.5: 429 Too Many Requests, with Retry-After; the request did nothing."""
    env = make_env(faults=FaultConfig(throttle_rate=0.001, throttle_burst=1))
    assert env.api.get("users/me/").status == 200
    reply = env.api.post("studies/", study_body())
    assert reply.status == 429
    assert reply.body["error"]["title"] == "Too Many Requests"
    assert reply.headers["Retry-After"] == "1"
    env.emu.set_faults(FaultConfig())
    assert env.api.get("studies/").body["results"] == []


def test_a_fault_before_changes_nothing(make_env: MakeEnv) -> None:
    """§14.4: 500 in the envelope, and the study was not created."""
    env = make_env(faults=FaultConfig(fault_rate=1.0, fault_phase="before"))
    reply = env.api.post("studies/", study_body())
    assert reply.status == 500
    assert reply.body["error"]["status"] == 500
    env.emu.set_faults(FaultConfig())
    assert env.api.get("studies/").body["meta"]["count"] == 0


def test_a_fault_after_keeps_the_work_but_loses_the_reply(make_env: MakeEnv) -> None:
    """§12.1: the create succeeded though the client saw 500: why a provider lists and
    adopts by internal_name before creating again."""
    env = make_env(faults=FaultConfig(fault_rate=1.0, fault_phase="after"))
    assert env.api.post("studies/", study_body()).status == 500
    env.emu.set_faults(FaultConfig())
    listed = env.api.get("studies/").body["results"]
    assert [s["internal_name"] for s in listed] == ["prov:stack/tone#3f9c2e"]


def test_the_side_channel_sets_faults_and_is_never_faulted(env: Env) -> None:
    """Side channel: GET/POST /_emulator/faults, POST /_emulator/faults/reset."""
    reply = env.api.side("POST", "faults", {"fault_rate": 1.0})
    assert reply.status == 200
    assert reply.body["fault_rate"] == 1.0
    assert env.api.get("users/me/").status == 500
    assert env.api.side("GET", "clock").status == 200
    assert env.api.side("POST", "faults", {"fault_rate": 2}).status == 400
    assert env.api.side("POST", "faults", {"nonsense": 1}).status == 400
    assert env.api.side("POST", "faults/reset", {}).body["fault_rate"] == 0.0
    assert env.api.get("users/me/").status == 200


def test_latency_delays_each_api_request(make_env: MakeEnv) -> None:
    """§14.4: latency_ms is added to every API request."""
    env = make_env(faults=FaultConfig(latency_ms=150))
    started = time.monotonic()
    assert env.api.get("users/me/").status == 200
    assert time.monotonic() - started >= 0.15
