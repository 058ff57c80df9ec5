"""The command line's manners: version, short help, choices in help, --debug anywhere, Ctrl-C."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clihelp import deploy, write_study

from deployer.core.errors import DeployError

Capsys = pytest.CaptureFixture[str]
COMMANDS = ["plan", "apply", "status", "notify", "results", "validate", "init"]


def test_version(capsys: Capsys) -> None:
    result = deploy(capsys, "--version")
    assert result.code == 0
    assert re.fullmatch(r"deploy \d+\.\d+\.\d+\n", result.out)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_short_help_is_the_same_as_long_help(capsys: Capsys, command: str) -> None:
    args = [command] if command else []
    short, long = deploy(capsys, *args, "-h"), deploy(capsys, *args, "--help")
    assert (short.code, short.out) == (0, long.out)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_values_not_python_types(capsys: Capsys, command: str) -> None:
    text = deploy(capsys, command, "--help").out
    assert not re.search(r"<(str|int|path|list\[\w+\]|Path)>", text), text
    if command in ("plan", "apply", "status", "results"):
        assert "--env local|sandbox|production" in text
        assert "--endpoint-url URL" in text


def test_the_command_list_shows_every_description_whole(capsys: Capsys) -> None:
    listing = deploy(capsys, "--help").out.split("Commands:", 1)[1]
    assert "..." not in listing
    for command in COMMANDS:
        assert re.search(rf"^  {command} +\S", listing, re.MULTILINE)


def test_debug_is_accepted_after_the_command(project: Path, capsys: Capsys) -> None:
    assert deploy(capsys, "plan", "--env", "staging").code == 1
    with pytest.raises(DeployError, match="staging"):
        deploy(capsys, "plan", "--env", "staging", "--debug")
    with pytest.raises(DeployError, match="staging"):
        deploy(capsys, "--debug", "plan", "--env", "staging")


def test_ctrl_c_at_the_prompt_cancels_the_apply(project: Path) -> None:
    write_study(project)
    main, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2]), "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "deployer", "apply"], cwd=project,
                               env=env, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    output = b""
    deadline = time.monotonic() + 60
    interrupted = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            if not interrupted and b"Enter a value" in output:
                time.sleep(0.2)  # let the prompt start reading
                process.send_signal(signal.SIGINT)
                interrupted = True
        elif process.poll() is not None:
            break
    code = process.wait(timeout=30)
    os.close(main)
    text = output.decode(errors="replace")
    assert interrupted, text
    assert code == 130, text
    assert "Apply cancelled." in text
    assert "Aborted!" not in text and "Traceback" not in text
    assert not (project / ".deploy" / "local.lock").exists() or "pilot/b1" not in (
        project / ".deploy" / "local.lock").read_text()
