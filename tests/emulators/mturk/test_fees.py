"""The emulator's own fee rules (reference §6), on worked examples of the reference."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import boto3
import pytest
from clihelp import deploy, write_study

from deployer.emulators.mturk import Config, Emulator, EmulatorServer, fees

from .conftest import make_client


@pytest.mark.parametrize(("reward", "max_assignments", "masters", "fee"), [
    ("0.50", 9, False, "0.10"),  # 20%
    ("0.50", 1, False, "0.10"),
    ("0.50", 10, False, "0.20"),  # +20% from 10 assignments on
    ("0.50", 1000, False, "0.20"),
    ("0.50", 9, True, "0.13"),  # 25% with Masters: 0.125 rounds half up
    ("0.50", 10, True, "0.23"),  # 45%: 0.225 rounds half up
    ("0.10", 10, True, "0.05"),  # 0.045: half up, not to the even 0.04
    ("0.10", 9, True, "0.03"),  # 0.025 -> 0.03
    ("0.52", 1, False, "0.10"),  # 0.104 -> 0.10
    ("0.53", 1, False, "0.11"),  # 0.106 -> 0.11
    ("0.04", 9, False, "0.01"),  # 0.008 -> the $0.01 minimum
    ("0.00", 1, False, "0.01"),  # the minimum applies to a free HIT too
    ("1000.00", 10, False, "400.00"),
])
def test_commission_per_assignment(
    reward: str, max_assignments: int, masters: bool, fee: str
) -> None:
    assert fees.commission(Decimal(reward), max_assignments, masters) == Decimal(fee)


@pytest.mark.parametrize(("bonus", "fee"), [
    ("1.00", "0.20"),
    ("0.25", "0.05"),
    ("0.03", "0.01"),  # 0.006 -> the minimum
    ("0.01", "0.01"),
    ("2.53", "0.51"),  # 0.506
    ("100.00", "20.00"),  # no surcharge for bonuses, whatever the HIT
])
def test_bonus_commission(bonus: str, fee: str) -> None:
    assert fees.bonus_commission(Decimal(bonus)) == Decimal(fee)


def test_worked_examples_of_whole_hits() -> None:
    # Reference §6: $0.50 x 9 -> $5.40 in all; $0.50 x 10 -> $7.00.
    assert fees.slot_cost(Decimal("0.50"), 9, False) * 9 == Decimal("5.40")
    assert fees.slot_cost(Decimal("0.50"), 10, False) * 10 == Decimal("7.00")


def test_the_deployers_plan_prices_what_the_emulator_charges(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    boto_session: boto3.session.Session,
) -> None:
    """End to end: the deployer's fee rules (in its plan) against the emulator's own (in its
    ledger), on HITs of 10+ assignments, Masters and half-up rounding. A mistake on either side
    shows up as a difference here."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    write_study(project, "large", production="true", reward='"0.53"', assignments=12)
    write_study(project, "masters", production="true", reward='"0.10"', assignments=3,
                qualifications="\n  - masters: true")
    emu = Emulator(Config(personality="production", balance="100.00"))
    with EmulatorServer(emu) as server:
        flags = ("--env", "production", "--skip-sandbox-check", "--endpoint-url", server.url)
        planned = deploy(capsys, "plan", *flags, "--format", "json")
        assert planned.code == 0, planned.err
        cost = Decimal(json.loads(planned.out)["added_cost"])
        assert deploy(capsys, "apply", *flags, "--auto-approve").code == 0
        client = make_client(boto_session, server.url)
        for page in client.get_paginator("list_hits").paginate():
            for hit in page["HITs"]:
                for _ in range(hit["MaxAssignments"]):
                    worker = emu.workers.register(masters=True)
                    assignment = emu.workers.accept(worker, hit["HITId"])
                    emu.workers.submit(assignment, {"rating": "4"})
                    client.approve_assignment(AssignmentId=assignment)
        ledger = emu.workers.ledger()
    charged = sum(Decimal(e["Amount"]) + Decimal(e["Fee"]) for e in ledger["Entries"])
    assert len(ledger["Entries"]) == 15
    # 12 x (0.53 + 0.21: 40% of 0.53 is 0.212) + 3 x (0.10 + 0.03: 25% of 0.10 is 0.025)
    assert charged == cost == Decimal("9.27")
    assert Decimal(ledger["AvailableBalance"]) == Decimal("100.00") - cost
