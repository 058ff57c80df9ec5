"""QualificationRequirements: validation, normalisation (§4.2) and how workers
are matched (§4.3)."""

from __future__ import annotations

from typing import Any

import pytest

from deployer.emulators.mturk.workers import SimulationError

from .conftest import Env
from .helpers import request_error, validation_error

LOCALE = "00000000000000000071"
PERCENT = "000000000000000000L0"
SANDBOX_MASTERS = "2ARFPLSP75KLA8M8DH1HTEQVJT3SY6"


def _req(type_id: str, comparator: str, **extra: Any) -> dict[str, Any]:
    return {"QualificationTypeId": type_id, "Comparator": comparator, **extra}


def test_both_guard_fields_are_echoed(env: Env) -> None:
    hit = env.hit(QualificationRequirements=[
        _req(PERCENT, "GreaterThanOrEqualTo", IntegerValues=[95]),
        _req(SANDBOX_MASTERS, "Exists", RequiredToPreview=True),
        _req(LOCALE, "In", LocaleValues=[{"Country": "US", "Subdivision": "WA"}, {"Country": "GB"}],
             ActionsGuarded="DiscoverPreviewAndAccept"),
    ])
    assert hit["QualificationRequirements"] == [
        _req(PERCENT, "GreaterThanOrEqualTo", IntegerValues=[95], ActionsGuarded="Accept",
             RequiredToPreview=False),
        _req(SANDBOX_MASTERS, "Exists", ActionsGuarded="PreviewAndAccept", RequiredToPreview=True),
        _req(LOCALE, "In", LocaleValues=[{"Country": "US", "Subdivision": "WA"}, {"Country": "GB"}],
             ActionsGuarded="DiscoverPreviewAndAccept", RequiredToPreview=True),
    ]


def test_required_to_preview_true_and_preview_and_accept_are_one_type(env: Env) -> None:
    old = env.hit(QualificationRequirements=[_req(PERCENT, "Exists", RequiredToPreview=True)])
    new = env.hit(QualificationRequirements=[_req(PERCENT, "Exists",
                                                  ActionsGuarded="PreviewAndAccept")])
    assert old["HITTypeId"] == new["HITTypeId"]


@pytest.mark.parametrize(("requirement", "parameter"), [
    (_req(PERCENT, "Bigger", IntegerValues=[1]), "Comparator"),
    (_req(PERCENT, "EqualTo", IntegerValues=[1, 2]), "IntegerValues"),
    (_req(PERCENT, "EqualTo"), "IntegerValues"),
    (_req(PERCENT, "Exists", IntegerValues=[1]), "IntegerValues"),
    (_req(PERCENT, "In", IntegerValues=list(range(16))), "IntegerValues"),
    (_req(LOCALE, "GreaterThan", LocaleValues=[{"Country": "US"}]), "Comparator"),
    (_req(LOCALE, "EqualTo", LocaleValues=[{"Country": "USA"}]), "Country"),
    (_req(LOCALE, "EqualTo", LocaleValues=[{"Country": "US"}, {"Country": "GB"}]), "LocaleValues"),
    (_req(LOCALE, "In", LocaleValues=[{"Country": "US"}] * 31), "LocaleValues"),
    (_req(PERCENT, "Exists", ActionsGuarded="Everything"), "ActionsGuarded"),
    (_req(PERCENT, "Exists", ActionsGuarded="Accept", RequiredToPreview=True), "RequiredToPreview"),
])
def test_invalid_requirements(env: Env, requirement: dict[str, Any], parameter: str) -> None:
    validation_error(lambda: env.hit(QualificationRequirements=[requirement]), parameter)


def test_at_most_ten_requirements(env: Env) -> None:
    validation_error(lambda: env.hit(QualificationRequirements=[_req(PERCENT, "Exists")] * 11),
                     "QualificationRequirements")


def test_unknown_and_other_personality_types(env: Env) -> None:
    for type_id in ("3" * 30, "2F1QJWKUDD8XADTFD2Q0G6UTO95ALH"):
        request_error(lambda t=type_id: env.hit(QualificationRequirements=[_req(t, "Exists")]),
                      "AWS.MechanicalTurk.QualificationTypeDoesNotExist")


def _accepts(env: Env, requirement: dict[str, Any], **worker: Any) -> bool:
    hit = env.hit(QualificationRequirements=[requirement])
    try:
        env.emu.workers.accept(env.worker(**worker), hit["HITId"])
    except SimulationError:
        return False
    return True


def test_accept_honours_integer_comparators(env: Env) -> None:
    assert _accepts(env, _req(PERCENT, "GreaterThanOrEqualTo", IntegerValues=[95]),
                    percent_approved=95, approved_count=100)
    assert not _accepts(env, _req(PERCENT, "GreaterThan", IntegerValues=[95]),
                        percent_approved=95, approved_count=100)
    assert _accepts(env, _req("00000000000000000040", "LessThan", IntegerValues=[10]))
    assert _accepts(env, _req(PERCENT, "NotIn", IntegerValues=[1, 2]))
    assert not _accepts(env, _req(PERCENT, "In", IntegerValues=[1, 2]))


def test_accept_honours_locale_in_and_not_in(env: Env) -> None:
    washington = [{"Country": "US", "Subdivision": "WA"}]
    assert _accepts(env, _req(LOCALE, "In", LocaleValues=washington), subdivision="WA")
    assert not _accepts(env, _req(LOCALE, "In", LocaleValues=washington), subdivision="OR")
    assert not _accepts(env, _req(LOCALE, "NotIn", LocaleValues=[{"Country": "US"}]))
    assert _accepts(env, _req(LOCALE, "NotEqualTo", LocaleValues=[{"Country": "US"}]),
                    country="GB")


def test_accept_honours_masters_adult_and_custom_qualifications(env: Env) -> None:
    assert not _accepts(env, _req(SANDBOX_MASTERS, "Exists"))
    assert _accepts(env, _req(SANDBOX_MASTERS, "Exists"), masters=True)
    assert _accepts(env, _req("00000000000000000060", "EqualTo", IntegerValues=[1]), adult=True)
    qual = env.client.create_qualification_type(
        Name="took-part", Description="already took part",
        QualificationTypeStatus="Active")["QualificationType"]["QualificationTypeId"]
    assert not _accepts(env, _req(qual, "DoesNotExist"), qualifications={qual: 1})
    assert _accepts(env, _req(qual, "DoesNotExist"))
    assert _accepts(env, _req(qual, "EqualTo", IntegerValues=[7]), qualifications={qual: 7})
