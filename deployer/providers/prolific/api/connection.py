"""The Connection to one Prolific environment: `local` (the bundled emulator, in-process) or
`production` (the real API with the token in PROLIFIC_TOKEN, never written anywhere)."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from decimal import Decimal

from deployer.core.errors import DeployError
from deployer.core.messages import Delivery, Message
from deployer.core.plan import Change
from deployer.core.provider import (
    Adoption,
    Cache,
    Clock,
    Progress,
    Recorder,
    Report,
    Target,
)
from deployer.core.records import EnvLock
from deployer.core.results import Submission
from deployer.core.review import Desired
from deployer.core.status import Row, RowState, Status, StudyStatus, Work
from deployer.providers.prolific import platform
from deployer.providers.prolific.api.client import Prolific, ProlificError
from deployer.providers.prolific.api.steps import Account, Steps
from deployer.providers.prolific.api.wire import has_bonuses, major, study, submission
from deployer.providers.prolific.fees import charge
from deployer.providers.prolific.observed import Observed, ObservedStudy, ObservedSubmission
from deployer.providers.prolific.plan.payloads import payload_of
from deployer.providers.prolific.records import PREFIX, RecordedStudy, lineage_mark
from deployer.providers.prolific.study import Study

PRODUCTION_URL = "https://api.prolific.com"
TOKEN = "PROLIFIC_TOKEN"
LOCAL_TOKEN = "local-token"  # the bundled emulator's token
EMULATOR_STATE = "prolific.sqlite3"
AUTO_APPROVAL = timedelta(days=21)  # reference §5.4
BONUSABLE = ("AWAITING REVIEW", "APPROVED", "REJECTED")  # may have been paid a bonus


class ProlificConnection:
    def __init__(self, api: Prolific, environment: str) -> None:
        self.api = api
        self.environment = environment
        self.account = Account(api)
        self.fees: tuple[Decimal, Decimal] | None = None

    @property
    def preview_note(self) -> str:
        return ""

    def observe(self, env: EnvLock, desired: Desired) -> Observed:
        workspace = self.account.workspace_id()
        balance = self.api.get(f"workspaces/{workspace}/balance", "read the balance")
        me = self.api.get("users/me", "read the account")
        mark = PREFIX + lineage_mark(env.lineage) + ":"
        listed = {str(s["id"]): study(s) for s in self.api.pages("studies", "list studies")}
        ours = tuple(s for s in listed.values() if s.internal_name.startswith(mark))
        seen = {**listed, **self._unlisted(env, listed)}
        reviewed = {s.name for s in desired.studies if s.review == "approve_all"}
        reviewed |= set(desired.reviews)
        ids = [r.study_id for r in env.of(RecordedStudy) if r.study in reviewed and r.study_id]
        return Observed(
            studies=seen, ours=ours,
            submissions={i: self._submissions(i, bonuses=True) for i in ids if i in seen},
            balance=major(balance.get("available_balance")),
            currency=str(balance.get("currency_code") or "GBP"),
            minimum_hourly=_minimum(me.get("minimum_reward_per_hour")),
            fee=_fraction(me.get("fees_percentage")),
            vat=_fraction(me.get("vat_percentage")),
            countries=tuple(self.account.country_names()) if any(
                s.eligibility.countries for s in desired.studies
                if isinstance(s, Study)) else None)

    def _unlisted(self, env: EnvLock, listed: dict[str, ObservedStudy]) -> dict[str, ObservedStudy]:
        """Recorded studies the workspace list did not show (none, normally): read one by one."""
        found = {}
        for record in env.of(RecordedStudy):
            if not record.study_id or record.study_id in listed or record.status == "gone":
                continue
            try:
                found[record.study_id] = study(self.api.get(f"studies/{record.study_id}",
                                                             "read the study"))
            except ProlificError as error:
                if error.status != 404:
                    raise
        return found

    def _submissions(self, study_id: str,
                     bonuses: bool = False) -> tuple[ObservedSubmission, ...]:
        """Every submission of the study; with `bonuses`, what each was paid, from its detail
        where the list leaves it out (Prolific's documented list item has none)."""
        found = []
        for item in self.api.pages(f"studies/{study_id}/submissions", "list submissions"):
            if bonuses and not has_bonuses(item) and item.get("status") in BONUSABLE:
                item = {**item, **self.api.get(f"submissions/{item['id']}",
                                               "read the submission")}
            found.append(submission(item, study_id))
        return tuple(found)

    def execute(self, change: Change, recorder: Recorder, clock: Clock, report: Report) -> None:
        Steps(self.account, recorder, clock, report).run(payload_of(change))

    def status(self, env: EnvLock, now: datetime, only: frozenset[str] | None = None) -> Status:
        first = self.api.calls
        mine = sorted((r for r in env.of(RecordedStudy) if only is None or r.study in only),
                      key=lambda r: (r.study, r.generation))
        newest = {r.address: r.generation for r in mine}
        rows = [self._row(r, newest[r.address] == r.generation) for r in mine]
        names = dict.fromkeys(r.study for r in mine)
        studies = tuple(StudyStatus(n, tuple(r for r in rows if r.study == n)) for n in names)
        balance = self.api.get(f"workspaces/{self.account.workspace_id()}/balance",
                               "read the balance")
        return Status(platform.platform(str(balance.get("currency_code") or "GBP")),
                      self.environment, now, studies, self.api.calls - first)

    def _row(self, record: RecordedStudy, current: bool) -> Row:
        if record.study_id is None or record.status == "pending":
            return Row(record.address, record.generation, "", "pending")
        try:
            seen = study(self.api.get(f"studies/{record.study_id}", "read the study"))
        except ProlificError as error:
            if error.status != 404:
                raise
            return Row(record.address, record.generation, record.study_id, "gone")
        work = self._submissions(seen.study_id)
        state: RowState = ("open" if seen.status in ("ACTIVE", "PUBLISHING", "SCHEDULED")
                           else "paused" if seen.status == "PAUSED"
                           else "draft" if seen.status == "UNPUBLISHED"
                           else "closed" if current else "replaced")
        waiting = [s.completed_at + AUTO_APPROVAL for s in work
                   if s.status == "AWAITING REVIEW" and s.completed_at]
        approved = sum(1 for s in work if s.status == "APPROVED")
        counts = Work(
            available=max(seen.places - seen.places_taken, 0) if state == "open" else 0,
            in_progress=sum(1 for s in work if s.status in ("RESERVED", "ACTIVE")),
            awaiting_review=sum(1 for s in work if s.status == "AWAITING REVIEW"),
            approved=approved, rejected=sum(1 for s in work if s.status == "REJECTED"))
        return Row(record.address, record.generation, seen.study_id, state, counts,
                   auto_approves_at=min(waiting, default=None),
                   spent=charge(seen.reward * approved, *self._fees()))

    def _fees(self) -> tuple[Decimal, Decimal]:
        """The account's service fee and VAT (the usual ones if it does not say)."""
        if self.fees is None:
            me = self.api.get("users/me", "read the account")
            self.fees = (_fraction(me.get("fees_percentage")) or platform.FEE,
                         _fraction(me.get("vat_percentage")) or platform.VAT)
        return self.fees

    def notify(self, env: EnvLock, message: Message, recorder: Recorder,
               report: Report) -> Delivery:
        raise DeployError("deploy notify speaks to MTurk workers only; message Prolific "
                          "participants from Prolific's own messages page")

    def adopt(self, env: EnvLock, study: str, ids: Sequence[str], now: datetime) -> Adoption:
        raise DeployError("deploy import brings MTurk HITs under a study; for a Prolific study "
                          "made elsewhere, write its study file and stop the old study on "
                          "Prolific's site")

    def submissions(self, env: EnvLock, studies: Collection[str], cache: Cache,
                    progress: Progress) -> list[Submission]:
        records = [r for r in env.of(RecordedStudy) if r.study in studies and r.study_id]
        found: list[Submission] = []
        for done, record in enumerate(records, 1):
            assert record.study_id is not None
            found += [_submission(record, s) for s in self._submissions(record.study_id)]
            progress(done, len(records))
        return found


def _submission(record: RecordedStudy, seen: ObservedSubmission) -> Submission:
    waiting = seen.status == "AWAITING REVIEW" and seen.completed_at is not None
    answers = {"completion_code": seen.code}
    return Submission(
        study=record.study, batch="study", generation=record.generation,
        object_id=seen.study_id, submission_id=seen.submission_id, worker=seen.participant,
        status=seen.status.lower(), accepted_at=seen.started_at,
        submitted_at=seen.completed_at,
        auto_approval_at=seen.completed_at + AUTO_APPROVAL if waiting and seen.completed_at
        else None, reviewed_at=None, feedback="", answers=answers, cells=answers)


def _minimum(value: object) -> Decimal | None:
    """The account's minimum reward per hour (minor units, as Prolific gives it) in major."""
    return None if value is None else major(value)


def _fraction(value: object) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except ArithmeticError:
        return None


@contextmanager
def open_connection(target: Target) -> Iterator[ProlificConnection]:
    with open_api(target) as api:
        yield ProlificConnection(api, target.environment)


@contextmanager
def open_api(target: Target) -> Iterator[Prolific]:
    """Where the environment's calls go; `local` without --endpoint-url starts the bundled
    emulator in this process for as long as the block runs."""
    if target.environment == "local" and target.endpoint_url is None:
        from deployer.emulators.core.errors import EmulatorError
        from deployer.emulators.prolific import embedded

        with ExitStack() as stack:
            try:
                url = stack.enter_context(embedded(target.workdir / EMULATOR_STATE))
            except EmulatorError as error:
                raise DeployError(str(error)) from None
            yield Prolific(url, LOCAL_TOKEN)
        return
    token = os.environ.get(TOKEN, "")
    if target.endpoint_url is not None:
        yield Prolific(target.endpoint_url, token or LOCAL_TOKEN)
        return
    if not token:
        raise DeployError(f"{target.environment.upper()} is the real Prolific: set {TOKEN} to "
                          "an API token of your workspace (Prolific: Settings, API token); it "
                          "is read from the environment and never written anywhere")
    yield Prolific(PRODUCTION_URL, token)
