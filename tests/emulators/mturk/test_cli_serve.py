"""`deploy emulator serve` as a real process: start, use with boto3, stop with a signal."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import boto3
import pytest
from clihelp import write_study

from .conftest import EXTERNAL, make_client
from .helpers import saved, serve


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serve_until_signal_and_save_state(
    tmp_path: Path, boto_session: boto3.session.Session, stop: signal.Signals
) -> None:
    state = tmp_path / "emulator.sqlite3"
    process, url = serve("--state", str(state), "--personality", "production",
                          "--balance", "20")
    try:
        client = make_client(boto_session, url)
        hit = client.create_hit(Title="t", Description="d", Reward="0.10",
                                LifetimeInSeconds=600, AssignmentDurationInSeconds=60,
                                Question=EXTERNAL)["HIT"]
        assert client.get_account_balance()["AvailableBalance"] == "20.00"
    finally:
        process.send_signal(stop)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert f"stopped; state saved in {state}" in out
    held = saved(state)
    assert [h["id"] for h in held["hits"]] == [hit["HITId"]]
    assert json.loads(held["meta"]["config"])["personality"] == "production"


def test_serve_flags_configure_faults(boto_session: boto3.session.Session) -> None:
    process, url = serve("--fault-rate", "1", "--fault-phase", "after", "--seed", "4",
                          "--throttle-rate", "100", "--throttle-burst", "50")
    try:
        client = make_client(boto_session, url, attempts=0)
        with pytest.raises(client.exceptions.ServiceFault):
            client.get_account_balance()
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert process.returncode == 0


def test_bad_flags_are_one_clear_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "deployer", "emulator", "serve", "--fault-phase", "during"],
        capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert result.stderr.startswith("error: emulator serve: fault_phase must be one of")
    assert "Traceback" not in result.stderr


def test_a_state_file_in_use_is_one_clear_line(tmp_path: Path) -> None:
    state = tmp_path / "emulator.sqlite3"
    process, _ = serve("--state", str(state))
    try:
        second = subprocess.run(
            [sys.executable, "-m", "deployer", "emulator", "serve", "--state", str(state)],
            capture_output=True, text=True, timeout=30)
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert second.returncode == 1
    assert second.stderr.startswith(f"error: {state}")
    assert "is in use by another deploy command" in second.stderr
    assert "Traceback" not in second.stderr


def test_a_served_emulator_serves_previews_and_workers_to_other_processes(
        tmp_path: Path) -> None:
    process, url = serve("--state", str(tmp_path / "emulator.sqlite3"))
    (tmp_path / "studies").mkdir()
    write_study(tmp_path, assignments=2)

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "deployer", *args, "--endpoint-url", url],
                              cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    try:
        applied = run("apply", "--auto-approve")
        link = re.search(r"(http://127\.0\.0\.1:\d+/_emulator/preview\?groupId=\w+)", applied)
        assert link, applied  # printed, since this emulator goes on serving it
        with urllib.request.urlopen(link.group(1), timeout=30) as page:
            shown = page.read().decode()
        assert "assignmentId=ASSIGNMENT_ID_NOT_AVAILABLE&amp;hitId=" in shown
        accepted = run("emulator", "workers", "accept", "pilot/b1")
        assert "accepted pilot/b1 (HIT " in accepted
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert process.returncode == 0
