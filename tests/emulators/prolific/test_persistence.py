"""State in SQLite (brief item 9): a round trip through a state file keeps everything, one
emulator per file, unreadable files are refused, and `embedded` serves a file for a block."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from deployer.emulators.core.errors import StateInUse, StateUnreadable
from deployer.emulators.prolific import Config, Emulator, FaultConfig, ProlificServer, embedded

from .conftest import Api, Env, study_body


def test_a_round_trip_keeps_everything(tmp_path: Path) -> None:
    """Settings, clock, faults and records come back from the file."""
    state = tmp_path / "prolific.sqlite3"
    emulator = Emulator(Config(seed="round", currency="USD", balance=5000),
                        faults=FaultConfig(latency_ms=1, seed=3))
    with ProlificServer(emulator, state_file=state) as server:
        env = Env(emulator, server)
        study = env.published(reward=200)
        submission = env.submit(study["id"])
        env.api.post(f"submissions/{submission}/transition/", {"action": "APPROVE"})
        emulator.advance(60)
        seen = {k: v for k, v in env.study(study["id"]).items() if k != "_links"}
        balance = env.balance()

    again = Emulator()  # its own settings are replaced by the file's
    with ProlificServer(again, state_file=state) as server:
        env = Env(again, server)
        shown = env.study(study["id"])
        assert {k: v for k, v in shown.items() if k != "_links"} == seen  # links: a new port
        assert env.balance() == balance
        assert again.config.currency == "USD" and again.config.seed == "round"
        assert again.faults.config == FaultConfig(latency_ms=1, seed=3)
        assert again.clock.offset == 60
        assert len(again.ledger()["entries"]) == 1


def test_every_change_is_in_the_file_before_the_reply(tmp_path: Path) -> None:
    """One transaction per request, committed before the answer; a refused request
    writes nothing."""
    state = tmp_path / "nested" / "prolific.sqlite3"
    with ProlificServer(Emulator(Config(seed="t")), state_file=state) as server:
        api = Api(server.url)
        with contextlib.closing(sqlite3.connect(state)) as watcher:
            def version() -> int:  # moves whenever another connection commits
                return int(watcher.execute("PRAGMA data_version").fetchone()[0])

            def studies() -> int:
                return int(watcher.execute("SELECT COUNT(*) FROM studies").fetchone()[0])

            start = version()
            created = api.post("studies/", study_body())
            assert created.status == 201
            assert studies() == 1 and version() > start
            quiet = version()
            assert api.get("studies/").status == 200
            assert api.post("studies/", {"name": "incomplete"}).status == 400
            assert version() == quiet and studies() == 1


def test_one_emulator_per_state_file(tmp_path: Path) -> None:
    """A second emulator on the same file is refused with a clear error."""
    state = tmp_path / "prolific.sqlite3"
    with ProlificServer(Emulator(), state_file=state):
        second = ProlificServer(Emulator(), state_file=state)
        with pytest.raises(StateInUse, match="in use"):
            second.start()


@pytest.mark.parametrize("content", [b"not a database", b""])
def test_a_file_that_is_not_a_state_is_refused(tmp_path: Path, content: bytes) -> None:
    """StateUnreadable names the file and what to do; the file is left as it was."""
    state = tmp_path / "prolific.sqlite3"
    state.write_bytes(content)
    with pytest.raises(StateUnreadable, match="move or delete the file"):
        ProlificServer(Emulator(), state_file=state).start()
    assert state.read_bytes() == content


def test_an_mturk_state_file_is_refused(tmp_path: Path) -> None:
    """Another emulator's database is not misread as this one's."""
    from deployer.emulators.mturk import Emulator as MTurk
    from deployer.emulators.mturk import EmulatorServer

    state = tmp_path / "emulator.sqlite3"
    with EmulatorServer(MTurk(), state_file=state):
        pass
    with pytest.raises(StateUnreadable, match="prolific-1"):
        ProlificServer(Emulator(), state_file=state).start()


def test_embedded_serves_a_state_file_for_a_block(tmp_path: Path) -> None:
    """`embedded(state_file)` yields the URL; the next block sees the same state."""
    state = tmp_path / "prolific.sqlite3"
    with embedded(state, Config(seed="e")) as url:
        created = Api(url).post("studies/", study_body()).body
    with embedded(state) as url:
        assert Api(url).get(f"studies/{created['id']}/").status == 200


def test_after_stop_the_file_is_let_go(tmp_path: Path) -> None:
    """The emulator goes on from a copy in memory; another may take the file."""
    state = tmp_path / "prolific.sqlite3"
    emulator = Emulator(Config(seed="t"))
    with ProlificServer(emulator, state_file=state) as server:
        Api(server.url).post("studies/", study_body())
    with ProlificServer(Emulator(), state_file=state) as server:
        assert Api(server.url).get("studies/").body["meta"]["count"] == 1
    emulator.participants.create()  # still works, in memory
