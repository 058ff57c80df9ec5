"""The apply job's lockfile push, run as the workflow's own scripts in clones of a local bare git
repository: a push that lost the race rebases and tries again, and no record is ever lost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from clihelp import deploy, write_study
from workflowhelp import git, run_step, step

from deployer.emulators.mturk.models import Emulator
from deployer.emulators.mturk.server import EmulatorServer

Capsys = pytest.CaptureFixture[str]


class Repos:
    """A bare `origin` with main, its clones, and a sandbox and a production MTurk."""

    def __init__(self, root: Path, sandbox: str, production: str,
                 capsys: Capsys, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root, self.capsys, self.monkeypatch = root, capsys, monkeypatch
        self.urls = {"sandbox": sandbox, "production": production}
        self.origin = root / "origin.git"
        git(root, "init", "--quiet", "--bare", "--initial-branch=main", str(self.origin))

    def clone(self, name: str) -> Path:
        git(self.root, "clone", "--quiet", str(self.origin), name)
        return self.root / name

    def apply(self, clone: Path, environment: str, *args: str) -> None:
        self.monkeypatch.chdir(clone)
        result = deploy(self.capsys, "apply", "--env", environment, "--auto-approve",
                        "--endpoint-url", self.urls[environment], *args)
        assert result.code == 0, result.out + result.err

    def push_lock(self, clone: Path) -> tuple[int, str]:
        """The apply job's "Push deploy.lock" step, as GitHub runs it on a push to main."""
        done = run_step(step("apply", "Push deploy.lock"), clone, GITHUB_REF_NAME="main",
                        GITHUB_SHA=git(clone, "rev-parse", "HEAD").strip(), GITHUB_RUN_ID="42")
        return done.returncode, done.stdout + done.stderr

    def researcher_pushes(self, clone: Path, study: str, **fields: object) -> None:
        write_study(clone, study, production="true", **fields)
        git(clone, "add", "-A", "studies")
        git(clone, "commit", "--quiet", "-m", f"study {study}")
        git(clone, "push", "--quiet", "origin", "HEAD:main")

    def main_lock(self, branch: str = "main") -> dict[str, list[str]]:
        """environment -> the addresses main's deploy.lock records there."""
        lock = json.loads(git(self.origin, "show", f"{branch}:deploy.lock"))
        return {name.split("/")[1]: sorted(hit["address"] for hit in env["hits"])
                for name, env in lock["environments"].items()}


@pytest.fixture
def repos(tmp_path: Path, capsys: Capsys, monkeypatch: pytest.MonkeyPatch) -> Iterator[Repos]:
    """origin's main holds studies/pilot.yaml, applied in sandbox and production."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    with EmulatorServer(Emulator()) as sandbox, EmulatorServer(Emulator()) as production:
        found = Repos(tmp_path, sandbox.url, production.url, capsys, monkeypatch)
        seed = found.clone("seed")
        (seed / "studies").mkdir()
        found.researcher_pushes(seed, "pilot")
        found.apply(seed, "sandbox")
        found.apply(seed, "production")
        assert found.push_lock(seed)[0] == 0
        yield found


def test_two_applies_in_a_row_both_records_survive(repos: Repos) -> None:
    repos.researcher_pushes(repos.clone("laptop"), "second")
    first, second = repos.clone("run1"), repos.clone("run2")
    repos.apply(first, "sandbox")
    repos.apply(second, "production", "--skip-sandbox-check")
    assert repos.push_lock(first)[0] == 0
    code, output = repos.push_lock(second)
    assert code == 0, output
    assert "main moved on; putting deploy.lock on top of it (attempt 1)" in output
    assert repos.main_lock() == {"sandbox": ["pilot/b1", "second/b1"],
                                 "production": ["pilot/b1", "second/b1"]}


def test_a_merge_while_apply_runs_is_rebased_onto(repos: Repos) -> None:
    laptop = repos.clone("laptop")
    repos.researcher_pushes(laptop, "second")
    job = repos.clone("job")
    repos.apply(job, "sandbox")
    repos.researcher_pushes(laptop, "third")  # merged while the job applies
    code, output = repos.push_lock(job)
    assert code == 0, output
    assert "main moved on" in output
    assert repos.main_lock()["sandbox"] == ["pilot/b1", "second/b1"]
    tip = git(repos.origin, "log", "--format=%s", "-3", "main").splitlines()
    assert tip[0].startswith("deploy.lock: apply of ")
    assert tip[1:] == ["study third", "study second"]


def test_a_conflicting_lockfile_fails_loudly_and_keeps_the_record_on_a_branch(
    repos: Repos,
) -> None:
    laptop = repos.clone("laptop")
    repos.researcher_pushes(laptop, "second")
    job = repos.clone("job")
    repos.apply(job, "sandbox")
    # Meanwhile someone applies from a laptop and pushes their deploy.lock first.
    git(laptop, "pull", "--quiet", "--rebase", "origin", "main")
    repos.apply(laptop, "sandbox", "--study", "pilot")
    write_study(laptop, "pilot", production="true", assignments=7)
    repos.apply(laptop, "sandbox", "--study", "pilot")
    git(laptop, "commit", "--quiet", "-am", "more assignments for pilot, applied by hand")
    git(laptop, "push", "--quiet", "origin", "HEAD:main")
    code, output = repos.push_lock(job)
    assert code == 1
    assert ("::error file=deploy.lock::could not add this apply's deploy.lock to main "
            "(a conflicting or refused push); it is saved on the branch deploy-lock/run-42"
            ) in output
    assert repos.main_lock()["sandbox"] == ["pilot/b1"]  # the laptop's record, untouched
    assert repos.main_lock("deploy-lock/run-42")["sandbox"] == ["pilot/b1", "second/b1"]


def test_an_unchanged_lockfile_pushes_nothing(repos: Repos) -> None:
    job = repos.clone("job")
    before = git(repos.origin, "rev-parse", "main")
    assert repos.push_lock(job) == (0, "deploy.lock is unchanged\n")
    assert git(repos.origin, "rev-parse", "main") == before


def test_the_apply_job_starts_from_the_newest_main(repos: Repos) -> None:
    job = repos.clone("job")  # checked out when the run was triggered
    repos.researcher_pushes(repos.clone("laptop"), "second")
    done = run_step(step("apply", "Start from the newest main"), job, GITHUB_REF_NAME="main")
    assert done.returncode == 0, done.stderr
    assert git(job, "rev-parse", "HEAD") == git(repos.origin, "rev-parse", "main")
    assert (job / "studies" / "second.yaml").is_file()
