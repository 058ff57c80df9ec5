"""Carrying out Prolific changes: intent before each call, outcome after, each safe to repeat.

Prolific has no idempotency key, so a create writes its intent (the study's reserved internal
name) first, then looks for a study of that name and adopts it instead of creating a second
one; publishing re-reads the study first. A bonus is set up, its ID recorded, marked as being
paid, and only then paid: a pay call that may have run is never made again (reference §12.1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from deployer.core.errors import DeployError
from deployer.core.provider import Clock, Recorder, Report
from deployer.providers.prolific.api.client import Prolific, ProlificError
from deployer.providers.prolific.api.wire import Lists, create_body, major, study
from deployer.providers.prolific.plan.payloads import (
    Adopt,
    Approve,
    Create,
    Discard,
    Forget,
    Grow,
    NewStudy,
    Pay,
    Payload,
    Publish,
    Reject,
    Transition,
)
from deployer.providers.prolific.records import RecordedBonus, RecordedStudy, StudyStatus
from deployer.spec.wording import closest

AFTER = {"PAUSE": ("PAUSED",), "START": ("ACTIVE",), "STOP": ("AWAITING REVIEW", "COMPLETED")}
RECORDED: dict[str, StudyStatus] = {"PAUSE": "paused", "START": "published", "STOP": "stopped"}
DONE = {"PAUSE": "paused", "START": "started again", "STOP": "stopped"}
COUNTRY = "current-country-of-residence"


@dataclass
class Account:
    """What one command learns once about the workspace: its ID, projects and filter choices."""

    api: Prolific
    workspace: str = ""
    projects: dict[str, str] = field(default_factory=dict)  # title -> ID
    countries: dict[str, str] = field(default_factory=dict)  # lower-case name -> choice ID

    def workspace_id(self) -> str:
        if not self.workspace:
            found = list(self.api.pages("workspaces", "list workspaces"))
            if not found:
                raise DeployError("the Prolific token sees no workspace; create one on "
                                  "Prolific and use a token of it")
            self.workspace = str(found[0]["id"])
        return self.workspace

    def project(self, title: str) -> str:
        """The workspace's project of this title, made when there is none."""
        where = f"workspaces/{self.workspace_id()}/projects"
        if title not in self.projects:
            for item in self.api.pages(where, "list projects"):
                self.projects.setdefault(str(item.get("title")), str(item["id"]))
        if title not in self.projects:
            made = self.api.post(where, f"create project {title!r}", {"title": title})
            self.projects[title] = str(made["id"])
        return self.projects[title]

    def country_names(self) -> dict[str, str]:
        """Prolific's country filter: lower-case name -> choice ID."""
        if not self.countries:
            for entry in self.api.pages("filters", "list filters"):
                if entry.get("filter_id") == COUNTRY:
                    choices = entry.get("choices") or {}
                    self.countries = {str(v).lower(): str(k) for k, v in choices.items()}
        return self.countries

    def country_ids(self, names: tuple[str, ...]) -> tuple[str, ...]:
        if names:
            self.country_names()
        wrong = [n for n in names if n.lower() not in self.countries]
        if wrong:
            guess = closest(wrong[0].lower(), list(self.countries))
            hint = f"; did you mean {guess.title()}?" if guess else ""
            raise DeployError(f"Prolific's country filter has no {wrong[0]!r}{hint}")
        return tuple(self.countries[n.lower()] for n in names)


