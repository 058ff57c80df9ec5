"""An unreachable endpoint fails after a couple of tries; throttling is still retried."""

from __future__ import annotations

import socket

import pytest

from deployer.core.errors import DeployError
from deployer.emulators.core.faults import FaultConfig
from deployer.emulators.mturk.models import Emulator
from deployer.providers.mturk.api.client import MTurk
from deployer.providers.mturk.api.endpoint import CONNECT_ATTEMPTS, Endpoint
from deployer.providers.mturk.api.session import connect


def counting(mturk: MTurk, sent: list[str]) -> MTurk:
    mturk._client.meta.events.register(
        "before-send.mturk", lambda request, **_: sent.append(request.url))
    return mturk


def closed_port() -> int:
    """A loopback port nobody listens on: connections to it are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_refused_endpoint_is_given_up_after_two_tries() -> None:
    sent: list[str] = []
    url = f"http://127.0.0.1:{closed_port()}"
    mturk = counting(connect(Endpoint("local", url)), sent)
    with pytest.raises(DeployError, match=r"cannot reach MTurk at http://127\.0\.0\.1:\d+ "
                       r"\(tried 2 times\); check the network or --endpoint-url"):
        mturk.balance()
    assert len(sent) == CONNECT_ATTEMPTS == 2


def test_throttling_is_still_retried(served: tuple[str, Emulator]) -> None:
    url, emulator = served
    emulator.faults.configure(FaultConfig(throttle_rate=5.0, throttle_burst=1))
    sent: list[str] = []
    mturk = counting(connect(Endpoint("local", url)), sent)
    for _ in range(4):
        mturk.balance()
    assert len(sent) > 4  # some calls were throttled, retried and then answered
