"""Production: new work must fit in the balance left after what live work already holds."""

from __future__ import annotations

from datetime import datetime, timezone

from .conftest import EXTERNAL, Env
from .helpers import request_error

FUNDS = "AWS.MechanicalTurk.InsufficientFunds"


def test_open_slots_of_live_hits_are_held(prod: Env) -> None:
    first = prod.hit(Reward="1.00", MaxAssignments=3)  # holds 3 x 1.20 = 3.60 of 5.00
    request_error(lambda: prod.hit(Reward="1.00", MaxAssignments=2, Title="second"), FUNDS)
    request_error(lambda: prod.client.create_hit_with_hit_type(
        HITTypeId=first["HITTypeId"], LifetimeInSeconds=60, MaxAssignments=2,
        Question=EXTERNAL), FUNDS)
    request_error(lambda: prod.client.create_additional_assignments_for_hit(
        HITId=first["HITId"], NumberOfAdditionalAssignments=2), FUNDS)
    prod.hit(Reward="1.00", MaxAssignments=1, Title="fits")  # 1.20 <= 1.40 left
    assert prod.client.list_hits()["NumResults"] == 2
    assert prod.client.get_account_balance()["AvailableBalance"] == "5.00"  # nothing paid yet


def test_expired_hits_hold_only_work_in_flight(prod: Env) -> None:
    hit_id = prod.hit(Reward="1.00", MaxAssignments=3)["HITId"]
    accepted = prod.emu.workers.accept(prod.worker(), hit_id)
    submitted = prod.work(hit_id)
    prod.client.update_expiration_for_hit(HITId=hit_id, ExpireAt=datetime(2020, 1, 1,
                                                                          tzinfo=timezone.utc))
    # Still held: the accepted and the submitted assignment (2 x 1.20), not the open slot.
    request_error(lambda: prod.hit(Reward="1.00", MaxAssignments=3, Title="x"), FUNDS)
    prod.hit(Reward="1.00", MaxAssignments=2, Title="y")  # 2.40 <= 5.00 - 2.40
    prod.client.reject_assignment(AssignmentId=submitted, RequesterFeedback="no")
    prod.emu.workers.return_assignment(accepted)
    prod.hit(Reward="1.00", MaxAssignments=2, Title="z")  # the expired HIT holds nothing now


def test_approved_work_is_paid_not_held(prod: Env) -> None:
    hit_id = prod.hit(Reward="1.00", MaxAssignments=2)["HITId"]
    prod.client.approve_assignment(AssignmentId=prod.work(hit_id))
    assert prod.client.get_account_balance()["AvailableBalance"] == "3.80"
    request_error(lambda: prod.hit(Reward="1.00", MaxAssignments=3, Title="x"), FUNDS)
    prod.client.update_expiration_for_hit(HITId=hit_id, ExpireAt=datetime(2020, 1, 1,
                                                                          tzinfo=timezone.utc))
    prod.hit(Reward="1.00", MaxAssignments=3, Title="x")  # 3.60 <= 3.80, nothing held


def test_sandbox_holds_nothing(env: Env) -> None:
    env.hit(Reward="5000.00", MaxAssignments=1)
    env.hit(Reward="5000.00", MaxAssignments=1, Title="again")
