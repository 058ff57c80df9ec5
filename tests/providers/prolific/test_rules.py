"""Prolific study files are checked as closely as MTurk's: located errors, did-you-mean, and
Prolific's own rules (pay per hour, the time limit, codes, other studies' names)."""

from __future__ import annotations

from pathlib import Path

import pytest
from clihelp import deploy

Capsys = pytest.CaptureFixture[str]
BASE = """\
platform: prolific
title: Tone
description: Rate twenty short texts.
external_url: "https://tasks.example.net/tone?PROLIFIC_PID={{%PROLIFIC_PID%}}"
estimated_time: 10m
reward: "1.50"
places: 20
completion_codes:
  - {code: C1, type: completed}
"""


def validate(project: Path, capsys: Capsys, text: str, name: str = "tone") -> list[str]:
    (project / "studies").mkdir(exist_ok=True)
    (project / "studies" / f"{name}.yaml").write_text(text)
    result = deploy(capsys, "validate")
    return [line for line in result.out.splitlines() if ": error: " in line or
            ": warning: " in line]


def test_a_valid_file_has_nothing_to_say(project: Path, capsys: Capsys) -> None:
    assert validate(project, capsys, BASE) == []


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('reward: "1.50"', 'reward: "0.50"', 'studies/tone.yaml:6:9: error: reward: is £0.50 for '
     'an estimated 10 minutes, £3.00 per hour; Prolific refuses to publish below £6.00 per '
     'hour: pay at least "1.00"'),
    ("estimated_time: 10m", "estimated_time: 10m\nmaximum_time: 20m", "studies/tone.yaml:6:15: "
     "error: maximum_time: is 20 minutes; Prolific allows at least 29 for an estimated 10 (2 + "
     "2T + 2 sqrt(T) minutes): raise it, or leave it out"),
    ("  - {code: C1, type: completed}", "  - {code: C1, type: completed}\n  - {code: C1, "
     "type: no_consent}", "studies/tone.yaml:10:12: error: completion_codes[1].code: C1 is also "
     "completion_codes[0]; each code must differ"),
    ("places: 20", "places: 20\neligibility: {exclude: [tones]}", "studies/tone.yaml:8:25: "
     "error: eligibility.exclude[0]: there is no study named tones; did you mean tone2?"),
    ("platform: prolific", "platform: prolfic", "studies/tone.yaml:1:11: error: platform: is "
     "'prolfic', not a platform deploy knows; did you mean prolific?"),
    ("estimated_time: 10m", "estimated_time: 0m", 'studies/tone.yaml:5:17: error: '
     'estimated_time: "0m": write whole minutes or hours, at least one minute, like "10m" or '
     '"1h"'),
    ("{{%PROLIFIC_PID%}}", "x", "studies/tone.yaml:4:15: warning: external_url: does not pass "
     "the participant ID: add PROLIFIC_PID={{%PROLIFIC_PID%}} to know who did what"),
])
def test_each_mistake_is_located_and_says_what_to_do(project: Path, capsys: Capsys, old: str,
                                                     new: str, expected: str) -> None:
    (project / "studies").mkdir(exist_ok=True)
    (project / "studies" / "tone2.yaml").write_text(BASE)
    assert old in BASE
    assert validate(project, capsys, BASE.replace(old, new)) == [expected]


def test_an_unknown_field_suggests_the_right_one(project: Path, capsys: Capsys) -> None:
    found = validate(project, capsys, BASE + "place: 3\n")
    assert len(found) == 1 and "place: unknown field" in found[0] and "places" in found[0]


def test_review_files_of_prolific_studies_need_a_category_and_100_characters(
        project: Path, capsys: Capsys) -> None:
    (project / "reviews" / "local").mkdir(parents=True)
    (project / "reviews" / "local" / "tone.csv").write_text(
        "submission_id,worker,submitted_at,decision,feedback,bonus,bonus_reason,"
        "rejection_category\n" + "a" * 24 + ",p1,,reject,too fast,,,fast\n")
    found = validate(project, capsys, BASE)
    assert found == [
        "reviews/local/tone.csv:2:5: error: feedback: is 8 characters; the platform needs at "
        "least 100 for a rejection: say what the work missed",
        "reviews/local/tone.csv:2:8: error: rejection_category: is 'FAST'; a rejection needs "
        "one of: TOO_QUICKLY, TOO_SLOWLY, FAILED_INSTRUCTIONS, INCOMP_LONGITUDINAL, "
        "FAILED_CHECK, LOW_EFFORT, MALINGERING, NO_CODE, BAD_CODE, NO_DATA, UNSUPP_DEVICE, "
        "OTHER (see the platform's rejection guidance)"]
