"""The review a person wrote, against what MTurk reports: approve, reject, pay bonuses.

Decided from observed state: an assignment already approved needs nothing, one auto-approved
can no longer be rejected, a rejection is overridden only within MTurk's 30 days, and a bonus
pays the difference between the file's total and what was paid (MTurk's own record, or this
lockfile's, whichever is more), never less than nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from deployer.core.findings import Findings, act, fail, total, warn
from deployer.core.plan import ZERO
from deployer.core.records import EnvLock
from deployer.core.results import pseudonym
from deployer.core.review import Decision, Desired, Review
from deployer.core.text import money, stamp
from deployer.providers.mturk.fees import bonus_fee
from deployer.providers.mturk.observed import ObservedAssignment
from deployer.providers.mturk.plan.changes import review_change
from deployer.providers.mturk.plan.context import Context
from deployer.providers.mturk.plan.identity import bonus_token
from deployer.providers.mturk.plan.payloads import Approve, Pay, Reject
from deployer.providers.mturk.records import RecordedBonus
from deployer.providers.mturk.study import Study

OVERRIDE_WINDOW = timedelta(days=30)  # reference §2.14
BONUS_WINDOW = timedelta(days=183)  # reference §2.16: work submitted in the last six months
REJECTION_WARNING = Decimal("0.10")


def under_review(desired: Desired) -> set[str]:
    """Studies whose submissions the plan must see: a review file, or `review: approve_all`."""
    everyone = {s.name for s in desired.studies if isinstance(s, Study)
                and s.review == "approve_all"}
    return set(desired.reviews) | everyone


def bonus_assignments(desired: Desired, env: EnvLock) -> set[str]:
    """Assignments whose bonuses MTurk must be asked about."""
    asked = {d.submission_id for r in desired.reviews.values() for d in r.decisions
             if d.bonus is not None}
    return asked | {b.assignment_id for b in env.of(RecordedBonus)}


@dataclass(frozen=True)
class Work:
    """A submitted assignment of the study and the batch it belongs to."""

    address: str  # "<study>/<batch>/<assignment_id>"
    seen: ObservedAssignment


def review(ctx: Context, name: str, study: Study | None, file: Review | None) -> Findings:
    work = _work(ctx, name)
    decisions = file.decisions if file else ()
    parts = [_decide(ctx, file, d, work.get(d.submission_id)) for d in decisions]
    if study is not None and study.review == "approve_all":
        written = {d.submission_id for d in decisions if d.verdict}
        parts += [_approve(ctx, w, "", False, f"`review: approve_all` in {study.path}")
                  for w in work.values()
                  if w.seen.status == "Submitted" and w.seen.assignment_id not in written]
    found = total(parts)
    return found + _rejection_warning(name, work, found)


def _work(ctx: Context, name: str) -> dict[str, Work]:
    found: dict[str, Work] = {}
    for record in ctx.hits:
        if record.study != name or record.hit_id is None:
            continue
        for seen in ctx.observed.assignments.get(record.hit_id, ()):
            found[seen.assignment_id] = Work(f"{record.address}/{seen.assignment_id}", seen)
    return found


def _decide(ctx: Context, file: Review | None, d: Decision, work: Work | None) -> Findings:
    assert file is not None  # a decision always comes from a file
    where = f"{file.path}:{d.line}"
    if work is None:
        return fail(file.study, f"{where}: assignment {d.submission_id} is not a submission of "
                    f"{file.study} in {ctx.environment.upper()}",
                    f"copy assignment IDs from results/{ctx.environment}/{file.study}.csv "
                    "(`deploy results` writes it); a HIT MTurk disposed of after 120 days can "
                    "no longer be reviewed")
    verdict = _verdict(ctx, where, d, work)
    return verdict + _bonus(ctx, where, d, work)


def _verdict(ctx: Context, where: str, d: Decision, work: Work) -> Findings:
    seen = work.seen
    if d.verdict == "approve":
        if seen.status == "Submitted":
            return _approve(ctx, work, d.feedback, False, f"approved in {where}")
        if seen.status == "Rejected":
            submitted = seen.submitted_at or ctx.now
            if ctx.now - submitted > OVERRIDE_WINDOW:
                return fail(work.address, f"{where}: assignment {seen.assignment_id} was "
                            f"rejected and submitted on {stamp(submitted)}, more than 30 days "
                            "ago: MTurk no longer lets a rejection be overridden",
                            "clear the decision (or write `reject`)")
            return _approve(ctx, work, d.feedback, True, f"approved in {where}; it was rejected")
    if d.verdict == "reject":
        if seen.status == "Submitted":
            return act(review_change(Reject(work.address, seen.assignment_id, d.feedback),
                                     f"rejected in {where}", _worker(ctx, seen), seen))
        if seen.status == "Approved":
            how = "automatically " if _auto(seen) else ""
            return fail(work.address, f"{where}: assignment {seen.assignment_id} was approved "
                        f"{how}at {stamp(seen.reviewed_at)}; MTurk cannot reject it any more",
                        "clear the decision, or write `approve`")
    return Findings()


def _auto(seen: ObservedAssignment) -> bool:
    return seen.auto_approval_at is not None and seen.reviewed_at == seen.auto_approval_at


def _approve(ctx: Context, work: Work, feedback: str, override: bool, why: str) -> Findings:
    payload = Approve(work.address, work.seen.assignment_id, feedback, override)
    return act(review_change(payload, why, _worker(ctx, work.seen), work.seen))


def _bonus(ctx: Context, where: str, d: Decision, work: Work) -> Findings:
    if d.bonus is None:
        return Findings()
    seen = work.seen
    paid = _paid(ctx, seen.assignment_id)
    if d.bonus < paid:
        return fail(work.address, f"{where}: bonus {money(d.bonus)} is less than the "
                    f"{money(paid)} already paid for assignment {seen.assignment_id}; a bonus "
                    "cannot be taken back", f"write bonus {paid:.2f} (or more)")
    if d.bonus == paid:
        return Findings()
    submitted = seen.submitted_at or ctx.now
    if ctx.now - submitted > BONUS_WINDOW:
        return fail(work.address, f"{where}: assignment {seen.assignment_id} was submitted on "
                    f"{stamp(submitted)}; MTurk pays bonuses only for work of the last six "
                    "months", "remove the bonus, or pay the worker another way")
    amount = d.bonus - paid
    target = f"{d.bonus:.2f}"
    token = bonus_token(ctx.lineage, ctx.environment, seen.assignment_id, target)
    pay = Pay(work.address, seen.assignment_id, target, f"{amount:.2f}", token, d.bonus_reason)
    cost = amount + bonus_fee(amount)
    return act(review_change(pay, f"bonus of {money(d.bonus)} in {where} ({money(paid)} paid)",
                             _worker(ctx, seen), seen, cost))


def _paid(ctx: Context, assignment_id: str) -> Decimal:
    """What MTurk reports paid, or what this lockfile saw MTurk accept, whichever is more
    (a bonus just sent may not be listed yet)."""
    reported = sum(ctx.observed.bonuses.get(assignment_id, ()), ZERO)
    sent = sum((Decimal(b.amount) for b in ctx.env_lock.of(RecordedBonus)
                if b.assignment_id == assignment_id and b.status == "sent"), ZERO)
    return max(reported, sent)


def _worker(ctx: Context, seen: ObservedAssignment) -> str:
    key = ctx.env_lock.pseudonym_key
    return pseudonym(key, seen.worker_id) if key else "(run `deploy results` to name workers)"


def _rejection_warning(name: str, work: Mapping[str, Work], found: Findings) -> Findings:
    planned = sum(1 for c in found.changes if c.verb == "reject")
    rejected = planned + sum(1 for w in work.values() if w.seen.status == "Rejected")
    if not planned or not work or Decimal(rejected) / len(work) <= REJECTION_WARNING:
        return Findings()
    share = round(100 * rejected / len(work))
    return warn(name, f"{rejected} of {len(work)} submissions of {name} ({share}%) would be "
                "rejected: each rejection lowers a worker's approval rate, which other "
                "requesters filter on", "reject only work that ignored the instructions")
