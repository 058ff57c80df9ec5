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
