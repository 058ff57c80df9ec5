"""The Prolific reconciler's rules, pure: values in, a plan out (issue: a second platform,
plan rules and never a duplicate)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from decimal import Decimal

from deployer.core.plan import Plan
from deployer.core.provider import PlanOptions
from deployer.core.records import EnvLock
from deployer.core.review import Decision, Desired, Review
from deployer.providers.prolific.observed import Observed, ObservedStudy, ObservedSubmission
from deployer.providers.prolific.plan.payloads import Create, Pay, Transition, payload_of
from deployer.providers.prolific.plan.planner import plan
from deployer.providers.prolific.records import (
    RecordedBonus,
    RecordedStudy,
    internal_name,
    lineage_mark,
)
from deployer.providers.prolific.study import CompletionCode, Eligibility, Study

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
LINEAGE = "5b3c2f7e-lineage"
MARK = lineage_mark(LINEAGE)
STUDY = Study(
    name="tone", path="studies/tone.yaml", title="Tone", description="Rate texts.",
    external_url="https://example.org/?PROLIFIC_PID={{%PROLIFIC_PID%}}", estimated_minutes=10,
    maximum_minutes=29, reward=Decimal("1.50"), places=20,
    completion_codes=(CompletionCode("C1", "COMPLETED", "MANUALLY_REVIEW"),),
    eligibility=Eligibility(), devices=("desktop",), production=False, state="open",
    budget=None, digest="d", fee=Decimal("0.333333"))
ID1, ID2 = "a" * 24, "b" * 24


def recorded(generation: int = 1, status: str = "published", study_id: str | None = ID1,
             fingerprint: str = STUDY.fingerprint, places: int = 20) -> RecordedStudy:
    return RecordedStudy("tone/study", generation,
                         internal_name(MARK, "tone/study", generation, fingerprint),
                         fingerprint, STUDY.config_hash, places, status,  # type: ignore[arg-type]
                         study_id)


def seen(status: str = "ACTIVE", places: int = 20, taken: int = 0, study_id: str = ID1,
         name: str = "") -> ObservedStudy:
    return ObservedStudy(study_id, name or internal_name(MARK, "tone/study", 1,
                                                         STUDY.fingerprint),
                         status, places, taken, Decimal("1.50"))


def planned(study: Study | None = STUDY, records: tuple[object, ...] = (),
            studies: tuple[ObservedStudy, ...] = (), ours: tuple[ObservedStudy, ...] = (),
            desired: Desired | None = None, **observed: object) -> Plan:
    env = EnvLock("prolific", "local", LINEAGE, records=records)
    wanted = desired or Desired((study,) if study else ())
    found = Observed({s.study_id: s for s in studies}, ours, balance=Decimal("100.00"),
                     fee=Decimal("0.333333"), vat=Decimal("0"), **observed)  # type: ignore[arg-type]
    mine = [s for s in wanted.studies if isinstance(s, Study)]
    return plan(mine, wanted, env, found, NOW, PlanOptions())


def kinds(result: Plan) -> list[str]:
    return [c.kind for c in result.changes]


def test_a_new_study_is_created_and_published_with_its_reserved_name() -> None:
    result = planned()
    assert kinds(result) == ["create"]
    new = payload_of(result.changes[0])
    assert isinstance(new, Create) and new.study.publish and new.study.places == 20
    assert new.study.internal_name == f"deploy:{MARK}:tone/study#1:{STUDY.fingerprint}"
    assert result.changes[0].cost == Decimal("40.00")  # £30 + a third


def test_a_paused_new_study_stays_a_draft_and_costs_nothing_yet() -> None:
    result = planned(replace(STUDY, state="paused"))
    new = payload_of(result.changes[0])
    assert isinstance(new, Create) and not new.study.publish
    assert result.changes[0].cost == 0


def test_places_grow_by_the_new_total_and_never_shrink() -> None:
    grown = planned(replace(STUDY, places=30), (recorded(),), (seen(),))
    assert kinds(grown) == ["grow"] and grown.changes[0].cost == Decimal("20.00")
    fewer = planned(replace(STUDY, places=10), (recorded(),), (seen(),))
    assert not fewer.changes and "places only grow on Prolific" in fewer.errors[0].message


def test_pause_and_start_follow_the_file_and_report_drift() -> None:
    assert kinds(planned(replace(STUDY, state="paused"), (recorded(),), (seen(),))) == ["pause"]
    outside = planned(STUDY, (recorded(),), (seen("PAUSED"),))
    assert kinds(outside) == ["start"]
    assert "was paused outside deploy" in outside.drift[0].message
    assert not planned(replace(STUDY, state="paused"), (recorded(status="paused"),),
                       (seen("PAUSED"),)).changes


def test_closed_or_removed_stops_a_running_study_and_hands_back_unused_places() -> None:
    closed = planned(replace(STUDY, state="closed"), (recorded(),), (seen(taken=5),))
    assert kinds(closed) == ["stop"]
    assert closed.changes[0].cost == Decimal("-30.00")  # 15 places of £1.50 and their fee
    removed = planned(None, (recorded(),), (seen(),))
    assert kinds(removed) == ["stop"] and "removed" in removed.changes[0].reason
    assert not planned(None, (recorded(),), (seen("COMPLETED", taken=20),)).changes


def test_a_frozen_field_replaces_the_study_with_the_remaining_places() -> None:
    result = planned(replace(STUDY, reward=Decimal("1.80")), (recorded(),), (seen(taken=4),))
    assert kinds(result) == ["stop", "create"]
    stop, create = (payload_of(c) for c in result.changes)
    assert isinstance(stop, Transition) and stop.action == "STOP"
    assert isinstance(create, Create)
    assert create.study.places == 16 and create.study.generation == 2
    assert create.study.earlier == (ID1,)  # closed to everyone who took part


def test_a_draft_whose_fields_changed_is_deleted_and_made_again() -> None:
    result = planned(replace(STUDY, reward=Decimal("1.80")), (recorded(status="draft"),),
                     (seen("UNPUBLISHED"),))
    assert kinds(result) == ["discard", "create"]


def test_a_study_created_but_not_recorded_is_adopted_not_created_again() -> None:
    found = seen("UNPUBLISHED")
    result = planned(STUDY, (), (found,), (found,))
    assert kinds(result) == ["adopt", "publish"]
    pending = planned(STUDY, (recorded(status="pending", study_id=None),), (found,), (found,))
    assert kinds(pending) == ["adopt", "publish"]


def test_another_repositorys_study_is_never_adopted() -> None:
    theirs = seen(name=internal_name("0" * 12, "tone/study", 1, STUDY.fingerprint))
    assert kinds(planned(STUDY, (), (theirs,), (theirs,))) == ["create"]


def test_an_intent_prolific_never_got_is_created_again_under_the_same_name() -> None:
    result = planned(STUDY, (recorded(status="pending", study_id=None),))
    new = payload_of(result.changes[0])
    assert isinstance(new, Create) and new.study.generation == 1


def test_a_study_stopped_outside_deploy_continues_in_a_new_study() -> None:
    result = planned(STUDY, (recorded(),), (seen("COMPLETED", taken=5),))
    assert kinds(result) == ["create"]
    assert "stopped outside deploy" in result.drift[0].message
    new = payload_of(result.changes[0])
    assert isinstance(new, Create) and new.study.places == 15


def test_the_workspace_currency_must_match_the_files() -> None:
    result = planned(currency="USD")
    assert "the workspace pays in USD" in result.errors[0].message


def review(*decisions: Decision) -> Desired:
    return Desired((STUDY,), {"tone": Review("tone", "reviews/local/tone.csv", decisions)})


def submission(status: str = "AWAITING REVIEW", bonuses: str = "0.00") -> ObservedSubmission:
    return ObservedSubmission("s" * 24, ID1, "p" * 24, status, Decimal(bonuses))


def test_a_bonus_pays_only_what_is_missing_and_never_while_a_payment_may_be_arriving() -> None:
    wanted = review(Decision("s" * 24, 2, "approve", bonus=Decimal("1.00"), bonus_reason="x"))
    sub = {ID1: (submission(bonuses="0.40"),)}
    result = planned(STUDY, (recorded(),), (seen(),), desired=wanted, submissions=sub)
    assert kinds(result) == ["approve", "bonus"]
    pay = payload_of(result.changes[1])
    assert isinstance(pay, Pay) and pay.add == Decimal("0.60") and pay.setup_id == ""
    paying = RecordedBonus("tone/" + "s" * 24, "1.00", "0.60", "paying", "c" * 24)
    waiting = planned(STUDY, (recorded(), paying), (seen(),), desired=wanted, submissions=sub)
    assert kinds(waiting) == ["approve"]
    assert "deploy never pays it twice" in waiting.warnings[0].message
    set_up = replace(paying, status="set_up")
    again = planned(STUDY, (recorded(), set_up), (seen(),), desired=wanted, submissions=sub)
    pay = payload_of(again.changes[1])
    assert isinstance(pay, Pay) and pay.setup_id == "c" * 24  # paid as set up, not set up anew


def test_decisions_are_final_on_prolific() -> None:
    wanted = review(Decision("s" * 24, 3, "reject", "x" * 100, category="NO_DATA"))
    result = planned(STUDY, (recorded(),), (seen(),), desired=wanted,
                     submissions={ID1: (submission("APPROVED"),)})
    assert "approved already, and Prolific's decisions are final" in result.errors[0].message


def test_a_bonus_recorded_paid_is_not_paid_again_when_the_list_leaves_bonuses_out() -> None:
    wanted = review(Decision("s" * 24, 2, "", bonus=Decimal("1.00"), bonus_reason="x"))
    paid = RecordedBonus("tone/" + "s" * 24, "1.00", "1.00", "paid", "c" * 24)
    result = planned(STUDY, (recorded(), paid), (seen(),), desired=wanted,
                     submissions={ID1: (submission(bonuses="0.00"),)})
    assert not result.changes


def test_a_published_study_prolific_does_not_know_is_an_error_not_a_new_study() -> None:
    result = planned(STUDY, (recorded(),), ())
    assert not result.changes
    assert "published studies are never deleted on Prolific" in result.errors[0].message
    draft = planned(STUDY, (recorded(status="draft"),), ())
    assert kinds(draft) == ["forget", "create"]


def test_a_returned_submission_has_nothing_to_decide() -> None:
    wanted = review(Decision("s" * 24, 2, "approve"))
    result = planned(STUDY, (recorded(),), (seen(),), desired=wanted,
                     submissions={ID1: (submission("RETURNED"),)})
    assert "is returned: there is nothing to decide" in result.warnings[0].message


def test_other_studies_named_in_eligibility_must_exist_by_publish() -> None:
    excluding = replace(STUDY, eligibility=Eligibility(exclude=("pilot",)))
    alone = planned(excluding)
    assert "names pilot, which has no Prolific study in LOCAL yet" in alone.errors[0].message
    pilot = replace(STUDY, name="pilot", path="studies/pilot.yaml")
    both = planned(desired=Desired((excluding, pilot)))
    assert not both.errors and kinds(both) == ["create", "create"]
    assert "pilot, which is still recruiting" in both.warnings[0].message


def test_country_names_are_checked_against_prolifics_filter() -> None:
    abroad = replace(STUDY, eligibility=Eligibility(countries=("Untied Kingdom",)))
    result = planned(abroad, countries=("united kingdom", "united states"))
    assert "country filter has no 'Untied Kingdom'" in result.errors[0].message
    assert result.errors[0].hint == "did you mean United Kingdom?"


def test_pay_below_the_accounts_own_minimum_is_refused_before_anything_is_made() -> None:
    result = planned(minimum_hourly=Decimal("10.00"))  # the file pays £9.00 per hour
    assert "this Prolific account's minimum is £10.00 per hour" in result.errors[0].message
    assert result.errors[0].hint == 'pay at least "1.67" for an estimated 10 minutes'
    assert not planned(minimum_hourly=Decimal("6.00")).errors
