"""Bad input and odd situations end in one clear line, never a traceback or a duplicate."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from clihelp import all_hits, client, deploy, lock_hits, run_in_terminal, write_study

from deployer.emulators.mturk.models import Emulator
from deployer.providers.mturk.plan.identity import lineage_mark

Capsys = pytest.CaptureFixture[str]


def test_a_lost_lockfile_is_an_error_and_adopt_rebuilds_it(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url = served[0]
    write_study(project, assignments=12, max_assignments_per_hit=9, repeat_workers="allowed")
    assert deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url).code == 0
    lock = project / ".deploy" / "local.lock"
    mark = lineage_mark(json.loads(lock.read_text())["environments"]["mturk/local"]["lineage"])
    lock.unlink()
    lost = deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url)
    assert lost.code == 1
    assert f"MTurk has 2 HIT(s) of pilot made with another lockfile (lineage mark {mark})" in (
        lost.out)
    assert f"deploy apply --adopt {mark}" in lost.out
    assert len(all_hits(url)) == 2  # nothing created twice
    adopted = deploy(capsys, "apply", "--auto-approve", "--adopt", mark, "--endpoint-url", url)
    assert adopted.code == 0, adopted.out + adopted.err
    assert "Plan: 2 to adopt, 0 to create" in adopted.out
    assert {h["address"] for h in lock_hits(project)} == {"pilot/b1", "pilot/b2"}
    assert deploy(capsys, "plan", "--detailed-exitcode", "--endpoint-url", url).code == 0
    assert len(all_hits(url)) == 2


def test_closing_again_after_reopening_really_expires(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url = served[0]
    for state in ("open", "closed", "open", "closed"):
        write_study(project, state=state)
        assert deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url).code == 0
    assert deploy(capsys, "plan", "--detailed-exitcode", "--endpoint-url", url).code == 0
    status = deploy(capsys, "status", "--endpoint-url", url)
    assert "pilot: 0 HITs open;" in status.out
    assert " closed " in status.out and " open " not in status.out


def test_a_closed_study_applied_in_sandbox_does_not_pass_the_sandbox_check(
    project: Path, served: tuple[str, Emulator], capsys: Capsys,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    url = served[0]
    write_study(project, "live", production="true", state="closed")
    assert deploy(capsys, "apply", "--env", "sandbox", "--auto-approve",
                  "--endpoint-url", url).code == 0
    write_study(project, "live", production="true")
    refused = deploy(capsys, "plan", "--env", "production", "--endpoint-url", url)
    assert refused.code == 1 and "was never applied in sandbox" in refused.out


@pytest.mark.parametrize("args, message", [
    (["plan", "--env", "staging"], "error: unknown environment 'staging': use local, sandbox "
                                   "or production\n"),
    (["apply", "--env", "../../escape"], "error: unknown environment '../../escape': use local, "
                                         "sandbox or production\n"),
    (["status", "--env", "prod"], "error: unknown environment 'prod': use local, sandbox or "
                                  "production\n"),
    (["plan", "--format", "yaml"], "error: unknown --format 'yaml': use text, markdown or json\n"),
    (["plan", "--env", "sandbox", "--endpoint-url", "not a url"],
     "error: --endpoint-url 'not a url' is not a URL"),
    (["plan", "--out", "missing/dir/plan.json"], "error: missing/dir/plan.json: cannot save the "
                                                  "plan (No such file or directory)\n"),
])
def test_bad_arguments_get_one_clear_line(
    project: Path, served: tuple[str, Emulator], capsys: Capsys,
    monkeypatch: pytest.MonkeyPatch, args: list[str], message: str,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    write_study(project)
    endpoint = [] if "--endpoint-url" in args else ["--endpoint-url", served[0]]
    result = deploy(capsys, *args, *endpoint)
    assert result.code == 1
    assert result.err.startswith(message)
    assert "Traceback" not in result.err
    assert not (project.parent / "escape.apply-lock").exists()


def test_a_saved_plan_refuses_planning_flags(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    write_study(project)
    assert deploy(capsys, "plan", "--out", "plan.json", "--endpoint-url", served[0]).code == 0
    refused = deploy(capsys, "apply", "plan.json", "--skip-sandbox-check",
                     "--endpoint-url", served[0])
    assert refused.code == 1
    assert refused.err.startswith("error: a saved plan is applied exactly as planned")


def test_study_filter_can_name_a_removed_study_to_expire_it(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url = served[0]
    write_study(project, "keep")
    gone = write_study(project, "gone")
    assert deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url).code == 0
    gone.unlink()
    only = deploy(capsys, "apply", "--auto-approve", "--study", "gone", "--endpoint-url", url)
    assert only.code == 0, only.out + only.err
    assert "Plan: 0 to create, 0 to change, 1 to expire." in only.out
    unknown = deploy(capsys, "plan", "--study", "nosuch", "--endpoint-url", url)
    assert unknown.code == 1 and "no study named nosuch" in unknown.out


@pytest.mark.parametrize("content", [b"\xff\xfe not text", b'{"version": 1, "environments": []}'])
def test_a_damaged_lockfile_is_refused_with_a_clear_line(
    project: Path, served: tuple[str, Emulator], capsys: Capsys, content: bytes
) -> None:
    write_study(project)
    (project / ".deploy").mkdir()
    (project / ".deploy" / "local.lock").write_bytes(content)
    result = deploy(capsys, "plan", "--endpoint-url", served[0])
    assert result.code == 1
    assert result.err.startswith(f"error: {project / '.deploy' / 'local.lock'}: ")
    assert "restore it from git" in result.err or "restore the file from git" in result.err
    assert all_hits(served[0]) == []


def test_a_second_local_command_waits_for_nobody_and_says_why(
    project: Path, capsys: Capsys
) -> None:
    from deployer.emulators.mturk import embedded

    write_study(project)
    with embedded(project / ".deploy" / "emulator.sqlite3"):
        busy = deploy(capsys, "plan")
    assert busy.code == 1
    assert "emulator.sqlite3 is in use by another deploy command" in busy.err
    assert deploy(capsys, "plan").code == 0


def test_a_saved_plan_overtaken_by_mturk_is_stale(
    project: Path, served: tuple[str, Emulator], capsys: Capsys
) -> None:
    url = served[0]
    write_study(project, assignments=4)
    assert deploy(capsys, "apply", "--auto-approve", "--endpoint-url", url).code == 0
    write_study(project, assignments=4, lifetime="2d")
    assert deploy(capsys, "plan", "--out", "plan.json", "--endpoint-url", url).code == 0
    (hit,) = all_hits(url)
    client(url).update_expiration_for_hit(HITId=hit["HITId"], ExpireAt=0)  # closed by hand
    stale = deploy(capsys, "apply", "plan.json", "--endpoint-url", url)
    assert stale.code == 1
    assert stale.err.startswith("error: plan is stale: MTurk changed since it was made "
                                "(pilot/b1): planning again now gives different actions or costs")
    (after,) = all_hits(url)
    assert after["Expiration"] < hit["Expiration"]  # still closed: nothing reopened it


def test_a_replacement_carries_only_what_is_unstarted_when_it_runs(
    project: Path, served: tuple[str, Emulator]
) -> None:
    url, emulator = served
    write_study(project, assignments=9)
    subprocess.run([sys.executable, "-m", "deployer", "apply", "--auto-approve",
                    "--endpoint-url", url], cwd=project, check=True, capture_output=True)
    (old,) = all_hits(url)
    emulator.workers.accept(emulator.workers.register(), old["HITId"])
    write_study(project, assignments=9, reward='"0.70"')

    def three_more_accept() -> None:  # while the user reads the plan (which says 8 move)
        for _ in range(3):
            emulator.workers.accept(emulator.workers.register(), old["HITId"])

    code, out = run_in_terminal(project, ["apply", "--endpoint-url", url], "yes",
                                three_more_accept)
    assert code == 0, out
    assert "max_assignments: 9 -> 8" in out
    new = [h for h in all_hits(url) if h["HITId"] != old["HITId"]]
    assert [h["MaxAssignments"] for h in new] == [5]  # 9 - 1 - 3: nothing paid twice
