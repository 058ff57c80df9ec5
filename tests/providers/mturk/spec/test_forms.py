"""MTurk's values back to the study file's forms (deploy import), and the planner taking a
notebook's Locale EqualTo as the In a study file writes."""

from __future__ import annotations

import pytest
from factories import actions, deployed, run, study

from deployer.core.errors import DeployError
from deployer.providers.mturk.spec.forms import duration, qualification
from deployer.providers.mturk.study import (
    ADULT_TYPE,
    LOCALE_TYPE,
    MASTERS_IDS,
    PERCENT_APPROVED_TYPE,
    Locale,
    Requirement,
)


@pytest.mark.parametrize(("seconds", "form"), [
    (0, "0s"), (45, "45s"), (90, "90s"), (1_800, "30m"), (3_600, "1h"), (5_400, "90m"),
    (86_400, "1d"), (259_200, "3d"), (604_800, "1w"), (1_209_600, "2w"), (86_401, "86401s"),
])
def test_a_duration_takes_the_largest_unit_that_states_it_exactly(seconds: int, form: str) -> None:
    assert duration(seconds) == form


@pytest.mark.parametrize(("requirement", "entry"), [
    (Requirement(LOCALE_TYPE, "In", locale_values=(Locale("US"), Locale("US", "WA"))),
     {"locale": {"in": ["US", "US-WA"]}}),
    (Requirement(LOCALE_TYPE, "NotEqualTo", locale_values=(Locale("IN"),)),
     {"locale": {"not_in": ["IN"]}}),
    (Requirement(PERCENT_APPROVED_TYPE, "GreaterThan", (97,)),
     {"percent_approved": {"more_than": 97}}),
    (Requirement(ADULT_TYPE, "EqualTo", (1,), actions_guarded="PreviewAndAccept"),
     {"adult": True, "actions_guarded": "preview_and_accept"}),
    (Requirement(MASTERS_IDS["production"], "Exists"), {"masters": True}),
    (Requirement("3CUSTOMTYPE", "In", (1, 2)),
     {"custom": {"id": "3CUSTOMTYPE", "comparator": "in", "values": [1, 2]}}),
])
def test_each_requirement_becomes_its_form(requirement: Requirement, entry: dict[str, object]
                                           ) -> None:
    assert qualification(requirement, "production", "3HIT") == entry


@pytest.mark.parametrize("requirement", [
    Requirement(PERCENT_APPROVED_TYPE, "EqualTo", (95,)),  # no `equal_to` for percent_approved
    Requirement(ADULT_TYPE, "EqualTo", (0,)),
    Requirement(MASTERS_IDS["sandbox"], "Exists"),  # the sandbox's Masters on production
    Requirement(LOCALE_TYPE, "EqualTo", locale_values=(Locale("US"), Locale("CA"))),
])
def test_a_requirement_no_form_states_is_refused_naming_the_hit(requirement: Requirement
                                                                ) -> None:
    with pytest.raises(DeployError, match=r"HIT 3HIT requires `.*`, which no qualification form"):
        qualification(requirement, "production", "3HIT")


def test_a_locale_equal_to_one_country_is_the_same_hit_type_as_in_that_country() -> None:
    wanted = study(qualifications=(Requirement(LOCALE_TYPE, "In", locale_values=(Locale("US"),)),))
    notebook = (Requirement(LOCALE_TYPE, "EqualTo", locale_values=(Locale("US"),)),)
    lock, seen = deployed(wanted, qualifications=notebook)
    assert actions(run([wanted], lock, seen)) == ()

    elsewhere = (Requirement(LOCALE_TYPE, "EqualTo", locale_values=(Locale("CA"),)),)
    lock, seen = deployed(wanted, qualifications=elsewhere)
    assert [type(a).__name__ for a in actions(run([wanted], lock, seen))] == ["UpdateType"]
