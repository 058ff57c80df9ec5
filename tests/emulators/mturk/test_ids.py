"""IDs never repeat across fresh emulators; a fixed seed makes them reproducible."""

from __future__ import annotations

import json
from pathlib import Path

import boto3

from deployer.emulators.mturk import Config, Emulator, EmulatorServer

from .conftest import Env, make_client, start
from .helpers import saved


def _first_ids(session: boto3.session.Session, config: Config | None) -> tuple[str, str, str]:
    server, env = start(session, config)
    try:
        hit = env.hit()
        return hit["HITId"], hit["HITTypeId"], env.worker()
    finally:
        server.stop()


def test_fresh_emulators_hand_out_different_ids(boto_session: boto3.session.Session) -> None:
    first, second = _first_ids(boto_session, None), _first_ids(boto_session, None)
    assert all(a != b for a, b in zip(first, second, strict=True))


def test_a_fixed_seed_repeats_the_ids(boto_session: boto3.session.Session) -> None:
    seeded = Config(seed="fixed")
    assert _first_ids(boto_session, seeded) == _first_ids(boto_session, seeded)


def test_the_seed_is_saved_with_the_state(
    tmp_path: Path, boto_session: boto3.session.Session
) -> None:
    state = tmp_path / "emulator.sqlite3"
    emu = Emulator()
    with EmulatorServer(emu, state_file=state) as server:
        first = Env(emu, server, make_client(boto_session, server.url)).hit()["HITId"]
    assert json.loads(saved(state)["meta"]["config"])["seed"] == emu.config.seed
    again = Emulator()
    with EmulatorServer(again, state_file=state) as server:
        second = Env(again, server, make_client(boto_session, server.url)).hit()["HITId"]
    assert again.config.seed == emu.config.seed
    assert second != first
