"""The account that pays: shown in the plan, and held to a study's `aws_account`."""

from __future__ import annotations

from dataclasses import replace

from factories import deployed, lock, observed, run, study

from deployer.core.plan import Payer

LAB = Payer("111122223333", "arn:aws:iam::111122223333:user/lab")
PERSONAL = Payer("999988887777", "arn:aws:iam::999988887777:user/me")


def test_the_plan_carries_who_pays() -> None:
    plan = run([study()], lock(environment="sandbox"),
               replace(observed(), payer=LAB), environment="sandbox")
    assert plan.payer == LAB and plan.errors == ()
    assert run([study()]).payer is None  # the emulator: nobody's money


def test_another_account_than_the_pinned_one_is_an_error_naming_both() -> None:
    pinned = study(aws_account="111122223333")
    plan = run([pinned], lock(environment="sandbox"),
               replace(observed(), payer=PERSONAL), environment="sandbox")
    assert [(e.address, e.message) for e in plan.errors] == [(
        "emotion", "studies/emotion.yaml is to be paid by AWS account 111122223333, but the "
        "credentials in use belong to account 999988887777 "
        "(arn:aws:iam::999988887777:user/me)")]
    assert "AWS_PROFILE or --profile" in plan.errors[0].hint
    right = run([pinned], lock(environment="sandbox"),
                replace(observed(), payer=LAB), environment="sandbox")
    assert right.errors == () and right.changes


def test_a_pin_is_checked_for_a_closed_study_too_but_not_without_an_account() -> None:
    closed = study(aws_account="111122223333", state="closed")
    the_lock, seen = deployed(closed)
    assert run([closed], the_lock, replace(seen, payer=PERSONAL)).errors
    assert run([closed], the_lock, seen).errors == ()


def test_a_payer_is_the_same_across_logins_of_one_role() -> None:
    monday = Payer("111122223333", "arn:aws:sts::111122223333:assumed-role/Lab/alice",
                   "arn:aws:sts::111122223333:assumed-role/Lab")
    tuesday = replace(monday, identity="arn:aws:sts::111122223333:assumed-role/Lab/bob")
    assert monday.same_as(tuesday)
    assert not monday.same_as(replace(tuesday, principal="arn:aws:sts::1:assumed-role/Other"))
    assert not LAB.same_as(PERSONAL) and not LAB.same_as(None) and LAB.same_as(LAB)
