"""What a study costs (reference §5.3): so far or projected, and the calculator."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from deployer.emulators.prolific import money
from deployer.emulators.prolific.errors import Problems
from deployer.emulators.prolific.money import NOTHING, Cost
from deployer.emulators.prolific.records import StudyRec
from deployer.emulators.prolific.router import Answer, Call
from deployer.emulators.prolific.schema import LEDGER, WORKSPACES
from deployer.emulators.prolific.wire import amount, flag, whole


def _spent(call: Call, study: StudyRec, kind: str) -> Cost:
    total = NOTHING
    for entry in LEDGER.where(call.emu.db, "study_id = ? AND kind = ?", (study.id, kind)):
        total = total.plus(Cost(Decimal(entry.amount), Decimal(entry.fees), Decimal(entry.vat)))
    return total


def _queued_bonuses(call: Call, study: StudyRec) -> Cost:
    rows = call.emu.db.execute(
        "SELECT b.amount, b.fees, b.vat FROM payments p JOIN bulk_bonuses b ON b.id = p.bulk_id"
        " WHERE p.paid_at IS NULL AND p.study_id = ?", (study.id,)).fetchall()
    total = NOTHING
    for paid, fees, vat in rows:
        total = total.plus(Cost(Decimal(paid), Decimal(fees), Decimal(vat)))
    return total


def study_cost(call: Call) -> Answer:
    """GET /studies/{id}/cost/: paid so far, or (is_projected=true) with what the study may
    still pay."""
    study = call.emu.study(call.who, call.args["study_id"])
    text = call.param("is_projected")
    projected = flag(text, "is_projected") if text is not None else False
    rewards, bonuses = _spent(call, study, "reward"), _spent(call, study, "bonus")
    if projected:
        counts = call.emu.status_counts([study.id])[study.id]
        still = money.study_cost(call.emu.config, study.reward, money.payable(study, counts))
        rewards, bonuses = rewards.plus(still), bonuses.plus(_queued_bonuses(call, study))
    workspace = WORKSPACES.get(call.emu.db, study.workspace_id)
    assert workspace is not None

    def leaf(value: Decimal) -> dict[str, Any]:
        return {"amount": amount(value), "currency": workspace.currency}

    return 200, {
        "rewards": {"rewards": leaf(rewards.rewards), "fees": leaf(rewards.fees),
                    "tax": leaf(rewards.vat), "rep_sample_fees": leaf(Decimal(0)),
                    "rep_sample_tax": leaf(Decimal(0))},
        "bonuses": {"rewards": leaf(bonuses.rewards), "fees": leaf(bonuses.fees),
                    "tax": leaf(bonuses.vat)},
        "_links": {"self": {"href": f"{call.url}", "title": "Current"}},
    }


def calculator(call: Call) -> Answer:
    """POST /study-cost-calculator/ {reward, total_available_places} -> {total_cost}."""
    body = call.body()
    problems = Problems()
    for name, lowest in (("reward", 0), ("total_available_places", 1)):
        value = body.get(name)
        if value is None:
            problems.add(name, "This field is required.")
        elif not whole(value) or value < lowest:
            problems.add(name, f"A whole number of at least {lowest} is required.")
    problems.check()
    cost = money.study_cost(call.emu.config, int(body["reward"]),
                            int(body["total_available_places"]))
    return 200, {"total_cost": amount(cost.total)}
