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


def test_a_pause_expires_the_hits_and_open_reopens_the_same_ones(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url, emulator = served
    local = ("--endpoint-url", url)
    write_study(project, assignments=5)
    assert deploy(capsys, "apply", "--auto-approve", *local).code == 0
    [record] = lock_hits(project)
    worker = emulator.workers.register()
    emulator.workers.accept(worker, record["hit_id"])

    write_study(project, assignments=5, state="paused")
    paused = deploy(capsys, "apply", "--auto-approve", *local)
    assert paused.code == 0, paused.err
    assert "|| pilot/b1" in paused.out and "Plan: 0 to create, 0 to change, 0 to expire, " \
        "1 to pause." in paused.out
    hit = client(url).get_hit(HITId=record["hit_id"])["HIT"]
    assert hit["Expiration"] <= datetime.now(timezone.utc)
    assert deploy(capsys, "plan", "--detailed-exitcode", *local).code == 0

    write_study(project, assignments=5)
    reopened = deploy(capsys, "apply", "--auto-approve", *local)
    assert reopened.code == 0, reopened.err
    assert "the study is open again" in reopened.out
    hit = client(url).get_hit(HITId=record["hit_id"])["HIT"]
    assert hit["Expiration"] > datetime.now(timezone.utc) and hit["HITStatus"] == "Assignable"
    assert [h["hit_id"] for h in lock_hits(project)] == [record["hit_id"]]
    assert deploy(capsys, "plan", "--detailed-exitcode", *local).code == 0


def test_a_hit_expired_by_hand_stays_expired_while_the_study_is_paused(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url, _emulator = served
    local = ("--endpoint-url", url)
    write_study(project)
    assert deploy(capsys, "apply", "--auto-approve", *local).code == 0
    [record] = lock_hits(project)
    client(url).update_expiration_for_hit(HITId=record["hit_id"], ExpireAt=0)

    warned = deploy(capsys, "plan", *local)
    assert "applying this plan reopens it to workers" in warned.out
    assert "set `state: paused` in studies/pilot.yaml" in warned.out

    write_study(project, state="paused")
    kept = deploy(capsys, "apply", "--auto-approve", *local)
    assert kept.code == 0 and kept.out.startswith("No changes."), kept.out
    hit = client(url).get_hit(HITId=record["hit_id"])["HIT"]
    assert hit["Expiration"] <= datetime.now(timezone.utc)
