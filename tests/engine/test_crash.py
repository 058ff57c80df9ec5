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
