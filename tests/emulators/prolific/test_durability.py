"""`python -m deployer.emulators.prolific` killed with SIGKILL in the middle of a stream of
requests loses nothing it answered, and leaves nothing half-done (brief item 9: one
transaction per request, committed before the answer)."""

from __future__ import annotations

import contextlib
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from .conftest import Api, study_body

THREADS = 3
KILL_AFTER = 12  # approvals answered before the kill; the threads are still firing then
BALANCE = 10_000_000


def serve(*args: str) -> tuple[subprocess.Popen[str], str]:
    """The emulator as a real process, once it listens: (process, URL)."""
    process = subprocess.Popen([sys.executable, "-m", "deployer.emulators.prolific", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    first = process.stdout.readline()
    match = re.fullmatch(r"Prolific emulator listening on (http://127\.0\.0\.1:\d+)", first.strip())
    assert match, first + (process.stderr.read() if process.stderr else "")
    assert "Authorization: Token local-token" in process.stdout.readline()
    return process, match.group(1)


class Answered:
    """What the emulator answered with success, recorded by the client threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.studies: list[str] = []
        self.approved: list[str] = []


def _work(url: str, thread: int, answered: Answered) -> None:
    """Creates and publishes a study, has a participant complete it, approves; again."""
    api = Api(url)
    with contextlib.suppress(Exception):  # the kill ends the loop wherever it is
        for n in range(10_000):
            created = api.post("studies/", study_body(internal_name=f"t{thread}-{n}",
                                                      total_available_places=1))
            assert created.status == 201
            study = created.body["id"]
            with answered.lock:
                answered.studies.append(study)
            assert api.post(f"studies/{study}/transition/", {"action": "PUBLISH"}).status == 200
            person = api.side("POST", "participants", {}).body["id"]
            submission = api.side("POST", f"studies/{study}/reserve",
                                  {"participant_id": person}).body["id"]
            api.side("POST", f"submissions/{submission}/start")
            api.side("POST", f"submissions/{submission}/complete", {"code": "C7K2Q9"})
            approved = api.post(f"submissions/{submission}/transition/", {"action": "APPROVE"})
            assert approved.status == 200
            with answered.lock:
                answered.approved.append(submission)


def test_kill_9_mid_stream_keeps_every_answered_change(tmp_path: Path) -> None:
    state = tmp_path / "prolific.sqlite3"
    process, url = serve("--state", str(state), "--balance", str(BALANCE), "--seed", "kill")
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
    process, url = serve("--state", str(state))
    try:
        _check_consistent(Api(url), answered)
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert process.returncode == 0


def _check_consistent(api: Api, answered: Answered) -> None:
    listed: list[dict[str, Any]] = []
    href: str | None = api.url + "/api/v1/studies/?page_size=100"
    while href:
        page = api.request("GET", href).body
        listed += page["results"]
        href = page["_links"]["next"]["href"]
    assert set(answered.studies) <= {s["id"] for s in listed}  # every 201 is there
    assert len(listed) <= len(answered.studies) + THREADS  # at most one unanswered each
    for submission in answered.approved:
        assert api.get(f"submissions/{submission}/").body["status"] == "APPROVED"
    ledger = api.side("GET", "ledger").body
    paid = [e for e in ledger["entries"] if e["kind"] == "reward"]
    assert set(answered.approved) <= {e["submission_id"] for e in paid}
    assert len(paid) == len({e["submission_id"] for e in paid})  # nobody paid twice
    spent = sum((Decimal(str(e["total"])) for e in paid), Decimal(0))
    (workspace,) = ledger["workspaces"]
    assert Decimal(str(workspace["total_balance"])) == BALANCE - spent  # never half-moved
    approved_now = [s for study in listed if study["status"] == "COMPLETED"
                    for s in api.get(f"studies/{study['id']}/submissions/").body["results"]]
    assert sorted(s["id"] for s in approved_now) == sorted(e["submission_id"] for e in paid)
    held = sum(s["total_cost"] for s in listed if s["status"] not in ("UNPUBLISHED",
                                                                       "COMPLETED"))
    assert Decimal(str(workspace["available_balance"])) == BALANCE - spent - held
