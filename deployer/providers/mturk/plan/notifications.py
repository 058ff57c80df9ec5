"""A study's `notifications:` reconciled with what deploy set on its HIT types.

MTurk keeps one notification specification per HIT type and has no call to read it back, so
the lockfile's RecordedNotification (what was applied) stands for what MTurk has. New HITs get
the specification set as they are created (Create, Replace, UpdateType carry it); this change
sets it on the recorded HIT types that differ, and tries a new or changed specification with a
test event. Whether an SQS queue or SNS topic exists and lets MTurk send to it was observed
(api/destinations.py); a problem there is a plan error, with the policy that fixes it.
"""

from __future__ import annotations

from deployer.core.findings import Findings, act, fail, warn
from deployer.providers.mturk.observed import DestinationCheck
from deployer.providers.mturk.plan.changes import change
from deployer.providers.mturk.plan.context import Context
from deployer.providers.mturk.plan.payloads import SetNotifications
from deployer.providers.mturk.records import RecordedNotification
from deployer.providers.mturk.study import Notification, Study


def plan_notifications(ctx: Context, study: Study) -> Findings:
    """The study's change of notification settings, if any (open studies only)."""
    found = destination_findings(ctx, study)
    wanted = study.notifications
    types = sorted({h.hit_type_id for h in ctx.hits if h.study == study.name
                    and h.status == "live" and h.hit_type_id})
    recorded = {r.hit_type_id: r for r in ctx.env_lock.of(RecordedNotification)}
    stale = tuple(t for t in types if _spec(recorded.get(t)) != wanted)
    applied = {r.spec for r in recorded.values() if r.study == study.name}
    test = wanted is not None and applied != {wanted}
    if not stale and not test:
        return found
    payload = SetNotifications(f"{study.name}/notifications", wanted, stale, test)
    return found + act(change(payload, _reason(study, stale, test)))


def _spec(record: RecordedNotification | None) -> Notification | None:
    return None if record is None else record.spec


def _reason(study: Study, stale: tuple[str, ...], test: bool) -> str:
    if study.notifications is None:
        return f"notifications were removed from {study.path}"
    if test:
        return f"notifications are new or changed in {study.path}; a test event tries them"
    return "some HIT types of the study do not have its notification settings yet"


def destination_findings(ctx: Context, study: Study) -> Findings:
    spec = study.notifications
    if spec is None or spec.transport == "Email":
        return Findings()
    check = ctx.observed.destinations.get(spec.destination)
    if check is None:
        return warn(study.name, f"the {spec.transport} destination of {study.path} was not "
                    f"checked: {ctx.environment.upper()} is an emulator and no AWS endpoint "
                    f"is configured for {spec.transport}",
                    "MTurk's sandbox and production plans check it; to check it here, set "
                    f"AWS_ENDPOINT_URL_{spec.transport} (the README explains)")
    if check.problem:
        return fail(study.name, f"{study.path}: {check.problem}", policy_hint(spec, check))
    if check.doubt:
        return warn(study.name, f"{study.path}: {check.doubt}",
                    "make sure MTurk may send to it (the README's Notifications section)")
    return Findings()


def policy_hint(spec: Notification, check: DestinationCheck) -> str:
    if not check.exists:
        what = "queue" if spec.transport == "SQS" else "topic"
        return f"create the {what}, or correct notifications.destination"
    action = "sqs:SendMessage" if spec.transport == "SQS" else "sns:Publish"
    return ("add this statement to its access policy: {\"Effect\": \"Allow\", \"Principal\": "
            "{\"Service\": \"mturk-requester.amazonaws.com\"}, \"Action\": \"" + action
            + "\", \"Resource\": \"" + check.resource + "\"}")
