"""What validates, applies: whole numbers written like `9.0` reach MTurk as integers."""

from __future__ import annotations

from pathlib import Path

import pytest
from clihelp import all_hits, deploy, write_study

from deployer.emulators.mturk.models import Emulator


def test_whole_floats_validate_plan_and_apply_as_integers(
    project: Path, served: tuple[str, Emulator], capsys: pytest.CaptureFixture[str]
) -> None:
    """`percent_approved: {at_least: 95.0}` used to validate and plan, then boto3 refused the
    float halfway through the apply; `assignments: 9.0` validated, then plan crashed."""
    url, _emulator = served
    write_study(project, assignments="18.0", max_assignments_per_hit="9.0",
                lifetime="3600.0", auto_approval_delay="86400.0",
                qualifications="\n  - percent_approved: {at_least: 95.0}")
    validated = deploy(capsys, "validate")
    assert validated.code == 0 and "1 study valid" in validated.out, validated.out
    applied = deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url)
    assert applied.code == 0, applied.err
    assert "Apply complete!" in applied.out
    hits = all_hits(url)
    assert sorted(h["MaxAssignments"] for h in hits) == [9, 9]
    assert {h["QualificationRequirements"][0]["IntegerValues"][0] for h in hits} == {95}
    assert deploy(capsys, "plan", "--detailed-exitcode", "--endpoint-url", url).code == 0
