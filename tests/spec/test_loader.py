"""Field rules: exact messages at exact places, and the Study values built from valid files."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from spec_helpers import BASE, REPO, edit, lines, load, write

from deployer.core.errors import ValidationError
from deployer.providers.mturk.spec.rules import build_study
from deployer.providers.registry import BUILD
from deployer.spec.loader import load_studies, require_valid


@pytest.mark.parametrize(
    ("key", "line", "expected"),
    [
        ("reward", "reward: 1.5", 'pilot.yaml:3:9: error: reward: write the amount in quotes, '
         'like "1.50" (a bare number can lose cents)'),
        ("reward", "reward: 2", 'pilot.yaml:3:9: error: reward: write the amount in quotes, '
         'like "1.50" (a bare number can lose cents)'),
        ("reward", 'reward: "1.234"', 'pilot.yaml:3:9: error: reward: "1.234": at most 2 '
         'decimals (MTurk pays whole cents), like "1.23" or "1.24"'),
        ("reward", 'reward: "$1"', 'pilot.yaml:3:9: error: reward: "$1": leave out the $ sign, '
         'like "1"'),
        ("title", 'title: "   "', "pilot.yaml:1:8: error: title: must not be blank"),
        ("title", "title: " + "x" * 129,
         "pilot.yaml:1:8: error: title: is 129 characters long; the maximum is 128"),
        ("assignments", "assignments: 0",
         "pilot.yaml:4:14: error: assignments: is 0; the minimum is 1"),
        ("assignments", "assignments: many",
         'pilot.yaml:4:14: error: assignments: expected a whole number, found the text "many"'),
        ("assignment_duration", "assignment_duration: 2 hours",
         'pilot.yaml:6:22: error: assignment_duration: "2 hours": write a duration like "90s", '
         '"45m", "2h", "7d" or "1w", or a number of seconds'),
        ("assignment_duration", "assignment_duration: 10",
         "pilot.yaml:6:22: error: assignment_duration: is 10 seconds; the minimum is 30 seconds"),
        ("assignment_duration", "assignment_duration: 20s",
         "pilot.yaml:6:22: error: assignment_duration: is 20s (20 seconds); the minimum is "
         "30 seconds"),
        ("lifetime", "lifetime: 53w", "pilot.yaml:7:11: error: lifetime: is 53w (32,054,400 "
         "seconds); the maximum is 365 days"),
        ("lifetime", "lifetime: 31536001", "pilot.yaml:7:11: error: lifetime: is 31536001 "
         "seconds; the maximum is 31536000 seconds (365 days)"),
        ("lifetime", "lifetime: 7d\nauto_approval_delay: 31d",
         "pilot.yaml:8:22: error: auto_approval_delay: is 31d (2,678,400 seconds); the maximum "
         "is 30 days"),
        ("lifetime", "",
         "pilot.yaml:1:1: error: lifetime: missing; add lifetime or closes_at"),
        ("lifetime", 'closes_at: "2027-01-01T10:00:00"', "pilot.yaml:7:12: error: closes_at: "
         'write a date and time with a time zone, like "2026-12-01T17:00:00Z" or '
         '"2026-12-01T09:00:00-08:00"'),
        ("lifetime", "closes_at: 2027-02-30T10:00:00Z",
         "pilot.yaml:7:12: error: closes_at: is not a real date and time"),
        ("max_assignments_per_hit", "max_assignments_per_hit: 0",
         "pilot.yaml:5:26: error: max_assignments_per_hit: is 0; the minimum is 1"),
        ("description", "description: d\ntitel: x",
         'pilot.yaml:3:1: error: titel: unknown field; did you mean "title"?'),
        ("description", "description: d\ncolour: blue",
         "pilot.yaml:3:1: error: colour: unknown field; expected one "
         "of assignment_duration, assignments, auto_approval_delay, aws_account, budget, "
         "closes_at, description, estimated_duration, exclude, keywords, lifetime, "
         "max_assignments_per_hit, minimum_hourly_pay, notifications, only, platform, "
         "production, qualifications, question, repeat_workers, review, reward, state or title"),
        ("description", "", 'pilot.yaml:1:1: error: description: missing; add it, e.g. '
         'description: "Watch three short clips and rate how happy or sad the person looks, '
         'moment by moment. About 10 minutes."'),
        ("description", "description: d\nstate: opne",
         'pilot.yaml:3:8: error: state: is "opne"; did you mean "open"?'),
        ("description", "description: d\nstate: stopped",
         'pilot.yaml:3:8: error: state: is "stopped"; must be open, paused or closed'),
        ("description", "description: d\nkeywords: [video, 'a, b']",
         'pilot.yaml:3:19: error: keywords[1]: "a, b": one keyword per entry; a comma would '
         "split it in two"),
        ("description", "description: d\nbudget: 50", 'pilot.yaml:3:9: error: budget: write the '
         'amount in quotes, like "1.50" (a bare number can lose cents)'),
    ],
)
def test_field_rules(tmp_path: Path, key: str, line: str, expected: str) -> None:
    loaded = load(tmp_path, edit(BASE, key, line))
    assert lines(loaded, tmp_path) == [expected]
    assert loaded.studies == ()


def test_both_lifetime_and_closes_at(tmp_path: Path) -> None:
    loaded = load(tmp_path, BASE + 'closes_at: "2027-01-01T10:00:00Z"\n')
    assert lines(loaded, tmp_path) == [
        "pilot.yaml:10:1: error: closes_at: give only one of lifetime or closes_at; "
        "found lifetime and closes_at"
    ]


def test_keywords_joined_must_fit_1000_characters(tmp_path: Path) -> None:
    words = ", ".join(["k" * 99] * 11)  # 11 x 99 + 10 commas = 1099
    loaded = load(tmp_path, BASE + f"keywords: [{words}]\n")
    assert lines(loaded, tmp_path) == [
        "pilot.yaml:10:11: error: keywords: are 1,099 characters joined with commas; "
        "MTurk accepts at most 1,000"
    ]


def test_all_problems_of_a_file_are_reported_together(tmp_path: Path) -> None:
    text = edit(edit(BASE, "reward", "reward: 1.5"), "assignments", "assignments: 0")
    text += "qualifications:\n  - locale: {in: [UK]}\n"
    assert lines(load(tmp_path, text), tmp_path) == [
        'pilot.yaml:3:9: error: reward: write the amount in quotes, like "1.50" '
        "(a bare number can lose cents)",
        "pilot.yaml:4:14: error: assignments: is 0; the minimum is 1",
        "pilot.yaml:11:19: error: qualifications[0].locale.in[0]: UK is not an ISO country "
        "code; write GB",
    ]


# --- money -----------------------------------------------------------------------------------


def test_forty_percent_fee_warning_states_the_saving(tmp_path: Path) -> None:
    text = edit(edit(BASE, "assignments", "assignments: 20"),
                "max_assignments_per_hit", "max_assignments_per_hit: 20")
    loaded = load(tmp_path, text)
    assert lines(loaded, tmp_path) == [
        "pilot.yaml:5:26: warning: max_assignments_per_hit: is 20; HITs of 10 or more "
        "assignments pay a 40% fee instead of 20%; batches of 9 would save $4.00"
    ]
    assert [s.name for s in loaded.studies] == ["pilot"]  # a warning does not block


def test_single_large_hit_warning(tmp_path: Path) -> None:
    text = edit(edit(BASE, "assignments", "assignments: 20"), "max_assignments_per_hit", "")
    assert lines(load(tmp_path, text), tmp_path) == [
        "pilot.yaml:4:14: warning: assignments: is 20 in a single HIT; HITs of 10 or more "
        "assignments pay a 40% fee instead of 20%; add max_assignments_per_hit: 9 to save $4.00"
    ]


def test_masters_fee_warning_uses_the_masters_rates(tmp_path: Path) -> None:
    text = edit(edit(BASE, "assignments", "assignments: 10"), "max_assignments_per_hit", "")
    text += "qualifications:\n  - masters: true\n"
    assert lines(load(tmp_path, text), tmp_path) == [
        "pilot.yaml:4:14: warning: assignments: is 10 in a single HIT; HITs of 10 or more "
        "assignments pay a 45% fee instead of 25%; add max_assignments_per_hit: 9 to save $2.00"
    ]


def test_large_batch_size_with_few_assignments_is_fine(tmp_path: Path) -> None:
    text = edit(BASE, "max_assignments_per_hit", "max_assignments_per_hit: 50")
    assert lines(load(tmp_path, text), tmp_path) == []


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    text = edit(edit(BASE, "assignments", "assignments: 20"), "max_assignments_per_hit", "")
    loaded = load(tmp_path, text, strict=True)
    assert [p.severity for p in loaded.problems] == ["error"]
    assert loaded.studies == ()


def test_budget_exceeded_is_an_error_with_both_figures(tmp_path: Path) -> None:
    loaded = load(tmp_path, BASE + 'budget: "10.00"\n')
    assert lines(loaded, tmp_path) == [
        "pilot.yaml:10:9: error: budget: is $10.00 but the study would cost $10.80 ($9.00 in "
        "rewards + $1.80 in MTurk fees); raise the budget or lower reward or assignments"
    ]


def test_budget_that_covers_the_cost_is_fine(tmp_path: Path) -> None:
    loaded = load(tmp_path, BASE + 'budget: "10.80"\n')
    assert lines(loaded, tmp_path) == []
    assert loaded.studies[0].budget == Decimal("10.80")


def test_zero_reward_is_allowed_with_a_warning(tmp_path: Path) -> None:
    text = edit(edit(BASE, "reward", 'reward: "0.00"'), "assignments", "assignments: 20")
    text = edit(text, "max_assignments_per_hit", "")
    loaded = load(tmp_path, text)
    assert lines(loaded, tmp_path) == [  # no fee warning: batching would save nothing
        'pilot.yaml:3:9: warning: reward: is "0.00": workers would be paid nothing, and MTurk '
        "still charges its $0.01 minimum fee per assignment"
    ]
    assert loaded.studies[0].reward == Decimal("0.00")


# --- the Study values ------------------------------------------------------------------------


def test_emotion_example_builds_the_expected_study() -> None:
    loaded = load_studies([REPO / "studies" / "emotion.yaml"], build_study, strict=True)
    assert loaded.problems == ()
    [study] = loaded.studies
    assert (study.name, study.reward, study.assignments, study.max_assignments_per_hit) == \
        ("emotion", Decimal("1.50"), 36, 9)
    assert (study.assignment_duration, study.auto_approval_delay, study.lifetime) == \
        (45 * 60, 3 * 86_400, 7 * 86_400)
    assert study.closes_at is None
    assert study.keywords == ("emotion", "video", "rating", "psychology")
    assert "<ExternalURL>https://continuous-rater.netlify.app/?study=emotion&amp;condition=a" \
        "</ExternalURL>" in study.question
    assert (study.production, study.state, study.budget) == (False, "open", Decimal("70.00"))


def test_survey_example_builds_an_html_question() -> None:
    loaded = load_studies([REPO / "studies" / "survey.yaml"], build_study, strict=True)
    assert loaded.problems == ()
    [study] = loaded.studies
    assert study.closes_at == datetime(2027, 1, 29, 22, 0, tzinfo=timezone.utc)
    assert study.lifetime is None
    html = (REPO / "studies" / "survey.html").read_text(encoding="utf-8")
    assert f"<HTMLContent><![CDATA[{html}]]></HTMLContent>" in study.question


def test_the_examples_directory_validates_clean() -> None:
    loaded = load_studies([REPO / "studies"], BUILD, strict=True)
    assert loaded.problems == ()
    assert {(s.name, s.platform) for s in loaded.studies} >= {
        ("emotion", "mturk"), ("survey", "mturk"), ("tone", "prolific")}
    for name, schema in (("emotion.yaml", "study"), ("survey.yaml", "study"),
                         ("tone.yaml", "prolific-study")):
        first = (REPO / "studies" / name).read_text().splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schema/{schema}.schema.json"


def test_defaults(tmp_path: Path) -> None:
    [study] = load(tmp_path, BASE).studies
    assert (study.keywords, study.qualifications, study.production, study.state) == \
        ((), (), False, "open")
    assert (study.auto_approval_delay, study.budget) == (3 * 86_400, None)


def test_closes_at_is_kept_as_utc(tmp_path: Path) -> None:
    text = edit(BASE, "lifetime", "closes_at: 2027-01-29T09:00:00-08:00")
    [study] = load(tmp_path, text).studies
    assert study.closes_at == datetime(2027, 1, 29, 17, 0, tzinfo=timezone.utc)


def test_digest_covers_the_study_and_its_html(tmp_path: Path) -> None:
    page = '<!DOCTYPE html><form><input type="hidden" name="assignmentId"></form>'
    write(tmp_path, page, "page.html")
    text = edit(BASE, "  external_url", "  html_file: page.html")
    first = load(tmp_path, text).studies[0].digest
    assert load(tmp_path, text).studies[0].digest == first
    write(tmp_path, page + "<p>more</p>", "page.html")
    second = load(tmp_path, text).studies[0].digest
    assert second != first
    assert load(tmp_path, text + "# a comment\n").studies[0].digest not in (first, second)


def test_require_valid_lists_every_error(tmp_path: Path) -> None:
    text = edit(edit(BASE, "reward", "reward: 1.5"), "assignments", "assignments: 0")
    loaded = load(tmp_path, text)
    with pytest.raises(ValidationError) as raised:
        require_valid(loaded)
    assert str(raised.value) == (
        "the study files have 2 errors; fix them (see `deploy validate`):\n"
        f"  {tmp_path}/pilot.yaml:3:9: error: reward: write the amount in quotes, like "
        '"1.50" (a bare number can lose cents)\n'
        f"  {tmp_path}/pilot.yaml:4:14: error: assignments: is 0; the minimum is 1"
    )


def test_require_valid_returns_the_studies_despite_warnings(tmp_path: Path) -> None:
    text = edit(edit(BASE, "assignments", "assignments: 20"), "max_assignments_per_hit", "")
    loaded = load(tmp_path, text)
    assert len(loaded.warnings) == 1 and loaded.errors == ()
    assert require_valid(loaded) == loaded.studies


ODD_VALUES = [None, [], {}, "", "x", -1, 1.5, True, [None], [{}], {"a": None}, 10**12]


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
@pytest.mark.parametrize(
    "field",
    ["title", "keywords", "reward", "assignments", "max_assignments_per_hit", "lifetime",
     "closes_at", "auto_approval_delay", "question", "qualifications", "state", "budget",
     "production"],
)
def test_odd_values_give_problems_not_tracebacks(tmp_path: Path, field: str, value: object,
                                                ) -> None:
    study = {"title": "t", "description": "d", "reward": "1.00", "assignments": 9,
             "assignment_duration": "30m", "lifetime": "7d",
             "question": {"external_url": "https://a.org"}, field: value}
    loaded = load(tmp_path, json.dumps(study))  # JSON is YAML
    assert bool(loaded.errors) != bool(loaded.studies)


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
@pytest.mark.parametrize("form", ["locale", "percent_approved", "custom", "question_part"])
def test_odd_nested_values_give_problems_not_tracebacks(tmp_path: Path, form: str,
                                                        value: object) -> None:
    study: dict[str, object] = {"title": "t", "description": "d", "reward": "1.00",
                                "assignments": 9, "assignment_duration": "30m", "lifetime": "7d",
                                "question": {"external_url": "https://a.org"}}
    if form == "question_part":
        study["question"] = {"html_file": value}
    else:
        study["qualifications"] = [{form: {"in": value, "at_least": value, "id": value}}]
    loaded = load(tmp_path, json.dumps(study))
    assert loaded.errors
