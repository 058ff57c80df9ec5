"""What `deploy results` costs in MTurk calls and time, first and again after a few changes.

    .venv/bin/python benchmarks/results.py [--hits 300] [--per-hit 9] [--changed 10]

A study of HITS batches gets PER_HIT submissions each; the first fetch lists every HIT's
assignments, the second (after CHANGED HITs got one more submission) only the changed ones.
Expected: ListHITs pages = HITS/100 + 1 (MTurk's empty last page), ListAssignmentsForHIT =
one page per 100 assignments of each fetched HIT.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import boto3

from deployer.core.provider import PlanOptions
from deployer.core.records import Lock, sort_records
from deployer.core.review import Desired
from deployer.emulators.mturk import Emulator, EmulatorServer
from deployer.engine import lockfile
from deployer.engine.results import FileCache
from deployer.providers.mturk.api.client import Endpoint, MTurk
from deployer.providers.mturk.api.connection import MTurkConnection
from deployer.providers.mturk.api.steps import intent
from deployer.providers.mturk.observed import Observed
from deployer.providers.mturk.plan.payloads import Create
from deployer.providers.mturk.plan.planner import plan
from deployer.providers.mturk.records import live
from deployer.providers.mturk.spec.rules import build_study
from deployer.spec.loader import load_studies, require_valid

STUDY = """\
title: Benchmark study
description: Many small batches.
reward: "0.10"
assignments: {assignments}
max_assignments_per_hit: {per_hit}
repeat_workers: allowed
assignment_duration: 30m
lifetime: 1d
question:
  external_url: https://example.org/task
"""


def counting(url: str, calls: list[str]) -> MTurk:
    client = boto3.client("mturk", region_name="us-east-1", endpoint_url=url,
                          aws_access_key_id="x", aws_secret_access_key="x")
    client.meta.events.register("before-call.mturk.*",
                                lambda model, **_: calls.append(model.name))
    return MTurk(client, Endpoint("local", url))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hits", type=int, default=300)
    parser.add_argument("--per-hit", type=int, default=9)
    parser.add_argument("--changed", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, EmulatorServer(Emulator()) as server:
        root = Path(folder)
        (root / "studies").mkdir()
        (root / "studies" / "bench.yaml").write_text(STUDY.format(
            assignments=args.hits * (args.per_hit + 1), per_hit=args.per_hit + 1))
        studies = require_valid(load_studies([root / "studies"], build_study))
        env = lockfile.ensure_env(Lock(), "mturk", "local").env("mturk", "local")
        assert env is not None
        now = datetime.now(timezone.utc)
        setup = counting(server.url, [])
        creates = [c.payload.hit for c in plan(studies, Desired(studies), env, Observed(), now,
                                                PlanOptions()).changes
                   if isinstance(c.payload, Create)]
        records = [live(intent(hit), setup.create_hit(hit, now)) for hit in creates]
        env = replace(env, records=sort_records(records))
        workers = server.emulator.workers
        for record in records:
            for _ in range(args.per_hit):
                workers.submit(workers.accept(workers.register(), record.hit_id), {"x": "1"})
        calls: list[str] = []
        connection = MTurkConnection(counting(server.url, calls))
        cache = FileCache(root / "cache.json", refresh=False)
        for label in ("first fetch", "again, changed"):
            if label.startswith("again"):
                for record in records[:args.changed]:
                    workers.submit(workers.accept(workers.register(), record.hit_id), {})
            calls.clear()
            start = time.perf_counter()
            found = connection.submissions(env, {"bench"}, cache, lambda done, total: None)
            took = time.perf_counter() - start
            print(f"{label:<16} {len(records):>5} HITs {len(found):>6} submissions: "
                  f"{took * 1000:7.0f} ms, {calls.count('ListHITs'):>3} ListHITs pages, "
                  f"{calls.count('ListAssignmentsForHIT'):>4} ListAssignmentsForHIT pages")


if __name__ == "__main__":
    main()
