"""How big and how slow a rendered plan is, as plans grow: text, Markdown and JSON.

    .venv/bin/python benchmarks/plan_render.py

Pure: the MTurk provider's planner (through the Provider protocol) and the renderers. Two
shapes: one new study of N HITs (like creates group into one block), and 40 studies whose HITs
each move to a different expiry (nothing groups; the Markdown comment must cut details per
study to fit GitHub's cap).
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory

from deployer.core.plan import Plan
from deployer.core.provider import PlanOptions
from deployer.core.records import EnvLock, sort_records
from deployer.core.review import Desired
from deployer.providers.mturk.observed import Observed, ObservedHit
from deployer.providers.mturk.plan.identity import annotation, hit_type, request_token
from deployer.providers.mturk.provider import MTURK
from deployer.providers.mturk.records import RecordedHit
from deployer.providers.mturk.spec.rules import build_study
from deployer.providers.mturk.study import Study
from deployer.render import render_json, render_markdown, render_text
from deployer.spec.loader import load_studies, require_valid

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
STUDY = """\
title: Norming
description: Rate words.
reward: "0.50"
assignments: {assignments}
max_assignments_per_hit: {per_hit}
assignment_duration: 30m
estimated_duration: 4m
lifetime: 7d
question:
  external_url: https://example.org/norming
"""


def studies(count: int, assignments: int, per_hit: int) -> list[Study]:
    with TemporaryDirectory() as folder:
        directory = Path(folder) / "studies"
        directory.mkdir()
        for n in range(count):
            text = STUDY.format(assignments=assignments, per_hit=per_hit)
            (directory / f"s{n:02}.yaml").write_text(text)
        loaded = require_valid(load_studies([directory], build_study, now=NOW))
    return [s for s in loaded if isinstance(s, Study)]


def live(study: Study, batch: int) -> tuple[RecordedHit, ObservedHit]:
    address, created = f"{study.name}/b{batch}", NOW - timedelta(days=1, minutes=7 * batch)
    hit_id = f"3{study.name.upper()}B{batch}".ljust(30, "X")
    record = RecordedHit(address, 1, request_token("l", "local", address, 1, study.fingerprint),
                         study.fingerprint, study.config_hash, 1, 1, "live", hit_id, "3T",
                         "3G", created, created + timedelta(days=7))
    t = hit_type(study, "local")
    seen = ObservedHit(hit_id, "3T", "3G", "Assignable",
                       annotation("l", address, 1, study.fingerprint), t.title, t.description,
                       t.keywords, t.reward, t.assignment_duration, t.auto_approval_delay,
                       t.qualifications, study.question, 1, 1, 0, 0, created,
                       created + timedelta(days=7))
    return record, seen


def new_study(hits: int) -> Plan:
    [study] = studies(1, hits * 9, 9)
    return MTURK.plan(Desired((study,)), EnvLock("mturk", "local", "l"),
                      Observed(balance=Decimal("1e6")), NOW, PlanOptions())


def longer_lifetimes(count: int, hits: int) -> Plan:
    made = studies(count, hits, 1)
    pairs = [live(s, b + 1) for s in made for b in range(hits)]
    env = EnvLock("mturk", "local", "l", records=sort_records([r for r, _ in pairs]))
    observed = Observed({h.hit_id: h for _, h in pairs}, Decimal("1e6"))
    longer = tuple(replace(s, lifetime=10 * 86400) for s in made)
    return MTURK.plan(Desired(longer), env, observed, NOW, PlanOptions())


def measure(name: str, planned: Plan) -> None:
    for fmt, render in (("text", lambda p: render_text(p, color=False)),
                        ("markdown", render_markdown), ("json", render_json)):
        start = time.perf_counter()
        out = render(planned)
        took = (time.perf_counter() - start) * 1000
        print(f"{name:<34} {fmt:<8} {len(planned.changes):5} actions: {out.count(chr(10)):6} "
              f"lines, {len(out):8,} chars, {took:7.1f} ms")


def main() -> None:
    for hits in (30, 300, 3000):
        measure(f"new study, {hits} HITs of 9", new_study(hits))
    measure("40 studies x 40 HITs extended", longer_lifetimes(40, 40))


if __name__ == "__main__":
    main()