class Steps:
    def __init__(self, account: Account, recorder: Recorder, clock: Clock,
                 report: Report) -> None:
        self.account = account
        self.api = account.api
        self.recorder = recorder
        self.clock = clock
        self.report = report

    def run(self, payload: Payload) -> None:
        match payload:
            case Create(study=new):
                self.create(new)
            case Publish(address=address, generation=generation, study_id=study_id):
                self.publish(address, generation, study_id)
            case Grow():
                self.api.patch(f"studies/{payload.study_id}", "add places",
                               {"total_available_places": payload.places})
                self.mark(payload.address, payload.generation, places=payload.places,
                          config_hash=payload.config_hash)
                self.report(f"{payload.address}: {payload.study_id} now has {payload.places} "
                            "places")
            case Transition():
                self.transition(payload)
            case Discard(address=address, generation=generation, study_id=study_id):
                self.api.delete(f"studies/{study_id}", "delete the draft")
                self.mark(address, generation, status="gone")
                self.report(f"{address}: draft {study_id} deleted")
            case Adopt(record=record):
                self.recorder.put(record)
                self.report(f"{record.address}: adopted {record.study_id} into the lockfile")
            case Forget(address=address, generation=generation):
                self.mark(address, generation, status="gone")
                self.report(f"{address}: recorded as gone")
            case Approve(address=address, submission_id=sid):
                self.api.post(f"submissions/{sid}/transition", "approve the submission",
                              {"action": "APPROVE"}, safe=True)
                self.report(f"{address}: approved")
            case Reject(address=address, submission_id=sid):
                self.api.post(f"submissions/{sid}/transition", "reject the submission",
                              {"action": "REJECT", "message": payload.message,
                               "rejection_category": payload.category}, safe=True)
                self.report(f"{address}: rejected ({payload.category})")
            case Pay():
                self.pay(payload)

    def mark(self, address: str, generation: int, **changes: Any) -> None:
        self.recorder.update(RecordedStudy, (address, generation), **changes)

    def create(self, new: NewStudy) -> None:
        self.recorder.put(RecordedStudy(new.address, new.generation, new.internal_name,
                                        new.fingerprint, new.config_hash, new.places,
                                        "pending"))
        project = self.account.project(new.project)
        found = self.find(new.internal_name)
        if found is None:
            body = create_body(new, project, self.lists(new))
            found = self.api.post("studies", f"create the study {new.title!r}", body)
            self.report(f"{new.address}: created draft {found['id']} ({new.places} places)")
        else:
            self.report(f"{new.address}: found draft {found['id']} from an earlier apply")
        seen = study(found)
        self.mark(new.address, new.generation, study_id=seen.study_id, status="draft")
        if new.publish:
            self.publish(new.address, new.generation, seen.study_id)

    def find(self, name: str) -> dict[str, Any] | None:
        """The study an earlier apply created under this reserved name, if any."""
        matches = [s for s in self.api.pages("studies", "list studies")
                   if s.get("internal_name") == name]
        if len(matches) > 1:
            ids = ", ".join(str(s["id"]) for s in matches)
            raise DeployError(f"Prolific holds {len(matches)} studies named {name} ({ids}); "
                              "delete the extra drafts (or stop the extra studies) on Prolific, "
                              "then apply again")
        return matches[0] if matches else None

    def lists(self, new: NewStudy) -> Lists:
        rules = new.eligibility
        return Lists(self.account.country_ids(rules.countries),
                     self.study_ids(rules.exclude), self.study_ids(rules.only))

    def study_ids(self, names: tuple[str, ...]) -> tuple[str, ...]:
        found: list[str] = []
        for name in names:
            generation = 1
            ids = []
            while (record := self.recorder.find(RecordedStudy,
                                                _generation(name, generation))) is not None:
                ids += [record.study_id] if record.study_id else []
                generation += 1
            if not ids:
                raise DeployError(f"{name} has no Prolific study yet in this environment, so "
                                  "its participants cannot be named; apply it first")
            found += ids
        return tuple(found)

    def publish(self, address: str, generation: int, study_id: str) -> None:
        now = study(self.api.get(f"studies/{study_id}", "read the study"))
        if now.status == "UNPUBLISHED":
            now = study(self.api.post(f"studies/{study_id}/transition", "publish the study",
                                      {"action": "PUBLISH"}))
            self.report(f"{address}: published {study_id}")
        else:
            self.report(f"{address}: {study_id} was published already")
        self.mark(address, generation, status="published",
                  published_at=now.published_at or self.clock())

    def transition(self, change: Transition) -> None:
        now = study(self.api.get(f"studies/{change.study_id}", "read the study"))
        if now.status not in AFTER[change.action]:
            self.api.post(f"studies/{change.study_id}/transition",
                          f"{change.action.lower()} the study", {"action": change.action})
        self.mark(change.address, change.generation, status=RECORDED[change.action],
                  config_hash=change.config_hash)
        self.report(f"{change.address}: {change.study_id} {DONE[change.action]}")

    def pay(self, change: Pay) -> None:
        setup = change.setup_id
        if not setup:
            self.recorder.put(RecordedBonus(change.address, f"{change.total:.2f}",
                                            f"{change.add:.2f}", "pending"))
            made = self.api.post("submissions/bonus-payments", "set up the bonus",
                                 {"study_id": change.study_id,
                                  "csv_bonuses": f"{change.submission_id},{change.add:.2f}"})
            setup = str(made["id"])
            self.recorder.update(RecordedBonus, (change.address,), status="set_up",
                                 setup_id=setup)
        self.recorder.update(RecordedBonus, (change.address,), status="paying")
        try:
            self.api.post(f"bulk-bonus-payments/{setup}/pay", "pay the bonus")
        except ProlificError as error:
            if error.status < 500:  # refused, so nothing was paid: the set-up can be paid
                self.recorder.update(RecordedBonus, (change.address,), status="set_up")
            raise
        detail = self.api.get(f"submissions/{change.submission_id}", "read the submission")
        paid = major(sum(detail.get("bonus_payments") or ()))
        if paid >= change.total:
            self.recorder.update(RecordedBonus, (change.address,), status="paid")
            self.report(f"{change.address}: bonus of {change.add} paid")
        else:
            self.report(f"{change.address}: bonus of {change.add} sent; Prolific pays it "
                        "within minutes")


def _generation(study: str, generation: int) -> Callable[[RecordedStudy], bool]:
    return lambda record: record.study == study and record.generation == generation
