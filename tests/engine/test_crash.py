"""Kill `deploy apply` (a real process, SIGKILL) at many points; a rerun always converges.

Converged means: exactly one HIT per batch the study asks for, no duplicate, every HIT that exists
on MTurk recorded in the lockfile, and `deploy plan` reporting no changes.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from clihelp import all_hits, write_study

from deployer.providers.mturk.plan.identity import lineage_mark, parse_annotation

STUDY = {"assignments": 45, "max_assignments_per_hit": 9}  # five HITs of 9
GROWN = {"assignments": 63, "max_assignments_per_hit": 9, "lifetime": "2d"}  # +2 HITs, 5 extends


class Served:
    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url


def serve(state: Path, *flags: str) -> Served:
    process = subprocess.Popen(
        [sys.executable, "-m", "deployer", "emulator", "serve", "--port", "0",
         "--state", str(state), *flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+", line)
    assert found, f"emulator did not start: {line!r}"
    return Served(process, found.group(0))


@pytest.fixture(scope="module")
def slow_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Every MTurk call takes 40 ms, so kills land inside the apply, between calls."""
    served = serve(tmp_path_factory.mktemp("emu") / "state.json", "--latency-ms", "40")
    yield served
    served.process.send_signal(signal.SIGINT)
    served.process.wait(timeout=10)


@pytest.fixture(scope="module")
def faulty_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Throttling, and ServiceFaults after the work was done (the reply is lost)."""
    served = serve(tmp_path_factory.mktemp("emu") / "state.json", "--latency-ms", "20",
                   "--throttle-rate", "25", "--throttle-burst", "5",
                   "--fault-rate", "0.25", "--fault-phase", "after", "--seed", "7")
    yield served
    served.process.send_signal(signal.SIGINT)
    served.process.wait(timeout=10)


def apply(project: Path, url: str, kill_after: float | None = None) -> int | None:
    """Run `deploy apply`; SIGKILL it after `kill_after` seconds (None: let it finish)."""
    command = [sys.executable, "-m", "deployer", "apply", "--auto-approve",
               "--endpoint-url", url]
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen(command, cwd=project, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if kill_after is None:
        out, _ = process.communicate(timeout=120)
        assert process.returncode == 0, out
        return 0
    time.sleep(kill_after)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    return process.returncode


def plan_code(project: Path, url: str) -> int:
    return subprocess.run(
        [sys.executable, "-m", "deployer", "plan", "--detailed-exitcode", "--endpoint-url", url],
        cwd=project, capture_output=True, text=True, timeout=120,
    ).returncode


def assert_converged(project: Path, url: str, sizes: dict[str, int]) -> None:
    data = json.loads((project / ".deploy" / "local.lock").read_text())
    lock = data["environments"]["mturk/local"]
    ours: dict[str, list[dict[str, Any]]] = {}
    for hit in all_hits(url):
        tag = parse_annotation(hit["RequesterAnnotation"])
        if tag is not None and tag.mark == lineage_mark(lock["lineage"]):
            ours.setdefault(tag.address, []).append(hit)
    assert {a: [h["MaxAssignments"] for h in hits] for a, hits in ours.items()} == {
        a: [size] for a, size in sizes.items()}, "a batch is missing or was created twice"
    recorded = {h["hit_id"]: h for h in lock["hits"]}
    for address, (hit,) in ours.items():
        assert hit["HITId"] in recorded, f"{address}: HIT {hit['HITId']} missing from the lock"
        assert recorded[hit["HITId"]]["status"] == "live"
        assert recorded[hit["HITId"]]["max_assignments"] == hit["MaxAssignments"]
    assert plan_code(project, url) == 0


def project_at(root: Path, **fields: object) -> Path:
    """A project whose one study has a name of its own: the tests share an emulator, and a
    fresh lockfile rightly refuses to plan beside another lockfile's HITs of the same study."""
    (root / "studies").mkdir(parents=True)
    write_study(root, name(root), **fields)
    return root


