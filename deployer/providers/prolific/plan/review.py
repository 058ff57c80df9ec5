"""Review decisions and bonuses for Prolific submissions, from reviews/ENV/STUDY.csv.

Approvals and rejections are idempotent on Prolific. A bonus is set up, then paid by a call
Prolific does not deduplicate, so a bonus whose pay call may have run is never paid again: the
plan waits until the payment shows on the submission.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from deployer.core.findings import Findings, act, fail, total, warn
from deployer.core.plan import ZERO, Attribute, Change
from deployer.core.review import Decision, Review
from deployer.providers.prolific.observed import ObservedSubmission
from deployer.providers.prolific.plan.context import Context
from deployer.providers.prolific.plan.payloads import Approve, Pay, Reject
from deployer.providers.prolific.records import RecordedBonus, RecordedStudy
from deployer.providers.prolific.study import Study

WAITING = "AWAITING REVIEW"


def review(ctx: Context, name: str, study: Study | None, file: Review | None) -> Findings:
    work = _work(ctx, name)
    decisions = file.decisions if file else ()
    parts = [_decide(ctx, file, d, work.get(d.submission_id), study) for d in decisions]
    if study is not None and study.review == "approve_all":
        written = {d.submission_id for d in decisions if d.verdict}
        parts += [_approve(name, s, f"`review: approve_all` in {study.path}")
                  for s in work.values() if s.status == WAITING and s.submission_id not in written]
    return total(parts)


def _work(ctx: Context, name: str) -> dict[str, ObservedSubmission]:
    ids = {r.study_id for r in ctx.env.of(RecordedStudy) if r.study == name and r.study_id}
    return {s.submission_id: s for study_id in sorted(ids)
            for s in ctx.observed.submissions.get(study_id, ())}


def _decide(ctx: Context, file: Review | None, d: Decision, seen: ObservedSubmission | None,
            study: Study | None) -> Findings:
    assert file is not None  # a decision always comes from a file
    where = f"{file.path}:{d.line}"
    if seen is None:
        return fail(file.study, f"{where}: submission {d.submission_id} is not a submission of "
                    f"{file.study} in {ctx.environment.upper()}",
                    f"copy submission IDs from results/{ctx.environment}/{file.study}.csv "
                    "(`deploy results` writes it)")
    return _verdict(file.study, where, d, seen) + _bonus(ctx, file.study, where, d, seen)


def _verdict(name: str, where: str, d: Decision, seen: ObservedSubmission) -> Findings:
    if not d.verdict or seen.status == ("APPROVED" if d.verdict == "approve" else "REJECTED"):
        return Findings()
    if seen.status != WAITING:
        if seen.status in ("APPROVED", "REJECTED"):
            return fail(f"{name}/{seen.submission_id}", f"{where}: submission "
                        f"{seen.submission_id} is {seen.status.lower()} already, and Prolific's "
                        "decisions are final", f"write {seen.status.lower()[:-1]}e or "
                        "leave the decision empty")
        if seen.status in ("RETURNED", "TIMED-OUT", "SCREENED OUT"):
            return warn(f"{name}/{seen.submission_id}", f"{where}: submission "
                        f"{seen.submission_id} is {seen.status.lower()}: there is nothing to "
                        "decide", "clear the decision")
        return warn(f"{name}/{seen.submission_id}", f"{where}: submission {seen.submission_id} "
                    f"is {seen.status.lower()}, not awaiting review; decided once it is")
    if d.verdict == "approve":
        return _approve(name, seen, f"approved in {where}")
    return act(Change(f"{name}/{seen.submission_id}", "reject", "reject", f"rejected in {where}",
                      ZERO, (Attribute("category", d.category),
                             Attribute("message", d.feedback, quoted=True)),
                      {"status": seen.status}, {"status": "REJECTED"}, None,
                      Reject(f"{name}/{seen.submission_id}", seen.submission_id, d.category,
                             d.feedback)))


def _approve(name: str, seen: ObservedSubmission, why: str) -> Findings:
    address = f"{name}/{seen.submission_id}"
    return act(Change(address, "approve", "approve", why, ZERO, (), {"status": seen.status},
                      {"status": "APPROVED"}, None, Approve(address, seen.submission_id)))


def _bonus(ctx: Context, name: str, where: str, d: Decision,
           seen: ObservedSubmission) -> Findings:
    if d.bonus is None:
        return Findings()
    address = f"{name}/{seen.submission_id}"
    recorded = next((b for b in ctx.env.of(RecordedBonus) if b.address == address), None)
    if recorded is not None and recorded.status == "paid":  # what Prolific showed us paid
        seen = replace(seen, bonuses=max(seen.bonuses, Decimal(recorded.total)))
    if recorded is not None and recorded.status == "paying" and \
            seen.bonuses < Decimal(recorded.total):
        return warn(address, f"{where}: a bonus of {recorded.amount} was sent for payment "
                    f"(set-up {recorded.setup_id}) and does not show on the submission yet; "
                    "deploy never pays it twice",
                    "plan again in a few minutes: Prolific pays bonuses asynchronously. If "
                    "Prolific's site shows no such payment after a day, the pay call never "
                    f"arrived: delete the `bonuses` entry of {address} from the lockfile and "
                    "apply again")
    if d.bonus < seen.bonuses:
        return fail(address, f"{where}: bonus is {d.bonus} but {seen.bonuses} was paid "
                    "already; a bonus cannot be taken back", f"write {seen.bonuses} or more")
    add = d.bonus - seen.bonuses
    if add == 0:
        return Findings()
    study_id = seen.study_id
    cost = ctx.money(None, add)
    return act(Change(address, "pay", "bonus", f"bonus in {where}: {d.bonus_reason}", cost,
                      (Attribute("bonus", str(d.bonus), str(seen.bonuses)),),
                      {"bonus": str(seen.bonuses)}, {"bonus": str(d.bonus)}, None,
                      Pay(address, seen.submission_id, study_id, d.bonus, add,
                          _recorded_setup(recorded, d.bonus))))


def _recorded_setup(recorded: RecordedBonus | None, wanted: Decimal) -> str:
    """A set-up recorded for this very total that was never paid can be paid as it is."""
    if recorded is not None and recorded.status == "set_up" and \
            Decimal(recorded.total) == wanted:
        return recorded.setup_id or ""
    return ""
