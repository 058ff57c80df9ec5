"""`deploy status` as a study dashboard, against the emulator (issue 12, item 6)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from clihelp import client, deploy, lock_hits, write_study

from deployer.emulators.mturk.models import Emulator

Capsys = pytest.CaptureFixture[str]
STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


def submit(emulator: Emulator, hit_id: str, count: int) -> list[str]:
    done = []
    for _ in range(count):
        worker = emulator.workers.register()
        assignment = emulator.workers.accept(worker, hit_id)
        emulator.workers.submit(assignment, {"rating": "4"})
        done.append(assignment)
    return done


def test_nothing_recorded(project: Path, served: tuple[str, Emulator], capsys: Capsys) -> None:
    empty = deploy(capsys, "status", "--endpoint-url", served[0])
    assert (empty.code, empty.out) == (
        0, "No HITs recorded for LOCAL. Run `deploy apply --env local` first.\n")


def test_status_totals_per_study_and_a_row_per_hit(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url, emulator = served
    local = ("--endpoint-url", url)
    write_study(project, assignments=12, max_assignments_per_hit=9)
    write_study(project, "other", assignments=2)
    assert deploy(capsys, "apply", "--auto-approve", *local).code == 0
    hits = {h["address"]: h for h in lock_hits(project)}
    b1 = hits["pilot/b1"]["hit_id"]
    approve, reject, _waiting = submit(emulator, b1, 3)
    mturk = client(url)
    mturk.approve_assignment(AssignmentId=approve)
    mturk.reject_assignment(AssignmentId=reject, RequesterFeedback="no answers")
    emulator.workers.accept(emulator.workers.register(), b1)  # in progress

    shown = deploy(capsys, "status", "--study", "pilot", *local)
    assert shown.code == 0, shown.err
    lines = shown.out.splitlines()
    assert re.fullmatch(rf"Studies in LOCAL at {STAMP}:", lines[0])
    headline = next(line for line in lines if line.startswith("pilot:"))
    assert re.fullmatch(
        r"pilot: 2 HITs open; 8 available, 1 in progress, 1 awaiting review \(approved "
        rf"automatically from {STAMP}\), 1 approved, 1 rejected; spent \$0\.60", headline)
    assert not any(line.startswith("other:") for line in lines)  # --study
    row = next(line for line in lines if line.startswith("  pilot/b1 "))
    assert row.split()[1:8] == [b1, "open", "5", "1", "1", "1", "1"]
    group = hits["pilot/b1"]["hit_group_id"]
    assert f"  preview: {url}/_emulator/preview?groupId={group}" in lines
    assert lines.count(f"  preview: {url}/_emulator/preview?groupId={group}") == 1
    # ListHITs (read until MTurk answers an empty page) and one ListAssignmentsForHIT, for b1
    # alone: b2 has no submitted work, and b1's three submissions come on one page
    assert "(3 MTurk calls; spent = approved work, rewards + MTurk fees)" in lines

    document = json.loads(deploy(capsys, "status", "--format", "json", *local).out)
    assert document["format_version"] == "1.0" and document["environment"] == "local"
    assert [s["study"] for s in document["studies"]] == ["other", "pilot"]
    pilot = document["studies"][1]
    assert {k: pilot[k] for k in ("open", "available", "in_progress", "awaiting_review",
                                  "approved", "rejected", "spent")} == {
        "open": 2, "available": 8, "in_progress": 1, "awaiting_review": 1, "approved": 1,
        "rejected": 1, "spent": "0.60"}
    waiting_until = datetime.fromisoformat(pilot["auto_approves_at"].replace("Z", "+00:00"))
    assert waiting_until - datetime.now(timezone.utc) > timedelta(hours=23)
    assert [o["address"] for o in pilot["objects"]] == ["pilot/b1", "pilot/b2"]


def test_expired_hits_are_closed_and_replaced_ones_say_so(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url, emulator = served
    local = ("--endpoint-url", url)
    write_study(project, assignments=5)
    assert deploy(capsys, "apply", "--auto-approve", *local).code == 0
    [first] = lock_hits(project)
    submit(emulator, first["hit_id"], 1)
    write_study(project, assignments=5, reward='"0.60"')  # work was accepted: a replace
    assert deploy(capsys, "apply", "--auto-approve", *local).code == 0
    write_study(project, assignments=5, reward='"0.60"', state="closed")
    assert deploy(capsys, "apply", "--auto-approve", *local).code == 0

    lines = deploy(capsys, "status", *local).out.splitlines()
    assert next(line for line in lines if line.startswith("pilot:")).startswith(
        "pilot: 0 HITs open; 0 available,")
    old = next(line for line in lines if line.startswith("  pilot/b1#1 "))
    new = next(line for line in lines if line.startswith("  pilot/b1#2 "))
    assert old.split()[2:4] == ["replaced", "0"]
    assert new.split()[2:4] == ["closed", "0"]  # not "available 4": nobody can take them
    assert re.search(rf"{STAMP}$", new)


def test_an_unknown_study_is_an_error(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url = served[0]
    write_study(project)
    assert deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url).code == 0
    result = deploy(capsys, "status", "--study", "pilto", "--endpoint-url", url)
    assert result.code == 1
    assert result.err == ("error: no HITs recorded for study pilto in LOCAL; `deploy status "
                          "--env local` lists the studies that have some\n")
