"""Closing a study and opening it again reopens its HITs for real (issue 12, item 1).

MTurk answers a repeated (HITId, ExpireAt) with "already processed" even when the HIT has been
expired since, so reopening to an expiry an earlier extension already sent must not be taken
for success.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from clihelp import client, deploy, lock_hits, write_study

from deployer.emulators.mturk.models import Emulator

Capsys = pytest.CaptureFixture[str]


def test_closing_then_opening_again_leaves_the_hit_open(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url, _emulator = served
    local = ("--endpoint-url", url)

    write_study(project, lifetime="1d")
    assert deploy(capsys, "apply", "--auto-approve", *local).code == 0
    write_study(project, lifetime="2d")
    assert deploy(capsys, "apply", "--auto-approve", *local).code == 0
    write_study(project, lifetime="2d", state="closed")
    assert deploy(capsys, "apply", "--auto-approve", *local).code == 0
    write_study(project, lifetime="2d", state="open")
    reopened = deploy(capsys, "apply", "--auto-approve", *local)
    assert reopened.code == 0, reopened.err

    [record] = lock_hits(project)
    hit = client(url).get_hit(HITId=record["hit_id"])["HIT"]
    assert hit["Expiration"] > datetime.now(timezone.utc)
    assert hit["HITStatus"] == "Assignable"
    after = deploy(capsys, "plan", "--detailed-exitcode", *local)
    assert after.code == 0, after.out
    assert after.out.startswith("No changes.")
