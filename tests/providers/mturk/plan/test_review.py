"""The review in plans: decisions and bonuses against what MTurk reports, one rule per case."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from factories import (
    DAY,
    NOW,
    actions,
    change_of,
    deployed,
    lock,
    observed,
    record,
    run,
    seen,
    study,
)

from deployer.core.plan import Plan
from deployer.core.records import sort_records
from deployer.core.review import Decision, Review
from deployer.providers.mturk.observed import ObservedAssignment
from deployer.providers.mturk.plan.identity import bonus_token
from deployer.providers.mturk.plan.payloads import Approve, Pay, Reject
from deployer.providers.mturk.records import RecordedBonus

S = study("pilot", assignments=9, review="manual")
KEY = "k" * 32


def work(n: int, status: str = "Submitted", submitted: datetime = NOW - DAY,
         auto: bool = False) -> ObservedAssignment:
    reviewed = None if status == "Submitted" else submitted + (3 * DAY if auto else DAY / 2)
    return ObservedAssignment(f"ASSIGN{n}", "", f"AWORKER{n}", status, submitted,
                              submitted + 3 * DAY, reviewed)


def planned(*decisions: Decision, assignments: tuple[ObservedAssignment, ...] = (),
            bonuses: dict[str, tuple[Decimal, ...]] | None = None,
            recorded: tuple[RecordedBonus, ...] = (), s: object = S) -> Plan:
    the_study = s if isinstance(s, type(S)) else S
    the_lock, seen_now = deployed(the_study)
    hit_id = next(iter(seen_now.hits))
    found = tuple(replace(a, hit_id=hit_id) for a in assignments)
    env = the_lock.env("mturk", "local")
    assert env is not None
    env = replace(env, pseudonym_key=KEY, records=sort_records([*env.records, *recorded]))
    the_lock = replace(the_lock, environments={env.name: env})
    now = replace(seen_now, assignments={hit_id: found}, bonuses=bonuses or {})
    reviews = {"pilot": Review("pilot", "reviews/local/pilot.csv", decisions)} if decisions \
        else {}
    return run([the_study], the_lock, now, reviews=reviews)


def d(n: int, verdict: str = "", feedback: str = "", bonus: str | None = None,
      line: int = 0) -> Decision:
    return Decision(f"ASSIGN{n}", line or n + 1, verdict,  # type: ignore[arg-type]
                    feedback, Decimal(bonus) if bonus else None, "Thanks" if bonus else "")


def test_approve_and_reject_submitted_work() -> None:
    p = planned(d(1, "approve"), d(2, "reject", "You skipped the clips."), d(3),
                assignments=(work(1), work(2), work(3)))
    assert [type(a).__name__ for a in actions(p)] == ["Approve", "Reject"]
    approve, reject = actions(p)
    assert isinstance(approve, Approve) and not approve.override
    assert approve.address.endswith("/ASSIGN1") and approve.address.startswith("pilot/b1/")
    assert isinstance(reject, Reject) and reject.feedback == "You skipped the clips."
    assert change_of(p, reject).reason == "rejected in reviews/local/pilot.csv:3"
    worker = dict((a.field, a.new) for a in change_of(p, approve).attributes)["worker"]
    assert worker.startswith("p") and "AWORKER1" not in worker
    assert p.errors == () and p.added_cost == 0


def test_work_already_reviewed_as_asked_needs_nothing() -> None:
    p = planned(d(1, "approve"), d(2, "reject", "no"),
                assignments=(work(1, "Approved"), work(2, "Rejected")))
    assert p.changes == () and p.errors == ()


def test_auto_approved_work_cannot_be_rejected() -> None:
    p = planned(d(1, "reject", "Too late"), assignments=(work(1, "Approved", auto=True),))
    assert p.changes == ()
    assert p.errors[0].message.startswith("reviews/local/pilot.csv:2: assignment ASSIGN1 was "
                                          "approved automatically at ")
    assert "MTurk cannot reject it any more" in p.errors[0].message


def test_a_rejection_is_overridden_within_thirty_days_only() -> None:
    recent = planned(d(1, "approve"), assignments=(work(1, "Rejected", NOW - 29 * DAY),))
    (approve,) = actions(recent)
    assert isinstance(approve, Approve) and approve.override
    assert change_of(recent, approve).kind == "override_rejection"
    old = planned(d(1, "approve"), assignments=(work(1, "Rejected", NOW - 31 * DAY),))
    assert old.changes == () and "more than 30 days ago" in old.errors[0].message


def test_an_unknown_assignment_is_an_error_with_the_line() -> None:
    p = planned(d(9, "approve", line=7), assignments=(work(1),))
    assert p.errors[0].message == ("reviews/local/pilot.csv:7: assignment ASSIGN9 is not a "
                                   "submission of pilot in LOCAL")


def test_a_bonus_pays_the_difference_with_its_fee_and_a_deterministic_token() -> None:
    p = planned(d(1, bonus="1.50"), assignments=(work(1, "Approved"),),
                bonuses={"ASSIGN1": (Decimal("0.50"),)})
    (pay,) = actions(p)
    assert isinstance(pay, Pay) and (pay.amount, pay.target) == ("1.00", "1.50")
    assert pay.token == bonus_token("lineage-1", "local", "ASSIGN1", "1.50")
    assert change_of(p, pay).cost == Decimal("1.20")  # $1.00 + 20%
    tiny = planned(d(1, bonus="0.04"), assignments=(work(1),))
    assert change_of(tiny, actions(tiny)[0]).cost == Decimal("0.05")  # the $0.01 minimum fee


def test_a_bonus_already_paid_needs_nothing_and_a_lower_total_is_an_error() -> None:
    paid = {"ASSIGN1": (Decimal("0.50"), Decimal("0.50"))}
    assert planned(d(1, bonus="1.00"), assignments=(work(1),), bonuses=paid).changes == ()
    lower = planned(d(1, bonus="0.75"), assignments=(work(1),), bonuses=paid)
    assert lower.changes == ()
    assert "bonus $0.75 is less than the $1.00 already paid" in lower.errors[0].message
    assert lower.errors[0].hint == "write bonus 1.00 (or more)"


def test_a_bonus_the_lockfile_saw_sent_counts_even_before_mturk_lists_it() -> None:
    sent = RecordedBonus("pilot/b1/ASSIGN1", "ASSIGN1", "1.00", "1.00", "t", "sent")
    assert planned(d(1, bonus="1.00"), assignments=(work(1),), recorded=(sent,)).changes == ()
    pending = replace(sent, status="pending")
    (pay,) = actions(planned(d(1, bonus="1.00"), assignments=(work(1),), recorded=(pending,)))
    assert isinstance(pay, Pay) and pay.amount == "1.00"  # sent again with the same token


def test_bonuses_count_in_the_study_cost_and_its_budget() -> None:
    p = planned(d(1, bonus="3.00"), d(2, bonus="1.00"), assignments=(work(1), work(2)),
                bonuses={"ASSIGN2": (Decimal("1.00"),)}, s=replace(S, budget=Decimal("10.00")))
    (cost,) = p.costs
    assert cost.added == Decimal("3.60")
    # 9 x ($0.50 + $0.10) for the HIT, $1.20 paid, $3.60 planned
    assert cost.committed == Decimal("10.20")
    assert "over its budget of $10.00" in p.errors[0].message


def test_rejecting_more_than_a_tenth_warns() -> None:
    many = planned(d(1, "reject", "no"), d(2, "reject", "no"),
                   assignments=tuple(work(n) for n in range(1, 10)))
    assert "2 of 9 submissions of pilot (22%) would be rejected" in many.warnings[0].message
    few = planned(d(1, "reject", "no"), assignments=tuple(work(n) for n in range(1, 11)))
    assert few.warnings == ()


def test_approve_all_approves_every_submission_the_file_does_not_decide() -> None:
    everyone = replace(S, review="approve_all")
    p = planned(assignments=(work(1), work(2, "Approved"), work(3, "Rejected")), s=everyone)
    (approve,) = actions(p)
    assert isinstance(approve, Approve) and approve.assignment_id == "ASSIGN1"
    assert change_of(p, approve).reason == "`review: approve_all` in studies/pilot.yaml"


def test_the_review_of_a_closed_study_is_still_carried_out() -> None:
    closed = replace(S, state="closed")
    p = planned(d(1, "approve"), assignments=(work(1),), s=closed)
    assert [type(a).__name__ for a in actions(p)] == ["Expire", "Approve"]


def test_the_plan_warns_before_mturk_disposes_of_unsaved_submissions() -> None:
    old = record(S, created_at=NOW - 110 * DAY)
    hit = seen(S, old, submitted=3)
    p = run([S], lock(old), observed(hit))
    assert "has 3 submissions that `deploy results` has not saved" in p.warnings[0].message
    assert p.warnings[0].hint == "run `deploy results --env local` before then"
    saved = run([S], lock(old), observed(hit), saved={hit.hit_id: 3})
    assert saved.warnings == ()
    young = record(S, created_at=NOW - 100 * DAY)
    assert run([S], lock(young), observed(seen(S, young, submitted=3))).warnings == ()
