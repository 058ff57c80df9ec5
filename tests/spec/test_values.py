"""Review fixes: closes_at within MTurk's reach, money and duration wording, misplaced and
misspelt keys, empty lists and the template's placeholders."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from spec_helpers import BASE, edit, lines, write

from deployer.providers.mturk.spec.rules import build_study
from deployer.providers.mturk.spec.template import fill_template
from deployer.spec.loader import load_studies
from deployer.spec.values import normalise_moment, parse_moment

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def check(directory: Path, text: str) -> list[str]:
    write(directory, text)
    return lines(load_studies([directory], build_study, now=NOW), directory)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"2028-12-31T00:00:00Z"', "is 762 days away; MTurk keeps a HIT open at most 365 days"),
        ('"2027-12-01T12:00:00Z"', "is 366 days away; MTurk keeps a HIT open at most 365 days"),
        ('"2027-11-30T12:00:01Z"', "is 366 days away; MTurk keeps a HIT open at most 365 days"),
        ('"9999-12-31T23:59:59-12:00"', "is out of range"),
        ('"0001-01-01T00:00:00+01:00"', "is out of range"),
        ('"9999-12-31T23:59:59Z"', "is 2,912,110 days away; MTurk keeps a HIT open at most "
         "365 days"),
    ],
)
def test_closes_at_must_be_within_365_days(tmp_path: Path, value: str, expected: str) -> None:
    text = edit(BASE, "lifetime", f"closes_at: {value}")
    assert check(tmp_path, text) == [f"pilot.yaml:7:12: error: closes_at: {expected}"]


def test_closes_at_365_days_away_is_fine(tmp_path: Path) -> None:
    text = edit(BASE, "lifetime", 'closes_at: "2027-11-30T12:00:00Z"')
    assert check(tmp_path, text) == []


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("2027-01-01T10:00:00Z", "2027-01-01T10:00:00+00:00"),
        ("2027-01-01t10:00:00.5z", "2027-01-01T10:00:00.500000+00:00"),
        ("2027-01-01 10:00:00.1234567-08:00", "2027-01-01T10:00:00.123456-08:00"),
        ("2027-01-01T10:00+02:00", "2027-01-01T10:00+02:00"),
    ],
)
def test_closes_at_is_normalised_for_python_3_10(text: str, normalised: str) -> None:
    """3.10's fromisoformat reads no Z and only 3 or 6 fraction digits."""
    assert normalise_moment(text) == normalised
    assert re.fullmatch(r"[0-9-]{10}T[0-9:]{5}(:[0-9]{2}(\.[0-9]{6})?)?[+-][0-9:]{5}", normalised)
    assert parse_moment(text).tzinfo is not None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('reward: "1.505"', 'reward: "1.505": at most 2 decimals (MTurk pays whole cents), '
         'like "1.50" or "1.51"'),
        ('reward: "1.500"', 'reward: "1.500": at most 2 decimals (MTurk pays whole cents), '
         'like "1.50"'),
        ('reward: "-1.00"', 'reward: "-1.00": cannot be negative'),
        ('reward: "$1.50"', 'reward: "$1.50": leave out the $ sign, like "1.50"'),
        ("reward: $1.50", 'reward: "$1.50": leave out the $ sign and write the amount in quotes, '
         'like "1.50"'),
        ('reward: "USD 1.20"', 'reward: "USD 1.20": leave out USD, like "1.20"'),
        ('reward: "$1.20 USD"', 'reward: "$1.20 USD": leave out the $ sign and USD, like "1.20"'),
        ('reward: "one"', 'reward: "one": write dollars and cents, like "1.50"'),
        ("reward: one", 'reward: "one": write dollars and cents in quotes, like "1.50"'),
    ],
)
def test_money_messages(tmp_path: Path, line: str, expected: str) -> None:
    assert check(tmp_path, edit(BASE, "reward", line)) == [f"pilot.yaml:3:9: error: {expected}"]
    budget = line.replace("reward", "budget")
    assert check(tmp_path, BASE + budget + "\n") == \
        [f"pilot.yaml:10:9: error: {expected.replace('reward', 'budget')}"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("lifetime: 1.5", 'is 1.5; write whole seconds, or a duration like "90s", "45m", '
         '"2h", "7d" or "1w"'),
        ("lifetime: 0x20", '"0x20": write a duration like "90s", "45m", "2h", "7d" or "1w", '
         "or a number of seconds"),
        ("lifetime: 1_000", '"1_000": write a duration like "90s", "45m", "2h", "7d" or "1w", '
         "or a number of seconds"),
        ("lifetime: 1.5h", '"1.5h": write whole numbers; 1.5h is 90m'),
        ("lifetime: 0.5d", '"0.5d": write whole numbers; 0.5d is 12h'),
        ("lifetime: 1.5w", '"1.5w": write whole numbers; 1.5w is 252h'),
        ("lifetime: 1h30m", '"1h30m": write one unit; 1h30m is 90m'),
        ("lifetime: 1d 12h", '"1d 12h": write one unit; 1d 12h is 36h'),
    ],
)
def test_duration_messages_are_one_each(tmp_path: Path, line: str, expected: str) -> None:
    assert check(tmp_path, edit(BASE, "lifetime", line)) == \
        [f"pilot.yaml:7:11: error: lifetime: {expected}"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (edit(BASE, "  external_url", "external_url: https://a.org"),
         ["pilot.yaml:9:1: error: external_url: belongs under question:; indent it"]),
        (edit(edit(BASE, "  external_url", ""), "question", "html_file: page.html"),
         ["pilot.yaml:8:1: error: html_file: belongs under question:; add a `question:` line "
          "above it and indent it"]),
        (BASE + "locale: {in: [US]}\n",
         ["pilot.yaml:10:1: error: locale: belongs under qualifications:, as an entry like "
          "`- locale: ...`"]),
        (edit(BASE, "assignment_duration", "duration: 30m"),
         ['pilot.yaml:6:1: error: duration: unknown field; did you mean "assignment_duration"?']),
        (BASE + "approval_delay: 2d\n",
         ['pilot.yaml:10:1: error: approval_delay: unknown field; did you mean '
          '"auto_approval_delay"?']),
        (edit(BASE, "reward", 'Reword: "1.00"'),
         ['pilot.yaml:3:1: error: Reword: unknown field; did you mean "reward"?']),
        (edit(BASE, "title", "Title: Rate"),
         ['pilot.yaml:1:1: error: Title: unknown field; did you mean "title"?']),
    ],
)
def test_misplaced_and_misspelt_keys_get_one_line(tmp_path: Path, text: str,
                                                 expected: list[str]) -> None:
    assert check(tmp_path, text) == expected


def test_the_template_warns_about_its_placeholders(tmp_path: Path) -> None:
    assert check(tmp_path, fill_template("pilot")) == [
        "pilot.yaml:9:8: warning: title: still the template's placeholder; describe your study",
        "pilot.yaml:10:14: warning: description: still the template's placeholder; say what the "
        "task involves and how long it takes",
        "pilot.yaml:31:17: warning: question.external_url: still the template's placeholder; "
        "give your study's https address",
    ]


def test_the_template_validates_with_its_examples_commented_out(tmp_path: Path) -> None:
    text = fill_template("pilot").replace("title: A short", "title: My short")
    text = text.replace("example.org/your-study", "example.org/my-study")
    text = text.replace("  - locale:", "  # - locale:").replace("  - percent", "  # - percent")
    text = text.replace("keywords: [research, study]", "keywords:")
    text = text.replace("  One or two", "  Two")
    assert "\nqualifications:" in text and "  # - locale: {in: [US]}" in text
    write(tmp_path, text)
    loaded = load_studies([tmp_path], build_study, strict=True, now=NOW)
    assert lines(loaded, tmp_path) == []
    assert (loaded.studies[0].qualifications, loaded.studies[0].keywords) == ((), ())
