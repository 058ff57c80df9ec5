"""Observation is cheap: planning N recorded HITs costs about N/100 ListHITs pages."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import boto3
from clihelp import write_study

from deployer.core.provider import PlanOptions
from deployer.core.records import Lock, sort_records
from deployer.core.review import Desired
from deployer.emulators.mturk.models import Emulator
from deployer.engine import lockfile
from deployer.engine.results import FileCache
from deployer.engine.session import lock_format, make_plan
from deployer.engine.workspace import Workspace
from deployer.providers.mturk.api.aws import Aws
from deployer.providers.mturk.api.client import MTurk
from deployer.providers.mturk.api.connection import MTurkConnection
from deployer.providers.mturk.api.endpoint import Endpoint
from deployer.providers.mturk.api.steps import intent
from deployer.providers.mturk.observed import Observed
from deployer.providers.mturk.plan.payloads import Create
from deployer.providers.mturk.plan.planner import plan
from deployer.providers.mturk.provider import MTURK
from deployer.providers.mturk.records import live
from deployer.providers.mturk.spec.rules import build_study
from deployer.spec.loader import load_studies, require_valid


def counting_mturk(url: str, calls: list[str]) -> MTurk:
    client = boto3.client("mturk", region_name="us-east-1", endpoint_url=url,
                          aws_access_key_id="x", aws_secret_access_key="x")
    client.meta.events.register(
        "before-call.mturk.*", lambda model, **_: calls.append(model.name))
    return MTurk(client, Endpoint("local", url))


def test_planning_1000_recorded_hits_takes_at_most_12_calls(
    project: Path, served: tuple[str, Emulator]
) -> None:
    url = served[0]
    write_study(project, "big", assignments=9000, max_assignments_per_hit=9, reward='"0.10"',
                repeat_workers="allowed")
    studies = require_valid(load_studies([project / "studies"], build_study))
    lock = lockfile.ensure_env(Lock(), "mturk", "local")
    env = lock.env("mturk", "local")
    assert env is not None
    now = datetime.now(timezone.utc)
    first = plan(studies, Desired(studies), env, Observed(balance=None), now, PlanOptions())
    creates = [c.payload.hit for c in first.changes if isinstance(c.payload, Create)]
    assert len(creates) == 1000

    setup = counting_mturk(url, [])
    with ThreadPoolExecutor(max_workers=4) as pool:
        records = list(pool.map(lambda hit: live(intent(hit), setup.create_hit(hit, now)),
                                creates))
    env = replace(env, records=sort_records(records))
    workspace = Workspace(project, {"mturk": MTURK}, "mturk")
    lockfile.LockWriter(workspace.lock_path("local"), lock_format(workspace)).save(env)

    calls: list[str] = []
    mturk = counting_mturk(url, calls)
    connection = MTurkConnection(mturk, Aws(mturk.endpoint))
    planned = make_plan(workspace, MTURK, "local", connection, Desired(studies), PlanOptions())
    assert planned.plan.changes == () and planned.plan.errors == ()
    assert len(calls) <= 12, calls
    assert calls.count("ListHITs") == 11  # 10 full pages, then MTurk's empty last page
    assert "GetHIT" not in calls


def test_results_fetch_only_changed_hits_a_page_per_100_assignments(
    project: Path, served: tuple[str, Emulator]
) -> None:
    url, emulator = served
    write_study(project, "big", assignments=150, max_assignments_per_hit=150, reward='"0.10"',
                repeat_workers="allowed")
    write_study(project, "small", assignments=9, max_assignments_per_hit=3, reward='"0.10"',
                repeat_workers="allowed")
    studies = require_valid(load_studies([project / "studies"], build_study))
    lock = lockfile.ensure_env(Lock(), "mturk", "local")
    env = lock.env("mturk", "local")
    assert env is not None
    now = datetime.now(timezone.utc)
    setup = counting_mturk(url, [])
    records = [live(intent(c.payload.hit), setup.create_hit(c.payload.hit, now))
               for c in plan(studies, Desired(studies), env, Observed(), now, PlanOptions()).changes
               if isinstance(c.payload, Create)]
    env = replace(env, records=sort_records(records))
    by_study = {r.study: r for r in records}
    for _ in range(120):
        worker = emulator.workers.register()
        emulator.workers.submit(emulator.workers.accept(worker, by_study["big"].hit_id), {})
    small = [r for r in records if r.study == "small"]
    for record in small:
        worker = emulator.workers.register()
        emulator.workers.submit(emulator.workers.accept(worker, record.hit_id), {"a": "1"})

    calls: list[str] = []
    mturk = counting_mturk(url, calls)
    connection = MTurkConnection(mturk, Aws(mturk.endpoint))
    cache = FileCache(project / "cache.json", refresh=False)
    found = connection.submissions(env, {"big", "small"}, cache, lambda done, total: None)
    assert len(found) == 123
    # 4 HITs: one ListHITs page; 120 assignments: 2 pages; 3 HITs of 1: a page each
    assert (calls.count("ListHITs"), calls.count("ListAssignmentsForHIT")) == (2, 5), calls

    worker = emulator.workers.register()
    emulator.workers.submit(emulator.workers.accept(worker, small[0].hit_id), {"a": "2"})
    calls.clear()
    again = connection.submissions(env, {"big", "small"}, cache, lambda done, total: None)
    assert len(again) == 124
    assert (calls.count("ListHITs"), calls.count("ListAssignmentsForHIT")) == (2, 1), calls
