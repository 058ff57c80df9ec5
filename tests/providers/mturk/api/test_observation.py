"""Observation is cheap: planning N recorded HITs costs about N/100 ListHITs pages."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import boto3
from clihelp import write_study

from deployer.emulators.mturk.models import Emulator
from deployer.engine import lockfile
from deployer.engine.apply import intent
from deployer.engine.session import make_plan
from deployer.providers.mturk.api.client import Connection, MTurk
from deployer.providers.mturk.observed import Observed
from deployer.providers.mturk.plan.actions import Create
from deployer.providers.mturk.plan.planner import PlanOptions, plan
from deployer.providers.mturk.records import live
from deployer.spec.loader import load_studies, require_valid


def counting_mturk(url: str, calls: list[str]) -> MTurk:
    client = boto3.client("mturk", region_name="us-east-1", endpoint_url=url,
                          aws_access_key_id="x", aws_secret_access_key="x")
    client.meta.events.register(
        "before-call.mturk.*", lambda model, **_: calls.append(model.name))
    return MTurk(client, Connection("local", url))


def test_planning_1000_recorded_hits_takes_at_most_12_calls(
    project: Path, served: tuple[str, Emulator]
) -> None:
    url = served[0]
    write_study(project, "big", assignments=9000, max_assignments_per_hit=9, reward='"0.10"')
    studies = require_valid(load_studies([project / "studies"]))
    lock = lockfile.ensure_env(lockfile.Lock(), "local")
    env = lock.env("local")
    assert env is not None
    now = datetime.now(timezone.utc)
    first = plan(studies, lock, "local", Observed(balance=None), now, PlanOptions())
    creates = [a.hit for a in first.actions if isinstance(a, Create)]
    assert len(creates) == 1000

    setup = counting_mturk(url, [])
    with ThreadPoolExecutor(max_workers=4) as pool:
        records = list(pool.map(lambda hit: live(intent(hit), setup.create_hit(hit, now)),
                                creates))
    env = replace(env, hits=tuple(sorted(records, key=lambda h: (h.address, h.generation))))
    lockfile.save_env(lockfile.lock_path(project, "local"), env)

    calls: list[str] = []
    planned = make_plan(project, "local", counting_mturk(url, calls), studies, PlanOptions())
    assert planned.plan.actions == () and planned.plan.errors == ()
    assert len(calls) <= 12, calls
    assert calls.count("ListHITs") == 11  # 10 full pages, then MTurk's empty last page
    assert "GetHIT" not in calls
