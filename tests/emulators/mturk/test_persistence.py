"""State survives restarts: the `local` environment's emulator file (.deploy/emulator.json)."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from deployer.emulators.core.errors import StateInUse, StateUnreadable
from deployer.emulators.mturk import Config, Emulator, EmulatorServer, FaultConfig, embedded

from .conftest import Env, make_client


def test_round_trip_keeps_everything(tmp_path: Path, boto_session: boto3.session.Session) -> None:
    state = tmp_path / "emulator.json"
    emu = Emulator(Config(personality="production", balance="50.00"),
                   faults=FaultConfig(latency_ms=1, seed=3))
    with EmulatorServer(emu, state_file=state) as server:
        env = Env(emu, server, make_client(boto_session, server.url))
        hit = env.hit(UniqueRequestToken="tok", Reward="1.00")
        assignment = env.work(hit["HITId"])
        env.client.approve_assignment(AssignmentId=assignment)
        env.emu.advance(60)
        saved_hit = env.client.get_hit(HITId=hit["HITId"])["HIT"]
    assert json.loads(state.read_text())["clock_offset"] == 60

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


def test_every_mutation_is_saved_before_the_reply(
    tmp_path: Path, boto_session: boto3.session.Session
) -> None:
    state = tmp_path / "nested" / "emulator.json"
    with EmulatorServer(Emulator(), state_file=state) as server:
        client = make_client(boto_session, server.url)
        assert not state.exists()
        client.get_account_balance()  # reads do not write
        assert not state.exists()
        env = Env(server.emulator, server, client)
        hit_id = env.hit()["HITId"]
        # The server has not been stopped: the file already holds the new HIT.
        assert hit_id in json.loads(state.read_text())["state"]["hits"]
        names = sorted(p.name for p in state.parent.iterdir())
        assert names == ["emulator.json", "emulator.json.lock"]  # no temp files


def test_one_state_file_serves_one_emulator_at_a_time(tmp_path: Path) -> None:
    state = tmp_path / "emulator.json"
    with EmulatorServer(Emulator(), state_file=state):
        second = EmulatorServer(Emulator(), state_file=state)
        with pytest.raises(StateInUse, match="is in use by another deploy command"):
            second.start()
    with EmulatorServer(Emulator(), state_file=state):
        pass  # released on stop


def test_embedded_yields_a_url_and_persists(
    tmp_path: Path, boto_session: boto3.session.Session
) -> None:
    state = tmp_path / ".deploy" / "emulator.json"
    with embedded(state) as url:
        client = make_client(boto_session, url)
        hit_type = client.create_hit_type(Title="t", Description="d", Reward="1",
                                          AssignmentDurationInSeconds=60)["HITTypeId"]
    with embedded(state) as url:
        client = make_client(boto_session, url)
        again = client.create_hit_type(Title="t", Description="d", Reward="1",
                                       AssignmentDurationInSeconds=60)["HITTypeId"]
    assert again == hit_type
    assert json.loads(state.read_text())["config"]["personality"] == "sandbox"


@pytest.mark.parametrize("content", ["{not json", '{"version": 1}', "[]"])
def test_unreadable_state_is_a_clear_error(tmp_path: Path, content: str) -> None:
    state = tmp_path / "emulator.json"
    state.write_text(content)
    with pytest.raises(StateUnreadable, match=r"emulator\.json: the emulator state cannot be read"):
        EmulatorServer(Emulator(), state_file=state).start()
