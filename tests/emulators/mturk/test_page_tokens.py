"""Page tokens: a bounded, unsaved store (a token from before a restart is simply invalid)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from deployer.emulators.mturk import Config, Emulator, EmulatorServer

from .conftest import Env, make_client, start
from .helpers import request_error, saved


@pytest.fixture
def small(boto_session: boto3.session.Session) -> Iterator[Env]:
    server, env = start(boto_session, Config(page_token_memory=3, default_page_size=1))
    yield env
    server.stop()


def test_only_the_latest_tokens_are_kept(small: Env) -> None:
    small.hit(), small.hit()
    tokens = [small.client.list_hits()["NextToken"] for _ in range(4)]
    request_error(lambda: small.client.list_hits(NextToken=tokens[0]), None)
    for token in tokens[1:]:
        assert small.client.list_hits(NextToken=token)["NumResults"] == 1
    assert len(small.emu.pages) == 3


def test_tokens_expire_with_the_ttl(boto_session: boto3.session.Session) -> None:
    server, env = start(boto_session, Config(page_token_ttl=60))
    try:
        env.hit()
        token = env.client.list_hits()["NextToken"]
        env.emu.advance(59)
        fresh = env.client.list_hits()["NextToken"]
        env.emu.advance(1)
        request_error(lambda: env.client.list_hits(NextToken=token), None)
        assert env.client.list_hits(NextToken=fresh)["NumResults"] == 0
        assert token not in env.emu.pages
    finally:
        server.stop()


def test_tokens_are_not_saved(tmp_path: Path, boto_session: boto3.session.Session) -> None:
    state = tmp_path / "emulator.sqlite3"
    emu = Emulator()
    with EmulatorServer(emu, state_file=state) as server:
        env = Env(emu, server, make_client(boto_session, server.url))
        env.hit()
        token = env.client.list_hits()["NextToken"]
        assert token not in json.dumps(saved(state))
        assert "pages" not in env.side("/_emulator/state")[1]["state"]
    assert token not in json.dumps(saved(state))
    again = Emulator()
    with EmulatorServer(again, state_file=state) as server:
        client = make_client(boto_session, server.url)
        message = request_error(lambda: client.list_hits(NextToken=token), None)
        assert message.startswith(f"The pagination token {token} is not valid.")
