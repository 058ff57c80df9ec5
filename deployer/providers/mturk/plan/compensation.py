"""Compensation as HITs: one row of workers/ENV/compensation.csv is a one-assignment HIT that
only its worker can see (the compensation type, granted to them alone with their own value),
approved as soon as it is submitted. It is planned, priced and recorded like any study's HIT,
so it is never posted twice; removing the row expires it if it was not taken yet."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from deployer.core.findings import Findings, act, total
from deployer.core.participants import Compensation
from deployer.core.plan import Attribute
from deployer.core.results import pseudonym
from deployer.providers.mturk.plan.changes import participant_change
from deployer.providers.mturk.plan.context import Context
from deployer.providers.mturk.plan.payloads import Grant
from deployer.providers.mturk.spec.question import html_question
from deployer.providers.mturk.study import COMPENSATION, Requirement, Study

PREFIX = "compensation-"
DAY = 86_400
PAGE = """<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Compensation</title>
<script src="https://assets.crowd.aws/crowd-html-elements.js"></script></head>
<body>
<crowd-form>
  <p>This HIT pays you for earlier work you could not submit: {reason}</p>
  <p>Submit it to be paid; it is approved at once.</p>
  <input type="hidden" name="compensation" value="accepted">
</crowd-form>
</body>
</html>
"""


def owed(ctx: Context, rows: Sequence[Compensation]) -> list[tuple[Study, Compensation, int]]:
    """Each row as a study of one assignment, with the value only its worker is granted."""
    found = []
    for row in rows:
        who = pseudonym(ctx.env_lock.pseudonym_key, row.worker)
        digest = hashlib.sha256(f"{who}|{row.amount}|{row.reason}".encode()).hexdigest()[:10]
        value = int(who[1:8], 16) + 1  # the worker's own value: up to 2**28, never 0
        question = html_question(PAGE.replace("{reason}", _escape(row.reason)))
        study = Study(
            name=PREFIX + digest, path=f"workers/{ctx.environment}/compensation.csv:{row.line}",
            title="Compensation for earlier work", description=row.reason[:2000],
            keywords=("compensation",), reward=row.amount, assignments=1,
            max_assignments_per_hit=None, assignment_duration=3600, auto_approval_delay=0,
            lifetime=14 * DAY, closes_at=None, question=question,
            qualifications=(Requirement(COMPENSATION, "EqualTo", (value,),
                                        actions_guarded="DiscoverPreviewAndAccept"),),
            production=True, state="open", budget=None, digest=digest)
        found.append((study, row, value))
    return found


def compensation_grants(ctx: Context, owed_to: Sequence[tuple[Study, Compensation, int]],
                        type_id: str) -> Findings:
    granted = ctx.observed.participants.grants.get(type_id, {})
    parts = []
    for study, row, value in owed_to:
        if granted.get(row.worker) == value:
            continue
        payload = Grant(f"{study.name}/grant", COMPENSATION, value, worker=row.worker)
        rows = (Attribute("worker", pseudonym(ctx.env_lock.pseudonym_key, row.worker)),
                Attribute("value", str(value)))
        parts.append(act(participant_change(payload, f"{study.path}: only this worker may "
                                            "see the HIT that pays them", rows)))
    return total(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        "]]>", "]]&gt;")
