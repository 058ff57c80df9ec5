"""Numbers in study files: a whole number written `9.0` is the integer 9, everywhere.

YAML reads `9.0` as a float and JSON Schema counts it as an integer, so validate used to accept
what plan then crashed on, or what boto3 refused halfway through an apply. Now a whole float is
an integer from validation on, and anything not whole is a clear error.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from spec_helpers import BASE, edit, lines, load

from deployer.providers.mturk import fees

QUALIFIED = BASE + (
    "qualifications:\n"
    "  - percent_approved: {at_least: 95.0}\n"
    "  - hits_approved: {more_than: 1.0e+3}\n"
    "  - custom: {id: 3ABC, comparator: in, values: [1.0, 2]}\n"
)


def test_whole_floats_become_integers_in_the_study(tmp_path: Path) -> None:
    text = edit(QUALIFIED, "assignments", "assignments: 18.0")
    text = edit(text, "max_assignments_per_hit", "max_assignments_per_hit: 9.0")
    text = edit(text, "lifetime", "lifetime: 3600.0\nauto_approval_delay: 86400.0")
    text = edit(text, "assignment_duration", "assignment_duration: 1.8e+3")
    text = edit(text, "  external_url", "  external_url: https://example.org/a\n"
                "  frame_height: 800.0")
    loaded = load(tmp_path, text)
    assert loaded.errors == ()
    (study,) = loaded.studies
    values = (study.assignments, study.max_assignments_per_hit, study.lifetime,  # type: ignore[attr-defined]
              study.auto_approval_delay, study.assignment_duration)  # type: ignore[attr-defined]
    assert values == (18, 9, 3600, 86400, 1800)
    assert all(type(v) is int for v in values)
    requirements = study.qualifications  # type: ignore[attr-defined]
    assert [r.integer_values for r in requirements] == [(95,), (1000,), (1, 2)]
    assert all(type(v) is int for r in requirements for v in r.integer_values)
    assert "<FrameHeight>800</FrameHeight>" in study.question  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("key", "line", "expected"),
    [
        ("assignments", "assignments: 9.5", "pilot.yaml:4:14: error: assignments: expected a "
         "whole number, found the number 9.5"),
        ("lifetime", "lifetime: 3600.5", 'pilot.yaml:7:11: error: lifetime: is 3600.5; write '
         'whole seconds, or a duration like "90s", "45m", "2h", "7d" or "1w"'),
        ("assignments", "assignments: .inf", "pilot.yaml:4:14: error: assignments: expected a "
         "whole number, found the number inf"),
    ],
)
def test_numbers_that_are_not_whole_are_errors(tmp_path: Path, key: str, line: str,
                                               expected: str) -> None:
    assert lines(load(tmp_path, edit(BASE, key, line)), tmp_path) == [expected]


def test_a_fractional_percentage_is_an_error(tmp_path: Path) -> None:
    loaded = load(tmp_path, edit(QUALIFIED, "  - percent_approved", "  - percent_approved: "
                                 "{at_least: 95.5}"))
    assert [p.field for p in loaded.errors] == ["qualifications[0].percent_approved.at_least"]
    assert "found the number 95.5" in loaded.errors[0].message


def test_a_study_of_more_hits_than_deploy_handles_is_refused_at_once(tmp_path: Path) -> None:
    """assignments: 1000000000 in batches of 1 used to run past two minutes and 1.8 GB."""
    text = edit(BASE, "assignments", "assignments: 1000000000")
    text = edit(text, "max_assignments_per_hit", "max_assignments_per_hit: 1")
    assert lines(load(tmp_path, text), tmp_path) == [
        "pilot.yaml:5:26: error: max_assignments_per_hit: is 1, which makes 1,000,000,000 HITs "
        "of the 1,000,000,000 assignments; deploy handles at most 10,000 HITs per study: raise "
        "max_assignments_per_hit, or split the study into several files"]


def test_ten_thousand_hits_are_still_a_study(tmp_path: Path) -> None:
    text = edit(BASE, "assignments", "assignments: 90000")
    loaded = load(tmp_path, text)
    assert loaded.errors == () and len(loaded.studies) == 1


def test_the_schemas_largest_study_validates_with_its_fee_advice(tmp_path: Path) -> None:
    """assignments: 1000000000 in one HIT used to run past two minutes: the saving of batches
    of 9 was summed over 111 million batches."""
    text = edit(BASE, "assignments", "assignments: 1000000000")
    loaded = load(tmp_path, edit(text, "max_assignments_per_hit", ""))
    assert loaded.errors == () and len(loaded.studies) == 1
    assert any("add max_assignments_per_hit: 9 to save $200,000,000.00" in p.message
               for p in loaded.warnings), [p.message for p in loaded.warnings]


@pytest.mark.parametrize(("assignments", "per_hit"), [(1, None), (9, 9), (10, 9), (95, 9),
                                                      (1000, 7), (37, 40), (18, 9)])
def test_the_cost_of_a_study_is_the_sum_over_its_batches(assignments: int,
                                                         per_hit: int | None) -> None:
    reward = Decimal("1.37")
    for masters in (False, True):
        by_batch = sum((fees.hit_cost(reward, size, masters)
                        for size in fees.batch_sizes(assignments, per_hit)), Decimal("0.00"))
        assert fees.study_cost(reward, assignments, per_hit, masters) == by_batch
