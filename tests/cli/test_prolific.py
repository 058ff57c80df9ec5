"""A Prolific study's whole life from the shell on `--env local` (issue: a second platform):
init, validate, plan, apply, simulated participants, results, review, bonus, growth, pause,
replacement and stop, every rerun converging to `No changes.`."""

from __future__ import annotations

import csv
import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from clihelp import deploy, write_study

from deployer.emulators.prolific import embedded

Capsys = pytest.CaptureFixture[str]
LONG = ("The submission was completed in fifteen seconds, far below the time needed to read "
        "the texts and to answer the questions with care.")


def emulator(route: str) -> Any:
    """What the local environment's Prolific holds (its state file, read after a command)."""
    with embedded(Path(".deploy/prolific.sqlite3")) as url, \
            urllib.request.urlopen(f"{url}{route}", timeout=30) as answer:
        return json.loads(answer.read())


def study(study_id: str) -> Any:
    with embedded(Path(".deploy/prolific.sqlite3")) as url:
        ask = urllib.request.Request(f"{url}/api/v1/studies/{study_id}/",
                                     headers={"Authorization": "Token local-token"})
        with urllib.request.urlopen(ask, timeout=30) as answer:
            return json.loads(answer.read())


def converged(capsys: Capsys) -> None:
    again = deploy(capsys, "plan")
    assert again.code == 0, again.err
    assert again.out.startswith("No changes. The studies match what is on Prolific in LOCAL.")


def records(root: Path) -> list[dict[str, Any]]:
    lock = json.loads((root / ".deploy" / "local.lock").read_text())
    found: list[dict[str, Any]] = lock["environments"]["prolific/local"]["studies"]
    return found


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def take_part(capsys: Capsys, count: int) -> list[str]:
    people = []
    for _ in range(count):
        accepted = deploy(capsys, "emulator", "workers", "accept", "tone")
        assert accepted.code == 0, accepted.err
        found = re.search(r"Participant ([0-9a-f]{24}) accepted tone", accepted.out)
        assert found, accepted.out
        people.append(found.group(1))
        submitted = deploy(capsys, "emulator", "workers", "submit", "tone", "--worker",
                           found.group(1))
        assert submitted.code == 0, submitted.err
        assert "code=CTONEXX" in submitted.out
    return people


def test_a_prolific_study_from_init_to_stop(project: Path, capsys: Capsys) -> None:
    made = deploy(capsys, "init", "--platform", "prolific", "tone")
    assert made.code == 0, made.err
    assert (project / "schema" / "prolific-study.schema.json").is_file()
    valid = deploy(capsys, "validate")
    assert valid.code == 0, valid.out
    assert "studies/tone.yaml: £9.00 per hour for an estimated 10 minutes" in valid.out
    assert "description: is still the template's" in valid.out  # until the researcher's own
    assert "external_url: is still the template's example.org address" in valid.out

    planned = deploy(capsys, "plan")
    assert "+ tone/study" in planned.out and "places:         20" in planned.out
    assert "cost:           +£40.00" in planned.out  # 20 x £1.50 and a third in fees
    applied = deploy(capsys, "apply", "--auto-approve")
    assert applied.code == 0, applied.err
    assert re.search(r"tone/study: published [0-9a-f]{24}", applied.out)
    converged(capsys)
    first = records(project)[0]["study_id"]
    assert study(first)["status"] == "ACTIVE"

    people = take_part(capsys, 2)
    fetched = deploy(capsys, "results")
    assert fetched.code == 0, fetched.err
    results = (project / "results" / "local" / "tone.csv").read_text()
    assert all(person not in results for person in people)  # pseudonyms only
    rows = list(csv.DictReader((project / "reviews" / "local" / "tone.csv").open()))
    assert [r["decision"] for r in rows] == ["", ""] and "rejection_category" in rows[0]
    rows[0].update(decision="approve", bonus="0.50", bonus_reason="careful answers")
    rows[1].update(decision="reject", feedback=LONG, rejection_category="too quickly")
    with (project / "reviews" / "local" / "tone.csv").open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    reviewed = deploy(capsys, "apply", "--auto-approve")
    assert reviewed.code == 0, reviewed.err
    assert "1 to approve, 1 to reject, 1 bonus to pay" in reviewed.out
    assert "cost:  +£0.67" in reviewed.out  # the bonus and its fee
    converged(capsys)
    payments = emulator("/_emulator/payments")
    assert list(payments["pay_calls"].values()) == [1]
    assert deploy(capsys, "apply", "--auto-approve").code == 0  # and again: nothing twice
    assert list(emulator("/_emulator/payments")["pay_calls"].values()) == [1]

    file = project / "studies" / "tone.yaml"
    edit(file, "places: 20", "places: 30")
    grown = deploy(capsys, "apply", "--auto-approve")
    assert "places:   20 -> 30" in grown.out and "cost:     +£20.00" in grown.out
    assert study(first)["total_available_places"] == 30
    converged(capsys)
    edit(file, "places: 30", "places: 25")
    fewer = deploy(capsys, "plan")
    assert fewer.code == 1 and "places only grow on Prolific" in fewer.out

    edit(file, "places: 25", "places: 30\nstate: paused")
    assert "will be paused" in deploy(capsys, "apply", "--auto-approve").out
    assert study(first)["status"] == "PAUSED"
    assert re.search(r"tone/study +[0-9a-f]{24} +paused", deploy(capsys, "status").out)
    converged(capsys)
    edit(file, "state: paused", "state: open")
    assert "will start again" in deploy(capsys, "apply", "--auto-approve").out
    assert study(first)["status"] == "ACTIVE"

    edit(file, 'reward: "1.50"', 'reward: "1.80"')
    replaced = deploy(capsys, "apply", "--auto-approve")
    assert replaced.code == 0, replaced.err
    assert "Prolific freezes what changed once a study is published" in replaced.out
    assert "places:         29" in replaced.out  # 30 minus the one approved
    converged(capsys)
    second = records(project)[1]["study_id"]
    assert study(first)["status"] in ("COMPLETED", "AWAITING REVIEW")
    new = study(second)
    assert new["reward"] == 180 and new["status"] == "ACTIVE"
    blocked = [f for f in new["filters"] if f["filter_id"] == "previous_studies_blocklist"]
    assert blocked and first in blocked[0]["selected_values"]

    edit(file, "state: open", "state: closed")
    stopped = deploy(capsys, "apply", "--auto-approve")
    assert "will be stopped" in stopped.out
    assert study(second)["status"] in ("COMPLETED", "AWAITING REVIEW")
    converged(capsys)
    file.unlink()
    gone = deploy(capsys, "plan")
    assert gone.out.startswith("No changes: there is no study to deploy in LOCAL"), gone.out


