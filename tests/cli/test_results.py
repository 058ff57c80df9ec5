"""`deploy results` and the review it starts: files a researcher opens, never a raw worker ID."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas
import pytest
from clihelp import deploy, submit, write_study

from deployer.emulators.mturk.models import Emulator

Capsys = pytest.CaptureFixture[str]
COLUMNS = ["study", "batch", "generation", "hit_id", "assignment_id", "worker", "status",
           "accepted_at", "submitted_at", "auto_approval_at", "reviewed_at", "seconds_worked",
           "feedback"]


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_results_hold_every_submission_with_pseudonyms_and_start_the_review(
        project: Path, served: tuple[str, Emulator], capsys: Capsys) -> None:
    url, emulator = served
    local = ("--endpoint-url", url)
    write_study(project, assignments=6, max_assignments_per_hit=3)
    assert deploy(capsys, "apply", "--auto-approve", *local).code == 0
    workers = submit(emulator, url, [{"rating": "4", "comment": 'café, "quoted"\nnew line'},
                                     {"rating": "2"}, {"rating": "5", "comment": "ok"}])

    first = deploy(capsys, "results", *local)
    assert first.code == 0, first.err
    assert first.out == ("results/local/pilot.csv: 3 submissions (3 new); "
                         "reviews/local/pilot.csv: 3 rows added for review\n")
    path = project / "results" / "local" / "pilot.csv"
    found = rows(path)
    assert list(found[0]) == [*COLUMNS, "rating", "comment"]
    assert {r["batch"] for r in found} == {"b1", "b2"}
    assert sorted(r["rating"] for r in found) == ["2", "4", "5"]
    assert 'café, "quoted"\nnew line' in [r["comment"] for r in found]
    assert all(r["status"] == "Submitted" and r["submitted_at"].endswith("Z") for r in found)
    text = path.read_text(encoding="utf-8")
    assert not any(w in text for w in workers)  # pseudonyms only
    assert len({r["worker"] for r in found}) == 3
    frame = pandas.read_csv(path)  # no options: a researcher's first line of analysis
    assert list(frame.columns) == [*COLUMNS, "rating", "comment"] and len(frame) == 3

    review = project / "reviews" / "local" / "pilot.csv"
    assert [r["assignment_id"] for r in rows(review)] == [r["assignment_id"] for r in found]
    assert {r["worker"] for r in rows(review)} == {r["worker"] for r in found}
    assert not any(w in review.read_text() for w in workers)

    # A decision written by hand survives; only new submissions are added below it.
    edited = review.read_text().replace(",,,,\n", ",approve,,0.25,Thanks!\n", 1)
    review.write_text(edited)
    submit(emulator, url, [{"rating": "3", "extra": "x"}])
    second = deploy(capsys, "results", *local)
    assert "4 submissions (1 new)" in second.out and "1 row added for review" in second.out
    assert review.read_text().startswith(edited)
    assert list(rows(path)[0])[-3:] == ["rating", "comment", "extra"]  # old order kept


def test_jsonl_keeps_answers_nested_and_raw_ids_are_written_only_on_request(
        project: Path, served: tuple[str, Emulator], capsys: Capsys) -> None:
    url, emulator = served
    write_study(project, assignments=2)
    assert deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url).code == 0
    (worker,) = submit(emulator, url, [{"rating": "4"}])
    result = deploy(capsys, "results", "--format", "jsonl", "--worker-ids", "raw",
                    "--endpoint-url", url)
    assert result.code == 0
    assert "holds raw worker IDs" in result.err and "keep those files out of git" in result.err
    (line,) = (project / "results" / "local" / "pilot.jsonl").read_text().splitlines()
    record = json.loads(line)
    assert record["worker"] == worker and record["answers"] == {"rating": "4"}
    assert record["reviewed_at"] is None
    assert worker not in (project / "reviews" / "local" / "pilot.csv").read_text()


def test_bad_options_and_unknown_studies_are_clear_errors(
        project: Path, served: tuple[str, Emulator], capsys: Capsys) -> None:
    url = served[0]
    assert deploy(capsys, "results", "--format", "xlsx").err == (
        "error: unknown --format 'xlsx': use csv or jsonl\n")
    assert deploy(capsys, "results", "--worker-ids", "real").err == (
        "error: unknown --worker-ids 'real': use pseudonym or raw\n")
    missing = deploy(capsys, "results", "--study", "ghost", "--endpoint-url", url)
    assert missing.code == 1 and missing.err == (
        "error: nothing of study ghost is recorded in LOCAL; `deploy apply --env local` "
        "posts it first\n")
