"""One MTurk environment open for one command: observe, carry out changes, report status.

`local` without --endpoint-url starts the bundled emulator in this process, its state kept in
the project's .deploy/ folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from deployer.core.errors import DeployError
from deployer.core.plan import Change
from deployer.core.provider import Clock, Recorder, Report, Target
from deployer.core.records import EnvLock
from deployer.providers.mturk.api.client import ENDPOINTS, Endpoint, MTurk, connect
from deployer.providers.mturk.api.steps import Steps
from deployer.providers.mturk.observed import Observed
from deployer.providers.mturk.plan.identity import parse_annotation
from deployer.providers.mturk.plan.payloads import payload_of
from deployer.providers.mturk.records import RecordedHit

EMULATOR_STATE = "emulator.json"


class MTurkConnection:
    def __init__(self, mturk: MTurk) -> None:
        self.mturk = mturk

    @property
    def preview_note(self) -> str:
        return self.mturk.endpoint.preview_note

    def observe(self, env: EnvLock) -> Observed:
        recorded = {h.hit_id for h in env.of(RecordedHit) if h.hit_id and h.status != "gone"}
        # Every deploy HIT, this lockfile's or not: the planner adopts ours, flags the others.
        return self.mturk.observe(recorded, lambda text: parse_annotation(text) is not None)

    def execute(self, change: Change, recorder: Recorder, clock: Clock, report: Report) -> None:
        Steps(self.mturk, recorder, clock, report).run(payload_of(change))

    def status(self, env: EnvLock, now: datetime) -> list[str]:
        recorded = [h for h in env.of(RecordedHit) if h.hit_id]
        if not recorded:
            return []
        observed = self.mturk.observe({h.hit_id for h in recorded if h.hit_id},
                                      lambda _text: False)
        width = max(len(h.address) for h in recorded)
        rows = []
        for hit in recorded:
            seen = observed.hits.get(hit.hit_id or "")
            if seen is None:
                rows.append(f"  {hit.address:<{width}}  {hit.hit_id}  gone (deleted or disposed "
                            "of by MTurk)")
                continue
            counts = f"{seen.available}/{seen.pending}/{seen.submitted}"
            when = "expired" if seen.expired(now) else "expires"
            rows.append(
                f"  {hit.address:<{width}}  {seen.hit_id}  {seen.status:<12} "
                f"available/pending/submitted {counts:<9} {when} "
                f"{seen.expires_at:%Y-%m-%d %H:%M} UTC  "
                f"{self.mturk.endpoint.preview_url(seen.hit_group_id)}"
            )
        return rows


@contextmanager
def open_connection(target: Target) -> Iterator[MTurkConnection]:
    if target.environment == "local" and target.endpoint_url is None:
        from deployer.emulators.mturk import embedded

        with embedded(target.workdir / EMULATOR_STATE) as url:
            yield MTurkConnection(connect(Endpoint("local", url, target.profile, embedded=True)))
        return
    url = target.endpoint_url or ENDPOINTS.get(target.environment, "")
    if not url:
        raise DeployError("the local environment needs no endpoint; drop --endpoint-url or "
                          "point it at `deploy emulator serve`")
    yield MTurkConnection(connect(Endpoint(target.environment, url, target.profile)))
