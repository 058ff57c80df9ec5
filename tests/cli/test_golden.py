"""What the commands print over a study's life, kept as a golden transcript.

One fixed scenario runs through plan (text, Markdown, JSON), apply and status against the
emulator; the transcript is compared byte for byte once the values that differ between runs
(IDs, ports, times, tokens) are replaced by placeholders. UPDATE_GOLDEN=1 rewrites it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from clihelp import deploy, write_study

from deployer.emulators.mturk.models import Emulator

GOLDEN = Path(__file__).parent / "golden" / "cli_transcript.txt"
VOLATILE = [
    (re.compile(r"\b3[0-9A-Z]{29}\b"), "<ID>"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:<PORT>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"), "<TIME>"),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"), "<TIME> UTC"),
    (re.compile(r"deploy:[0-9a-f]{8}:"), "deploy:<MARK>:"),
    (re.compile(r"\b(dp[la]-)[0-9a-f]{60}\b"), r"\1<TOKEN>"),
]


def normalise(text: str) -> str:
    for pattern, placeholder in VOLATILE:
        text = pattern.sub(placeholder, text)
    return text


def test_transcript(project: Path, served: tuple[str, Emulator],
                    capsys: pytest.CaptureFixture[str]) -> None:
    url, _emulator = served
    local = ("--endpoint-url", url)
    steps: list[tuple[str, tuple[str, ...]]] = []

    def run(*args: str) -> None:
        result = deploy(capsys, *args, *local)
        steps.append((f"$ deploy {' '.join(args)}  [exit {result.code}]",
                      (result.out, result.err)))

    write_study(project, assignments=5)
    run("plan")
    run("plan", "--format", "markdown")
    run("plan", "--format", "json")
    run("apply", "--auto-approve")
    run("status")
    write_study(project, assignments=7, lifetime="2d")
    run("plan", "--format", "json")
    run("apply", "--auto-approve")
    write_study(project, assignments=7, lifetime="2d", reward='"0.60"')
    run("apply", "--auto-approve")
    write_study(project, assignments=7, lifetime="2d", reward='"0.60"', state="closed")
    run("plan", "--format", "markdown")
    run("apply", "--auto-approve")
    run("plan")
    run("status")

    transcript = "".join(
        f"{command}\n{out}" + (f"--- stderr\n{err}" if err else "") + "\n"
        for command, (out, err) in steps)
    text = normalise(transcript)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
