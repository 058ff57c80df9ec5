"""Bonuses in two steps (reference §7): set up from CSV (major units), then pay.

Paying is NOT idempotent, on Prolific and here: every call of the pay endpoint pays every row
again. Each call is recorded as a payment (GET /_emulator/payments) so that tests can assert
that a client never pays twice. There is no GET for a bulk bonus, as on Prolific.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from deployer.emulators.prolific import money
from deployer.emulators.prolific.backend import Backend
from deployer.emulators.prolific.errors import bad, invalid, not_found
from deployer.emulators.prolific.money import NOTHING, Cost
from deployer.emulators.prolific.records import BulkBonusRec, PaymentRec, StudyRec
from deployer.emulators.prolific.router import Answer, Call
from deployer.emulators.prolific.schema import BULK_BONUSES, PAYMENTS, SUBMISSIONS, WORKSPACES
from deployer.emulators.prolific.wire import amount

MAX_ROWS = 200
PAY_ANSWER = "The bonuses are being paid."


def create(call: Call) -> Answer:
    body = call.body()
    study_id, text = body.get("study_id"), body.get("csv_bonuses")
    if not isinstance(study_id, str):
        raise invalid("study_id", "This field is required.")
    if not isinstance(text, str) or not text.strip():
        raise invalid("csv_bonuses", "This field is required: lines of "
                                     "'<participant or submission ID>,<amount>'.")
    study = call.emu.study(call.who, study_id)
    rows = _rows(call.emu, study, text)
    total = NOTHING
    for _, _, paid in rows:
        total = total.plus(money.cost_of(call.emu.config, Decimal(paid)))
    bulk = BulkBonusRec(id=call.emu.new_id("bulk-bonus"), study_id=study.id,
                        workspace_id=study.workspace_id, rows=[list(r) for r in rows],
                        amount=str(total.rewards), fees=str(total.fees), vat=str(total.vat),
                        total=str(total.total), created=call.emu.now())
    BULK_BONUSES.put(call.emu.db, bulk)
    return 201, {"id": bulk.id, "study": study.id, "amount": amount(total.rewards),
                 "fees": amount(total.fees), "vat": amount(total.vat),
                 "total_amount": amount(total.total)}


def _rows(emu: Backend, study: StudyRec, text: str) -> list[tuple[str, str, str]]:
    """(participant, submission, amount in minor units) per line; every problem at once."""
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]
    if len(lines) > MAX_ROWS:
        raise invalid("csv_bonuses", f"At most {MAX_ROWS} bonuses per request "
                                     f"({len(lines)} given).")
    submissions = emu.submissions_of(study.id)
    by_participant = {s.participant_id: s.id for s in submissions}  # the latest one
    by_submission = {s.id: s.participant_id for s in submissions}
    problems, strangers, seen = [], [], set()
    rows: list[tuple[str, str, str]] = []
    for number, line in enumerate(lines, 1):
        parts = [part.strip() for part in line.split(",")]
        paid = _minor(parts[1]) if len(parts) == 2 else None
        if paid is None:
            problems.append(f"Line {number}: expected '<ID>,<amount>' with an amount above 0 "
                            f"in major units with at most 2 decimals, e.g. 4.25; got {line!r}.")
            continue
        who = parts[0]
        if who in seen:
            problems.append(f"Line {number}: {who} appears more than once.")
        seen.add(who)
        if who in by_submission:
            rows.append((by_submission[who], who, paid))
        elif who in by_participant:
            rows.append((who, by_participant[who], paid))
        else:
            strangers.append(who)
    if strangers:
        problems.append(f"These IDs did not take part in study {study.id}: "
                        f"{', '.join(strangers)}.")
    if problems:
        raise bad({"csv_bonuses": problems})
    return rows


def _minor(text: str) -> str | None:
    try:
        major = Decimal(text)
    except InvalidOperation:
        return None
    exponent = major.as_tuple().exponent
    if not major.is_finite() or major <= 0 or not isinstance(exponent, int) or exponent < -2:
        return None
    return str((major * 100).quantize(Decimal(1)))


def pay(call: Call) -> Answer:
    bulk = BULK_BONUSES.get(call.emu.db, call.args["bulk_id"])
    if bulk is None or bulk.workspace_id not in call.who.workspaces:
        raise not_found()
    workspace = WORKSPACES.get(call.emu.db, bulk.workspace_id)
    assert workspace is not None
    free = money.available(call.emu, workspace)
    if Decimal(bulk.total) > free:
        raise bad(f"Insufficient funds: these bonuses cost {amount(bulk.total)} (with fees and "
                  f"VAT, minor units of {workspace.currency}) and the workspace has "
                  f"{amount(free)} available.")
    now = call.emu.now()
    payment = PaymentRec(id=call.emu.new_id("payment"), bulk_id=bulk.id,
                         study_id=bulk.study_id, workspace_id=bulk.workspace_id, requested=now,
                         due=now + call.emu.config.bonus_pay_seconds)
    PAYMENTS.put(call.emu.db, payment)
    if call.emu.config.bonus_pay_seconds <= 0:
        run_payment(call.emu, payment)
    return 202, PAY_ANSWER


def run_payment(emu: Backend, payment: PaymentRec) -> None:
    """Charges one pay call: each row's bonus, fee and VAT, onto the submission."""
    bulk = BULK_BONUSES.get(emu.db, payment.bulk_id)
    workspace = WORKSPACES.get(emu.db, payment.workspace_id)
    assert bulk is not None and workspace is not None
    for participant_id, submission_id, paid in bulk.rows:
        cost: Cost = money.cost_of(emu.config, Decimal(paid))
        money.charge(emu, workspace, "bonus", cost, bulk.study_id, submission_id,
                     participant_id)
        submission = SUBMISSIONS.get(emu.db, submission_id)
        assert submission is not None
        submission.bonus_payments.append(paid)
        SUBMISSIONS.put(emu.db, submission)
    payment.paid_at = emu.now()
    PAYMENTS.put(emu.db, payment)
