"""Plans fit for real money: exit codes, saved plans, production guardrails, no secrets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from clihelp import all_hits, deploy, lock_hits, run_in_terminal, write_study

from deployer.emulators.mturk.models import Config, Emulator
from deployer.emulators.mturk.server import EmulatorServer

Capsys = pytest.CaptureFixture[str]
KEY_ID = "AKIASENTINEL0000KEY1"
SECRET = "sentinel/Secret+Key/never-printed-0123456789"


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sandbox and production take credentials from the standard AWS chain: these."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def production() -> Iterator[str]:
    with EmulatorServer(Emulator(Config(personality="production", balance="100.00"))) as server:
        yield server.url


@pytest.fixture
def sandbox() -> Iterator[str]:
    with EmulatorServer(Emulator(Config(personality="sandbox"))) as server:
        yield server.url


# --- exit codes ---------------------------------------------------------------------------------


def test_detailed_exitcode_is_0_converged_2_changes_1_error(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url = served[0]
    write_study(project, assignments=4)
    assert deploy(capsys, "plan", "--endpoint-url", url).code == 0
    assert deploy(capsys, "plan", "--detailed-exitcode", "--endpoint-url", url).code == 2
    assert deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url).code == 0
    assert deploy(capsys, "plan", "--detailed-exitcode", "--endpoint-url", url).code == 0
    write_study(project, assignments=3)
    fewer = deploy(capsys, "plan", "--detailed-exitcode", "--endpoint-url", url)
    assert fewer.code == 1
    assert "MTurk cannot remove assignments" in fewer.out


def test_apply_without_a_terminal_refuses_and_declining_is_not_an_error(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url = served[0]
    write_study(project)
    refused = deploy(capsys, "apply", "--endpoint-url", url)
    assert refused.code == 1
    assert "refusing to apply without a terminal" in refused.err
    assert "--auto-approve" in refused.err
    assert all_hits(url) == []


# --- saved plans --------------------------------------------------------------------------------


def test_saved_plan_applies_exactly_once(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url = served[0]
    write_study(project, assignments=4)
    saved = deploy(capsys, "plan", "--out", "plan.json", "--endpoint-url", url)
    assert saved.code == 0 and "deploy apply plan.json" in saved.out
    applied = deploy(capsys, "apply", "plan.json", "--endpoint-url", url)
    assert applied.code == 0, applied.err
    assert [h["MaxAssignments"] for h in all_hits(url)] == [4]
    again = deploy(capsys, "apply", "plan.json", "--endpoint-url", url)
    assert again.code == 1
    assert again.err.startswith("error: plan is stale: the lockfile changed since (serial 0 -> ")
    assert "this plan was already applied" in again.err
    assert len(all_hits(url)) == 1


def test_saved_plan_is_stale_after_another_apply(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url = served[0]
    write_study(project, assignments=4)
    assert deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url).code == 0
    write_study(project, assignments=6)
    assert deploy(capsys, "plan", "--out", "plan.json", "--endpoint-url", url).code == 0
    write_study(project, "other")
    assert deploy(capsys, "apply", "--auto-approve", "--study", "other",
                  "--endpoint-url", url).code == 0
    stale = deploy(capsys, "apply", "plan.json", "--endpoint-url", url)
    assert stale.code == 1
    assert "the lockfile changed since (serial" in stale.err
    assert "the study or review files changed since" in stale.err  # other.yaml was added


def test_saved_plan_is_stale_when_a_study_file_changes(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url = served[0]
    path = write_study(project, assignments=4)
    assert deploy(capsys, "plan", "--out", "plan.json", "--endpoint-url", url).code == 0
    path.write_text(path.read_text().replace("Rate short clips", "Rate short videos"))
    stale = deploy(capsys, "apply", "plan.json", "--endpoint-url", url)
    assert stale.code == 1
    assert stale.err == (
        "error: plan is stale: the study or review files changed since. Run `deploy plan "
        "--env local --out FILE` again and review it\n")
    assert all_hits(url) == []


def test_saved_plan_is_stale_when_the_lineage_changes(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url = served[0]
    write_study(project, assignments=4)
    assert deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url).code == 0
    write_study(project, assignments=6)
    assert deploy(capsys, "plan", "--out", "plan.json", "--endpoint-url", url).code == 0
    lock = project / ".deploy" / "local.lock"
    data = json.loads(lock.read_text())
    data["environments"]["mturk/local"]["lineage"] = "someone-else"
    lock.write_text(json.dumps(data))
    stale = deploy(capsys, "apply", "plan.json", "--endpoint-url", url)
    assert stale.code == 1
    assert "the lockfile's lineage changed (" in stale.err and "-> someone-else)" in stale.err


def test_saved_plan_is_refused_in_another_environment(
    project: Path, served: tuple[str, Emulator], capsys: Capsys, credentials: None
) -> None:
    url = served[0]
    write_study(project)
    assert deploy(capsys, "plan", "--out", "plan.json", "--endpoint-url", url).code == 0
    other = deploy(capsys, "apply", "plan.json", "--env", "sandbox", "--endpoint-url", url)
    assert other.code == 1
    assert "plan is stale: it was made for LOCAL, not SANDBOX" in other.err
    assert all_hits(url) == []


def test_a_file_that_is_not_a_saved_plan_is_refused(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    write_study(project)
    assert deploy(capsys, "plan", "--format", "json", "--endpoint-url", served[0]).code == 0
    (project / "shown.json").write_text(capsys.readouterr().out or "{}")
    refused = deploy(capsys, "apply", "shown.json", "--endpoint-url", served[0])
    assert refused.code == 1 and "not a saved plan" in refused.err


# --- production ---------------------------------------------------------------------------------


def production_studies(project: Path) -> None:
    write_study(project, "live", production="true")
    write_study(project, "pilot")


def test_production_touches_only_opted_in_studies_after_sandbox(
    project: Path, production: str, sandbox: str, capsys: Capsys, credentials: None
) -> None:
    production_studies(project)
    never = deploy(capsys, "plan", "--env", "production", "--endpoint-url", production)
    assert never.code == 1
    assert "PRODUCTION" in never.out
    assert "studies/live.yaml" in never.out and "was never applied in sandbox" in never.out
    assert "studies/pilot.yaml is not enabled for production; skipped" in never.out

    assert deploy(capsys, "apply", "--env", "sandbox", "--auto-approve",
                  "--endpoint-url", sandbox).code == 0
    ready = deploy(capsys, "apply", "--env", "production", "--auto-approve",
                   "--endpoint-url", production)
    assert ready.code == 0, ready.out + ready.err
    assert [h["RequesterAnnotation"].split(":")[2] for h in all_hits(production)] == [
        "live/b1#1"]
    assert {h["address"] for h in lock_hits(project, "production")} == {"live/b1"}
    assert {h["address"] for h in lock_hits(project, "sandbox")} == {"live/b1", "pilot/b1"}


def test_changed_config_needs_sandbox_again_unless_skipped(
    project: Path, production: str, sandbox: str, capsys: Capsys, credentials: None
) -> None:
    production_studies(project)
    assert deploy(capsys, "apply", "--env", "sandbox", "--auto-approve",
                  "--endpoint-url", sandbox).code == 0
    write_study(project, "live", production="true", reward='"0.55"')
    refused = deploy(capsys, "plan", "--env", "production", "--endpoint-url", production)
    assert refused.code == 1 and "was never applied in sandbox" in refused.out
    skipped = deploy(capsys, "plan", "--env", "production", "--skip-sandbox-check",
                     "--endpoint-url", production)
    assert skipped.code == 0 and "Plan: 1 to create" in skipped.out


def test_production_plan_over_the_balance_is_an_error(
    project: Path, production: str, capsys: Capsys, credentials: None
) -> None:
    # 9 x ($9.00 + $1.80 fee) = $97.20 fits in $100.00; 9 x ($12.00 + $2.40) does not.
    write_study(project, "live", production="true", reward='"9.00"', assignments=9)
    fits = deploy(capsys, "plan", "--env", "production", "--skip-sandbox-check",
                  "--endpoint-url", production)
    assert fits.code == 0 and "Estimated spend: +$97.20" in fits.out
    write_study(project, "live", production="true", reward='"12.00"', assignments=9)
    over = deploy(capsys, "plan", "--env", "production", "--skip-sandbox-check",
                  "--endpoint-url", production)
    assert over.code == 1
    assert "this plan adds $129.60 but the production account balance is $100.00" in over.out


def test_production_prompt_names_production_and_money_and_needs_the_word(
    project: Path, production: str, credentials: None
) -> None:
    write_study(project, "live", production="true")
    args = ["apply", "--env", "production", "--skip-sandbox-check", "--endpoint-url", production]
    code, out = run_in_terminal(project, args, "yes")
    assert code == 0, out
    assert "This spends REAL MONEY on PRODUCTION (est. +$3.00, balance $100.00)." in out
    assert "Type 'production' to confirm" in out
    assert "Apply cancelled." in out
    assert all_hits(production) == []
    code, out = run_in_terminal(project, args, "production")
    assert code == 0, out
    assert "Apply complete!" in out
    assert len(all_hits(production)) == 1


def test_sandbox_prompt_accepts_only_yes(project: Path, sandbox: str, credentials: None) -> None:
    write_study(project)
    args = ["apply", "--env", "sandbox", "--endpoint-url", sandbox]
    code, out = run_in_terminal(project, args, "y")
    assert code == 0 and "Do you want to perform these actions in SANDBOX (est. +$3.00)?" in out
    assert "Apply cancelled." in out and all_hits(sandbox) == []
    code, out = run_in_terminal(project, args, "yes")
    assert code == 0 and "Apply complete!" in out and len(all_hits(sandbox)) == 1


# --- secrets --------------------------------------------------------------------------------


def test_credentials_never_reach_output_plans_or_the_lockfile(
    project: Path, sandbox: str, capsys: Capsys, credentials: None
) -> None:
    write_study(project, assignments=4)
    common = ("--env", "sandbox", "--endpoint-url", sandbox)
    outputs = [
        deploy(capsys, "plan", *common),
        deploy(capsys, "plan", "--format", "markdown", *common),
        deploy(capsys, "plan", "--format", "json", "--out", "plan.json", *common),
        deploy(capsys, "apply", "plan.json", "--endpoint-url", sandbox),
        deploy(capsys, "apply", "plan.json", "--endpoint-url", sandbox),  # stale: an error
        deploy(capsys, "status", *common),
        deploy(capsys, "plan", "--env", "sandbox", "--profile", "nobody", "--endpoint-url",
               sandbox),
    ]
    assert [r.code for r in outputs] == [0, 0, 0, 0, 1, 0, 1]
    assert "AWS profile 'nobody' not found" in outputs[6].err
    texts = [r.out + r.err for r in outputs]
    texts += [p.read_text() for p in [project / "deploy.lock", project / "plan.json"]]
    for text in texts:
        assert KEY_ID not in text and SECRET not in text
        assert "SENTINEL" not in text.upper()
