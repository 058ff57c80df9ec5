"""From submissions to decisions and bonuses, through the CLI as a researcher runs it."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from clihelp import client, deploy, submit, write_study

from deployer.emulators.mturk.models import Emulator

Capsys = pytest.CaptureFixture[str]


def fill(review: Path, decisions: list[tuple[str, str, str]]) -> list[str]:
    """(decision, feedback, bonus) per row in order; the rows' assignment IDs."""
    with open(review, newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row, (decision, feedback, bonus) in zip(rows, decisions, strict=True):
        row.update(decision=decision, feedback=feedback, bonus=bonus,
                   bonus_reason="For careful ratings" if bonus else "")
    with open(review, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return [row["assignment_id"] for row in rows]


def test_decisions_and_bonuses_are_planned_priced_applied_and_converge(
        project: Path, served: tuple[str, Emulator], capsys: Capsys) -> None:
    url, emulator = served
    local = ("--endpoint-url", url)
    write_study(project, assignments=4)
    assert deploy(capsys, "apply", "--auto-approve", *local).code == 0
    workers = submit(emulator, url, [{"rating": str(n)} for n in range(3)])
    assert deploy(capsys, "results", *local).code == 0
    review = project / "reviews" / "local" / "pilot.csv"
    ids = fill(review, [("approve", "", "1.00"), ("reject", "You skipped the clips.", ""),
                        ("", "", "")])

    validated = deploy(capsys, "validate")
    assert validated.code == 0 and validated.out.endswith("1 study and 1 review file valid\n")
    planned = deploy(capsys, "plan", "--detailed-exitcode", *local)
    assert planned.code == 2, planned.out
    assert "Plan: 0 to create, 0 to change, 0 to expire, 1 to approve, 1 to reject, " \
        "1 bonus to pay." in planned.out
    assert f"ok pilot/b1/{ids[0]}" in planned.out and f"x pilot/b1/{ids[1]}" in planned.out
    assert 'feedback:     "You skipped the clips."' in planned.out
    assert "pilot  +$1.20" in planned.out  # the bonus and its 20% fee
    assert not any(w in planned.out for w in workers)
    as_json = json.loads(deploy(capsys, "plan", "--format", "json", *local).out)
    assert sorted(a["kind"] for a in as_json["actions"]) == ["approve", "bonus", "reject"]
    assert as_json["summary"]["pay"] == 1 and as_json["added_cost"] == "1.20"

    applied = deploy(capsys, "apply", "--auto-approve", *local)
    assert applied.code == 0, applied.err
    mturk = client(url)
    status = {a: mturk.get_assignment(AssignmentId=a)["Assignment"]["AssignmentStatus"]
              for a in ids}
    assert status == {ids[0]: "Approved", ids[1]: "Rejected", ids[2]: "Submitted"}
    bonuses = mturk.list_bonus_payments(AssignmentId=ids[0])["BonusPayments"]
    assert [(b["BonusAmount"], b["Reason"]) for b in bonuses] == [
        ("1.00", "For careful ratings")]
    again = deploy(capsys, "plan", "--detailed-exitcode", *local)
    assert again.code == 0 and again.out.startswith("No changes."), again.out

    # A higher total pays the difference; a lower one is refused: a bonus cannot be taken back.
    fill(review, [("approve", "", "1.50"), ("reject", "You skipped the clips.", ""), ("", "", "")])
    more = deploy(capsys, "apply", "--auto-approve", *local)
    assert "bonus of $0.50 paid ($1.50 in total)" in more.out
    assert sum(Decimal(b["BonusAmount"]) for b in mturk.list_bonus_payments(
        AssignmentId=ids[0])["BonusPayments"]) == Decimal("1.50")
    fill(review, [("approve", "", "1.00"), ("reject", "You skipped the clips.", ""), ("", "", "")])
    less = deploy(capsys, "plan", *local)
    assert less.code == 1 and "a bonus cannot be taken back" in less.out


def test_a_broken_review_file_stops_plan_with_every_error(
        project: Path, served: tuple[str, Emulator], capsys: Capsys) -> None:
    write_study(project)
    review = project / "reviews" / "local" / "pilot.csv"
    review.parent.mkdir(parents=True)
    review.write_text("assignment_id,worker,submitted_at,decision,feedback,bonus,bonus_reason\n"
                      "A1,p,t,reject,,,\nA2,p,t,,,$2,Thanks\n")
    result = deploy(capsys, "plan", "--endpoint-url", served[0])
    assert result.code == 1 and result.out == ""
    assert result.err == (
        "error: the review and participant files have 2 errors; fix them (see `deploy "
        "validate`):\n"
        "  reviews/local/pilot.csv:2:5: error: feedback: is empty; a rejection needs feedback: "
        "the worker reads it, so say what the work missed\n"
        "  reviews/local/pilot.csv:3:6: error: bonus: is '$2'; write the total bonus in dollars, "
        "like 0.50 (drop the currency sign)\n")


def test_approve_all_pays_every_submission_at_each_apply(
        project: Path, served: tuple[str, Emulator], capsys: Capsys) -> None:
    url, emulator = served
    write_study(project, assignments=3, review="approve_all")
    assert deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url).code == 0
    submit(emulator, url, [{"rating": "1"}, {"rating": "2"}])
    applied = deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url)
    assert "Plan: 0 to create, 0 to change, 0 to expire, 2 to approve." in applied.out
    mturk = client(url)
    hit = mturk.list_hits()["HITs"][0]["HITId"]
    statuses = [a["AssignmentStatus"] for a in mturk.list_assignments_for_hit(
        HITId=hit)["Assignments"]]
    assert statuses == ["Approved", "Approved"]