def name(root: Path) -> str:
    return root.name.lower()


def batches(root: Path, count: int) -> dict[str, int]:
    return {f"{name(root)}/b{n}": 9 for n in range(1, count + 1)}


@pytest.mark.parametrize("kill_after", [0.3, 0.7, 0.9, 1.0, 1.1, 1.3, 1.8])
def test_killed_first_apply_converges_on_rerun(
    tmp_path: Path, slow_emulator: Served, kill_after: float
) -> None:
    project = project_at(tmp_path, **STUDY)
    apply(project, slow_emulator.url, kill_after)
    apply(project, slow_emulator.url)
    assert_converged(project, slow_emulator.url, batches(project, 5))


@pytest.mark.parametrize("kills", [(0.9, 1.0), (1.2, 0.8)])
def test_killed_twice_including_the_rerun_converges(
    tmp_path: Path, slow_emulator: Served, kills: tuple[float, float]
) -> None:
    project = project_at(tmp_path, **STUDY)
    for kill_after in kills:
        apply(project, slow_emulator.url, kill_after)
    apply(project, slow_emulator.url)
    assert_converged(project, slow_emulator.url, batches(project, 5))


@pytest.mark.parametrize("kill_after", [0.9, 1.1, 1.4])
def test_killed_while_growing_and_extending_converges(
    tmp_path: Path, slow_emulator: Served, kill_after: float
) -> None:
    project = project_at(tmp_path, **STUDY)
    apply(project, slow_emulator.url)
    write_study(project, name(project), **GROWN)
    apply(project, slow_emulator.url, kill_after)
    apply(project, slow_emulator.url)
    assert_converged(project, slow_emulator.url, batches(project, 7))


@pytest.mark.parametrize("kill_after", [None, 1.0])
def test_throttling_and_lost_replies_never_duplicate(
    tmp_path: Path, faulty_emulator: Served, kill_after: float | None
) -> None:
    project = project_at(tmp_path, **STUDY)
    if kill_after is not None:
        apply(project, faulty_emulator.url, kill_after)
    apply(project, faulty_emulator.url)
    write_study(project, name(project), **GROWN)
    apply(project, faulty_emulator.url)
    assert_converged(project, faulty_emulator.url, batches(project, 7))


# --- crash points inside the fold: the one lockfile write of an apply, and of a later read ---

OTHER_ENV = "mturk/sandbox"


def with_big_neighbour(project: Path) -> dict[str, Any]:
    """Give the lockfile another environment of 20,000 records, so that writing the file takes
    long enough to be killed in the middle of it; return that environment's data."""
    hits = [{"address": f"other/b{n}", "generation": 1, "token": f"dpl-{n}", "fingerprint": "f",
             "config_hash": "c", "created_with": 9, "max_assignments": 9, "status": "expired",
             "hit_id": f"3OTHER{n:024d}"} for n in range(1, 20_001)]
    neighbour = {"lineage": "other-lineage", "serial": 7, "applied": {}, "hits": hits,
                 "pseudonym_key": "0" * 32}
    (project / ".deploy").mkdir(exist_ok=True)
    path = project / ".deploy" / "local.lock"
    path.write_text(json.dumps({"version": 2, "environments": {OTHER_ENV: neighbour}}))
    return neighbour


def kill_while_writing_the_lockfile(command: list[str], project: Path) -> bool:
    """Run deploy; SIGKILL it as soon as its temporary lockfile appears. Whether it was."""
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "deployer", *command], cwd=project,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    folder = project / ".deploy"
    killed = False
    while process.poll() is None:
        if any(folder.glob(".local.lock.*.tmp")):
            process.send_signal(signal.SIGKILL)
            killed = True
            break
        time.sleep(0.0005)
    process.wait(timeout=60)
    return killed


