"""Review files: every problem at its line and column, and the Review values of good files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from spec_helpers import BASE

from deployer.providers.mturk.spec.rules import build_study
from deployer.spec.reviews import ReviewRules, load_all, load_review

RULES = ReviewRules("assignment_id", 1024)
HEADER = "assignment_id,worker,submitted_at,decision,feedback,bonus,bonus_reason\n"


def review(tmp_path: Path, body: str, name: str = "pilot", env: str = "local") -> Path:
    path = tmp_path / "reviews" / env / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    return [str(p) for p in load_review(path, "r.csv", RULES)[1]]


def test_decisions_feedback_and_bonuses_are_read(tmp_path: Path) -> None:
    path = review(tmp_path, 'A1,p1,t,approve,,"0.50",Thorough answers\n'
                            "A2,p2,t,Reject,You skipped the clips.,,\n"
                            "A3,p3,t,,,,\n")
    found, problems = load_review(path, "r.csv", RULES)
    assert problems == [] and found is not None
    assert [(d.submission_id, d.line, d.verdict, d.feedback, d.bonus, d.bonus_reason)
            for d in found.decisions] == [
        ("A1", 2, "approve", "", Decimal("0.50"), "Thorough answers"),
        ("A2", 3, "reject", "You skipped the clips.", None, ""),
        ("A3", 4, "", "", None, ""),
    ]


@pytest.mark.parametrize("row, message", [
    ("A1,p,t,accept,,,", 'r.csv:2:4: error: decision: is \'accept\': write approve, reject, or '
     "leave it empty for the platform's auto-approval; did you mean approve?"),
    ("A1,p,t,rejected,,,", "r.csv:2:4: error: decision: is 'rejected': write approve, reject, "
     "or leave it empty for the platform's auto-approval; did you mean reject?"),
    ("A1,p,t,reject,,,", "r.csv:2:5: error: feedback: is empty; a rejection needs feedback: the "
     "worker reads it, so say what the work missed"),
    ("A1,p,t,,,$1.00,Thanks", "r.csv:2:6: error: bonus: is '$1.00'; write the total bonus in "
     "dollars, like 0.50 (drop the currency sign)"),
    ("A1,p,t,,,\"1,50\",Thanks", "r.csv:2:6: error: bonus: is '1,50'; write the total bonus in "
     "dollars, like 0.50 (use a point for cents)"),
    ("A1,p,t,,,-1,Thanks", "r.csv:2:6: error: bonus: is '-1'; write the total bonus in dollars, "
     "like 0.50 (no sign, at most two decimals)"),
    ("A1,p,t,,,0.505,Thanks", "r.csv:2:6: error: bonus: is '0.505'; write the total bonus in "
     "dollars, like 0.50 (no sign, at most two decimals)"),
    ("A1,p,t,,,1.00,", "r.csv:2:7: error: bonus_reason: is empty; a bonus needs a reason: the "
     "worker reads it with the payment"),
    (",p,t,approve,,,", "r.csv:2:1: error: assignment_id: is empty; every row names one "
     "submission"),
    ("A1,p,t,reject," + "x" * 1025 + ",,", "r.csv:2:5: error: feedback: is 1,025 characters; "
     "the platform takes at most 1,024"),
])
def test_each_mistake_is_located_and_explained(tmp_path: Path, row: str, message: str) -> None:
    assert problems(review(tmp_path, row + "\n")) == [message]


def test_duplicate_rows_name_both_lines(tmp_path: Path) -> None:
    path = review(tmp_path, "A1,p,t,approve,,,\nA2,p,t,,,,\nA1,p,t,reject,no,,\n")
    assert problems(path) == ["r.csv:4:1: error: assignment_id: A1 is also on line 2; keep one "
                              "row per submission"]


def test_a_multi_line_feedback_keeps_the_next_row_on_its_own_line(tmp_path: Path) -> None:
    path = review(tmp_path, 'A1,p,t,reject,"line one\nline two",,\nA2,p,t,maybe,,,\n')
    assert problems(path)[0].startswith("r.csv:4:4: error: decision: is 'maybe'")


def test_a_missing_column_says_what_the_header_must_be(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("assignment_id,decision,feedback\nA1,approve,\n")
    assert problems(path) == [
        "r.csv:1:1: error: has no column 'bonus'; the first line must name the columns "
        "assignment_id, decision, feedback, bonus, bonus_reason (as `deploy results` writes "
        "them)",
        "r.csv:1:1: error: has no column 'bonus_reason'; the first line must name the columns "
        "assignment_id, decision, feedback, bonus, bonus_reason (as `deploy results` writes "
        "them)"]


def test_extra_columns_for_notes_are_allowed_and_a_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(("\ufeff" + HEADER.rstrip("\n") + ",my notes\nA1,p,t,approve,,,,nice\n")
                     .encode("utf-8"))
    found, found_problems = load_review(path, "r.csv", RULES)
    assert found_problems == [] and found is not None and found.decisions[0].verdict == "approve"


def test_validate_checks_reviews_against_studies_and_saved_results(
        project: Path) -> None:
    (project / "studies" / "pilot.yaml").write_text(BASE + "review: approve_all\n")
    review(project, "A1,p,t,approve,,,\nA7,p,t,reject,Not done,,\n")
    review(project, "A1,p,t,,,,\n", name="pilto")
    results = project / "results" / "local" / "pilot.csv"
    results.parent.mkdir(parents=True)
    results.write_text("study,batch,generation,hit_id,assignment_id\npilot,b1,1,H1,A1\n")
    loaded = load_all([], build_study, {"mturk": RULES}, "mturk")
    assert [str(p) for p in loaded.problems] == [
        "reviews/local/pilot.csv:3:1: error: A7 is not a submission in "
        "results/local/pilot.csv; check the ID (or run `deploy results` again)",
        "reviews/local/pilot.csv:3:1: error: decision: is reject, but studies/pilot.yaml says "
        "`review: approve_all`; remove the rejection or the setting",
        "reviews/local/pilto.csv: warning: there is no study file studies/pilto.yaml for this "
        "review; did you mean pilot.csv?",
    ]
    assert [r.study for r in loaded.reviews] == ["pilto"]
    assert "reviews/local/pilot.csv" in loaded.failed
