"""Which AWS account pays: in the plan's header, pinned by a study, bound into saved plans.

STS is moto's, served on loopback and reached through AWS_ENDPOINT_URL_STS as boto3 reads it;
MTurk is the emulator (with the sandbox personality) at --endpoint-url.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from clihelp import deploy, write_study

from deployer.emulators.mturk.models import Config, Emulator
from deployer.emulators.mturk.server import EmulatorServer

Capsys = pytest.CaptureFixture[str]
MOTO = "Paid by account 123456789012 (arn:aws:sts::123456789012:user/moto)."


@pytest.fixture
def sandbox() -> Iterator[str]:
    with EmulatorServer(Emulator(Config(personality="sandbox"))) as server:
        yield server.url


def act_as_lab_role(monkeypatch: pytest.MonkeyPatch, moto: str) -> None:
    """Credentials of another account: a role in 111122223333, assumed through moto's STS."""
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=moto)
    found = sts.assume_role(RoleArn="arn:aws:iam::111122223333:role/lab",
                            RoleSessionName="alice")["Credentials"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", found["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", found["SecretAccessKey"])
    monkeypatch.setenv("AWS_SESSION_TOKEN", found["SessionToken"])


def test_sandbox_plans_name_the_paying_account_and_local_plans_do_not(
        project: Path, sandbox: str, aws: str, capsys: Capsys) -> None:
    write_study(project)
    planned = deploy(capsys, "plan", "--env", "sandbox", "--endpoint-url", sandbox)
    assert planned.code == 0
    assert planned.out.splitlines()[1] == MOTO
    markdown = deploy(capsys, "plan", "--env", "sandbox", "--endpoint-url", sandbox,
                      "--format", "markdown").out
    assert "Paid by account `123456789012` (`arn:aws:sts::123456789012:user/moto`)." in markdown
    document = json.loads(deploy(capsys, "plan", "--env", "sandbox", "--endpoint-url", sandbox,
                                 "--format", "json").out)
    assert document["payer"] == {"account": "123456789012",
                                 "identity": "arn:aws:sts::123456789012:user/moto"}
    local = deploy(capsys, "plan")
    assert local.code == 0 and "Paid by" not in local.out


def test_a_study_pinned_to_another_account_does_not_plan(
        project: Path, sandbox: str, aws: str, capsys: Capsys) -> None:
    write_study(project, aws_account='"111122223333"')
    refused = deploy(capsys, "plan", "--env", "sandbox", "--endpoint-url", sandbox)
    assert refused.code == 1
    assert ("Error: pilot: studies/pilot.yaml is to be paid by AWS account 111122223333, but "
            "the credentials in use belong to account 123456789012 "
            "(arn:aws:sts::123456789012:user/moto)") in refused.out
    assert deploy(capsys, "apply", "--auto-approve", "--env", "sandbox",
                  "--endpoint-url", sandbox).code == 1
    assert "pilot" not in json.dumps(_hits(sandbox))  # nothing was created, nothing spent


def test_a_saved_plan_is_stale_under_other_credentials(
        project: Path, sandbox: str, aws: str, capsys: Capsys,
        monkeypatch: pytest.MonkeyPatch) -> None:
    write_study(project)
    assert deploy(capsys, "plan", "--env", "sandbox", "--endpoint-url", sandbox,
                  "--out", "plan.json").code == 0
    saved = json.loads((project / "plan.json").read_text())
    assert saved["plan"]["payer"]["account"] == "123456789012"
    with monkeypatch.context() as other:
        act_as_lab_role(other, aws)
        stale = deploy(capsys, "apply", "plan.json", "--endpoint-url", sandbox)
    assert stale.code == 1 and _hits(sandbox) == []
    assert ("plan is stale: it was made to be paid by account 123456789012 "
            "(arn:aws:sts::123456789012:user/moto), but the credentials in use now are account "
            "111122223333 (arn:aws:sts::111122223333:assumed-role/lab/alice)") in stale.err
    applied = deploy(capsys, "apply", "plan.json", "--endpoint-url", sandbox)
    assert applied.code == 0 and len(_hits(sandbox)) == 1


def test_the_deploy_command_reads_sts_from_standard_aws_configuration(
        project: Path, sandbox: str, aws: str) -> None:
    write_study(project)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1]), "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "deployer", "plan", "--env", "sandbox",
                           "--endpoint-url", sandbox], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == MOTO


def _hits(url: str) -> list[dict[str, object]]:
    mturk = boto3.client("mturk", region_name="us-east-1", endpoint_url=url,
                         aws_access_key_id="x", aws_secret_access_key="x")
    hits: list[dict[str, object]] = mturk.list_hits()["HITs"]
    return hits
