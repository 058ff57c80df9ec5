"""Qualification entries: each readable form and the Requirement MTurk will receive."""

from __future__ import annotations

from pathlib import Path

import pytest
from spec_helpers import BASE, lines, load

from deployer.providers.mturk.study import (
    ADULT_TYPE,
    LOCALE_TYPE,
    MASTERS,
    NUMBER_HITS_APPROVED_TYPE,
    PERCENT_APPROVED_TYPE,
    Locale,
    Requirement,
)


def with_quals(*entries: str) -> str:
    return BASE + "qualifications:\n" + "".join(f"  - {e}\n" for e in entries)


@pytest.mark.parametrize(
    ("entry", "requirement"),
    [
        ("locale: {in: [US, CA, US-WA]}",
         Requirement(LOCALE_TYPE, "In", locale_values=(
             Locale("US"), Locale("CA"), Locale("US", "WA")))),
        ("locale: {not_in: [IN]}", Requirement(LOCALE_TYPE, "NotIn", locale_values=(
            Locale("IN"),))),
        ("percent_approved: {at_least: 95}",
         Requirement(PERCENT_APPROVED_TYPE, "GreaterThanOrEqualTo", (95,))),
        ("percent_approved: {more_than: 90}",
         Requirement(PERCENT_APPROVED_TYPE, "GreaterThan", (90,))),
        ("hits_approved: {at_least: 1000}",
         Requirement(NUMBER_HITS_APPROVED_TYPE, "GreaterThanOrEqualTo", (1000,))),
        ("hits_approved: {at_most: 10}",
         Requirement(NUMBER_HITS_APPROVED_TYPE, "LessThanOrEqualTo", (10,))),
        ("hits_approved: {less_than: 10}",
         Requirement(NUMBER_HITS_APPROVED_TYPE, "LessThan", (10,))),
        ("adult: true", Requirement(ADULT_TYPE, "EqualTo", (1,))),
        ("masters: true", Requirement(MASTERS, "Exists")),
        ("custom: {id: 3ABCDEF, comparator: does_not_exist}",
         Requirement("3ABCDEF", "DoesNotExist")),
        ("custom: {id: 3ABCDEF, comparator: greater_than_or_equal_to, values: [3]}",
         Requirement("3ABCDEF", "GreaterThanOrEqualTo", (3,))),
        ("custom: {id: 3ABCDEF, comparator: not_in, values: [1, 2]}",
         Requirement("3ABCDEF", "NotIn", (1, 2))),
        ("{masters: true, actions_guarded: discover_preview_and_accept}",
         Requirement(MASTERS, "Exists", actions_guarded="DiscoverPreviewAndAccept")),
        ("{adult: true, actions_guarded: preview_and_accept}",
         Requirement(ADULT_TYPE, "EqualTo", (1,), actions_guarded="PreviewAndAccept")),
    ],
)
def test_each_form_maps_to_a_requirement(
    tmp_path: Path, entry: str, requirement: Requirement
) -> None:
    loaded = load(tmp_path, with_quals(entry))
    assert lines(loaded, tmp_path) == []
    assert loaded.studies[0].qualifications == (requirement,)
    assert loaded.studies[0].requires_masters == (requirement.type_id == MASTERS)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("locale: {in: [us]}", "11:19: error: qualifications[0].locale.in[0]: write country "
         'codes in capitals, like "US"'),
        ("locale: {in: [UK]}", "11:19: error: qualifications[0].locale.in[0]: UK is not an ISO "
         "country code; write GB"),
        ("locale: {in: [ZZ-WA]}", "11:19: error: qualifications[0].locale.in[0]: ZZ is not an "
         "ISO 3166-1 country code (like US, GB, DE, IN)"),
        ("locale: {in: [USA]}", '11:19: error: qualifications[0].locale.in[0]: "USA" is a '
         "3-letter code; write the 2-letter US"),
        ("locale: {in: [XYZ]}", '11:19: error: qualifications[0].locale.in[0]: "XYZ" is not a '
         "country code; write one like US, or a subdivision like US-WA"),
        ("locale: {in: [GB-ENG]}", '11:19: error: qualifications[0].locale.in[0]: "GB-ENG": '
         "MTurk subdivisions are 2 letters, like US-WA"),
        ("locale: {in: [US-XX]}", "11:19: error: qualifications[0].locale.in[0]: US-XX is not "
         "a US state or subdivision code (like US-WA, US-NY)"),
        ("locale: {in: []}", "11:18: error: qualifications[0].locale.in: must list at least 1"),
        ("locale: {in: [US], not_in: [CA]}", "11:13: error: qualifications[0].locale: give "
         "exactly one of in or not_in"),
        ("locale: {among: [US]}", '11:14: error: qualifications[0].locale.among: unknown field; '
         "expected one of in or not_in"),
        ("percent_approved: {at_least: 101}", "11:34: error: qualifications[0].percent_approved"
         ".at_least: is 101; the maximum is 100"),
        ("percent_approved: {atleast: 95}", "11:24: error: qualifications[0].percent_approved"
         '.atleast: unknown field; did you mean "at_least"?'),
        ("hits_approved: 1000", "11:20: error: qualifications[0].hits_approved: expected a "
         "mapping (key: value lines), found the number 1000; write it like {at_least: 1000}"),
        ("percent_approved: {at_least: 95%}", "11:34: error: qualifications[0].percent_approved"
         '.at_least: expected a whole number, found the text "95%"; write the number without '
         "%, like 95"),
        ("locale: US", "11:13: error: qualifications[0].locale: expected a mapping (key: value "
         'lines), found the text "US"; write it like {in: [US]}'),
        ("locale: {in: US}", "11:18: error: qualifications[0].locale.in: expected a list, found "
         'the text "US"; write it as a list, like [US]'),
        ("adult: false", "11:12: error: qualifications[0].adult: write `adult: true`, or remove "
         "this entry"),
        ("mastrs: true", '11:5: error: qualifications[0].mastrs: unknown field; did you mean '
         '"masters"?'),
        ("{masters: true, adult: true}", "11:21: error: qualifications[0].adult: give only one "
         "of locale, percent_approved, hits_approved, adult, masters, qualification or custom; "
         "found masters and adult"),
        ("{actions_guarded: accept}", "11:5: error: qualifications[0]: missing; add locale, "
         "percent_approved, hits_approved, adult, masters, qualification or custom"),
        ("{masters: true, actions_guarded: never}", '11:38: error: qualifications[0]'
         '.actions_guarded: is "never"; must be accept, preview_and_accept or '
         "discover_preview_and_accept"),
        ("custom: {id: 2F1QJWKUDD8XADTFD2Q0G6UTO95ALH, comparator: exists}", "11:18: error: "
         "qualifications[0].custom.id: is a Masters ID; write `masters: true` instead (the ID "
         "differs between sandbox and production)"),
        ("custom: {id: '000000000000000000L0', comparator: exists}", "11:18: error: "
         "qualifications[0].custom.id: is MTurk's percent_approved type; write the "
         "`percent_approved:` form instead"),
        ("custom: {id: 3ABC, comparator: exists, values: [1]}", "11:52: error: "
         "qualifications[0].custom.values: exists takes no values; remove values"),
        ("custom: {id: 3ABC, comparator: equal_to}", "11:13: error: qualifications[0].custom: "
         "equal_to takes exactly one value, like values: [1] (found 0)"),
        ("custom: {id: 3ABC, comparator: in, values: []}", "11:48: error: qualifications[0]"
         ".custom.values: in needs 1 to 15 values, like values: [1, 2]"),
        ("custom: {id: 3abc, comparator: exists}", '11:18: error: qualifications[0].custom.id: '
         '"3abc": write the QualificationTypeId as MTurk shows it (capital letters and digits)'),
        ("custom: {id: 3ABC, comparator: exist}", "11:36: error: qualifications[0].custom"
         '.comparator: is "exist"; did you mean "exists"?'),
        ("custom: {comparator: exists}", "11:13: error: qualifications[0].custom.id: missing; "
         "add this field"),
    ],
)
def test_qualification_rules(tmp_path: Path, entry: str, expected: str) -> None:
    loaded = load(tmp_path, with_quals(entry))
    assert lines(loaded, tmp_path) == [f"pilot.yaml:{expected}"]


