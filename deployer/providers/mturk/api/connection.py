"""One MTurk environment open for one command: observe, carry out changes, report status.

`local` without --endpoint-url starts the bundled emulator in this process, its state kept in
the project's .deploy/ folder.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from deployer.core import codec
from deployer.core.errors import DeployError
from deployer.core.messages import Delivery, Message
from deployer.core.plan import Change
from deployer.core.provider import Cache, Clock, Progress, Recorder, Report, Target
from deployer.core.records import EnvLock
from deployer.core.results import Submission
from deployer.core.review import Desired
from deployer.core.status import Status
from deployer.providers.mturk.api.adopt import MTurkAdoption, adopt
from deployer.providers.mturk.api.aws import Aws
from deployer.providers.mturk.api.client import MTurk
from deployer.providers.mturk.api.destinations import check_destinations
from deployer.providers.mturk.api.endpoint import ENDPOINTS, Endpoint
from deployer.providers.mturk.api.notify import notify
from deployer.providers.mturk.api.observe_people import observe_people, wanted_here
from deployer.providers.mturk.api.session import connect
from deployer.providers.mturk.api.simulation import MTurkSimulation, SideChannel
from deployer.providers.mturk.api.status import status
from deployer.providers.mturk.api.steps import Steps
from deployer.providers.mturk.api.wire import observed_assignment, submission
from deployer.providers.mturk.observed import Observed, ObservedHit
from deployer.providers.mturk.plan.identity import parse_annotation
from deployer.providers.mturk.plan.payloads import payload_of
from deployer.providers.mturk.plan.review import bonus_assignments, under_review
from deployer.providers.mturk.records import RecordedHit
from deployer.providers.mturk.study import PARTICIPANTS
from deployer.providers.mturk.study import Study as MTurkStudy

EMULATOR_STATE = "emulator.sqlite3"  # imports an older .deploy/emulator.json once


class MTurkConnection:
    def __init__(self, mturk: MTurk, aws: Aws) -> None:
        self.mturk = mturk
        self.aws = aws

    @property
    def preview_note(self) -> str:
        return self.mturk.endpoint.preview_note

    def observe(self, env: EnvLock, desired: Desired) -> Observed:
        recorded = {h.hit_id for h in env.of(RecordedHit) if h.hit_id and h.status != "gone"}
        titles = unrecorded_titles(env, desired)

        def keep(raw: dict[str, Any]) -> bool:
            # Every deploy HIT, this lockfile's or not: the planner adopts ours, flags the
            # others; and HITs made elsewhere that an unrecorded study may have imported.
            annotation = raw.get("RequesterAnnotation", "")
            return parse_annotation(annotation) is not None or raw.get("Title") in titles

        observed = strangers(self.mturk.observe(recorded, keep), recorded)
        people = observe_people(self.mturk, env, desired)
        took_part = {w.name[len(PARTICIPANTS):] for w in wanted_here(env, desired)
                     if w.name.startswith(PARTICIPANTS)}
        reviewed = under_review(desired) | took_part
        # Who pays: asked of real MTurk environments only (`local` spends nobody's money).
        payer = None if self.mturk.endpoint.local else self.aws.payer()
        wanted = [s.notifications for s in desired.studies
                  if isinstance(s, MTurkStudy) and s.notifications is not None]
        observed = replace(observed, participants=people, payer=payer,
                           destinations=check_destinations(self.aws, wanted))
        if not reviewed:
            return observed
        assignments = {}
        for record in env.of(RecordedHit):
            seen = observed.hits.get(record.hit_id or "")
            if record.study in reviewed and seen is not None and seen.submitted:
                raw = self.mturk.assignments(seen.hit_id, seen.submitted)
                assignments[seen.hit_id] = tuple(observed_assignment(a) for a in raw)
        bonused = bonus_assignments(desired, env)
        paid: dict[str, tuple[Decimal, ...]] = {}
        for hit_id, found in assignments.items():
            if any(a.assignment_id in bonused for a in found):
                paid.update(self.mturk.bonus_payments(hit_id))
        return replace(observed, assignments=assignments, bonuses=paid)

    def execute(self, change: Change, recorder: Recorder, clock: Clock, report: Report) -> None:
        Steps(self.mturk, recorder, clock, report).run(payload_of(change))

    def status(self, env: EnvLock, now: datetime, only: frozenset[str] | None = None) -> Status:
        return status(self.mturk, env.of(RecordedHit), now, only)

    def notify(self, env: EnvLock, message: Message, recorder: Recorder,
               report: Report) -> Delivery:
        return notify(self.mturk, env, message, recorder, report)

    def submissions(self, env: EnvLock, studies: Collection[str], cache: Cache,
                    progress: Progress) -> list[Submission]:
        hits = [h for h in env.of(RecordedHit) if h.hit_id and h.study in studies]
        observed = self.mturk.observe({h.hit_id for h in hits if h.hit_id}, lambda _raw: False)
        found: list[Submission] = []
        for done, record in enumerate(hits, 1):
            found += self._submissions_of(record, observed.hits.get(record.hit_id or ""), cache)
            progress(done, len(hits))
        return found

    def adopt(self, env: EnvLock, study: str, ids: Sequence[str],
              now: datetime) -> MTurkAdoption:
        return adopt(self.mturk, env, study, ids, now)

    def _submissions_of(self, record: RecordedHit, seen: ObservedHit | None,
                        cache: Cache) -> list[Submission]:
        """From the cache while MTurk reports the same counts (a rejection may still be
        overridden without changing them, so such HITs are always fetched again)."""
        key = f"hit:{record.hit_id}"
        kept = cache.get(key)
        cached = [codec.load(Submission, s) for s in kept["submissions"]] if kept else []
        if seen is None:
            return cached  # gone from MTurk: what was fetched before is all there is
        signature = [seen.max_assignments, seen.available, seen.pending, seen.completed]
        if kept and kept["signature"] == signature and all(
                s.status != "Rejected" for s in cached):
            return cached
        fetched = [submission(raw, record)
                   for raw in self.mturk.assignments(seen.hit_id, seen.submitted)]
        cache.put(key, {"signature": signature, "submissions": codec.dump(fetched)})
        return fetched


def unrecorded_titles(env: EnvLock, desired: Desired) -> frozenset[str]:
    """The titles of the open MTurk studies `env` holds no HIT of."""
    recorded = {h.study for h in env.of(RecordedHit)}
    return frozenset(s.title for s in desired.studies if isinstance(s, MTurkStudy)
                     and s.state == "open" and s.name not in recorded)


def strangers(observed: Observed, recorded: set[str]) -> Observed:
    """Observed with the HITs neither recorded nor annotated by deploy set apart."""
    made_elsewhere = {hit_id: hit for hit_id, hit in observed.hits.items()
                      if hit_id not in recorded and parse_annotation(hit.annotation) is None}
    if not made_elsewhere:
        return observed
    ours = {hit_id: hit for hit_id, hit in observed.hits.items() if hit_id not in made_elsewhere}
    return replace(observed, hits=ours, strangers=made_elsewhere)


@contextmanager
def open_connection(target: Target) -> Iterator[MTurkConnection]:
    with _endpoint(target) as endpoint:
        yield MTurkConnection(connect(endpoint), Aws(endpoint))


@contextmanager
def open_simulation(target: Target, env: EnvLock) -> Iterator[MTurkSimulation]:
    """Simulated workers need an emulator: `local`'s own, or one at --endpoint-url."""
    if target.endpoint_url is None and target.environment != "local":
        raise DeployError(f"{target.environment.upper()} is real MTurk: simulated workers "
                          "exist only in an emulator; use --env local, or --endpoint-url of "
                          "`deploy emulator serve`")
    with _endpoint(target) as endpoint:
        side = SideChannel(endpoint.endpoint_url)
        yield MTurkSimulation(side, connect(endpoint), env)


@contextmanager
def _endpoint(target: Target) -> Iterator[Endpoint]:
    """Where the environment's calls go; `local` without --endpoint-url starts the bundled
    emulator in this process for as long as the block runs."""
    if target.environment == "local" and target.endpoint_url is None:
        from deployer.emulators.core.errors import EmulatorError
        from deployer.emulators.mturk import embedded

        with ExitStack() as stack:
            try:
                url = stack.enter_context(embedded(target.workdir / EMULATOR_STATE))
            except EmulatorError as error:  # the emulator's own errors, in our words
                raise DeployError(str(error)) from None
            yield Endpoint("local", url, target.profile, embedded=True)
        return
    url = target.endpoint_url or ENDPOINTS.get(target.environment, "")
    if not url:
        raise DeployError("the local environment needs no endpoint; drop --endpoint-url or "
                          "point it at `deploy emulator serve`")
    yield Endpoint(target.environment, url, target.profile)
