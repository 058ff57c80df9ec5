"""Assertion helpers for the error shapes of reference §1.4."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

MS_SUFFIX = re.compile(r"\(\d{13}\)$")
MS_S_SUFFIX = re.compile(r"\(\d{13} s\)$")


def error_of(call: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(ClientError) as info:
        call()
    response: dict[str, Any] = info.value.response
    return response


def request_error(call: Callable[[], Any], turk_code: str | None) -> str:
    """Asserts a RequestError with that TurkErrorCode (None: no code); returns the message."""
    response = error_of(call)
    assert response["Error"]["Code"] == "RequestError"
    assert response.get("TurkErrorCode") == turk_code
    message: str = response["Error"]["Message"]
    assert MS_SUFFIX.search(message), message
    return message


def validation_error(call: Callable[[], Any], parameter: str) -> str:
    response = error_of(call)
    assert response["Error"]["Code"] == "ParameterValidationError"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    message: str = response["Error"]["Message"]
    assert f"is not valid for the parameter {parameter}." in message, message
    assert MS_S_SUFFIX.search(message), message
    return message


def saved(database: Path) -> dict[str, Any]:
    """What a state database holds, read with sqlite3 alone (not through the emulator, which
    may still be running): each table's rows as dicts, and `meta` as a dict."""
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        db.row_factory = sqlite3.Row
        tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        names = [row[0] for row in tables]
        held = {name: [dict(row) for row in db.execute(f"SELECT * FROM {name}")]
                for name in names if name != "meta"}
        held["meta"] = {row["key"]: row["value"] for row in db.execute("SELECT * FROM meta")}
    return held


def serve(*args: str) -> tuple[subprocess.Popen[str], str]:
    """`deploy emulator serve ARGS` as a real process, once it listens: (process, URL)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "deployer", "emulator", "serve", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    first = process.stdout.readline()
    match = re.match(r"MTurk emulator listening on (http://127\.0\.0\.1:\d+)$", first.strip())
    assert match, first + (process.stderr.read() if process.stderr else "")
    assert "--endpoint-url " + match.group(1) in process.stdout.readline()
    return process, match.group(1)
