"""A whole simulated study from the shell: `deploy emulator workers ...` and `deploy emulator
clock ...` against the local environment's own emulator, or a served one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from clihelp import all_hits, deploy, write_study

from deployer.emulators.mturk.models import Emulator

Capsys = pytest.CaptureFixture[str]
LOCAL_ONLY_US = "\n  - locale: {in: [US]}"


def _added(capsys: Capsys, *args: str) -> str:
    result = deploy(capsys, "emulator", "workers", "add", *args)
    assert result.code == 0, result.err
    found = re.match(r"Added worker (A[0-9A-Z]+) \(", result.out)
    assert found, result.out
    return found.group(1)


def test_a_study_runs_from_the_shell_on_the_local_environment(
        project: Path, capsys: Capsys) -> None:
    write_study(project, assignments=3, qualifications=LOCAL_ONLY_US)
    applied = deploy(capsys, "apply", "--auto-approve")
    assert applied.code == 0, applied.err
    # The command's own emulator is gone once it ends: no link that would not open, but how.
    assert "_emulator/preview" not in applied.out
    assert ("To preview the HITs as workers see them, run `deploy emulator serve --port 8765 "
            "--state .deploy/emulator.sqlite3` and `deploy status --endpoint-url "
            "http://127.0.0.1:8765` for their links.") in applied.out

    local = _added(capsys, "--locale", "US-WA", "--approval-rate", "98", "--approved", "250")
    abroad = _added(capsys, "--locale", "de", "--masters")
    listed = deploy(capsys, "emulator", "workers", "list").out.splitlines()
    assert listed[0].split() == ["WORKER", "LOCALE", "APPROVED", "APPROVAL", "RATE", "MASTERS",
                                 "ADULT", "QUALIFICATIONS"]
    assert listed[1].split() == [local, "US-WA", "250", "98%", "no", "no", "0"]
    assert listed[2].split() == [abroad, "DE", "0", "100%", "yes", "no", "0"]
    assert listed[3] == "2 workers."

    refused = deploy(capsys, "emulator", "workers", "accept", "pilot/b1", "--worker", abroad)
    assert (refused.code, refused.err) == (1, (
        f"error: worker {abroad} does not meet the requirements of pilot/b1: Worker_Locale "
        "In US (the worker is in DE)\n"))
    accepted = deploy(capsys, "emulator", "workers", "accept", "pilot/b1", "--worker", local)
    assert accepted.code == 0, accepted.err
    assert re.match(rf"Worker {local} accepted pilot/b1 \(HIT 3\w+, assignment 3\w+\); it must "
                    r"be submitted by \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$", accepted.out)
    submitted = deploy(capsys, "emulator", "workers", "submit", "pilot/b1", "--worker", local,
                       "--answer", "rating=4", "--answer", "comment=Clear enough")
    assert submitted.code == 0, submitted.err
    assert ": rating=4, comment=Clear enough.\nIt is approved automatically at " in submitted.out
    assert "1 awaiting review" in deploy(capsys, "status").out

    moved = deploy(capsys, "emulator", "clock", "advance", "1d1h")
    assert re.match(r"Moved the emulator's clock 1 day, 1 hour forward: now .* UTC\.$", moved.out)
    assert "0 awaiting review" in deploy(capsys, "status").out
    assert "1 approved" in deploy(capsys, "status").out
    shown = deploy(capsys, "emulator", "clock", "show").out
    assert shown.endswith("(1 day, 1 hour ahead of this machine's).\n")


def test_return_abandon_and_a_new_worker_for_each_accept(project: Path, capsys: Capsys) -> None:
    write_study(project, assignments=1)
    assert deploy(capsys, "apply", "--auto-approve").code == 0
    first = deploy(capsys, "emulator", "workers", "accept", "pilot")  # the study's one batch
    assert first.code == 0, first.err
    worker = re.match(r"Added worker (A\w+) ", first.out)
    assert worker, first.out
    who = worker.group(1)
    full = deploy(capsys, "emulator", "workers", "accept", "pilot/b1")
    assert full.code == 1 and "pilot/b1 has no assignment left to accept" in full.err
    returned = deploy(capsys, "emulator", "workers", "return", "pilot", "--worker", who)
    assert returned.out.startswith(f"Worker {who} returned pilot/b1 (HIT ")
    assert returned.out.endswith("; the slot is free again.\n")
    assert deploy(capsys, "emulator", "workers", "accept", "pilot", "--worker", who).code == 0
    abandoned = deploy(capsys, "emulator", "workers", "abandon", "pilot", "--worker", who)
    assert ", as if its time ran out; the slot is free again." in abandoned.out
    gone = deploy(capsys, "emulator", "workers", "submit", "pilot", "--worker", who)
    assert gone.code == 1 and f"worker {who} is not working on pilot/b1" in gone.err


@pytest.mark.parametrize(("args", "message"), [
    (("workers", "accept", "nosuch/b1"),
     "error: nosuch/b1 is not a batch deploy created in LOCAL; run `deploy apply` first, or "
     "give the HIT ID\n"),
    (("workers", "accept", "nosuch"),
     "error: 'nosuch' is neither a batch (like nosuch/b1) nor a HIT ID, and no study 'nosuch' "
     "is recorded in LOCAL\n"),
    (("workers", "add", "--locale", "USA"),
     "error: --locale 'USA': write a country code, optionally with a subdivision, like US or "
     "US-WA\n"),
    (("workers", "submit", "pilot/b1", "--worker", "A1", "--answer", "rating"),
     "error: --answer 'rating': write NAME=VALUE, like rating=4\n"),
    (("clock", "advance", "3 days"),
     "error: '3 days' is not a duration: write it like 45s, 90m, 2h, 3d or 1h30m\n"),
    (("workers", "list", "--env", "sandbox"),
     "error: SANDBOX is real MTurk: simulated workers exist only in an emulator; use --env "
     "local, or --endpoint-url of `deploy emulator serve`\n"),
    (("workers", "add", "--worker", "a-lower"),
     "error: 'a-lower' is not a worker id (A + uppercase/digits)\n"),
])
def test_mistakes_are_one_line_errors(project: Path, capsys: Capsys, args: tuple[str, ...],
                                      message: str) -> None:
    result = deploy(capsys, "emulator", *args)
    assert (result.code, result.err) == (1, message)


def test_a_served_emulator_finds_a_batch_by_its_annotation(
        project: Path, capsys: Capsys, served: tuple[str, Emulator]) -> None:
    url, emulator = served
    write_study(project, assignments=2)
    applied = deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url)
    (hit,) = all_hits(url)
    assert f"{url}/_emulator/preview?groupId={hit['HITGroupId']}" in applied.out
    (project / ".deploy" / "local.lock").unlink()  # the record is lost; the annotation is not
    worker = _added(capsys, "--endpoint-url", url)
    accepted = deploy(capsys, "emulator", "workers", "accept", "pilot/b1", "--worker", worker,
                      "--endpoint-url", url)
    assert accepted.code == 0, accepted.err
    assert f"(HIT {hit['HITId']}, assignment " in accepted.out
    by_id = deploy(capsys, "emulator", "workers", "submit", hit["HITId"], "--worker", worker,
                   "--endpoint-url", url)
    assert by_id.out.startswith(f"Worker {worker} submitted {hit['HITId']} (assignment ")
    assert "no answers" in by_id.out  # an external page: its fields are unknown
    assert [w["WorkerId"] for w in emulator.workers.listed()] == [worker]
