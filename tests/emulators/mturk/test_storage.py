"""The upgrade from the JSON state file: a user's local HITs survive it.

data/emulator-v1.json was written by the emulator of commit f0d65c0, the last one that kept
its state as JSON (production personality, seed "fixture", clock fixed at 2026-11-30T12:00Z
then advanced 120 s): three HITs (open with work in every state, expired and Reviewing, one of
10 assignments), a bonus, a revoked qualification, a block, notification settings, tokens.
"""

from __future__ import annotations

import json
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
from clihelp import deploy, write_study

from deployer.emulators.mturk import Emulator, EmulatorServer, embedded

from .conftest import EXTERNAL, Env, make_client
from .helpers import request_error, saved

FIXTURE = Path(__file__).parent / "data" / "emulator-v1.json"
WRITTEN = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)  # the fixture's clock
OPEN, EXPIRED, LARGE = ("37OROYFQVFYKKC38FN4X8YNOMGQQN0", "3PCZ9JOE6F671B27MXPP45BF3UCDJG",
                        "3YOUZ1KAW0D6W13ZMXPGJVOCR2P1D7")


def _old_state(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(FIXTURE, folder / "emulator.json"))


def _holds(new: Any, old: Any) -> bool:
    """Whether `new` holds everything `old` does: records and settings added since then (each
    with its default) are the only difference allowed."""
    if isinstance(old, dict):
        return isinstance(new, dict) and all(
            key in new and _holds(new[key], value) for key, value in old.items())
    return bool(new == old)


def _started(state_file: Path) -> EmulatorServer:
    server = EmulatorServer(Emulator(clock=lambda: WRITTEN), state_file=state_file)
    server.start()
    return server


def test_an_old_state_file_is_imported_whole_and_kept_aside(tmp_path: Path) -> None:
    folder = tmp_path / ".deploy"
    _old_state(folder)
    server = _started(folder / "emulator.sqlite3")
    try:
        imported = server.emulator.to_json()
        written = json.loads(FIXTURE.read_text())
        assert written["config"].pop("strict_expiration") is False  # a retired setting
        assert _holds(imported, written)
        assert server.emulator.config.personality == "production"
    finally:
        server.stop()
    assert sorted(p.name for p in folder.iterdir()) == [
        "emulator.json.imported", "emulator.sqlite3", "emulator.sqlite3.lock"]
    assert (folder / "emulator.json.imported").read_bytes() == FIXTURE.read_bytes()


def test_imported_hits_answer_as_before(
    tmp_path: Path, boto_session: boto3.session.Session
) -> None:
    _old_state(tmp_path)
    server = _started(tmp_path / "emulator.sqlite3")
    try:
        env = Env(server.emulator, server, make_client(boto_session, server.url))
        statuses = {h["HITId"]: h["HITStatus"] for h in env.client.list_hits()["HITs"]}
        assert statuses == {OPEN: "Unassignable", EXPIRED: "Reviewing", LARGE: "Assignable"}
        work = env.client.list_assignments_for_hit(HITId=OPEN)["Assignments"]
        assert sorted(a["AssignmentStatus"] for a in work) == ["Approved", "Submitted"]
        assert "caf&#233;" in next(a["Answer"] for a in work if a["AssignmentStatus"] == "Approved")
        assert env.client.get_account_balance()["AvailableBalance"] == "49.10"
        message = request_error(lambda: env.client.create_hit(
            Title="t", Description="d", Reward="0.50", LifetimeInSeconds=60,
            AssignmentDurationInSeconds=60, Question=EXTERNAL, UniqueRequestToken="fixture-b1"),
            "AWS.MechanicalTurk.HitAlreadyExists")
        assert OPEN in message
        bonuses = env.client.list_bonus_payments(HITId=OPEN)["BonusPayments"]
        assert [(b["BonusAmount"], b["Reason"]) for b in bonuses] == [("0.25", "good work")]
        blocks = env.client.list_worker_blocks()["WorkerBlocks"]
        assert blocks == [{"WorkerId": "AFIXTUREWORKER3", "Reason": "spam"}]
        env.emu.advance(86400)  # the submitted assignment is auto-approved, and paid
        assert env.client.get_account_balance()["AvailableBalance"] == "48.50"
    finally:
        server.stop()


