"""`deploy emulator serve` killed with SIGKILL in the middle of a stream of requests loses
nothing it answered 200 to, and leaves nothing half-done (every request is one transaction)."""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
import threading
import time
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config as BotoConfig

from .conftest import EXTERNAL
from .helpers import serve

THREADS = 3
KILL_AFTER = 12  # approvals answered before the kill; the threads are still firing then
START_BALANCE = Decimal("1000.00")


class Answered:
    """What the emulator answered 200 to, recorded by the client threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hits: list[str] = []
        self.approved: list[str] = []


def _side(url: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=10) as reply:
        answer: dict[str, Any] = json.loads(reply.read())
        return answer


def _client(url: str) -> Any:
    # No retries: a retry after the kill would blur which request got which answer.
    return boto3.session.Session().client(
        "mturk", region_name="us-east-1", endpoint_url=url, aws_access_key_id="x",
        aws_secret_access_key="x", config=BotoConfig(retries={"total_max_attempts": 1}))


def _work(url: str, thread: int, answered: Answered) -> None:
    """Creates a HIT, has a worker do it and approves it, again and again until cut off."""
    client = _client(url)
    with contextlib.suppress(Exception):  # the kill ends the loop, wherever it is
        for n in range(10_000):
            hit_id = client.create_hit(
                Title=f"t{thread}", Description="d", Reward="0.50", LifetimeInSeconds=3600,
                AssignmentDurationInSeconds=600, Question=EXTERNAL,
                UniqueRequestToken=f"{thread}-{n}", RequesterAnnotation=f"{thread}-{n}",
            )["HIT"]["HITId"]
            with answered.lock:
                answered.hits.append(hit_id)
            worker = _side(url, "/_emulator/workers", {})["WorkerId"]
            assignment = _side(url, "/_emulator/accept",
                               {"WorkerId": worker, "HITId": hit_id})["AssignmentId"]
            _side(url, "/_emulator/submit", {"AssignmentId": assignment,
                                             "Answers": {"n": str(n)}})
            client.approve_assignment(AssignmentId=assignment)
            with answered.lock:
                answered.approved.append(assignment)


def test_kill_9_mid_stream_keeps_every_answered_change(tmp_path: Path) -> None:
    state = tmp_path / "emulator.sqlite3"
    process, url = serve("--state", str(state), "--personality", "production",
                          "--balance", str(START_BALANCE))
    answered = Answered()
    threads = [threading.Thread(target=_work, args=(url, t, answered)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(answered.approved) < KILL_AFTER and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=20)
    for thread in threads:
        thread.join(30)
    assert len(answered.approved) >= KILL_AFTER

    with contextlib.closing(sqlite3.connect(state)) as db:  # recovers the WAL, as a restart does
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    process, url = serve("--state", str(state))  # the same file, after the crash
    try:
        _check_consistent(_client(url), answered)
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)


def _check_consistent(client: Any, answered: Answered) -> None:
    hits = [h for page in client.get_paginator("list_hits").paginate() for h in page["HITs"]]
    assert set(answered.hits) <= {h["HITId"] for h in hits}  # every 200 is there
    assert len(hits) <= len(answered.hits) + THREADS  # at most one unanswered per thread
    for hit in hits:  # each HIT was stored with its token: a create is never half-done
        with pytest.raises(client.exceptions.RequestError, match=hit["HITId"]):
            client.create_hit(Title="again", Description="d", Reward="0.50",
                              LifetimeInSeconds=3600, AssignmentDurationInSeconds=600,
                              Question=EXTERNAL, UniqueRequestToken=hit["RequesterAnnotation"])
    for assignment in answered.approved:
        status = client.get_assignment(AssignmentId=assignment)["Assignment"]["AssignmentStatus"]
        assert status == "Approved"
    ledger = _ledger(client)
    paid = [e for e in ledger["Entries"] if e["Kind"] == "reward"]
    assert set(answered.approved) <= {e["AssignmentId"] for e in paid}
    spent = sum((Decimal(e["Amount"]) + Decimal(e["Fee"]) for e in paid), Decimal(0))
    assert Decimal(ledger["AvailableBalance"]) == START_BALANCE - spent  # money never half-moved
    approved_now = [a for h in hits for a in client.list_assignments_for_hit(
        HITId=h["HITId"], AssignmentStatuses=["Approved"])["Assignments"]]
    assert sorted(a["AssignmentId"] for a in approved_now) == sorted(
        e["AssignmentId"] for e in paid)  # paid exactly when approved


def _ledger(client: Any) -> dict[str, Any]:
    url = client.meta.endpoint_url
    with urllib.request.urlopen(url + "/_emulator/ledger", timeout=10) as reply:
        ledger: dict[str, Any] = json.loads(reply.read())
        return ledger
