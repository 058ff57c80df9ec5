"""The `deploy-validate` pre-commit hook, run by the real pre-commit from a git copy of this
project in a temporary study repository: through `try-repo`, and through the
.pre-commit-config.yaml a study repository keeps. pre-commit installs the project into a virtual
environment of its own (try-repo every time, a configured repository once per module), so these
tests are slow."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from clihelp import write_study
from workflowhelp import GIT_ENV, git, tool

REPO = Path(__file__).parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Path]]:
    """(pre-commit, this project as a one-commit git repository, pre-commit's cache): the
    working tree as it is, so uncommitted changes to the hook are what runs."""
    if not (REPO / ".git").exists():
        pytest.skip("the project is not a git checkout")
    binary = tool("pre-commit", "pip install pre-commit (in the dev extras)")
    source = tmp_path_factory.mktemp("deploy-source")
    listed = git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    git(source, "init", "--quiet")
    git(source, "add", "-A")
    git(source, "commit", "--quiet", "-m", "deploy under test")
    yield binary, source, tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def lab(tmp_path: Path, hooks: tuple[Path, Path, Path]) -> Path:
    """A study repository using the hook, with a valid study, a review file and a notes file,
    all staged."""
    source = hooks[1]
    (tmp_path / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {source}\n    rev: {git(source, 'rev-parse', 'HEAD').strip()}\n"
        "    hooks:\n      - id: deploy-validate\n")
    (tmp_path / "studies").mkdir()
    write_study(tmp_path, "pilot")
    (tmp_path / "reviews" / "sandbox").mkdir(parents=True)
    (tmp_path / "reviews" / "sandbox" / "pilot.csv").write_text(
        "assignment_id,decision,feedback,bonus,bonus_reason\n")
    (tmp_path / "notes.txt").write_text("not a study\n")
    git(tmp_path, "init", "--quiet")
    git(tmp_path, "add", "-A")
    return tmp_path


def pre_commit(hooks: tuple[Path, Path, Path], lab: Path, *args: str) -> tuple[int, str]:
    binary, _source, home = hooks
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    done = subprocess.run([str(binary), *args], cwd=lab, env=env, capture_output=True,
                          text=True, timeout=900, check=False)
    return done.returncode, done.stdout + done.stderr


def try_repo(hooks: tuple[Path, Path, Path], lab: Path, *args: str) -> tuple[int, str]:
    return pre_commit(hooks, lab, "try-repo", str(hooks[1]), "deploy-validate", *args)


def run(hooks: tuple[Path, Path, Path], lab: Path, *args: str) -> tuple[int, str]:
    """`pre-commit run`, as `git commit` runs it in a study repository using the hook."""
    return pre_commit(hooks, lab, "run", *args)


def test_a_bad_study_fails_the_hook_with_file_line_and_column(
    hooks: tuple[Path, Path, Path], lab: Path
) -> None:
    write_study(lab, "broken", reward="1.5")
    git(lab, "add", "-A")
    code, output = try_repo(hooks, lab, "--all-files")
    assert code == 1, output
    assert "deploy validate" in output and "Failed" in output
    assert ('studies/broken.yaml:4:9: error: reward: write the amount in quotes, like "1.50" '
            "(a bare number can lose cents)") in output
    assert "1 error in 1 of 3 files" in output  # two studies and the review file


def test_only_the_files_being_committed_are_checked(
    hooks: tuple[Path, Path, Path], lab: Path
) -> None:
    write_study(lab, "broken", reward="1.5")  # never staged
    code, output = run(hooks, lab)  # the staged files only
    assert code == 0, output
    assert "Passed" in output
    assert "broken" not in output


def test_a_commit_without_study_files_skips_the_hook(
    hooks: tuple[Path, Path, Path], lab: Path
) -> None:
    git(lab, "commit", "--quiet", "-m", "studies")
    (lab / "notes.txt").write_text("more notes\n")
    git(lab, "add", "notes.txt")
    code, output = run(hooks, lab)
    assert code == 0, output
    assert "(no files to check)Skipped" in output


def test_a_bad_review_file_fails_the_hook(hooks: tuple[Path, Path, Path], lab: Path) -> None:
    (lab / "reviews" / "sandbox" / "pilot.csv").write_text("assignment_id,decision\n")
    git(lab, "add", "-A")
    code, output = run(hooks, lab)
    assert code == 1, output
    assert "reviews/sandbox/pilot.csv:1:1: error: has no column 'feedback'" in output

