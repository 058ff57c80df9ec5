"""Run the real CLI in-process and read what MTurk (the emulator) holds, through boto3."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

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
    return boto3.client("mturk", region_name="us-east-1", endpoint_url=url,
                        aws_access_key_id="test", aws_secret_access_key="test")


def all_hits(url: str) -> list[dict[str, Any]]:
    return [hit for page in client(url).get_paginator("list_hits").paginate()
            for hit in page["HITs"]]


def lock_hits(root: Path, environment: str = "local") -> list[dict[str, Any]]:
    path = root / (".deploy/local.lock" if environment == "local" else "deploy.lock")
    data = json.loads(path.read_text())
    hits: list[dict[str, Any]] = data["environments"][environment]["hits"]
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
