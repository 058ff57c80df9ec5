"""Time-driven rules run before anything is shown, and what they change is saved at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import pytest

from deployer.emulators.mturk import Config, Emulator, EmulatorServer

from .conftest import Env, make_client
from .helpers import saved

START = datetime(2030, 1, 1, tzinfo=timezone.utc)


class MovingClock:
    """Wall time a test can move without calling the emulator (as real time passes)."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def timed(tmp_path: Path, boto_session: boto3.session.Session) -> Iterator[tuple[Env, Path,
                                                                                MovingClock]]:
    clock = MovingClock()
    state = tmp_path / "emulator.sqlite3"
    emu = Emulator(Config(personality="production", balance="10.00"), clock=clock)
    with EmulatorServer(emu, state_file=state) as server:
        yield Env(emu, server, make_client(boto_session, server.url)), state, clock


def _submitted(env: Env) -> str:
    """A submitted assignment, through the side channel (which saves, as MTurk calls do)."""
    hit_id = env.hit(AutoApprovalDelayInSeconds=60, MaxAssignments=1)["HITId"]
    worker = env.side("/_emulator/workers", {})[1]["WorkerId"]
    assignment: str = env.side("/_emulator/accept", {"WorkerId": worker,
                                                     "HITId": hit_id})[1]["AssignmentId"]
    assert env.side("/_emulator/submit", {"AssignmentId": assignment})[0] == 200
    return assignment


def _saved_status(state: Path, assignment: str) -> str:
    (status,) = [a["status"] for a in saved(state)["assignments"] if a["id"] == assignment]
    return str(status)


def test_advance_applies_the_rules_at_once(timed: tuple[Env, Path, MovingClock]) -> None:
    env, _, _ = timed
    assignment = _submitted(env)
    env.emu.advance(3600)
    held = env.emu.to_json()["state"]  # as it is, with no further refresh
    assert held["assignments"][assignment]["status"] == "Approved"
    assert len(held["ledger"]) == 1


def test_python_ledger_is_never_stale(timed: tuple[Env, Path, MovingClock]) -> None:
    env, _, clock = timed
    _submitted(env)
    clock.now += timedelta(hours=1)
    ledger = env.emu.workers.ledger()
    assert (len(ledger["Entries"]), ledger["AvailableBalance"]) == (1, "9.40")


def test_http_ledger_is_never_stale_and_saved(timed: tuple[Env, Path, MovingClock]) -> None:
    env, state, clock = timed
    assignment = _submitted(env)
    clock.now += timedelta(hours=1)
    status, ledger = env.side("/_emulator/ledger")
    assert (status, ledger["AvailableBalance"]) == (200, "9.40")
    assert _saved_status(state, assignment) == "Approved"


def test_a_read_saves_what_time_changed(timed: tuple[Env, Path, MovingClock]) -> None:
    env, state, clock = timed
    assignment = _submitted(env)
    assert _saved_status(state, assignment) == "Submitted"
    clock.now += timedelta(hours=1)
    env.client.get_account_balance()
    assert _saved_status(state, assignment) == "Approved"
    assert saved(state)["meta"]["balance"] == "9.40"
