"""Bad input to the `/_emulator/...` routes answers 400 (or 405) with a message, never a crash."""

from __future__ import annotations

import contextlib
import json
import math
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from deployer.emulators.core.errors import StateUnreadable
from deployer.emulators.mturk import Emulator, EmulatorServer

from .conftest import Env

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("seconds", ["nan", "inf", "-inf", 1e20, True, None, [1]])
def test_clock_advance_refuses_what_no_date_can_show(env: Env, seconds: Any) -> None:
    status, reply = env.side("/_emulator/clock/advance", {"Seconds": seconds})
    assert status == 400 and reply["error"]
    assert env.side("/_emulator/clock")[1]["Offset"] == 0
    assert env.client.list_hits()["NumResults"] == 0  # the clock still works


def test_clock_advance_up_to_year_9999(env: Env) -> None:
    hit_id = env.hit()["HITId"]
    status, _ = env.side("/_emulator/clock/advance", {"Seconds": "86400"})
    assert status == 200
    assert env.client.get_hit(HITId=hit_id)["HIT"]["HITStatus"] == "Reviewable"


@pytest.mark.parametrize("offset", [math.nan, math.inf, 1e20, "soon"])
def test_a_saved_clock_past_year_9999_is_a_clear_error(tmp_path: Path, offset: object) -> None:
    state = tmp_path / "emulator.sqlite3"
    with EmulatorServer(Emulator(), state_file=state):
        pass
    with contextlib.closing(sqlite3.connect(state)) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'clock_offset'", (offset,))
        db.commit()
    with pytest.raises(StateUnreadable, match=r"emulator\.sqlite3: .*clock_offset"):
        EmulatorServer(Emulator(), state_file=state).start()
    state.unlink()
    with EmulatorServer(Emulator(), state_file=state):
        pass  # the failed start gave the file back


@pytest.mark.parametrize("offset", ["NaN", "Infinity", "1e20"])
def test_an_old_state_file_with_such_a_clock_is_not_imported(tmp_path: Path, offset: str) -> None:
    old = json.loads((DATA / "emulator-v1.json").read_text())
    text = json.dumps(old).replace('"clock_offset": 120.0', f'"clock_offset": {offset}')
    state = tmp_path / "emulator.json"
    state.write_text(text)
    with pytest.raises(StateUnreadable, match=r"emulator\.json: .*clock_offset"):
        EmulatorServer(Emulator(), state_file=state).start()
    assert state.read_text() == text
    assert not (tmp_path / "emulator.sqlite3").exists()


@pytest.mark.parametrize(("path", "body", "word"), [
    ("/_emulator/workers", [1], "JSON object"),
    ("/_emulator/workers", {"Qualifications": [1]}, "Qualifications"),
    ("/_emulator/workers", {"Qualifications": {"3ABC": "1"}}, "Qualifications"),
    ("/_emulator/workers", {"Country": 5}, "Country"),
    ("/_emulator/workers", {"Country": "USA"}, "Country"),
    ("/_emulator/workers", {"Country": "É1"}, "Country"),
    ("/_emulator/workers", {"Subdivision": 7}, "Subdivision"),
    ("/_emulator/workers", {"Subdivision": "W-"}, "Subdivision"),
    ("/_emulator/workers", {"Adult": "false"}, "Adult"),
    ("/_emulator/workers", {"Masters": 1}, "Masters"),
    ("/_emulator/workers", {"NumberHITsApproved": "x"}, "NumberHITsApproved"),
    ("/_emulator/workers", {"PercentAssignmentsApproved": 100.0}, "PercentAssignmentsApproved"),
    ("/_emulator/workers", {"WorkerId": "AB\n"}, "worker id"),
    ("/_emulator/accept", [], "JSON object"),
    ("/_emulator/accept", {"WorkerId": ["A1"], "HITId": "3X"}, "WorkerId"),
    ("/_emulator/submit", {"AssignmentId": "3X", "Answers": [1]}, "Answers"),
    ("/_emulator/submit", {"AssignmentId": "3X", "Answers": {"a": [None]}}, "Answers"),
    ("/_emulator/submit", {"AssignmentId": "3X", "Answers": {"a": []}}, "Answers"),
    ("/_emulator/faults", [1], "JSON object"),
    ("/_emulator/faults", {"Seed": "abc"}, "Seed has the wrong type"),
    ("/_emulator/faults", {"ThrottleBurst": 2.5}, "ThrottleBurst"),
    ("/_emulator/faults", {"ThrottleRate": "x"}, "ThrottleRate"),
    ("/_emulator/faults", {"FaultPhase": "sometimes"}, "FaultPhase must be one of"),
    ("/_emulator/faults", {"seed": 1}, "unknown fault settings: ['seed']"),
    ("/_emulator/qualification-requests", {"WorkerId": "A1"}, "QualificationTypeId"),
    ("/_emulator/submit", {"WorkerId": "A1"}, "HITId"),
])
def test_bad_bodies_are_400_with_a_message(env: Env, path: str, body: Any, word: str) -> None:
    status, reply = env.side(path, body)
    assert status == 400
    assert word in reply["error"]
    assert env.side("/_emulator/workers")[1]["Workers"] == []
    assert env.side("/_emulator/faults")[1]["Seed"] == 0


def test_well_typed_worker_is_registered(env: Env) -> None:
    status, reply = env.side("/_emulator/workers", {
        "WorkerId": "AW1", "Country": "gb", "Subdivision": "e1", "Adult": True,
        "Masters": False, "NumberHITsApproved": 3, "PercentAssignmentsApproved": 90})
    assert (status, reply) == (200, {"WorkerId": "AW1"})
    (worker,) = env.side("/_emulator/workers")[1]["Workers"]
    # What GET lists is what POST takes: the same members, in the same case.
    assert worker == {"WorkerId": "AW1", "Country": "GB", "Subdivision": "E1", "Adult": True,
                      "Masters": False, "NumberHITsApproved": 3,
                      "PercentAssignmentsApproved": 90, "Qualifications": {}}
    again = {**worker, "WorkerId": "AW2"}
    assert env.side("/_emulator/workers", again) == (200, {"WorkerId": "AW2"})
    assert env.side("/_emulator/workers")[1]["Workers"][1] == again


@pytest.mark.parametrize(("path", "post", "allowed"), [
    ("/_emulator/accept", False, "POST"),
    ("/_emulator/clock/advance", False, "POST"),
    ("/_emulator/ledger", True, "GET"),
    ("/_emulator/state", True, "GET"),
    ("/_emulator/preview", True, "GET"),
])
def test_the_wrong_method_is_405_naming_the_right_one(
    env: Env, path: str, post: bool, allowed: str
) -> None:
    status, reply = env.side(path, {} if post else None)
    assert status == 405
    assert f"answers {allowed} only" in reply["error"]


def test_unknown_route_is_still_404(env: Env) -> None:
    assert env.side("/_emulator/nothing")[0] == 404
    assert env.side("/_emulator/nothing", {})[0] == 404
