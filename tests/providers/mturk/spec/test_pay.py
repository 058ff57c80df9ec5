"""Hourly pay against a floor, time to review, and a closing time in the past (issue 12, item 9)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from spec_helpers import BASE, edit, lines, write

from deployer.providers.mturk.pay import hourly, pay_summary, reward_for, span
from deployer.providers.mturk.spec.rules import build_study
from deployer.spec.loader import load_studies

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
# BASE pays "1.00" for assignment_duration 8m: $7.50/h.


def check(root: Path, text: str, settings: str | None = None) -> list[str]:
    """Problems of studies/pilot.yaml under `root`, with an optional root/deploy.yaml."""
    write(root / "studies", text)
    if settings is not None:
        write(root, settings, "deploy.yaml")
    return lines(load_studies([root / "studies"], build_study, now=NOW), root)


def test_pay_helpers() -> None:
    assert hourly(Decimal("1.50"), 600) == Decimal("9.00")
    assert hourly(Decimal("1.00"), 7 * 60) == Decimal("8.57")  # rounded down
    assert reward_for(Decimal("7.25"), 1800) == Decimal("3.63")  # rounded up
    assert [span(s) for s in (90, 600, 5400, 7200, 86400)] == ["90s", "10m", "90m", "2h", "1d"]
    assert pay_summary(Decimal("1.50"), 2700, 600) == (
        "pays $1.50 per assignment: $9.00/h over estimated_duration (10m), at least $2.00/h "
        "over assignment_duration (45m)")


def test_low_pay_over_assignment_duration_warns_with_the_reward_that_would_do(
        tmp_path: Path) -> None:
    assert check(tmp_path, edit(BASE, "assignment_duration", "assignment_duration: 30m")) == [
        'studies/pilot.yaml:3:9: warning: reward: pays $2.00/h over assignment_duration (30m), '
        "below the minimum hourly pay of $7.25 (the US federal minimum wage); raise reward to "
        '"3.63" or more, or add estimated_duration if the task usually takes less time']


def test_estimated_duration_is_what_the_pay_is_measured_over(tmp_path: Path) -> None:
    text = edit(BASE, "assignment_duration", "assignment_duration: 30m\nestimated_duration: 5m")
    assert check(tmp_path, text) == []  # $12.00/h
    slow = edit(BASE, "assignment_duration", "assignment_duration: 30m\nestimated_duration: 10m")
    assert check(tmp_path, slow) == [
        "studies/pilot.yaml:3:9: warning: reward: pays $6.00/h over estimated_duration (10m), "
        'below the minimum hourly pay of $7.25 (the US federal minimum wage); raise reward to '
        '"1.21" or more']


def test_an_estimate_longer_than_the_time_allowed_is_an_error(tmp_path: Path) -> None:
    text = edit(BASE, "assignment_duration", "assignment_duration: 8m\nestimated_duration: 1h")
    assert check(tmp_path, text) == [
        "studies/pilot.yaml:7:21: error: estimated_duration: is 1h, longer than "
        "assignment_duration (8m): workers would run out of time; raise assignment_duration or "
        "check the estimate"]


def test_the_floor_comes_from_the_study_then_deploy_yaml(tmp_path: Path) -> None:
    own = BASE + 'minimum_hourly_pay: "12.00"\n'
    assert check(tmp_path, own) == [
        "studies/pilot.yaml:3:9: warning: reward: pays $7.50/h over assignment_duration (8m), "
        "below the minimum hourly pay of $12.00 (minimum_hourly_pay); raise reward to \"1.60\" "
        "or more, or add estimated_duration if the task usually takes less time"]
    assert check(tmp_path, BASE, 'minimum_hourly_pay: "15.00"\n') == [
        "studies/pilot.yaml:3:9: warning: reward: pays $7.50/h over assignment_duration (8m), "
        "below the minimum hourly pay of $15.00 (minimum_hourly_pay in deploy.yaml); raise "
        'reward to "2.00" or more, or add estimated_duration if the task usually takes less time']
    assert check(tmp_path, own.replace("12.00", "0"), 'minimum_hourly_pay: "15.00"\n') == []


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ("minimum_hourly_pay: 12", "deploy.yaml:1:21: error: minimum_hourly_pay: is 12; write "
         'dollars per hour in quotes, like "12.00"'),
        ('minimum_hourly_wage: "12.00"', "deploy.yaml:1:1: error: minimum_hourly_wage: unknown "
         'setting; did you mean "minimum_hourly_pay"?'),
        ("- 12", "deploy.yaml:1:1: error: the top level must be fields like `title: ...`, found "
         "a list"),
    ],
)
def test_a_broken_deploy_yaml_is_reported_in_it(tmp_path: Path, settings: str,
                                                 expected: str) -> None:
    assert check(tmp_path, BASE, settings) == [expected]


def test_auto_approval_at_once_warns_that_nothing_can_be_rejected(tmp_path: Path) -> None:
    assert check(tmp_path, BASE + "auto_approval_delay: 0\n") == [
        "studies/pilot.yaml:10:22: warning: auto_approval_delay: is 0: MTurk approves and pays "
        "every submission at once, so no work can be rejected; give yourself time to review, "
        "like 3d"]


def test_a_closing_time_in_the_past_warns(tmp_path: Path) -> None:
    text = edit(BASE, "lifetime", 'closes_at: "2026-11-29T17:00:00Z"')
    assert check(tmp_path, text) == [
        "studies/pilot.yaml:7:12: warning: closes_at: is 2026-11-29T17:00:00Z, which has passed: "
        "no HIT of this study can be created, and `deploy apply` expires the open ones; move it "
        "later, or set `state: closed`"]
    assert check(tmp_path, text + "state: closed\n") == []
