"""The injectable clock: a fixed base time plus the emulator's own advance()."""

from __future__ import annotations

from datetime import datetime, timezone

import boto3
import pytest

from deployer.emulators.core.clock import java_date
from deployer.emulators.mturk import Emulator, EmulatorServer

from .conftest import Env, make_client

FIXED = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_injected_clock_drives_every_timestamp(boto_session: boto3.session.Session) -> None:
    emu = Emulator(clock=lambda: FIXED)
    with EmulatorServer(emu) as server:
        env = Env(emu, server, make_client(boto_session, server.url))
        hit = env.hit(LifetimeInSeconds=60)
        assert hit["CreationTime"] == FIXED
        emu.advance(59)
        assert env.client.get_hit(HITId=hit["HITId"])["HIT"]["HITStatus"] == "Assignable"
        emu.advance(1)
        assert env.client.get_hit(HITId=hit["HITId"])["HIT"]["HITStatus"] == "Reviewable"
        assert emu.clock.now() == FIXED.replace(minute=5, second=5)


def test_clock_never_goes_back() -> None:
    with pytest.raises(ValueError):
        Emulator().advance(-1)


def test_java_date_format() -> None:
    assert java_date(1626294366) == "Wed Jul 14 20:26:06 UTC 2021"
    assert java_date(0) == "Thu Jan 01 00:00:00 UTC 1970"
