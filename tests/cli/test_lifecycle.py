"""A study's whole life, driven through the CLI against the emulator over real HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from clihelp import all_hits, deploy, lock_hits, run_in_terminal, write_study

from deployer.emulators.mturk.models import Emulator

Capsys = pytest.CaptureFixture[str]


def by_annotation(url: str) -> dict[str, dict[str, Any]]:
    """Live (unexpired) HITs by batch address, read from the annotation."""
    now = datetime.now(timezone.utc)
    live = {}
    for hit in all_hits(url):
        if hit["Expiration"] > now:
            address = hit["RequesterAnnotation"].split(":")[2].split("#")[0]
            assert address not in live, f"two live HITs for {address}"
            live[address] = hit
    return live


def test_a_study_from_first_apply_to_removal(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url, emulator = served
    local = ("--endpoint-url", url)

    # New study: one HIT of 5.
    write_study(project, assignments=5)
    first = deploy(capsys, "apply", "--auto-approve", *local)
    assert first.code == 0, first.err
    assert "Plan: 1 to create, 0 to change, 0 to expire." in first.out
    live = by_annotation(url)
    assert list(live) == ["pilot/b1"] and live["pilot/b1"]["MaxAssignments"] == 5
    assert live["pilot/b1"]["Reward"] == "0.50"
    b1 = live["pilot/b1"]["HITId"]
    assert [(h["address"], h["hit_id"], h["status"]) for h in lock_hits(project)] == [
        ("pilot/b1", b1, "live")]

    # Converged.
    again = deploy(capsys, "plan", "--detailed-exitcode", *local)
    assert (again.code, again.out.splitlines()[0]) == (
        0, "No changes. The studies match what is on MTurk in LOCAL.")

    # More assignments, staying under 10: extend in place.
    write_study(project, assignments=8)
    planned = deploy(capsys, "plan", "--detailed-exitcode", *local)
    assert planned.code == 2
    assert "~ pilot/b1" in planned.out and "max_assignments: 5 -> 8" in planned.out
    assert deploy(capsys, "apply", "--auto-approve", *local).code == 0
    assert by_annotation(url)["pilot/b1"]["MaxAssignments"] == 8

    # Across the 10 boundary: b1 fills to 9, the rest goes to a new batch, with a warning.
    write_study(project, assignments=12)
    crossing = deploy(capsys, "apply", "--auto-approve", *local)
    assert crossing.code == 0, crossing.err
    assert "MTurk forbids growing pilot/b1 (created with 5) to 10 or more" in crossing.out
    assert "one worker may take both" in crossing.out
    live = by_annotation(url)
    assert {a: h["MaxAssignments"] for a, h in live.items()} == {"pilot/b1": 9, "pilot/b2": 3}
    assert live["pilot/b1"]["HITId"] == b1

    # Longer lifetime: both HITs extended, same IDs.
    before = {a: h["Expiration"] for a, h in live.items()}
    write_study(project, assignments=12, lifetime="2d")
    assert deploy(capsys, "apply", "--auto-approve", *local).code == 0
    live = by_annotation(url)
    for address, expiry in before.items():
        assert live[address]["Expiration"] - expiry > timedelta(hours=23)

    # New reward, nobody has started: the HIT type is updated in place.
    write_study(project, assignments=12, lifetime="2d", reward='"0.60"')
    typed = deploy(capsys, "apply", "--auto-approve", *local)
    assert 'reward: "0.50" -> "0.60"' in typed.out
    live = by_annotation(url)
    assert live["pilot/b1"]["HITId"] == b1 and live["pilot/b1"]["Reward"] == "0.60"

    # A worker accepts b1; a new reward now replaces b1 (remainder 8) and updates b2 in place.
    worker = emulator.workers.register()
    emulator.workers.accept(worker, b1)
    write_study(project, assignments=12, lifetime="2d", reward='"0.70"')
    replaced = deploy(capsys, "apply", "--auto-approve", *local)
    assert replaced.code == 0, replaced.err
    assert "-/+ pilot/b1" in replaced.out and "~ pilot/b2" in replaced.out
    live = by_annotation(url)
    assert live["pilot/b1"]["HITId"] != b1
    assert (live["pilot/b1"]["MaxAssignments"], live["pilot/b1"]["Reward"]) == (8, "0.70")
    assert live["pilot/b2"]["Reward"] == "0.70"
    old = next(h for h in all_hits(url) if h["HITId"] == b1)
    assert old["Expiration"] <= datetime.now(timezone.utc)

    # New question URL: every batch is replaced with its unstarted remainder.
    write_study(project, assignments=12, lifetime="2d", reward='"0.70"',
                question="\n  external_url: https://example.org/task?study=pilot&arm=b")
    moved = deploy(capsys, "apply", "--auto-approve", *local)
    assert moved.code == 0, moved.err
    assert "# forces replacement" in moved.out
    live = by_annotation(url)
    assert {a: h["MaxAssignments"] for a, h in live.items()} == {"pilot/b1": 8, "pilot/b2": 3}
    assert all("arm=b" in h["Question"] for h in live.values())
    assert deploy(capsys, "plan", "--detailed-exitcode", *local).code == 0

    # Closed: every live HIT expires; the records stay.
    write_study(project, assignments=12, lifetime="2d", reward='"0.70"', state="closed",
                question="\n  external_url: https://example.org/task?study=pilot&arm=b")
    closed = deploy(capsys, "apply", "--auto-approve", *local)
    assert closed.code == 0 and "2 to expire" in closed.out
    assert by_annotation(url) == {}
    assert deploy(capsys, "plan", "--detailed-exitcode", *local).code == 0
    statuses = {(h["address"], h["generation"]): h["status"] for h in lock_hits(project)}
    assert statuses == {("pilot/b1", 1): "expired", ("pilot/b1", 2): "expired",
                        ("pilot/b1", 3): "expired", ("pilot/b2", 1): "expired",
                        ("pilot/b2", 2): "expired"}
    assert len(all_hits(url)) == 5  # nothing was ever created twice


def test_removing_a_study_file_expires_its_hits(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url, _emulator = served
    write_study(project, "keep")
    gone = write_study(project, "gone", assignments=3)
    assert deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url).code == 0
    gone.unlink()
    removed = deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url)
    assert removed.code == 0, removed.err
    assert "- gone/b1" in removed.out and "(file removed)" in removed.out
    assert list(by_annotation(url)) == ["keep/b1"]


def test_plan_is_coloured_only_on_a_terminal_and_never_with_no_color(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url = served[0]
    write_study(project)
    args = ["plan", "--endpoint-url", url]
    code, coloured = run_in_terminal(project, args, no_color=False)
    assert code == 0 and "\x1b[" in coloured and "pilot/b1" in coloured
    code, plain = run_in_terminal(project, args, no_color=True)
    assert code == 0 and "\x1b[" not in plain and "+ pilot/b1" in plain
    piped = deploy(capsys, *args)
    assert "\x1b[" not in piped.out and "+ pilot/b1" in piped.out
