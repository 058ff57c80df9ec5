"""What happens merely because time passed: scheduled studies publish, publishing ends,
reservations and submissions time out, unreviewed submissions are approved after 21 days, and
queued bulk approvals and bonus payments are carried out.

`refresh()` runs before every request and after the clock moves, so nothing is ever shown
stale. Each rule asks an index for what is due.
"""

from __future__ import annotations

from deployer.emulators.prolific import bonuses, lifecycle, outcomes, reviews
from deployer.emulators.prolific.backend import Backend
from deployer.emulators.prolific.schema import APPROVAL_JOBS, PAYMENTS, STUDIES, SUBMISSIONS


def refresh(emu: Backend) -> None:
    """Applies every rule that is due. Callers hold a transaction."""
    now = emu.now()
    for study in STUDIES.where(emu.db, "status = 'SCHEDULED' AND publish_at <= ?", (now,)):
        lifecycle.go_live(emu, study)
    publishing = emu.config.publishing_seconds
    for study in STUDIES.where(emu.db, "status = 'PUBLISHING' AND started_publishing_at + ? <= ?",
                               (publishing, now)):
        study.status = "ACTIVE"
        STUDIES.put(emu.db, study)
        lifecycle.settle(emu, study)
    for submission in SUBMISSIONS.where(
            emu.db, "status IN ('RESERVED', 'ACTIVE') AND deadline <= ?", (now,),
            order="deadline, id"):
        outcomes.time_out(emu, submission, emu.study_record(submission.study_id))
    for submission in SUBMISSIONS.where(
            emu.db, "status = 'AWAITING REVIEW' AND auto_approve_at <= ?", (now,),
            order="auto_approve_at, id"):
        outcomes.approve(emu, submission, emu.study_record(submission.study_id))
    for job in APPROVAL_JOBS.where(emu.db, "done = 0 AND due <= ?", (now,), order="due, id"):
        reviews.run_bulk_approval(emu, job)
    for payment in PAYMENTS.where(emu.db, "paid_at IS NULL AND due <= ?", (now,),
                                  order="due, id"):
        bonuses.run_payment(emu, payment)
