"""A full disk at the end of an apply: one clear error line, no temporary file left behind, and
every HIT made still recorded (in the journal, folded in by the next command)."""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys
from pathlib import Path

from clihelp import all_hits, write_study

from deployer.emulators.mturk.models import Emulator

LIMIT = 64 * 1024  # bytes a file may grow to in the deploy process: more fails with EFBIG


def limited() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, resource.getrlimit(
        resource.RLIMIT_FSIZE)[1]))


def deploy(project: Path, *args: str, full: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "deployer", *args], cwd=project,
                          env={**os.environ, "NO_COLOR": "1"}, capture_output=True, text=True,
                          timeout=300, preexec_fn=limited if full else None)


def test_a_full_disk_when_apply_writes_the_lockfile(project: Path,
                                                    served: tuple[str, Emulator]) -> None:
    url = served[0]
    neighbour = {"lineage": "other", "serial": 3, "applied": {}, "hits": [
        {"address": f"other/b{n}", "generation": 1, "token": f"dpl-{n}", "fingerprint": "f",
         "config_hash": "c", "created_with": 9, "max_assignments": 9, "status": "expired",
         "hit_id": f"3OTHER{n:024d}"} for n in range(1, 400)]}  # makes the lockfile ~100 KB
    (project / ".deploy").mkdir()
    lock = project / ".deploy" / "local.lock"
    lock.write_text(json.dumps({"version": 2, "environments": {"mturk/sandbox": neighbour}}))
    write_study(project, assignments=45, max_assignments_per_hit=9)

    failed = deploy(project, "apply", "--auto-approve", "--endpoint-url", url, full=True)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    (line,) = [x for x in failed.stderr.splitlines() if x.startswith("error:")]
    assert re.fullmatch(
        re.escape(f"error: cannot write {lock}: File too large (the disk or your quota is full). "
                  "The ") + r"\d+" + re.escape(
            f" changes this apply made are safe in {project}/.deploy/local.lock.mturk-local."
            "journal; deploy folds them into the lockfile the next time it runs and can write "
            "it"), line), line
    assert "Traceback" not in failed.stderr
    leftovers = sorted(p.name for p in (project / ".deploy").iterdir())
    assert not [name for name in leftovers if name.endswith(".tmp")], leftovers
    assert len(all_hits(url)) == 5

    planned = deploy(project, "plan", "--detailed-exitcode", "--endpoint-url", url)
    assert planned.returncode == 0, planned.stdout + planned.stderr  # folded: nothing to do
    data = json.loads(lock.read_text())["environments"]
    assert len(data["mturk/local"]["hits"]) == 5
    assert len(data["mturk/sandbox"]["hits"]) == len(neighbour["hits"])