def test_the_import_happens_once(tmp_path: Path) -> None:
    _old_state(tmp_path)
    _started(tmp_path / "emulator.sqlite3").stop()
    server = _started(tmp_path / "emulator.sqlite3")
    server.emulator.workers.register("ANEWWORKER")
    server.stop()
    shutil.copy(FIXTURE, tmp_path / "emulator.json")  # an old file turns up again: ignored
    server = _started(tmp_path / "emulator.sqlite3")
    try:
        workers = server.emulator.workers.listed()
        assert [w["WorkerId"] for w in workers][-1] == "ANEWWORKER"
    finally:
        server.stop()
    assert (tmp_path / "emulator.json").exists()


def test_a_json_path_stands_for_the_database_beside_it(tmp_path: Path) -> None:
    old = _old_state(tmp_path)
    server = _started(old)  # `deploy emulator serve --state emulator.json`, as before
    try:
        assert set(server.emulator.to_json()["state"]["hits"]) == {OPEN, EXPIRED, LARGE}
    finally:
        server.stop()
    assert not old.exists()
    assert (tmp_path / "emulator.sqlite3").exists()


def _as_if_written_now(path: Path) -> None:
    """Moves the saved clock so that the emulator's now, on the wall clock, is the moment the
    fixture was written: nothing in it expires or is disposed of however late this test runs."""
    data: dict[str, Any] = json.loads(path.read_text())
    data["clock_offset"] = WRITTEN.timestamp() + data["clock_offset"] - time.time()
    path.write_text(json.dumps(data))


def test_the_local_environment_upgrades_without_a_word(
    project: Path, capsys: pytest.CaptureFixture[str], boto_session: boto3.session.Session
) -> None:
    _as_if_written_now(_old_state(project / ".deploy"))
    write_study(project)
    planned = deploy(capsys, "plan")
    assert planned.code == 0, planned.err
    assert "import" not in planned.out + planned.err
    assert "emulator" not in planned.out + planned.err
    assert (project / ".deploy" / "emulator.json.imported").exists()
    assert not (project / ".deploy" / "emulator.json").exists()
    with embedded(project / ".deploy" / "emulator.sqlite3") as url:
        hits = make_client(boto_session, url).list_hits()["HITs"]
    assert {h["HITId"] for h in hits} == {OPEN, EXPIRED, LARGE}


FORMAT_1 = Path(__file__).parent / "data" / "emulator-format1.sqlite3"


def test_a_format_1_database_is_upgraded_in_place(
    tmp_path: Path, boto_session: boto3.session.Session
) -> None:
    """data/emulator-format1.sqlite3 is the v1 JSON fixture as the first SQLite emulator
    (format 1) imported it: the emulator of this version opens it, adds what format 2 keeps,
    and every old record answers as before."""
    state = Path(shutil.copy(FORMAT_1, tmp_path / "emulator.sqlite3"))
    assert saved(state)["meta"]["format"] == 1
    server = _started(state)
    try:
        env = Env(server.emulator, server, make_client(boto_session, server.url))
        statuses = {h["HITId"]: h["HITStatus"] for h in env.client.list_hits()["HITs"]}
        assert statuses == {OPEN: "Unassignable", EXPIRED: "Reviewing", LARGE: "Assignable"}
        (kind,) = env.client.list_qualification_types(
            MustBeRequestable=False, MustBeOwnedByCaller=True)["QualificationTypes"]
        env.client.delete_qualification_type(QualificationTypeId=kind["QualificationTypeId"])
        assert env.client.list_review_policy_results_for_hit(HITId=OPEN)["HITId"] == OPEN
        assert _holds(server.emulator.to_json(), _written_without_retired_settings())
    finally:
        server.stop()
    after = saved(state)
    assert after["meta"]["format"] == 2
    assert {"qual_requests", "messages", "events", "uploads"} <= set(after)
    assert [row["deleted"] is not None for row in after["qual_types"]] == [True]
    assert [row["hit_policy"] for row in after["hits"]] == [None, None, None]


def _written_without_retired_settings() -> dict[str, Any]:
    written: dict[str, Any] = json.loads(FIXTURE.read_text())
    del written["config"]["strict_expiration"]
    del written["state"]["qual_types"]  # deleted above
    return written
