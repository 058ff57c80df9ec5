"""Shared fixtures: a real emulator on loopback and a project directory to run deploy in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project directory (with studies/) as the working directory."""
    (tmp_path / "studies").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


@pytest.fixture
def served() -> Iterator[tuple[str, object]]:
    """(endpoint URL, Emulator) of an emulator serving on a free loopback port."""
    from deployer.emulators.mturk.models import Emulator
    from deployer.emulators.mturk.server import EmulatorServer

    emulator = Emulator()
    with EmulatorServer(emulator) as server:
        yield server.url, emulator


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """The URL of moto serving AWS's STS, SQS and SNS on a free loopback port (MTurk always
    goes to our emulator: moto has none)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, moto_server: str) -> str:
    """AWS's services at moto, as boto3's standard configuration points them; its URL."""
    for service in ("STS", "SQS", "SNS"):
        monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", moto_server)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIALAB0000000000001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "lab-secret")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    return moto_server
