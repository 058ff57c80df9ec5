"""Table-driven tests of the reconciler's rules (DESIGN §5), one situation per case."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from factories import (
    DAY,
    LINEAGE,
    NOW,
    actions,
    change_of,
    deployed,
    hit_id,
    lock,
    observed,
    record,
    run,
    seen,
    study,
)

from deployer.core.plan import Plan
from deployer.core.provider import PlanOptions
from deployer.core.records import EnvLock
from deployer.providers.mturk.observed import ObservedHit
from deployer.providers.mturk.plan.identity import (
    Tag,
    annotation,
    assignments_token,
    hit_type,
    lineage_mark,
    parse_annotation,
    request_token,
)
from deployer.providers.mturk.plan.payloads import (
    Adopt,
    Create,
    Extend,
    Payload,
    Replace,
    UpdateType,
    payload_of,
)
from deployer.providers.mturk.study import MASTERS, MASTERS_IDS, Requirement, Study


def summary(p: Plan) -> list[tuple[str, str]]:
    return [(type(payload_of(c)).__name__, c.address) for c in p.changes]


def only(p: Plan, kind: type[Payload]) -> Payload:
    found = [a for a in actions(p) if isinstance(a, kind)]
    assert len(found) == 1, summary(p)
    return found[0]


# --- identity helpers --------------------------------------------------------------------------


def test_tokens_are_deterministic_short_and_distinct() -> None:
    one = request_token(LINEAGE, "local", "emotion/b1", 1, "abc")
    assert one == request_token(LINEAGE, "local", "emotion/b1", 1, "abc")
    assert len(one) <= 64 and one.startswith("dpl-")
    others = {
        request_token(LINEAGE, "sandbox", "emotion/b1", 1, "abc"),
        request_token(LINEAGE, "local", "emotion/b2", 1, "abc"),
        request_token(LINEAGE, "local", "emotion/b1", 2, "abc"),
        request_token(LINEAGE, "local", "emotion/b1", 1, "abd"),
        request_token("lineage-2", "local", "emotion/b1", 1, "abc"),
    }
    assert one not in others and len(others) == 5
    extra = assignments_token(LINEAGE, "local", "emotion/b1", 1, 12)
    assert len(extra) <= 64 and extra != assignments_token(LINEAGE, "local", "emotion/b1", 1, 13)


@pytest.mark.parametrize("text, parsed", [
    (annotation(LINEAGE, "emotion/b1", 2, "a60258338bf50918"),
     (lineage_mark(LINEAGE), "emotion/b1", 2, "a60258338bf50918")),
    (annotation(LINEAGE, "emotion/b12", 1, "ff"), (lineage_mark(LINEAGE), "emotion/b12", 1, "ff")),
    (annotation("another-project", "emotion/b1", 1, "ff"),
     (lineage_mark("another-project"), "emotion/b1", 1, "ff")),
    ("", None),
    ("someone else's note", None),
    ("deploy:emotion/b1#1:ff", None),
    (annotation(LINEAGE, "emotion/b1", 1, "ff").replace("b1#1", "b1#0"), None),
    (annotation(LINEAGE, "emotion/b1", 1, "ff").replace(":ff", ":XYZ"), None),
])
def test_parse_annotation(text: str, parsed: tuple[str, str, int, str] | None) -> None:
    assert parse_annotation(text) == (Tag(*parsed) if parsed else None)


def test_annotation_fits_mturk_limit() -> None:
    assert len(annotation(LINEAGE, "a" * 100 + "/b999", 999, "f" * 16)) <= 255


def test_hit_type_resolves_masters_per_environment_and_formats_reward() -> None:
    masters = Requirement(MASTERS, "Exists")
    s = study(reward=Decimal("1.5"), qualifications=(masters,))
    for env in ("sandbox", "production"):
        t = hit_type(s, env)
        assert t.qualifications[0].type_id == MASTERS_IDS[env]
        assert t.reward == "1.50"
        assert t.keywords == "emotion,rating,video"


# --- the life of a study -----------------------------------------------------------------------


def test_new_study_creates_one_hit_with_token_annotation_and_expiry() -> None:
    s = study()
    p = run([s])
    create = only(p, Create)
    assert isinstance(create, Create)
    assert create.hit.address == "emotion/b1" and create.hit.generation == 1
    assert create.hit.max_assignments == 9
    assert create.hit.token == request_token(LINEAGE, "local", "emotion/b1", 1, s.fingerprint)
    assert parse_annotation(create.hit.annotation) == Tag(
        lineage_mark(LINEAGE), "emotion/b1", 1, s.fingerprint)
    assert create.hit.expires_at == NOW + timedelta(days=7)
    assert change_of(p, create).cost == Decimal("5.40")


def test_new_study_is_split_by_max_assignments_per_hit() -> None:
    p = run([study(assignments=25, max_assignments_per_hit=9)])
    sizes = [(a.hit.address, a.hit.max_assignments) for a in actions(p) if isinstance(a, Create)]
    assert sizes == [("emotion/b1", 9), ("emotion/b2", 9), ("emotion/b3", 7)]


def test_closes_at_gives_the_expiry_of_new_hits() -> None:
    s = study(lifetime=None, closes_at=NOW + 3 * DAY)
    create = only(run([s]), Create)
    assert isinstance(create, Create) and create.hit.expires_at == NOW + 3 * DAY


def test_closes_at_in_the_past_is_an_error_not_a_create() -> None:
    p = run([study(lifetime=None, closes_at=NOW - DAY)])
    assert not actions(p)
    assert "has passed" in p.errors[0].message


def test_converged_study_has_no_actions_and_no_notes() -> None:
    s = study()
    p = run([s], *deployed(s))
    assert (actions(p), p.drift, p.warnings, p.errors) == ((), (), (), ())
    assert not p.has_changes


def test_more_assignments_below_ten_extends() -> None:
    s = study(assignments=5)
    the_lock, o = deployed(s)
    p = run([replace(s, assignments=8)], the_lock, o)
    extend = only(p, Extend)
    assert isinstance(extend, Extend)
    assert (extend.add_assignments, extend.new_max_assignments, extend.expires_at) == (3, 8, None)
    assert extend.assignments_token == assignments_token(LINEAGE, "local", "emotion/b1", 1, 8)
    assert change_of(p, extend).cost == Decimal("1.80")


def test_hit_created_with_ten_or_more_extends_freely() -> None:
    s = study(assignments=10)
    the_lock, o = deployed(s)
    p = run([replace(s, assignments=15)], the_lock, o)
    extend = only(p, Extend)
    assert isinstance(extend, Extend) and extend.add_assignments == 5
    assert change_of(p, extend).cost == Decimal("3.50")  # the 40% tier: 5 x (0.50 + 0.20)


def test_crossing_ten_creates_an_extra_batch_and_warns() -> None:
    s = study(assignments=9)
    the_lock, o = deployed(s)
    p = run([replace(s, assignments=12)], the_lock, o)
    create = only(p, Create)
    assert isinstance(create, Create)
    assert (create.hit.address, create.hit.max_assignments) == ("emotion/b2", 3)
    assert "forbids growing emotion/b1" in change_of(p, create).reason
    assert any("one worker may take both" in w.message for w in p.warnings)


def test_crossing_ten_fills_the_old_hit_up_to_nine_first() -> None:
    s = study(assignments=5)
    the_lock, o = deployed(s)
    p = run([replace(s, assignments=12)], the_lock, o)
    assert summary(p) == [("Extend", "emotion/b1"), ("Create", "emotion/b2")]
    extend, create = actions(p)
    assert isinstance(extend, Extend) and extend.new_max_assignments == 9
    assert isinstance(create, Create) and create.hit.max_assignments == 3


def test_batches_fill_up_to_the_per_hit_size_then_new_batches() -> None:
    s = study(assignments=16, max_assignments_per_hit=9)
    the_lock, o = deployed(s, 9, 7)
    p = run([replace(s, assignments=30)], the_lock, o)
    assert summary(p) == [("Extend", "emotion/b2"), ("Create", "emotion/b3"),
                          ("Create", "emotion/b4")]
    sizes = [a.hit.max_assignments for a in actions(p) if isinstance(a, Create)]
    assert sizes == [9, 3]
    assert not any("one worker" in w.message for w in p.warnings)


def test_new_batches_never_reuse_a_recorded_batch_number() -> None:
    s = study(assignments=9, max_assignments_per_hit=9)
    gone = record(s, 2, size=9, status="gone", created_at=NOW - 200 * DAY)
    the_lock = lock(record(s, 1), gone)
    o = observed(seen(s, record(s, 1)))
    p = run([replace(s, assignments=27)], the_lock, o)
    assert [a.hit.address for a in actions(p) if isinstance(a, Create)] == ["emotion/b3"]


def test_fewer_assignments_is_an_error_with_a_hint() -> None:
    s = study(assignments=9)
    p = run([replace(s, assignments=5)], *deployed(s))
    assert not actions(p)
    assert "asks for 5 assignments, but 9 were already created" in p.errors[0].message
    assert "state: closed" in p.errors[0].hint and "assignments: 9" in p.errors[0].hint


def test_longer_lifetime_extends_the_expiry() -> None:
    s = study()
    p = run([replace(s, lifetime=10 * 86400)], *deployed(s))
    extend = only(p, Extend)
    assert isinstance(extend, Extend)
    assert extend.expires_at == NOW - DAY + timedelta(days=10)
    assert extend.add_assignments == 0 and change_of(p, extend).cost == 0


def test_more_assignments_and_later_expiry_are_one_extend() -> None:
    s = study(assignments=5)
    p = run([replace(s, assignments=7, lifetime=10 * 86400)], *deployed(s))
    extend = only(p, Extend)
    assert isinstance(extend, Extend)
    assert extend.add_assignments == 2 and extend.expires_at is not None
    assert [c.field for c in extend.edits] == ["max_assignments", "expires_at"]


def test_earlier_expiry_in_the_future_is_one_error_for_the_whole_edit() -> None:
    s = study(assignments=54, max_assignments_per_hit=9)
    p = run([replace(s, lifetime=3 * 86400)], *deployed(s, 9, 9, 9, 9, 9, 9))
    assert not actions(p)
    [error] = p.errors
    assert error.address == "emotion"
    assert error.message == (
        "studies/emotion.yaml asks 6 HITs (emotion/b1..b6) to expire earlier than they do now "
        "(emotion/b1: at 2026-12-02T12:00:00Z instead of 2026-12-06T12:00:00Z)")
    assert "cannot shorten" in error.hint


def test_a_batch_that_ran_its_course_needs_nothing() -> None:
    s = study(lifetime=86400)
    r = record(s, created_at=NOW - 3 * DAY)
    p = run([s], lock(r), observed(seen(s, r)))
    assert (actions(p), p.drift, p.errors) == ((), (), ())


@pytest.mark.parametrize("started, kind", [(0, UpdateType), (1, Replace)])
def test_new_reward_updates_type_until_work_is_accepted(started: int, kind: type) -> None:
    s = study()
    r = record(s)
    o = observed(seen(s, r, pending=started))
    p = run([replace(s, reward=Decimal("0.75"))], lock(r), o)
    action = only(p, kind)
    assert next((c.field, c.old, c.new) for c in action.edits) == ("reward", "0.50", "0.75")
    if isinstance(action, UpdateType):
        assert action.hit_type.reward == "0.75"
        assert change_of(p, action).cost == Decimal("2.70")  # 9 x (0.75 + 0.15) - 9 x (0.50 + 0.10)
    else:
        assert isinstance(action, Replace)
        assert action.hit.generation == 2 and action.hit.max_assignments == 8
        assert "already accepted" in change_of(p, action).reason


def test_qualification_order_is_not_a_change() -> None:
    a = Requirement("00000000000000000040", "GreaterThan", (100,))
    b = Requirement("000000000000000000L0", "GreaterThanOrEqualTo", (95,))
    s = study(qualifications=(a, b))
    r = record(s)
    p = run([s], lock(r), observed(seen(s, r, qualifications=(b, a))))
    assert not actions(p)


def test_new_question_replaces_with_the_unstarted_remainder() -> None:
    s = study()
    r = record(s)
    o = observed(seen(s, r, pending=2, submitted=3))
    changed = replace(s, question=s.question.replace("emotion.example", "emotion2.example"))
    p = run([changed], lock(r), o)
    rep = only(p, Replace)
    assert isinstance(rep, Replace)
    assert rep.old_hit_id == r.hit_id and rep.hit.generation == 2
    assert rep.hit.max_assignments == 4
    question = rep.edits[0]
    assert question.field == "question" and question.forces_replacement
    assert rep.hit.token == request_token(LINEAGE, "local", "emotion/b1", 2, changed.fingerprint)
    # 4 x 0.60 for the new HIT, minus the 4 open assignments the old one releases
    assert change_of(p, rep).cost == Decimal("0.00")


def test_after_a_replace_the_study_counts_the_old_generation() -> None:
    s = study()
    old = replace(record(s), status="expired")
    new = record(s, generation=2, size=4)
    o = observed(seen(s, old, pending=2, submitted=3), seen(s, new))
    p = run([s], lock(old, new), o)
    assert not actions(p) and not p.errors


def test_new_question_with_nothing_left_to_carry_is_only_a_note() -> None:
    s = study()
    r = record(s)
    o = observed(seen(s, r, submitted=9))
    changed = replace(s, question=s.question.replace("emotion.example", "emotion2.example"))
    p = run([changed], lock(r), o)
    assert not actions(p)
    assert "nothing to carry" in p.warnings[0].message


@pytest.mark.parametrize("closed", [True, False])
def test_closed_or_removed_study_expires_its_live_hits(closed: bool) -> None:
    s = study(assignments=18, max_assignments_per_hit=9)
    the_lock, o = deployed(s, 9, 9)
    p = run([replace(s, state="closed")] if closed else [], the_lock, o)
    assert summary(p) == [("Expire", "emotion/b1"), ("Expire", "emotion/b2")]
    reason = p.changes[0].reason
    assert ("state: closed" in reason) if closed else ("file removed" in reason)


def test_closed_study_leaves_expired_hits_alone() -> None:
    s = study(state="closed")
    r = record(s, status="expired")
    p = run([s], lock(r), observed(seen(s, r, expires_at=NOW - DAY)))
    assert not actions(p)


def test_reopened_study_extends_its_hits_back() -> None:
    s = study()
    r = record(s, status="expired")
    p = run([s], lock(r), observed(seen(s, r, expires_at=NOW - timedelta(hours=1))))
    extend = only(p, Extend)
    assert isinstance(extend, Extend) and extend.expires_at == NOW - DAY + 7 * DAY
    assert not p.drift


# --- crashes, drift and adoption ---------------------------------------------------------------


def test_pending_intent_creates_again_with_the_same_token() -> None:
    s = study()
    r = record(s, status="pending")
    create = only(run([s], lock(r)), Create)
    assert isinstance(create, Create)
    assert (create.hit.token, create.hit.generation) == (r.token, 1)


def test_pending_replacement_counts_what_the_old_generation_used() -> None:
    s = study()
    old = replace(record(s), status="expired")
    new = record(s, generation=2, size=4, status="pending")
    p = run([s], lock(old, new), observed(seen(s, old, submitted=5)))
    create = only(p, Create)
    assert isinstance(create, Create)
    assert (create.hit.generation, create.hit.max_assignments) == (2, 4)
    assert not p.errors


def test_pending_intent_with_an_observed_hit_is_adopted() -> None:
    s = study()
    r = record(s, status="pending")
    hit = seen(s, record(s))
    p = run([s], lock(r), observed(hit))
    adopt = only(p, Adopt)
    assert isinstance(adopt, Adopt)
    assert adopt.observed.hit_id == hit.hit_id and adopt.token == r.token
    assert summary(p) == [("Adopt", "emotion/b1")]


def test_annotated_orphan_is_adopted_never_created_twice() -> None:
    s = study()
    hit = seen(s, record(s))
    p = run([s], lock(), observed(hit))
    assert summary(p) == [("Adopt", "emotion/b1")]


def test_orphan_of_a_newer_generation_is_adopted_and_then_reconciled() -> None:
    s = study(assignments=5)
    old = replace(record(s), status="expired")
    newer = seen(s, record(s, generation=2, size=5))
    p = run([replace(s, assignments=7)], lock(old), observed(seen(s, old), newer))
    assert summary(p) == [("Adopt", "emotion/b1"), ("Extend", "emotion/b1")]


def test_orphan_of_an_unknown_study_is_left_alone() -> None:
    other = study("other")
    p = run([study()], lock(), observed(seen(other, record(other))))
    assert ("Adopt", "other/b1") not in summary(p)
    assert any("leaves it alone" in w.message for w in p.warnings)


def test_orphan_of_a_removed_study_is_adopted_and_expired() -> None:
    s = study()
    known = record(s, 1)
    orphan = seen(s, record(s, 2))
    p = run([], lock(known), observed(seen(s, known), orphan))
    assert summary(p) == [("Expire", "emotion/b1"), ("Adopt", "emotion/b2"),
                          ("Expire", "emotion/b2")]


def test_gone_hit_is_forgotten_and_recreated_while_the_study_runs() -> None:
    s = study()
    r = record(s)
    p = run([s], lock(r), observed())
    assert summary(p) == [("Forget", "emotion/b1"), ("Create", "emotion/b1")]
    create = actions(p)[1]
    assert isinstance(create, Create)
    assert create.hit.generation == 2 and create.hit.max_assignments == 9
    assert "has been deleted" in p.drift[0].message


def test_gone_hit_that_ran_its_course_is_only_forgotten() -> None:
    s = study(lifetime=86400)
    r = record(s, created_at=NOW - 200 * DAY)
    p = run([s], lock(r), observed())
    assert summary(p) == [("Forget", "emotion/b1")]


def test_recorded_gone_hit_is_not_forgotten_twice() -> None:
    s = study(lifetime=86400)
    r = record(s, created_at=NOW - 200 * DAY, status="gone")
    p = run([s], lock(r), observed())
    assert (actions(p), p.drift) == ((), ())


def test_hit_expired_outside_is_drift_and_extended_back() -> None:
    s = study()
    r = record(s)
    p = run([s], lock(r), observed(seen(s, r, expires_at=NOW - timedelta(hours=2))))
    extend = only(p, Extend)
    assert isinstance(extend, Extend) and extend.expires_at == r.expires_at
    assert "expired" in p.drift[0].message and "outside deploy" in p.drift[0].message


def test_max_assignments_changed_outside_is_drift() -> None:
    s = study(assignments=5)
    r = record(s)
    p = run([replace(s, assignments=6)], lock(r), observed(seen(s, r, size=6)))
    assert not actions(p)
    assert "MaxAssignments 6" in p.drift[0].message


def test_assignments_added_outside_are_drift_not_an_error() -> None:
    s = study(assignments=5)
    r = record(s)
    p = run([s], lock(r), observed(seen(s, r, size=7)))
    assert (actions(p), p.errors) == ((), ())
    assert "MaxAssignments 7" in p.drift[0].message
    assert p.costs[0].committed == Decimal("4.20")  # 7 x 0.60: what MTurk holds


def test_update_type_comes_before_extend_on_the_same_hit() -> None:
    s = study(assignments=5)
    wanted = replace(s, assignments=7, reward=Decimal("0.60"))
    p = run([wanted], *deployed(s))
    assert summary(p) == [("UpdateType", "emotion/b1"), ("Extend", "emotion/b1")]
    extend = actions(p)[1]
    # 2 x (0.60 + 0.12)
    assert isinstance(extend, Extend) and change_of(p, extend).cost == Decimal("1.44")


def test_masters_costs_five_percent_more_on_extension() -> None:
    s = study(assignments=10, qualifications=(Requirement(MASTERS, "Exists"),))
    p = run([replace(s, assignments=12)], *deployed(s))
    extend = only(p, Extend)
    # 2 x (0.50 + 0.23)
    assert isinstance(extend, Extend) and change_of(p, extend).cost == Decimal("1.46")


def test_pending_intent_after_a_question_change_sends_a_new_token() -> None:
    s = study()
    r = record(s, status="pending")
    changed = replace(s, question=s.question.replace("emotion.example", "x.example"))
    create = only(run([changed], lock(r)), Create)
    assert isinstance(create, Create)
    assert create.hit.generation == 1 and create.hit.token != r.token


def test_type_change_after_all_work_was_taken_is_only_a_note() -> None:
    s = study()
    r = record(s)
    p = run([replace(s, title="New title")], lock(r), observed(seen(s, r, submitted=9)))
    assert not actions(p) and "nothing to carry" in p.warnings[0].message


def test_duplicate_annotated_hit_of_a_recorded_batch_is_left_alone() -> None:
    s = study()
    r = record(s)
    twin = replace(seen(s, r), hit_id="3TWIN".ljust(30, "X"))
    p = run([s], lock(r), observed(seen(s, r), twin))
    assert not actions(p)
    assert "another HIT holds that batch" in p.warnings[0].message


def test_closed_study_adopts_and_expires_a_hit_created_by_a_crashed_apply() -> None:
    s = study(state="closed")
    r = record(s, status="pending")
    p = run([s], lock(r), observed(seen(s, record(s))))
    assert summary(p) == [("Adopt", "emotion/b1"), ("Expire", "emotion/b1")]


def test_expiry_extended_outside_is_drift_not_an_error() -> None:
    s = study()
    r = record(s)
    later = (r.expires_at or NOW) + 2 * DAY
    p = run([s], lock(r), observed(seen(s, r, expires_at=later)))
    assert not actions(p) and not p.errors
    assert "expires at" in p.drift[0].message


# --- environments and guardrails ---------------------------------------------------------------


def test_production_skips_studies_that_did_not_opt_in() -> None:
    s = study()
    p = run([s], lock(environment="production"), environment="production")
    assert not actions(p)
    assert "not enabled for production" in p.warnings[0].message


def test_production_refuses_a_configuration_never_applied_in_sandbox() -> None:
    s = study(production=True)
    p = run([s], lock(environment="production"), environment="production")
    assert "never applied in sandbox" in p.errors[0].message
    assert "--skip-sandbox-check" in p.errors[0].hint


def test_production_accepts_a_configuration_applied_in_sandbox() -> None:
    s = study(production=True)
    sandbox = EnvLock("mturk", "sandbox", "lineage-s", applied=(("emotion", (s.config_hash,)),))
    p = run([s], lock(environment="production", sandbox=sandbox), environment="production")
    assert summary(p) == [("Create", "emotion/b1")] and not p.errors


def test_skip_sandbox_check() -> None:
    s = study(production=True)
    p = run([s], lock(environment="production"), environment="production",
            options=PlanOptions(skip_sandbox_check=True))
    assert not p.errors


def test_only_filters_studies_and_never_expires_the_rest() -> None:
    a, b = study("alpha"), study("beta")
    the_lock, o = deployed(a)
    p = run([b], the_lock, o, options=PlanOptions(only=frozenset({"beta"})))
    assert summary(p) == [("Create", "beta/b1")]
    assert [c.study for c in p.costs] == ["beta"]


def test_only_naming_an_unknown_study_is_an_error() -> None:
    p = run([study()], options=PlanOptions(only=frozenset({"nope"})))
    assert "no study named nope" in p.errors[0].message


# --- money -------------------------------------------------------------------------------------


@pytest.mark.parametrize("changes, added", [
    ({"assignments": 9}, "5.40"),  # 9 x (0.50 + 0.10)
    ({"assignments": 10}, "7.00"),  # 10 x (0.50 + 0.20): the 40% tier
    ({"assignments": 10, "max_assignments_per_hit": 9}, "6.00"),  # 9 + 1, both at 20%
    ({"assignments": 9, "qualifications": (Requirement(MASTERS, "Exists"),)}, "5.67"),  # +5%
    ({"assignments": 10, "reward": Decimal("0.04")}, "0.60"),  # 0.016 -> 0.02 fee
    ({"assignments": 9, "reward": Decimal("0.04")}, "0.45"),  # 0.008 -> $0.01 minimum
])
def test_worked_costs(changes: dict[str, object], added: str) -> None:
    p = run([study(**changes)])  # type: ignore[arg-type]
    assert p.added_cost == Decimal(added)
    assert p.costs[0].committed == Decimal(added)


def test_committed_counts_started_work_of_expired_hits() -> None:
    s = study()
    r = record(s)
    o = observed(seen(s, r, submitted=4, expires_at=NOW - timedelta(hours=1)))
    p = run([replace(s, state="closed")], lock(r), o)
    assert p.costs[0].committed == Decimal("2.40")  # 4 x 0.60


def test_over_budget_is_an_error_naming_both_figures() -> None:
    p = run([study(assignments=10, budget=Decimal("6.00"))])
    assert "$7.00" in p.errors[0].message and "$6.00" in p.errors[0].message


def test_over_balance_is_an_error_naming_both_figures() -> None:
    p = run([study()], the_observed=observed(balance=Decimal("5.00")))
    assert "$5.40" in p.errors[0].message and "$5.00" in p.errors[0].message


def test_batching_saving_is_warned_when_paying_the_large_fee() -> None:
    p = run([study(assignments=20)])
    assert p.costs[0].saving == Decimal("2.00")
    assert "would save $2.00" in p.warnings[0].message


def test_plan_is_deterministic_and_ordered() -> None:
    studies = [study("beta"), study("alpha", assignments=30, max_assignments_per_hit=3)]
    first = run(studies)
    assert first == run(list(reversed(studies)))
    addresses = [c.address for c in first.changes]
    assert addresses[:3] == ["alpha/b1", "alpha/b2", "alpha/b3"]
    assert addresses[9:] == ["alpha/b10", "beta/b1"]


def test_ids_in_factories_are_stable() -> None:
    assert hit_id("emotion/b1") == hit_id("emotion/b1") != hit_id("emotion/b1", 2)


# --- another lockfile's HITs, lost lockfiles ------------------------------------------------------


def foreign(s: Study, lineage: str = "lost-lockfile", generation: int = 1) -> ObservedHit:
    r = record(s, generation)
    return replace(seen(s, r), hit_id=f"3FOREIGN{generation}".ljust(30, "X"),
                   annotation=annotation(lineage, r.address, r.generation, r.fingerprint))


def test_another_lockfiles_hits_with_no_record_here_are_an_error_not_a_duplicate() -> None:
    s = study()
    p = run([s], lock(), observed(foreign(s)))
    (error,) = p.errors  # a plan with errors is never applied
    mark = lineage_mark("lost-lockfile")
    assert error.message == (f"MTurk has 1 HIT(s) of emotion made with another lockfile "
                             f"(lineage mark {mark}), e.g. {foreign(s).hit_id}")
    assert f"`deploy apply --adopt {mark}`" in error.hint


def test_adopt_names_a_lost_lockfiles_hits_to_record_them() -> None:
    s = study()
    options = PlanOptions(adopt=lineage_mark("lost-lockfile"))
    p = run([s], lock(), observed(foreign(s)), options=options)
    assert summary(p) == [("Adopt", "emotion/b1")] and not p.errors


def test_another_lockfiles_hits_beside_our_own_are_left_alone_with_a_warning() -> None:
    s = study()
    the_lock, seen_hits = deployed(s)
    p = run([s], the_lock, observed(*seen_hits.hits.values(), foreign(s, generation=1)))
    assert actions(p) == () and not p.errors
    assert any("made with another lockfile" in w.message for w in p.warnings)


# --- fixes: closes_at in the past, reopening costs, unfinished extensions -----------------------


def test_closes_at_moved_into_the_past_expires_the_open_hit() -> None:
    s = study(lifetime=None, closes_at=NOW + 2 * DAY)
    r = replace(record(s), expires_at=NOW + 2 * DAY)
    p = run([replace(s, closes_at=NOW - DAY / 24)], lock(r), observed(seen(s, r)))
    assert summary(p) == [("Expire", "emotion/b1")]
    assert p.changes[0].reason == "closes_at in studies/emotion.yaml has passed"


def test_reopening_an_expired_hit_costs_its_unstarted_assignments() -> None:
    s = study(assignments=9)  # $0.50 reward, 9 assignments: $0.60 each with the fee
    r = replace(record(s, size=9), status="expired", expires_at=NOW - DAY)
    p = run([s], lock(r), observed(seen(s, r, submitted=3, expires_at=NOW - DAY)))
    (extend,) = actions(p)
    assert isinstance(extend, Extend) and extend.expires_at is not None
    assert change_of(p, extend).cost == Decimal("3.60")  # 6 unstarted x $0.60
    assert p.costs[0].added == Decimal("3.60")


def test_an_unfinished_extension_is_retried_with_the_same_token_and_no_drift_note() -> None:
    s = study(assignments=8)
    r = record(s, size=8)  # recorded before the call; MTurk still has 5
    p = run([s], lock(r), observed(seen(s, r, size=5)))
    (extend,) = actions(p)
    assert isinstance(extend, Extend)
    assert (extend.add_assignments, extend.new_max_assignments) == (3, 8)
    assert extend.assignments_token == assignments_token(LINEAGE, "local", "emotion/b1", 1, 8)
    assert p.drift == ()


def test_replacement_counts_an_old_generation_by_what_mturk_reports() -> None:
    s = study(assignments=5)
    old = replace(record(s, size=3), status="expired")  # the lock missed an extension to 5
    new = record(s, generation=2, size=3)
    p = run([s], lock(old, new),
            observed(seen(s, old, size=5, submitted=2, expires_at=NOW - DAY), seen(s, new)))
    assert actions(p) == () and not p.errors


def test_closes_at_more_than_365_days_away_is_an_error_not_a_failed_create() -> None:
    s = study(lifetime=None, closes_at=NOW + 400 * DAY)
    p = run([s])
    (error,) = p.errors
    assert "more than 365 days away: MTurk keeps a HIT open at most 365 days" in error.message


def test_a_renamed_study_file_is_called_out() -> None:
    s = study()
    the_lock, seen_hits = deployed(s)
    renamed = replace(s, name="emotion-v2", path="studies/emotion-v2.yaml")
    p = run([renamed], the_lock, seen_hits)
    assert summary(p) == [("Expire", "emotion/b1"), ("Create", "emotion-v2/b1")]
    (warning,) = [w for w in p.warnings if w.address == "emotion-v2"]
    assert warning.message.startswith(
        "studies/emotion-v2.yaml asks the same question as emotion, whose file was removed")
    assert warning.hint == "rename the file back to emotion.yaml to keep its HITs"


def test_another_lockfiles_hits_stay_an_error_for_each_study_without_a_record() -> None:
    adopted_one, lost_one = study(), study("survey")
    the_lock, seen_hits = deployed(adopted_one)  # emotion was adopted back; survey was not
    p = run([adopted_one, lost_one], the_lock,
            observed(*seen_hits.hits.values(), foreign(lost_one)))
    (error,) = p.errors
    assert error.address == "survey" and "made with another lockfile" in error.message


def test_work_returned_on_a_replaced_hit_goes_back_to_the_study() -> None:
    s = study(assignments=9)
    old = replace(record(s, size=9), status="expired")
    new = record(s, generation=2, size=8)  # carried 8; the 1 accepted was then returned
    p = run([s], lock(old, new),
            observed(seen(s, old, expires_at=NOW - DAY), seen(s, new)))
    (extend,) = actions(p)
    assert isinstance(extend, Extend) and (extend.add_assignments, extend.new_max_assignments) == (
        1, 9)
