"""How plan and apply scale with the number of HITs, against the emulator over loopback.

    .venv/bin/python benchmarks/plan_apply.py [--sizes 100,300,1000] [--apply-size 300]

For each size N it prints the wall time and the MTurk calls of `deploy plan` over N recorded
HITs (observation should cost about N/100 ListHITs pages), and for one size the wall time of a
full `deploy apply` that creates every HIT (lockfile written after every action). Compare the
rows of one run with each other: the machine is shared, absolute times are noisy.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import boto3

from deployer.emulators.mturk import Emulator, EmulatorServer
from deployer.engine import lockfile
from deployer.engine.apply import intent
from deployer.engine.session import make_plan
from deployer.providers.mturk.api.client import Connection, MTurk
from deployer.providers.mturk.observed import Observed
from deployer.providers.mturk.plan.actions import Create
from deployer.providers.mturk.plan.planner import PlanOptions, plan
from deployer.providers.mturk.records import live
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


def counting(url: str, calls: list[str]) -> MTurk:
    client = boto3.client("mturk", region_name="us-east-1", endpoint_url=url,
                          aws_access_key_id="x", aws_secret_access_key="x")
    client.meta.events.register("before-call.mturk.*", lambda model, **_: calls.append(model.name))
    return MTurk(client, Connection("local", url))


def measure_plan(root: Path, hits: int) -> str:
    with EmulatorServer(Emulator()) as server:
        studies = require_valid(load_studies([project(root, hits) / "studies"]))
        lock = lockfile.ensure_env(lockfile.Lock(), "local")
        env = lock.env("local")
        assert env is not None
        now = datetime.now(timezone.utc)
        creates = [a.hit for a in plan(studies, lock, "local", Observed(), now).actions
                   if isinstance(a, Create)]
        setup = counting(server.url, [])
        with ThreadPoolExecutor(max_workers=4) as pool:
            records = list(pool.map(lambda h: live(intent(h), setup.create_hit(h, now)), creates))
        hits_sorted = tuple(sorted(records, key=lambda h: (h.address, h.generation)))
        lockfile.save_env(lockfile.lock_path(root, "local"), replace(env, hits=hits_sorted))
        calls: list[str] = []
        started = time.perf_counter()
        planned = make_plan(root, "local", counting(server.url, calls), studies, PlanOptions())
        elapsed = time.perf_counter() - started
    assert not planned.plan.actions
    pages = calls.count("ListHITs")
    return (f"plan   {hits:>5} recorded HITs: {elapsed * 1000:7.0f} ms, {len(calls):>3} MTurk "
            f"calls ({pages} ListHITs pages), {elapsed / hits * 1e6:6.0f} us per HIT")


def measure_apply(root: Path, hits: int) -> str:
    server = subprocess.Popen(
        [sys.executable, "-m", "deployer", "emulator", "serve", "--port", "0"],
        stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    found = re.search(r"http://127\.0\.0\.1:\d+", server.stdout.readline())
    assert found
    try:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "deployer", "apply", "--auto-approve",
                        "--endpoint-url", found.group(0)], cwd=project(root, hits), check=True,
                       stdout=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"})
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    serial = lockfile.read(lockfile.lock_path(root, "local")).environments["local"].serial
    return (f"apply  {hits:>5} new HITs:      {elapsed:7.1f} s, {hits / elapsed:6.1f} HITs/s, "
            f"{serial} lockfile writes for {2 * hits} records (group commit)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,300,1000")
    parser.add_argument("--apply-size", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for hits in (int(size) for size in args.sizes.split(",")):
            print(measure_plan(Path(scratch) / f"plan{hits}", hits), flush=True)
        print(measure_apply(Path(scratch) / "apply", args.apply_size), flush=True)


if __name__ == "__main__":
    main()