def test_at_most_ten_requirements(tmp_path: Path) -> None:
    loaded = load(tmp_path, with_quals(*["adult: true"] * 11))
    assert lines(loaded, tmp_path) == [
        "pilot.yaml:11:3: error: qualifications: has 11 entries; the maximum is 10"
    ]


def test_a_broken_entry_does_not_hide_problems_in_its_siblings(tmp_path: Path) -> None:
    loaded = load(tmp_path, with_quals("locale: {in: [UK]}", "percent_aproved: {at_least: 9}"))
    assert lines(loaded, tmp_path) == [
        "pilot.yaml:11:19: error: qualifications[0].locale.in[0]: UK is not an ISO country "
        "code; write GB",
        'pilot.yaml:12:5: error: qualifications[1].percent_aproved: unknown field; did you mean '
        '"percent_approved"?',
    ]


def test_one_bad_code_does_not_hide_another_in_the_same_list(tmp_path: Path) -> None:
    loaded = load(tmp_path, with_quals("locale: {in: [UK, XX, us, USA]}"))
    assert lines(loaded, tmp_path) == [
        "pilot.yaml:11:19: error: qualifications[0].locale.in[0]: UK is not an ISO country "
        "code; write GB",
        "pilot.yaml:11:23: error: qualifications[0].locale.in[1]: XX is not an ISO 3166-1 "
        "country code (like US, GB, DE, IN)",
        'pilot.yaml:11:27: error: qualifications[0].locale.in[2]: write country codes in '
        'capitals, like "US"',
        'pilot.yaml:11:31: error: qualifications[0].locale.in[3]: "USA" is a 3-letter code; '
        "write the 2-letter US",
    ]


def test_subdivisions(tmp_path: Path) -> None:
    loaded = load(tmp_path, with_quals("locale: {in: [US-WA, US-DC, US-PR, CA-ON, US-XX]}"))
    assert lines(loaded, tmp_path) == [
        "pilot.yaml:11:47: error: qualifications[0].locale.in[4]: US-XX is not a US state or "
        "subdivision code (like US-WA, US-NY)",
    ]
    loaded = load(tmp_path, with_quals("locale: {not_in: [US-WA, CA-ON]}"))
    assert lines(loaded, tmp_path) == []
    [requirement] = loaded.studies[0].qualifications
    assert requirement.locale_values == (Locale("US", "WA"), Locale("CA", "ON"))


def test_qualifications_with_every_entry_commented_out_means_none(tmp_path: Path) -> None:
    loaded = load(tmp_path, BASE + "qualifications:    # who may work\n  # - masters: true\n"
                  "keywords:\n")
    assert lines(loaded, tmp_path) == []
    assert (loaded.studies[0].qualifications, loaded.studies[0].keywords) == ((), ())
