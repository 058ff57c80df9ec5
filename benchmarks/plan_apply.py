"""How apply and plan scale with the number of HITs, against `deploy emulator serve`.

    .venv/bin/python benchmarks/plan_apply.py [--sizes 100,1000,3000]

For each size N, in one run: a real `deploy apply` process creates N HITs (a study of N batches
of 9) against a fresh emulator process, and the benchmark prints its wall time and the CPU time
of the deploy process alone, per HIT: flat from 100 to 3,000 HITs means apply's bookkeeping
grows with the change, not with the lockfile. Then `deploy plan` over the N recorded HITs runs
in this process, counting its MTurk calls (about N/100 ListHITs pages). Compare the rows of one
run with each other: the machine is shared, absolute times are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3

from deployer.core.provider import PlanOptions
from deployer.core.review import Desired
from deployer.engine.session import make_plan
from deployer.engine.workspace import Workspace
from deployer.providers.mturk.api.client import Endpoint, MTurk
from deployer.providers.mturk.api.connection import MTurkConnection
from deployer.providers.mturk.provider import MTURK
from deployer.providers.mturk.spec.rules import build_study
from deployer.spec.loader import load_studies, require_valid

STUDY = """\
title: Benchmark study
description: Many small batches.
keywords: [benchmark]
reward: "0.10"
assignments: {assignments}
max_assignments_per_hit: 9
assignment_duration: 30m
lifetime: 1d
question:
  external_url: https://example.org/task
"""


def project(root: Path, hits: int) -> Path:
    (root / "studies").mkdir(parents=True)
    (root / "studies" / "bench.yaml").write_text(STUDY.format(assignments=hits * 9))
    return root


def serve(state: Path) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "deployer", "emulator", "serve", "--port", "0", "--state",
         str(state)], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    found = re.search(r"http://127\.0\.0\.1:\d+", server.stdout.readline())
    assert found, "the emulator did not start"
    return server, found.group(0)


def measure_apply(root: Path, url: str, hits: int) -> str:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "deployer", "apply", "--auto-approve",
                    "--endpoint-url", url], cwd=root, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "NO_COLOR": "1"})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lock = json.loads((root / ".deploy" / "local.lock").read_text())["environments"]
    env = lock["mturk/local"]
    assert len(env["hits"]) == hits
    return (f"apply {hits:>5} new HITs:      {wall:6.1f} s wall, {hits / wall:6.1f} HITs/s; "
            f"deploy CPU {cpu:6.1f} s = {cpu / hits * 1000:5.1f} ms per HIT; "
            f"lockfile written {env['serial']} time(s)")


def counting(url: str, calls: list[str]) -> MTurk:
    client = boto3.client("mturk", region_name="us-east-1", endpoint_url=url,
                          aws_access_key_id="x", aws_secret_access_key="x")
    client.meta.events.register("before-call.mturk.*", lambda model, **_: calls.append(model.name))
    return MTurk(client, Endpoint("local", url))


def measure_plan(root: Path, url: str, hits: int) -> str:
    studies = require_valid(load_studies([root / "studies"], build_study))
    workspace = Workspace(root, {"mturk": MTURK}, "mturk")
    calls: list[str] = []
    started = time.perf_counter()
    planned = make_plan(workspace, MTURK, "local", MTurkConnection(counting(url, calls)),
                        Desired(studies), PlanOptions())
    elapsed = time.perf_counter() - started
    assert not planned.plan.changes, "apply left something to do"
    pages = calls.count("ListHITs")
    return (f"plan  {hits:>5} recorded HITs: {elapsed * 1000:6.0f} ms, {len(calls):>3} MTurk "
            f"calls ({pages} ListHITs pages), {elapsed / hits * 1e6:6.0f} us per HIT")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,3000")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for hits in (int(size) for size in args.sizes.split(",")):
            root = project(Path(scratch) / f"n{hits}", hits)
            server, url = serve(root / "emulator.json")
            try:
                print(measure_apply(root, url, hits), flush=True)
                measure_plan(root, url, hits)  # warm-up: imports and connections
                print(measure_plan(root, url, hits), flush=True)
            finally:
                server.send_signal(signal.SIGINT)
                server.wait(timeout=60)


if __name__ == "__main__":
    main()
