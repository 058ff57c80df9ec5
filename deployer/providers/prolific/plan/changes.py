"""Prolific's changes as the generic Change: the one place that gives each payload its verb,
reason, cost and the lines a reviewer reads."""

from __future__ import annotations

from decimal import Decimal

from deployer.core.findings import Findings, act
from deployer.core.plan import ZERO, Attribute, Change, Verb
from deployer.providers.prolific.observed import ObservedStudy
from deployer.providers.prolific.plan.payloads import (
    Action,
    Adopt,
    Create,
    Discard,
    Forget,
    Grow,
    NewStudy,
    Publish,
    Transition,
)
from deployer.providers.prolific.records import RecordedStudy
from deployer.providers.prolific.study import Study


def create(study: Study, generation: int, internal_name: str, places: int,
           earlier: list[str], cost: Decimal) -> Findings:
    new = NewStudy(
        address=f"{study.name}/study", generation=generation, internal_name=internal_name,
        fingerprint=study.fingerprint, config_hash=study.config_hash, title=study.title,
        description=study.description, external_url=study.external_url,
        estimated_minutes=study.estimated_minutes, maximum_minutes=study.maximum_minutes,
        reward=study.reward, places=places, codes=study.completion_codes,
        eligibility=study.eligibility, devices=study.devices, project=study.project,
        earlier=tuple(earlier), publish=study.state == "open")
    why = (f"{study.path} asks for {places} more places" if earlier else
           f"{study.path} declares this study")
    if not new.publish:
        why += "; it says paused, so the study stays a draft until `state: open`"
    attributes = (
        Attribute("title", study.title, quoted=True),
        Attribute("reward", f"{study.reward}"),
        Attribute("places", str(places)),
        Attribute("estimated_time", f"{study.estimated_minutes} minutes"),
        Attribute("maximum_time", f"{study.maximum_minutes} minutes"),
        Attribute("devices", ", ".join(study.devices)),
        *_eligibility(study),
        *((Attribute("closed_to", f"participants of {len(earlier)} earlier "
                     f"{'study' if len(earlier) == 1 else 'studies'} at this address"),)
          if earlier else ()),
    )
    after = {"title": study.title, "reward": str(study.reward), "places": places,
             "generation": generation, "publish": new.publish}
    # One study per dependency level: a study that excludes another's participants needs
    # that study's Prolific ID, so it comes after it.
    stage = 2 if study.eligibility.exclude or study.eligibility.only else 1
    return act(Change(new.address, "create", "create", why, cost if new.publish else ZERO,
                      attributes, None, after, study.config_hash, Create(new), stage))


def _eligibility(study: Study) -> tuple[Attribute, ...]:
    rules = study.eligibility
    lines = []
    if rules.countries:
        lines.append(Attribute("countries", ", ".join(rules.countries)))
    if rules.approval_rate is not None:
        lines.append(Attribute("approval_rate", f"at least {rules.approval_rate}%"))
    if rules.age is not None:
        low, high = rules.age
        lines.append(Attribute("age", f"{low or 18} to {high or 100}"))
    if rules.exclude:
        lines.append(Attribute("exclude", "participants of " + ", ".join(rules.exclude)))
    if rules.only:
        lines.append(Attribute("only", "participants of " + ", ".join(rules.only)))
    return tuple(lines)


def adopt(record: RecordedStudy, seen: ObservedStudy) -> Findings:
    why = (f"Prolific holds {seen.study_id} under this study's reserved name, but the "
           "lockfile does not record it (an apply stopped before it could)")
    return act(Change(record.address, "adopt", "adopt", why, ZERO,
                      (Attribute("study_id", seen.study_id, identity=True),
                       Attribute("status", seen.status)),
                      None, {"study_id": seen.study_id, "generation": record.generation},
                      None, Adopt(record)))


def forget(record: RecordedStudy, why: str) -> Findings:
    return act(Change(record.address, "forget", "forget", why, ZERO,
                      (Attribute("study_id", record.study_id or "(never created)",
                                 identity=True),),
                      None, None, None,
                      Forget(record.address, record.generation, record.study_id or "")))


def discard(record: RecordedStudy, why: str) -> Findings:
    assert record.study_id is not None
    return act(Change(record.address, "dispose", "discard", f"{why}: the unpublished draft is "
                      "deleted (nobody saw it; no money is held)", ZERO,
                      (Attribute("study_id", record.study_id, identity=True),),
                      {"study_id": record.study_id}, None, None,
                      Discard(record.address, record.generation, record.study_id)))


def publish(record: RecordedStudy, study: Study, cost: Decimal) -> Findings:
    assert record.study_id is not None
    return act(Change(record.address, "publish", "publish", f"{study.path} says open",
                      cost, (Attribute("study_id", record.study_id, identity=True),),
                      {"status": "UNPUBLISHED"}, {"status": "ACTIVE"}, study.config_hash,
                      Publish(record.address, record.generation, record.study_id,
                              study.config_hash)))


def grow(record: RecordedStudy, seen: ObservedStudy, study: Study, places: int,
         cost: Decimal) -> Findings:
    return act(Change(record.address, "update", "grow", f"{study.path} asks for more places",
                      cost, (Attribute("study_id", seen.study_id, identity=True),
                             Attribute("places", str(places), str(seen.places))),
                      {"places": seen.places}, {"places": places}, study.config_hash,
                      Grow(record.address, record.generation, seen.study_id, places,
                           study.config_hash)))


VERBS: dict[str, Verb] = {"PAUSE": "pause", "START": "start", "STOP": "stop"}


def transition(record: RecordedStudy, action: Action, why: str, cost: Decimal = ZERO,
               replacing: bool = False) -> Findings:
    assert record.study_id is not None
    verb = VERBS[action]
    return act(Change(record.address, verb, action.lower(), why, cost,
                      (Attribute("study_id", record.study_id, identity=True),),
                      None, {"action": action, "replacing": replacing}, record.config_hash,
                      Transition(record.address, record.generation, record.study_id, action,
                                 record.config_hash)))
