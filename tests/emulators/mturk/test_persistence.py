"""State survives restarts: the `local` environment's database (.deploy/emulator.sqlite3)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

import boto3
import pytest

from deployer.emulators.core.errors import StateInUse, StateUnreadable
from deployer.emulators.mturk import Config, Emulator, EmulatorServer, FaultConfig, embedded

from .conftest import Env, make_client
from .helpers import saved


def test_round_trip_keeps_everything(tmp_path: Path, boto_session: boto3.session.Session) -> None:
    state = tmp_path / "emulator.sqlite3"
    emu = Emulator(Config(personality="production", balance="50.00"),
                   faults=FaultConfig(latency_ms=1, seed=3))
    with EmulatorServer(emu, state_file=state) as server:
        env = Env(emu, server, make_client(boto_session, server.url))
        hit = env.hit(UniqueRequestToken="tok", Reward="1.00")
        assignment = env.work(hit["HITId"])
        env.client.approve_assignment(AssignmentId=assignment)
        env.emu.advance(60)
        saved_hit = env.client.get_hit(HITId=hit["HITId"])["HIT"]
    assert saved(state)["meta"]["clock_offset"] == 60

    again = Emulator()
    with EmulatorServer(again, state_file=state) as server:
        env = Env(again, server, make_client(boto_session, server.url))
        assert env.client.get_hit(HITId=hit["HITId"])["HIT"] == saved_hit
        assert env.client.get_account_balance()["AvailableBalance"] == "48.80"
        assert again.faults.config == FaultConfig(latency_ms=1, seed=3)
        assert again.config.personality == "production"
        assert len(env.emu.workers.ledger()["Entries"]) == 1
        listed = env.client.list_assignments_for_hit(HITId=hit["HITId"])["Assignments"]
        assert [a["AssignmentStatus"] for a in listed] == ["Approved"]
        replay = env.client.exceptions.RequestError
        try:
            env.hit(UniqueRequestToken="tok", Reward="1.00")
            raise AssertionError("the token store was not persisted")
        except replay as error:
            assert hit["HITId"] in error.response["Error"]["Message"]


def test_every_change_is_in_the_file_before_the_reply_and_reads_write_nothing(
    tmp_path: Path, boto_session: boto3.session.Session
) -> None:
    state = tmp_path / "nested" / "emulator.sqlite3"
    with EmulatorServer(Emulator(), state_file=state) as server:
        client = make_client(boto_session, server.url)
        with contextlib.closing(sqlite3.connect(state)) as watcher:
            def version() -> int:  # moves whenever another connection commits a change
                return int(watcher.execute("PRAGMA data_version").fetchone()[0])

            before = version()
            client.get_account_balance()
            client.list_hits()
            assert version() == before  # reads commit nothing
            hit_id = Env(server.emulator, server, client).hit()["HITId"]
            assert version() != before
        # The server is still running: the file already holds the new HIT.
        assert [h["id"] for h in saved(state)["hits"]] == [hit_id]
    names = sorted(p.name for p in state.parent.iterdir())
    assert names == ["emulator.sqlite3", "emulator.sqlite3.lock"]  # no temp files, WAL folded in


def test_one_state_file_serves_one_emulator_at_a_time(tmp_path: Path) -> None:
    state = tmp_path / "emulator.sqlite3"
    with EmulatorServer(Emulator(), state_file=state):
        second = EmulatorServer(Emulator(), state_file=state)
        with pytest.raises(StateInUse, match="is in use by another deploy command"):
            second.start()
        with pytest.raises(StateInUse):  # the old name of the same state
            EmulatorServer(Emulator(), state_file=tmp_path / "emulator.json").start()
    with EmulatorServer(Emulator(), state_file=state):
        pass  # released on stop


def test_embedded_yields_a_url_and_persists(
    tmp_path: Path, boto_session: boto3.session.Session
) -> None:
    state = tmp_path / ".deploy" / "emulator.sqlite3"
    with embedded(state) as url:
        client = make_client(boto_session, url)
        hit_type = client.create_hit_type(Title="t", Description="d", Reward="1",
                                          AssignmentDurationInSeconds=60)["HITTypeId"]
    with embedded(state) as url:
        client = make_client(boto_session, url)
        again = client.create_hit_type(Title="t", Description="d", Reward="1",
                                       AssignmentDurationInSeconds=60)["HITTypeId"]
    assert again == hit_type
    assert json.loads(saved(state)["meta"]["config"])["personality"] == "sandbox"


@pytest.mark.parametrize("content", [b"{not json", b'{"version": 1}', b"[]"])
def test_an_unreadable_old_state_file_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    state = tmp_path / "emulator.json"
    state.write_bytes(content)
    with pytest.raises(StateUnreadable, match=r"emulator\.json: the emulator state cannot be read"):
        EmulatorServer(Emulator(), state_file=state).start()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["emulator.json",
                                                          "emulator.sqlite3.lock"]
    assert state.read_bytes() == content  # left as it was, for the user to look at


def _foreign_database(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.commit()


def _newer_format(path: Path) -> None:
    with EmulatorServer(Emulator(), state_file=path):
        pass
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("UPDATE meta SET value = 3 WHERE key = 'format'")
        db.commit()


@pytest.mark.parametrize("spoil", [
    lambda path: path.write_bytes(b"this is not a database, only text " * 200),
    lambda path: path.write_bytes(b""),
    _foreign_database,
    _newer_format,
])
def test_an_unreadable_database_is_a_clear_error(tmp_path: Path, spoil: object) -> None:
    state = tmp_path / "emulator.sqlite3"
    spoil(state)  # type: ignore[operator]
    with pytest.raises(StateUnreadable,
                       match=r"emulator\.sqlite3: the emulator state cannot be read"):
        EmulatorServer(Emulator(), state_file=state).start()
    state.unlink()
    with EmulatorServer(Emulator(), state_file=state):
        pass  # the failed start gave the file back
