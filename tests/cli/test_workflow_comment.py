"""The pull-request job's plan comment, run as the workflow's own scripts with the real deploy
(against the bundled emulator) and real jq: one comment, rewritten on every run, and plain about
a failed validation."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from clihelp import write_study
from workflowhelp import run_step, step, tool

MARKER = "<!-- deploy-studies: plan comment -->"


@pytest.fixture
def github(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(folder with a `gh` that keeps comments in a file, that file), a pull request that
    already has three comments by people, one of them quoting the marker."""
    tool("jq", "apt-get install jq")
    root = tmp_path_factory.mktemp("github")
    bin_dir = root / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{Path(__file__).parent / "fake_gh.py"}"'
                  ' "$@"\n')
    gh.chmod(0o755)
    state = root / "comments.json"
    people = [{"id": n, "body": body, "user": {"login": "someone", "type": "User"}}
              for n, body in enumerate(["Looks good", f"{MARKER} copied by hand", "Ship it"])]
    state.write_text(json.dumps(people))
    return bin_dir, state


def check(project: Path) -> int:
    """The "Validate and plan" step, planning the local environment (no keys needed)."""
    done = run_step(step("plan", "Validate and plan"), project, PLAN_ENVIRONMENTS="local")
    return done.returncode


def post(project: Path, github: tuple[Path, Path]) -> list[dict[str, object]]:
    bin_dir, state = github
    done = run_step(step("plan", "Post the plan comment"), project, PATH=str(bin_dir),
                    FAKE_GH_STATE=str(state), GITHUB_REPOSITORY="lab/studies", PR_NUMBER="7",
                    HEAD_SHA="0123456789abcdef", RUN_URL="https://github.example/run/1")
    assert done.returncode == 0, done.stderr
    comments: list[dict[str, object]] = json.loads(state.read_text())
    return comments


def bot_comments(comments: list[dict[str, object]]) -> list[str]:
    return [str(c["body"]) for c in comments if c["user"] == {
        "login": "github-actions[bot]", "type": "Bot"}]


def test_one_comment_updated_on_every_run_and_plain_about_failed_validation(
    project: Path, github: tuple[Path, Path]
) -> None:
    write_study(project)
    assert check(project) == 0
    first = post(project, github)
    assert len(first) == 4
    [body] = bot_comments(first)
    assert body.startswith(MARKER + "\n### deploy plan for `LOCAL`")
    assert "**Plan: 1 to create, 0 to change, 0 to expire.**" in body
    assert "For commit 0123456. [Run log](https://github.example/run/1)." in body

    write_study(project, reward="1.5")
    assert check(project) == 1  # the check fails
    second = post(project, github)
    assert [c["id"] for c in second] == [c["id"] for c in first]  # the same comment, rewritten
    assert second[:3] == first[:3]  # people's comments untouched
    [body] = bot_comments(second)
    assert body.startswith(MARKER + "\n### :x: deploy validate failed: nothing was planned")
    assert "any plan\nshown here before is out of date" in body
    assert "studies/pilot.yaml:4:9: error: reward: write the amount in quotes" in body
    assert "deploy plan for" not in body


def test_a_run_that_failed_before_planning_says_so(project: Path,
                                                   github: tuple[Path, Path]) -> None:
    # e.g. deploy could not be installed: the step that writes comment.md never ran
    [body] = bot_comments(post(project, github))
    assert body.startswith(MARKER + "\n### :x: The study check failed before planning\n")
    assert "any plan shown here before is out of date" in body


def test_a_long_plan_is_cut_to_fit_a_comment(project: Path, github: tuple[Path, Path]) -> None:
    (project / "comment.md").write_text("x" * 70_000)
    [body] = bot_comments(post(project, github))
    assert len(body) < 65_000
    assert body.endswith("... cut at 64,000 characters: the run log has the whole plan.\n")
