"""`deploy notify` on MTurk: NotifyWorkers in groups of 100, each group recorded before the
call. MTurk has no idempotency token for messages, so a group whose outcome is unknown (the
last run stopped during its call) is never sent again: a missing message is better than a
duplicate."""

from __future__ import annotations

from deployer.core.messages import Delivery, Message
from deployer.core.provider import Recorder, Report
from deployer.core.records import EnvLock
from deployer.providers.mturk.api.client import MTurk
from deployer.providers.mturk.records import RecordedHit, RecordedMessage

GROUP = 100  # NotifyWorkers takes at most 100 workers
STATUSES = {"all": ("Submitted", "Approved", "Rejected"), "approved": ("Approved",),
            "rejected": ("Rejected",), "submitted": ("Submitted",)}


def notify(mturk: MTurk, env: EnvLock, message: Message, recorder: Recorder,
           report: Report) -> Delivery:
    workers = _audience(mturk, env, message)
    groups = [m for m in env.of(RecordedMessage) if m.message == message.ident]
    done = {who for g in groups if g.status == "sent" for who in g.recipients}
    unknown = {who for g in groups if g.status == "pending" for who in g.recipients}
    waiting = [w for w in workers if recorder.pseudonym(w) not in done | unknown]
    failed: list[tuple[str, str]] = []
    start = max((g.group for g in groups), default=0) + 1
    for number, at in enumerate(range(0, len(waiting), GROUP), start):
        batch = waiting[at:at + GROUP]
        names = tuple(recorder.pseudonym(w) for w in batch)
        intent = RecordedMessage(message.ident, number, message.study, names, "pending")
        recorder.put(intent)
        refused = mturk.notify(message.subject, message.text, batch)
        failures = [(recorder.pseudonym(w), why) for w, why in refused.items()]
        recorder.put(RecordedMessage(message.ident, number, message.study, names, "sent",
                                     tuple(who for who, _ in failures)))
        failed += failures
        report(f"{message.study}: sent to {len(batch) - len(failures)} of {len(batch)} "
               f"workers (group {number})")
    return Delivery(len(waiting) - len(failed), tuple(failed), len(done), len(unknown))


def _audience(mturk: MTurk, env: EnvLock, message: Message) -> list[str]:
    """Every worker with work of the wanted status on any HIT of the study, once."""
    wanted = STATUSES[message.to]
    found: dict[str, None] = {}
    for record in env.of(RecordedHit):
        if record.study != message.study or record.hit_id is None:
            continue
        seen = mturk.get_hit(record.hit_id)
        if seen is None or not seen.submitted:
            continue
        for raw in mturk.assignments(seen.hit_id, seen.submitted):
            if raw["AssignmentStatus"] in wanted:
                found.setdefault(raw["WorkerId"])
    return list(found)