def test_mturk_and_prolific_studies_side_by_side(project: Path, capsys: Capsys) -> None:
    write_study(project, "survey")
    assert deploy(capsys, "init", "--platform", "prolific", "tone").code == 0
    planned = deploy(capsys, "plan")
    assert planned.code == 0, planned.err
    assert planned.out.index("=== MTurk ===") < planned.out.index("=== Prolific ===")
    assert "+ survey/b1" in planned.out and "+ tone/study" in planned.out
    assert "+$" in planned.out and "+£" in planned.out
    only = deploy(capsys, "plan", "--platform", "prolific")
    assert "survey" not in only.out and "=== " not in only.out
    as_json = deploy(capsys, "plan", "--format", "json")
    assert as_json.code == 1 and "add --platform mturk or --platform prolific" in as_json.err
    assert deploy(capsys, "apply", "--auto-approve").code == 0
    status = deploy(capsys, "status")
    assert "survey/b1" in status.out and "tone/study" in status.out
    assert deploy(capsys, "plan").out.count("No changes.") == 2
    sandbox = deploy(capsys, "plan", "--env", "sandbox")
    assert "Prolific has no sandbox environment; its 1 study is left out" in sandbox.err


def test_production_needs_the_token_and_the_opt_in(project: Path, capsys: Capsys,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert deploy(capsys, "init", "--platform", "prolific", "tone").code == 0
    monkeypatch.delenv("PROLIFIC_TOKEN", raising=False)
    refused = deploy(capsys, "plan", "--env", "production")
    assert refused.code == 1
    assert "PRODUCTION is the real Prolific: set PROLIFIC_TOKEN" in refused.err


def test_notify_says_it_speaks_to_mturk_workers_only(project: Path, capsys: Capsys) -> None:
    assert deploy(capsys, "init", "--platform", "prolific", "tone").code == 0
    sent = deploy(capsys, "notify", "--study", "tone", "--subject", "Hi", "--message", "Thanks",
                  "--yes")
    assert sent.code == 1
    assert "tone is a prolific study: deploy notify messages MTurk workers only" in sent.err



def test_countries_become_prolifics_filter_choices(project: Path, capsys: Capsys) -> None:
    assert deploy(capsys, "init", "--platform", "prolific", "tone").code == 0
    file = project / "studies" / "tone.yaml"
    edit(file, "  # countries: [United Kingdom, United States]",
         "  countries: [United Kingdom, Untied States]")
    wrong = deploy(capsys, "plan")
    assert wrong.code == 1 and "did you mean United States?" in wrong.out
    edit(file, "Untied States", "United States")
    assert deploy(capsys, "apply", "--auto-approve").code == 0
    chosen = study(records(project)[0]["study_id"])["filters"]
    assert {"filter_id": "current-country-of-residence",
            "selected_values": ["2", "1"]} in chosen


def test_status_counts_what_approved_work_cost_with_the_accounts_fee(
        project: Path, capsys: Capsys) -> None:
    from deployer.emulators.prolific import Config, Emulator, ProlificServer

    assert deploy(capsys, "init", "--platform", "prolific", "tone").code == 0
    emulator = Emulator(Config(fee_fraction="1/2"))
    with ProlificServer(emulator) as server:
        assert deploy(capsys, "apply", "--auto-approve", "--endpoint-url",
                      server.url).code == 0
        study_id = records(project)[0]["study_id"]
        submission = emulator.participants.take_part(study_id, "CTONEXX")
        ask = urllib.request.Request(
            f"{server.url}/api/v1/submissions/{submission}/transition/",
            json.dumps({"action": "APPROVE"}).encode(), method="POST",
            headers={"Authorization": "Token local-token", "Content-Type": "application/json"})
        urllib.request.urlopen(ask, timeout=30).close()
        shown = deploy(capsys, "status", "--endpoint-url", server.url)
    assert "1 approved, 0 rejected; spent £2.25" in shown.out  # £1.50 and half of it in fees


def test_json_plans_say_their_platform_and_currency(project: Path, capsys: Capsys) -> None:
    assert deploy(capsys, "init", "--platform", "prolific", "tone").code == 0
    document = json.loads(deploy(capsys, "plan", "--format", "json").out)
    assert (document["platform"], document["currency"]) == ("prolific", "GBP")
    assert document["summary"]["create"] == 1 and document["added_cost"] == "40.00"
    sandbox = deploy(capsys, "plan", "--env", "sandbox", "--platform", "prolific")
    assert sandbox.code == 1
    assert "Prolific has no sandbox environment: use local or production" in sandbox.err