def kill_once_journaled(project: Path, url: str) -> None:
    """SIGKILL an apply once its journal holds a few changes (some HITs created)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "deployer", "apply", "--auto-approve", "--endpoint-url", url],
        cwd=project, env={**os.environ, "NO_COLOR": "1"}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    while process.poll() is None:
        found = list((project / ".deploy").glob("*.journal"))
        if found and found[0].read_bytes().count(b"\n") >= 5:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    process.wait(timeout=60)
    assert list((project / ".deploy").glob("*.journal")), "the kill left no journal to fold"


def assert_neighbour_kept(project: Path, neighbour: dict[str, Any]) -> None:
    data = json.loads((project / ".deploy" / "local.lock").read_text())
    kept = data["environments"][OTHER_ENV]
    assert sorted(kept.pop("hits"), key=str) == sorted(neighbour["hits"], key=str)
    assert kept == {k: v for k, v in neighbour.items() if k != "hits"}
    assert not list((project / ".deploy").glob(".local.lock.*.tmp")), "a temporary file is left"
    assert not list((project / ".deploy").glob("*.journal")), "a journal was never folded"


def test_killed_while_folding_at_the_end_of_apply_converges(
    tmp_path: Path, slow_emulator: Served
) -> None:
    project = project_at(tmp_path, **STUDY)
    neighbour = with_big_neighbour(project)
    command = ["apply", "--auto-approve", "--endpoint-url", slow_emulator.url]
    assert kill_while_writing_the_lockfile(command, project), "the fold was never reached"
    apply(project, slow_emulator.url)
    assert_converged(project, slow_emulator.url, batches(project, 5))
    assert_neighbour_kept(project, neighbour)


def test_killed_while_a_plan_folds_what_a_killed_apply_left_converges(
    tmp_path: Path, slow_emulator: Served
) -> None:
    project = project_at(tmp_path, **STUDY)
    neighbour = with_big_neighbour(project)
    kill_once_journaled(project, slow_emulator.url)
    command = ["plan", "--endpoint-url", slow_emulator.url]
    assert kill_while_writing_the_lockfile(command, project), "the fold was never reached"
    apply(project, slow_emulator.url)
    assert_converged(project, slow_emulator.url, batches(project, 5))
    assert_neighbour_kept(project, neighbour)


def test_deleting_the_lockfile_during_an_apply_keeps_the_other_environments(
    tmp_path: Path, slow_emulator: Served
) -> None:
    """A `git stash` in another terminal while sandbox is applied used to drop production's
    records from deploy.lock in 8 of 10 runs."""
    project = project_at(tmp_path, **STUDY)
    production = {"lineage": "prod-lineage", "serial": 4, "applied": {"x": ["c"]},
                  "pseudonym_key": "0" * 32,
                  "hits": [{"address": "x/b1", "generation": 1, "token": "dpl-1",
                            "fingerprint": "f", "config_hash": "c", "created_with": 9,
                            "max_assignments": 9, "status": "live", "hit_id": "3PROD"}]}
    lock = project / "deploy.lock"
    lock.write_text(json.dumps({"version": 2, "environments": {"mturk/production": production}}))
    env = {**os.environ, "NO_COLOR": "1", "AWS_ACCESS_KEY_ID": "test",
           "AWS_SECRET_ACCESS_KEY": "test"}
    process = subprocess.Popen(
        [sys.executable, "-m", "deployer", "apply", "--env", "sandbox", "--auto-approve",
         "--endpoint-url", slow_emulator.url], cwd=project, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    seen = ""
    while ": created " not in seen:  # the first HIT is made and recorded: delete the file
        line = process.stdout.readline()
        assert line, f"the apply ended before creating anything: {seen}"
        seen += line
    lock.unlink()
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 0, seen + out
    data = json.loads(lock.read_text())
    assert data["environments"]["mturk/production"] == production
    assert len(data["environments"]["mturk/sandbox"]["hits"]) == 5
