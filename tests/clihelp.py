"""Run the real CLI in-process and read what MTurk (the emulator) holds, through boto3."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from deployer.cli import main


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def deploy(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    """`deploy ARGS` exactly as a user runs it, with its exit code and output."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as ended:
        main(list(args))
    captured = capsys.readouterr()
    code = ended.value.code
    return Result(code if isinstance(code, int) else (0 if code is None else 1),
                  captured.out, captured.err)


def client(url: str) -> Any:
    """A plain boto3 client for checking what MTurk holds; it retries as deploy's does, so that
    an emulator injecting faults cannot fail the check itself."""
    return boto3.client("mturk", region_name="us-east-1", endpoint_url=url,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"mode": "standard", "max_attempts": 10}))


def all_hits(url: str) -> list[dict[str, Any]]:
    return [hit for page in client(url).get_paginator("list_hits").paginate()
            for hit in page["HITs"]]


def submit(emulator: Any, url: str, answers: list[dict[str, str]]) -> list[str]:
    """One new worker per answer, spread over the HITs in order; their worker IDs."""
    hits = sorted(all_hits(url), key=lambda h: h["RequesterAnnotation"])
    workers = []
    for n, fields in enumerate(answers):
        worker = emulator.workers.register(country="US")
        assignment = emulator.workers.accept(worker, hits[n % len(hits)]["HITId"])
        emulator.workers.submit(assignment, fields)
        workers.append(worker)
    return workers


def lock_hits(root: Path, environment: str = "local") -> list[dict[str, Any]]:
    path = root / (".deploy/local.lock" if environment == "local" else "deploy.lock")
    data = json.loads(path.read_text())
    hits: list[dict[str, Any]] = data["environments"][f"mturk/{environment}"]["hits"]
    return hits


def write_study(root: Path, name: str = "pilot", **fields: object) -> Path:
    """A valid study file; keyword arguments override its top-level fields (YAML text)."""
    values: dict[str, object] = {
        "title": "Rate short clips",
        "description": "Watch short clips and rate how each person feels.",
        "keywords": "[emotion, rating]",
        "reward": '"0.50"',
        "assignments": 5,
        "assignment_duration": "30m",
        "estimated_duration": "4m",
        "auto_approval_delay": "1d",
        "lifetime": "1d",
        "question": "\n  external_url: https://example.org/task?study=pilot&arm=a"
                    "\n  frame_height: 0",
    }
    values.update(fields)
    body = "\n".join(f"{key}: {value}" for key, value in values.items() if value is not None)
    path = root / "studies" / f"{name}.yaml"
    path.write_text(textwrap.dedent(body) + "\n")
    return path


def run_in_terminal(project: Path, args: list[str], answer: str = "",
                    before_answering: Callable[[], None] = lambda: None,
                    no_color: bool = True) -> tuple[int, str]:
    """Run deploy on a real pseudo-terminal and type `answer` at its prompt (after calling
    `before_answering`, to change the world while a user reads the plan)."""
    main, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    env.pop("NO_COLOR", None)
    if no_color:
        env["NO_COLOR"] = "1"
    process = subprocess.Popen([sys.executable, "-m", "deployer", *args], cwd=project, env=env,
                               stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    output = b""
    answered = False
    deadline = time.monotonic() + 60
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
            if not answered and (b"to confirm" in output or b"Enter a value" in output):
                before_answering()
                os.write(main, answer.encode() + b"\n")
                answered = True
        elif process.poll() is not None:
            break
    process.wait(timeout=30)
    os.close(main)
    return process.returncode, output.decode(errors="replace")
